//! Granting, revoking and looking up consents.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use xyd_domain::consent::{ConsentFact, ConsentTerms};
use xyd_domain::{ConsentId, DemandId, InstitutionId, InstitutionKind, SubjectId, TagList, UserId};
use xyd_reasons::Reason;

use super::entity;
use super::texts::ConsentText;
use crate::error::{AppError, AppResult};
use crate::institutions::InstitutionRepo;

/// Who a consent is for.
#[derive(Clone, Copy, Debug)]
pub enum Grantee {
    /// One bank or bureau.
    Institution(InstitutionId),
    /// Every bank that accepts this demand of the subject's.
    Demand(DemandId),
}

/// A grant as the enterprise signs it.
pub struct Grant {
    pub grantee: Grantee,
    pub terms: ConsentTerms,
    /// The text signed: the current one (see `texts::require_current`).
    pub text: &'static ConsentText,
}

/// The access-relevant facts of a stored consent.
pub fn fact_of(m: &entity::Model) -> ConsentFact {
    ConsentFact {
        categories: m.categories.as_slice().to_vec(),
        purpose: m.purpose,
        valid_from: m.valid_from,
        valid_until: m.valid_until,
        revoked_at: m.revoked_at,
    }
}

/// Record a grant; the same grant made twice returns the first.
pub async fn grant(
    conn: &impl ConnectionTrait,
    subject: SubjectId,
    signer: UserId,
    grant: Grant,
) -> AppResult<entity::Model> {
    let text = grant.text;
    let (grantee_id, demand_id) = resolve(conn, subject, grant.grantee).await?;
    let categories = TagList::new(grant.terms.categories.clone());
    let existing = entity::Entity::find()
        .filter(entity::Column::SubjectId.eq(subject))
        .filter(match grantee_id {
            Some(g) => entity::Column::GranteeId.eq(g),
            None => entity::Column::GranteeId.is_null(),
        })
        .filter(match demand_id {
            Some(d) => entity::Column::DemandId.eq(d),
            None => entity::Column::DemandId.is_null(),
        })
        .filter(entity::Column::Categories.eq(categories.clone()))
        .filter(entity::Column::Purpose.eq(grant.terms.purpose))
        .filter(entity::Column::ValidUntil.eq(grant.terms.valid_until))
        .filter(entity::Column::TextVersion.eq(text.version.as_str()))
        .filter(entity::Column::RevokedAt.is_null())
        .one(conn)
        .await?;
    if let Some(existing) = existing {
        return Ok(existing);
    }
    Ok(entity::ActiveModel {
        id: Set(ConsentId::new()),
        subject_id: Set(subject),
        grantee_id: Set(grantee_id),
        demand_id: Set(demand_id),
        categories: Set(categories),
        purpose: Set(grant.terms.purpose),
        valid_from: Set(grant.terms.valid_from),
        valid_until: Set(grant.terms.valid_until),
        revoked_at: Set(None),
        text_hash: Set(text.sha256.clone()),
        text_version: Set(text.version.clone()),
        signed_by: Set(signer),
        signed_at: Set(grant.terms.valid_from),
    }
    .insert(conn)
    .await?)
}

/// The grantee's columns (institution, demand), checked: an existing bank or bureau, or a demand of `subject`.
async fn resolve(
    conn: &impl ConnectionTrait,
    subject: SubjectId,
    grantee: Grantee,
) -> AppResult<(Option<InstitutionId>, Option<DemandId>)> {
    match grantee {
        Grantee::Institution(id) => {
            let institution = InstitutionRepo::find(conn, id)
                .await?
                .ok_or_else(|| AppError::input("input.granteeId", Reason::GranteeNotFound))?;
            let kind: InstitutionKind = institution.kind.into();
            if kind != InstitutionKind::Bank && kind != InstitutionKind::Bureau {
                return Err(AppError::input("input.granteeId", Reason::InvalidGrantee));
            }
            Ok((Some(id), None))
        }
        Grantee::Demand(id) => {
            let demand = crate::demands::repo::lookup(conn, id).await?;
            if demand.is_none_or(|d| d.subject_id != subject) {
                return Err(AppError::input("input.demandId", Reason::DemandNotFound));
            }
            Ok((None, Some(id)))
        }
    }
}

/// Revoke a consent of `subject`; revoking twice keeps the first revocation time.
pub async fn revoke(conn: &impl ConnectionTrait, subject: SubjectId, id: ConsentId) -> AppResult<entity::Model> {
    let consent = entity::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::not_found("授权不存在"))?;
    if consent.subject_id != subject {
        return Err(AppError::not_found("授权不存在"));
    }
    entity::Entity::update_many()
        .col_expr(entity::Column::RevokedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    entity::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| AppError::internal("consent", "vanished"))
}

