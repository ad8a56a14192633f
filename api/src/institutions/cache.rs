//! Institutions by id, cached in memory. Institutions are only ever created — no operation renames or
//! deletes one — so a cache that only grows is always exact. An operation that changes institutions must
//! clear it.

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::ConnectionTrait;
use tokio::sync::RwLock;
use xyd_domain::InstitutionId;

use super::{Institution, InstitutionRepo};
use crate::error::AppResult;

#[derive(Default)]
pub struct InstitutionCache {
    known: RwLock<HashMap<InstitutionId, Arc<Institution>>>,
}

impl InstitutionCache {
    /// The institutions with these ids; only ids not seen before reach the database.
    pub async fn find_many(
        &self,
        conn: &impl ConnectionTrait,
        ids: impl IntoIterator<Item = InstitutionId>,
    ) -> AppResult<HashMap<InstitutionId, Arc<Institution>>> {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        {
            let known = self.known.read().await;
            for id in ids {
                match known.get(&id) {
                    Some(i) => {
                        found.insert(id, i.clone());
                    }
                    None => missing.push(id),
                }
            }
        }
        if !missing.is_empty() {
            missing.sort();
            missing.dedup();
            let loaded: HashMap<_, _> =
                InstitutionRepo::find_many(conn, missing).await?.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
            self.known.write().await.extend(loaded.iter().map(|(k, v)| (*k, v.clone())));
            found.extend(loaded);
        }
        Ok(found)
    }
}
