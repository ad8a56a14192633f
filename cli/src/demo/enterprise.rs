//! The enterprise demo login: the owner of a verified 雷州 enterprise with good tax records (纳税信用 A, else
//! B) that has borrowed on the platform before, and that posted a demand three days ago which two banks have
//! each granted credit on under their 银税互动 products — so matching, 预授信, the offers side by side and the
//! credit report all have something to show. The demand asks what a 银税互动 product would lend on its tax
//! paid, and shares its tax data with the banks that accept it (a signed consent, as when posted). Skipped
//! when the login exists.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use xyd_datagen::demands::{CreditOutcome, EXPIRY, GeneratedDemand, GeneratedResponse, ResponseOutcome};
use xyd_domain::consent::ConsentTerms;
use xyd_domain::{
    AccessPurpose, DataCategory, DemandStatus, Email, Money, Password, ProductType, Rate, Role, SubjectId, SubjectKind,
    TaxGrade, VerificationStatus,
};

use xinyidai::auth::password;
use xinyidai::auth::user::UserRepo;
use xinyidai::consents::{self, Grant, Grantee};
use xinyidai::credit::entity::tax_record;
use xinyidai::credit::repo::latest_grades;
use xinyidai::demands::entity::demand;
use xinyidai::error::AppError;
use xinyidai::state::AppState;
use xinyidai::subjects::entity as subject;

use super::Plan;
use super::accounts::DEMO_PASSWORD;
use crate::commands::operator;
use crate::gen_data::demands::{Lenders, write_demand};

/// The enterprise demo login.
pub const ENTERPRISE_LOGIN: &str = "boss@firm.demo";

/// 万元 in fen.
const WAN: i64 = 10_000 * 100;
/// The demand: three times last year's tax paid (the generated 银税互动 products' pre-credit rule at grade A),
/// within 10万–300万.
const TAX_MULTIPLE: i64 = 3;
const AMOUNT_WAN: (i64, i64) = (10, 300);

pub async fn seed(state: &AppState, plan: &Plan) -> anyhow::Result<()> {
    let email = Email::parse(ENTERPRISE_LOGIN)?;
    if UserRepo::find_by_email(state.db.conn(), &email).await.map_err(operator)?.is_some() {
        println!("  {ENTERPRISE_LOGIN}：已存在，跳过");
        return Ok(());
    }
    let (owner, grade) = choose(state.db.conn()).await?;
    let lenders = Lenders::load(state, super::BANKS, &plan.service_area).await.map_err(operator)?;
    let hash = password::hash(&Password::parse(DEMO_PASSWORD)?).await.map_err(operator)?;
    let amount_wan = asked_wan(state.db.conn(), owner.filed_under()).await?;
    let offered = offered_demand(plan.now, amount_wan)?;
    let (posted_at, expires_at) = (offered.posted_at, offered.expires_at);

    let txn = state.db.begin_write().await?;
    let user = UserRepo::insert(&*txn, &email, hash, Role::Enterprise, None, Some(owner.id)).await.map_err(operator)?;
    let calendar = state.config.demands.calendar();
    let shared = [DataCategory::Tax];
    let (demand, _) = write_demand(&*txn, &calendar, &lenders, owner.id, offered, &shared).await.map_err(operator)?;
    // Signed when the demand was posted, as `postDemand` does: valid until the demand expires.
    let terms = ConsentTerms::parse(&shared, AccessPurpose::LoanApplication, expires_at, posted_at)
        .map_err(|e| operator(AppError::from(e)))?;
    let grant = Grant { grantee: Grantee::Demand(demand), terms, text: consents::texts::current() };
    consents::grant(&*txn, owner.id, user.id, grant).await.map_err(operator)?;
    txn.commit().await?;
    println!(
        "  {ENTERPRISE_LOGIN}：{}（{}，纳税信用 {} 级），有贷款记录；{amount_wan}万元的新需求已获两家银行授信",
        owner.name,
        owner.filed_under(),
        grade.as_str()
    );
    Ok(())
}

