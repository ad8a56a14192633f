//! The person demo logins: two verified 雷州 natural persons (自然人) who authorized the tax bureau to send their
//! income tax (under their grant codes, imported through the pipeline by the county bureau, which plays the tax
//! bureau here). The first, with two declared years, borrowed on 雷州农村商业银行's 个税贷 — a product for persons
//! whose 预授信 rests on last year's income tax paid and that asks for two consecutive declared years — through a
//! demand that shared INCOME_TAX; the second has one year, a near miss. Skipped when the first login exists.

use chrono::{Datelike, Duration};
use sea_orm::{ActiveModelTrait, Set};
use xyd_datagen::demands::{CreditOutcome, EXPIRY, GeneratedDemand, GeneratedResponse, ResponseOutcome};
use xyd_domain::consent::ConsentTerms;
use xyd_domain::product::{PreCreditRule, ProductSpecInput};
use xyd_domain::{
    AccessPurpose, DataCategory, Email, ImportKind, Money, PreCreditBasis, ProductType, Rate, Role, SubjectKind,
};

use xinyidai::auth::Principal;
use xinyidai::auth::user::UserRepo;
use xinyidai::consents::texts::{self, TextKind};
use xinyidai::consents::{self, Grant, Grantee};
use xinyidai::error::AppError;
use xinyidai::income_tax::authorizations;
use xinyidai::products::manage::{self, Transition};
use xinyidai::state::AppState;
use xinyidai::subjects::person::{self, PersonRegistration, RegisterPersonInput};
use xinyidai::subjects::verify;

use super::Plan;
use super::accounts::{BANK_LOGINS, Bureau, DEMO_PASSWORD};
use crate::commands::operator;
use crate::gen_data::demands::{Lenders, write_demand};

/// The person demo login.
pub const PERSON_LOGIN: &str = "person@person.demo";
/// The second person's login.
pub const SECOND_PERSON_LOGIN: &str = "person2@person.demo";
/// The person's product: 20 × last year's income tax paid, up to 300,000 yuan, on two consecutive declared years.
const PRODUCT: &str = "个税贷（个人经营者）";
/// 万元 in fen.
const WAN: i64 = 10_000 * 100;

/// A demo person and the income tax the tax bureau sends under their authorization.
struct DemoPerson {
    login: &'static str,
    name: &'static str,
    /// A 雷州 number's first 17 characters (the check character is computed).
    id_first17: &'static str,
    /// (years before this one, kind, taxable income, tax paid) per row.
    income: &'static [(i32, &'static str, &'static str, &'static str)],
}

/// 陈晓梅, born 1985-03-12: two years of 经营所得 and last year's wages; she borrows on the product.
const CHEN: DemoPerson = DemoPerson {
    login: PERSON_LOGIN,
    name: "陈晓梅",
    id_first17: "44088219850312042",
    income: &[
        (1, "BUSINESS", "186000.00", "8600.00"),
        (2, "BUSINESS", "164000.00", "7100.00"),
        (1, "COMPREHENSIVE", "36000.00", "900.00"),
    ],
};

/// 林志强, born 1990-07-15: one declared year only, a near miss of the product's two (`DECLARED_YEARS`).
const LIN: DemoPerson = DemoPerson {
    login: SECOND_PERSON_LOGIN,
    name: "林志强",
    id_first17: "44088219900715031",
    income: &[(1, "BUSINESS", "98000.00", "2100.00")],
};

