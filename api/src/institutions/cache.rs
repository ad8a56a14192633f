//! Institutions by id, cached in memory. Institutions are never deleted, and only the admin changes one (its
//! code or name, `updateInstitution`): the instance that made the change forgets it at once, and every other
//! instance reloads an entry older than [`FRESH_FOR`], so a change is seen everywhere within that.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use tokio::sync::RwLock;
use xyd_domain::InstitutionId;

use super::{Institution, InstitutionRepo};
use crate::error::AppResult;

/// How long a cached institution is used before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

#[derive(Default)]
pub struct InstitutionCache {
    known: RwLock<HashMap<InstitutionId, (Arc<Institution>, Instant)>>,
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
                    Some((i, loaded)) if loaded.elapsed() < FRESH_FOR => {
                        found.insert(id, i.clone());
                    }
                    _ => missing.push(id),
                }
            }
        }
        if !missing.is_empty() {
            missing.sort();
            missing.dedup();
            let loaded: HashMap<_, _> =
                InstitutionRepo::find_many(conn, missing).await?.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
            let now = Instant::now();
            self.known.write().await.extend(loaded.iter().map(|(k, v)| (*k, (v.clone(), now))));
            found.extend(loaded);
        }
        Ok(found)
    }

    /// Drop what is known of `id`: it has just changed.
    pub async fn forget(&self, id: InstitutionId) {
        self.known.write().await.remove(&id);
    }
}