/// A verified, unrestricted enterprise that has a funded demand, with the best latest tax grade (A, else B);
/// the first by code.
async fn choose(conn: &impl ConnectionTrait) -> anyhow::Result<(subject::Model, TaxGrade)> {
    let borrowers: Vec<SubjectId> = demand::Entity::find()
        .select_only()
        .column(demand::Column::SubjectId)
        .filter(demand::Column::Status.eq(DemandStatus::Funded))
        .distinct()
        .into_tuple()
        .all(conn)
        .await?;
    let candidates = subject::Entity::find()
        .filter(subject::Column::Id.is_in(borrowers))
        .filter(subject::Column::Kind.eq(SubjectKind::Enterprise))
        .filter(subject::Column::VerificationStatus.eq(VerificationStatus::Verified))
        .filter(subject::Column::Restricted.eq(false))
        .order_by_asc(subject::Column::Uscc)
        .all(conn)
        .await?;
    let codes: Vec<String> = candidates.iter().filter_map(|s| s.uscc.clone()).collect();
    let grades = latest_grades(conn, &codes).await.map_err(operator)?;
    for wanted in [TaxGrade::A, TaxGrade::B] {
        if let Some(found) = candidates.iter().find(|s| grades.get(s.filed_under()) == Some(&wanted)) {
            return Ok((found.clone(), wanted));
        }
    }
    anyhow::bail!("没有可作为企业演示账号的主体（已实名认证、有放款记录、纳税信用 A 或 B 级的企业）")
}

/// What the subject `uscc` asks for, in 万元: see `TAX_MULTIPLE`.
async fn asked_wan(conn: &impl ConnectionTrait, uscc: &str) -> anyhow::Result<i64> {
    let latest = tax_record::Entity::find()
        .filter(tax_record::Column::Uscc.eq(uscc))
        .order_by_desc(tax_record::Column::Year)
        .one(conn)
        .await?;
    let paid = latest.map_or(0, |t| t.tax_paid);
    Ok((paid * TAX_MULTIPLE / WAN).clamp(AMOUNT_WAN.0, AMOUNT_WAN.1))
}

/// `amount_wan` 万元 for a year, posted three days before `now`: 雷州农村商业银行 granted it in full,
/// 中国建设银行湛江分行 granted 80% of it at a lower rate, both on 银税互动 products; neither is drawn yet.
fn offered_demand(now: DateTime<Utc>, amount_wan: i64) -> anyhow::Result<GeneratedDemand> {
    let posted_at = now - Duration::days(3);
    let offer = |bank: usize, hours: i64, granted: i64, wan: i64, rate_bp: i32| {
        Ok::<_, anyhow::Error>(GeneratedResponse {
            bank,
            responded_at: posted_at + Duration::hours(hours),
            outcome: ResponseOutcome::Accepted {
                credit: Some(CreditOutcome {
                    granted_at: posted_at + Duration::hours(granted),
                    amount: Money::from_fen(wan * WAN),
                    rate: Rate::from_bp(rate_bp)?,
                    term_months: 12,
                    product_type: ProductType::Credit,
                    tax_based: true,
                    disbursed: None,
                }),
                rejected_later: None,
            },
        })
    };
    Ok(GeneratedDemand {
        subject_index: 0,
        amount: Money::from_fen(amount_wan * WAN),
        term_months: 12,
        purpose: "采购原材料，补充日常经营流动资金，已授权查询纳税信息".into(),
        guarantee_types: vec![ProductType::Credit],
        max_rate: None,
        posted_at,
        expires_at: posted_at + EXPIRY,
        withdrawn_at: None,
        responses: vec![
            offer(0, 5, 48, amount_wan, 435)?,
            offer(1, 22, 52, (amount_wan * 8 / 10).max(AMOUNT_WAN.0), 395)?,
        ],
    })
}