pub async fn seed(state: &AppState, plan: &Plan, bureau: &Bureau) -> anyhow::Result<()> {
    let Some((user, subject)) = enroll(state, plan, bureau, &CHEN).await? else {
        println!("  {PERSON_LOGIN}：已存在，跳过");
        return Ok(());
    };
    enroll(state, plan, bureau, &LIN).await?;
    // The bank's product for persons, published.
    let bank = UserRepo::find_by_email(state.db.conn(), &Email::parse(BANK_LOGINS[0])?)
        .await
        .map_err(operator)?
        .ok_or_else(|| anyhow::anyhow!("the demo bank's login exists"))?;
    let officer = Principal {
        user_id: bank.id,
        role: Role::Bank,
        institution_id: bank.institution_id,
        subject_id: None,
        session_id: uuid::Uuid::nil(),
    };
    let spec = ProductSpecInput {
        name: PRODUCT.into(),
        description: "面向个人经营者和自然人，凭本人授权归集、连续两年申报的个人所得税纳税记录预授信，纯信用、随借随还"
            .into(),
        product_type: ProductType::Credit,
        amount_min: Money::from_fen(3 * WAN),
        amount_max: Money::from_fen(30 * WAN),
        term_months_min: 6,
        term_months_max: 24,
        rate_min: Rate::from_bp(395)?,
        rate_max: Rate::from_bp(680)?,
        subject_kinds: vec![SubjectKind::NaturalPerson],
        region_prefixes: vec![plan.service_area.as_str().to_string()],
        industry_codes: Vec::new(),
        min_tax_grade: None,
        accepts_not_rated: false,
        min_declared_years: Some(2),
        min_years_in_operation: None,
        requires_clean_record: true,
        requires_verified: true,
        required_consents: vec![DataCategory::IncomeTax],
        tax_based: false,
        trusted_rate_discount: None,
        pre_credit: Some(PreCreditRule::parse(PreCreditBasis::IncomeTaxPaid, 20.0, &[])?),
    };
    let product = manage::create(state, &officer, spec).await.map_err(operator)?;
    manage::transition(state, &officer, product.id, Transition::Publish).await.map_err(operator)?;

    // A loan: asked two months ago, sharing the income tax, granted and disbursed by the bank.
    let lenders = Lenders::load(state, super::BANKS, &plan.service_area).await.map_err(operator)?;
    let posted_at = plan.now - Duration::days(60);
    let amount = Money::from_fen(15 * WAN);
    let demand = GeneratedDemand {
        subject_index: 0,
        amount,
        term_months: 12,
        purpose: "个体经营进货周转，已授权查询个人所得税信息".into(),
        guarantee_types: vec![ProductType::Credit],
        max_rate: None,
        posted_at,
        expires_at: posted_at + EXPIRY,
        withdrawn_at: None,
        responses: vec![GeneratedResponse {
            bank: 0,
            responded_at: posted_at + Duration::hours(6),
            outcome: ResponseOutcome::Accepted {
                credit: Some(CreditOutcome {
                    granted_at: posted_at + Duration::hours(30),
                    amount,
                    rate: Rate::from_bp(435)?,
                    term_months: 12,
                    product_type: ProductType::Credit,
                    tax_based: false,
                    disbursed: Some((posted_at + Duration::days(3), amount, true)),
                }),
                rejected_later: None,
            },
        }],
    };
    let shared = [DataCategory::IncomeTax];
    let txn = state.db.begin_write().await?;
    let calendar = state.config.demands.calendar();
    let (demand, _) = write_demand(&*txn, &calendar, &lenders, subject, demand, &shared).await.map_err(operator)?;
    let terms = ConsentTerms::parse(&shared, AccessPurpose::LoanApplication, posted_at + EXPIRY, posted_at)
        .map_err(|e| operator(AppError::from(e)))?;
    let grant = Grant { grantee: Grantee::Demand(demand), terms, text: texts::current() };
    consents::grant(&*txn, subject, user, grant).await.map_err(operator)?;
    txn.commit().await?;
    println!("  {PERSON_LOGIN}：{}（自然人，已核验），个人所得税两年，{PRODUCT}已放款15万元", CHEN.name);
    println!("  {SECOND_PERSON_LOGIN}：{}（自然人，已核验），个人所得税一年，未满{PRODUCT}连续两年申报要求", LIN.name);
    Ok(())
}

/// Register `person`, have the county bureau verify them at the window, sign the collection authorization and
/// import their income tax under it through the pipeline; `None` when the login exists.
async fn enroll(
    state: &AppState,
    plan: &Plan,
    bureau: &Bureau,
    person: &DemoPerson,
) -> anyhow::Result<Option<(xyd_domain::UserId, xyd_domain::SubjectId)>> {
    let email = Email::parse(person.login)?;
    if UserRepo::find_by_email(state.db.conn(), &email).await.map_err(operator)?.is_some() {
        return Ok(None);
    }
    let id_number = xyd_domain::IdNumber::complete(person.id_first17)?;
    let input = RegisterPersonInput {
        name: person.name.into(),
        id_number: id_number.expose().to_string(),
        region_code: format!("{}100", bureau.region.as_str()),
        email: person.login.into(),
        password: DEMO_PASSWORD.into(),
    };
    person::register(state, PersonRegistration::parse(input).map_err(operator)?).await.map_err(operator)?;
    let user = UserRepo::find_by_email(state.db.conn(), &email)
        .await
        .map_err(operator)?
        .ok_or_else(|| anyhow::anyhow!("the person's login was just created"))?;
    let subject = user.subject_id.ok_or_else(|| anyhow::anyhow!("the person's login has a subject"))?;
    let official = Principal {
        user_id: bureau.user,
        role: Role::Bureau,
        institution_id: Some(bureau.id),
        subject_id: None,
        session_id: uuid::Uuid::nil(),
    };
    verify::verify(state, &official, subject).await.map_err(operator)?;
    // Registered and verified at the window three months back, like the demo's history (so the dashboard's
    // last twelve months count them beside their loan).
    let since = plan.now - Duration::days(90);
    xinyidai::subjects::entity::ActiveModel {
        id: Set(subject),
        registered_at: Set(since),
        verified_at: Set(Some(since + Duration::hours(2))),
        ..Default::default()
    }
    .update(state.db.conn())
    .await?;
    let own = Principal {
        user_id: user.id,
        role: Role::Enterprise,
        institution_id: None,
        subject_id: Some(subject),
        session_id: uuid::Uuid::nil(),
    };
    let text = texts::current_of(TextKind::TaxCollection);
    let grant = authorizations::authorize(state, &own, &text.version, plan.now + Duration::days(330))
        .await
        .map_err(operator)?;
    let last = plan.now.year() - 1;
    let mut file = String::from(
        "grant_code,id_number,name,year,kind,taxable_income,tax_paid,months_declared,uscc,snapshot_date\n",
    );
    for (back, kind, taxable, paid) in person.income {
        let year = plan.now.year() - back;
        file.push_str(&format!(
            "{},{},{},{year},{kind},{taxable},{paid},12,,{last}-12-31\n",
            grant.grant_code,
            id_number.expose(),
            person.name
        ));
    }
    let name = format!("个人所得税_{}_{}_{last}.csv", bureau.region.as_str(), person.name);
    super::imports::import(state, bureau, ImportKind::IncomeTax, &name, |out| {
        out.extend_from_slice(file.as_bytes());
        Ok(())
    })
    .await?;
    Ok(Some((user.id, subject)))
}
