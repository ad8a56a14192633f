//! `xinyidai gen-data subjects`: the existing (存续) subjects of a generated registry registered on the platform,
//! with registration and verification times spread over the past months — the history the indicators read.
//! Deterministic for a seed; subjects already on the platform are left as they are.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use xyd_datagen::registry::{RegistryGenerator, RegistryOptions, RegistryRow};
use xyd_domain::{RegistryStatus, SubjectId, VerificationMethod, VerificationStatus};

use xinyidai::error::{AppError, AppResult};
use xinyidai::state::AppState;
use xinyidai::subjects::entity;

const BATCH: usize = 1000;
/// Share of registered subjects that completed real-name verification.
const VERIFIED: f64 = 0.85;

/// Register every existing subject of `registry` (up to its `rows`); returns how many rows were offered.
pub async fn seed(state: &AppState, registry: &RegistryOptions, months: u32) -> AppResult<u64> {
    let generator = RegistryGenerator::new(registry).map_err(|e| AppError::internal("registry options", e))?;
    let mut rng = StdRng::seed_from_u64(registry.seed ^ 0x5eed_5b1e);
    let span = Duration::days(i64::from(months.max(1)) * 30);
    let start = Utc::now() - span;
    let mut offered = 0;
    let mut batch = Vec::with_capacity(BATCH);
    for index in 0..registry.rows {
        let row = generator.row(index).map_err(|e| AppError::internal("registry row", e))?;
        if row.status != RegistryStatus::Active || row.defect.is_some() {
            continue;
        }
        let registered = start + Duration::seconds(rng.random_range(0..span.num_seconds()));
        let verified = rng.random_bool(VERIFIED).then(|| registered + Duration::minutes(rng.random_range(1..4 * 1440)));
        batch.push(registered_from(row, registered, verified));
        if batch.len() == BATCH {
            offered += write(state, std::mem::take(&mut batch)).await?;
        }
    }
    offered += write(state, batch).await?;
    Ok(offered)
}

/// The platform row of a generated registry subject registered at `registered` and, if at all, verified (by
/// registry match) at `verified`.
pub fn registered_from(
    row: RegistryRow<'_>,
    registered: DateTime<Utc>,
    verified: Option<DateTime<Utc>>,
) -> entity::ActiveModel {
    let status = if verified.is_some() { VerificationStatus::Verified } else { VerificationStatus::Pending };
    entity::ActiveModel {
        id: Set(SubjectId::new()),
        uscc: Set(Some(row.uscc)),
        name: Set(row.name),
        kind: Set(row.kind),
        region_code: Set(row.town.code.clone()),
        industry_code: Set(Some(row.industry_code.to_string())),
        legal_rep_name: Set(row.legal_rep_name),
        legal_rep_id_cipher: Set(None),
        phone: Set(None),
        established_on: Set(Some(row.established_on)),
        registered_at: Set(registered),
        verification_status: Set(status),
        verification_note: Set(None),
        verified_at: Set(verified),
        verified_by: Set(None),
        verification_method: Set(verified.map(|_| VerificationMethod::RegistryMatch)),
        restricted: Set(false),
        trusted: Set(false),
        version: Set(0),
        id_hash: Set(None),
        id_masked: Set(None),
    }
}

/// Insert the batch's subjects whose codes are not registered yet (running it again adds nothing).
async fn write(state: &AppState, batch: Vec<entity::ActiveModel>) -> AppResult<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let n = batch.len() as u64;
    let txn = state.db.begin_write().await?;
    let codes: Vec<String> = batch.iter().filter_map(|m| m.uscc.try_as_ref().cloned().flatten()).collect();
    let registered: HashSet<String> = entity::Entity::find()
        .select_only()
        .column(entity::Column::Uscc)
        .filter(entity::Column::Uscc.is_in(codes))
        .into_tuple::<Option<String>>()
        .all(&*txn)
        .await?
        .into_iter()
        .flatten()
        .collect();
    let fresh: Vec<entity::ActiveModel> = batch
        .into_iter()
        .filter(|m| m.uscc.try_as_ref().is_none_or(|c| c.as_ref().is_none_or(|c| !registered.contains(c))))
        .collect();
    if !fresh.is_empty() {
        entity::Entity::insert_many(fresh).exec_without_returning(&*txn).await?;
    }
    txn.commit().await?;
    Ok(n)
}