/// Consents of `subject` that are active at `now` for `grantee`: granted to it directly, or granted to every
/// bank that accepts a demand, while the demand's reason stands — the bank holds the open, unexpired demand,
/// or lent on the funded one (not after it declined, not once the demand closed under it). Read without locks:
/// the report's early refusal reads it; what a logged read returns is decided by the access log (`in_force_among`).
pub async fn active_for(
    conn: &impl ConnectionTrait,
    subject: SubjectId,
    grantee: InstitutionId,
    now: DateTime<Utc>,
) -> AppResult<Vec<entity::Model>> {
    Ok(in_force_for(grantee, now)
        .filter(entity::Column::SubjectId.eq(subject))
        .order_by_asc(entity::Column::Id)
        .all(conn)
        .await?)
}

/// The consents in force at `now` for each `(subject, institution)` of `readers` (the rule of `active_for`),
/// each with the institution it is in force for: one statement when no consent of those subjects is a demand's,
/// and one more per institution for a demand's (its reason checked). On PostgreSQL the subjects' consents are
/// share-locked until the caller's transaction ends, so a revocation waits for it to commit; on SQLite the
/// caller's write transaction already excludes it.
pub async fn in_force_among(
    conn: &impl ConnectionTrait,
    readers: &BTreeSet<(SubjectId, InstitutionId)>,
    now: DateTime<Utc>,
) -> Result<Vec<(InstitutionId, entity::Model)>, sea_orm::DbErr> {
    let subjects: BTreeSet<SubjectId> = readers.iter().map(|(s, _)| *s).collect();
    let mut query = valid_at(now).filter(entity::Column::SubjectId.is_in(subjects)).order_by_asc(entity::Column::Id);
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_shared();
    }
    let unrevoked = query.all(conn).await?;
    let mut in_force = Vec::new();
    let mut by_demand: BTreeMap<InstitutionId, Vec<entity::Model>> = BTreeMap::new();
    for (subject, institution) in readers {
        for consent in unrevoked.iter().filter(|c| c.subject_id == *subject) {
            if consent.grantee_id == Some(*institution) {
                in_force.push((*institution, consent.clone()));
            } else if consent.demand_id.is_some() {
                by_demand.entry(*institution).or_default().push(consent.clone());
            }
        }
    }
    for (institution, consents) in by_demand {
        let ids: Vec<ConsentId> = consents.iter().map(|c| c.id).collect();
        let live: BTreeSet<ConsentId> = in_force_for(institution, now)
            .filter(entity::Column::Id.is_in(ids))
            .select_only()
            .column(entity::Column::Id)
            .into_tuple()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        in_force.extend(consents.into_iter().filter(|c| live.contains(&c.id)).map(|c| (institution, c)));
    }
    Ok(in_force)
}

/// The consents in force at `now` for `grantee`, of any subject.
fn in_force_for(grantee: InstitutionId, now: DateTime<Utc>) -> sea_orm::Select<entity::Entity> {
    valid_at(now).filter(
        sea_orm::Condition::any().add(entity::Column::GranteeId.eq(grantee)).add(
            sea_orm::Condition::all()
                .add(entity::Column::DemandId.in_subquery(crate::demands::repo::shared_with(grantee)))
                .add(entity::Column::DemandId.in_subquery(crate::demands::repo::live(now))),
        ),
    )
}

/// The consents not revoked and within their validity at `now`, whoever they are for.
fn valid_at(now: DateTime<Utc>) -> sea_orm::Select<entity::Entity> {
    entity::Entity::find()
        .filter(entity::Column::RevokedAt.is_null())
        .filter(entity::Column::ValidFrom.lte(now))
        .filter(entity::Column::ValidUntil.gt(now))
}

/// A read for a demand (`demand`, the purpose of a demand-scoped consent): only a bank that holds it (or lent on
/// it) may, and only for the demand's own subject.
pub async fn ensure_demand_held(
    conn: &impl ConnectionTrait,
    demand: DemandId,
    subject: SubjectId,
    bank: InstitutionId,
) -> AppResult<()> {
    crate::demands::repo::lookup(conn, demand)
        .await?
        .filter(|d| d.subject_id == subject)
        .ok_or_else(|| AppError::not_found("融资需求不存在"))?;
    let held = crate::demands::repo::shares_with(conn, demand, bank).await?;
    if held { Ok(()) } else { Err(AppError::forbidden("只有受理该需求的银行可按需求查询")) }
}

/// The consents with `ids`, in no particular order.
pub async fn by_ids(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = ConsentId>,
) -> AppResult<Vec<entity::Model>> {
    Ok(entity::Entity::find().filter(entity::Column::Id.is_in(ids)).all(conn).await?)
}

/// Every consent of `subject`, newest first.
pub async fn of_subject(conn: &impl ConnectionTrait, subject: SubjectId) -> AppResult<Vec<entity::Model>> {
    Ok(entity::Entity::find()
        .filter(entity::Column::SubjectId.eq(subject))
        .order_by_desc(entity::Column::Id)
        .all(conn)
        .await?)
}
