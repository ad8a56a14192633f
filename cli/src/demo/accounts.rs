//! The demo's institutions and their staff logins: five banks (named as datagen's `DEFAULT_BANKS`, so the
//! generated products and histories attach to them) and two bureaus. Accounts that exist already are left alone.

use xyd_datagen::products::{DEFAULT_BANKS, bank_uscc};
use xyd_domain::{Email, InstitutionId, RegionPrefix, UserId};

use xinyidai::auth::entities::user;
use xinyidai::auth::user::UserRepo;
use xinyidai::graphql::GqlInstitutionKind;
use xinyidai::institutions::CreateInstitutionInput;
use xinyidai::institutions::create::{NewInstitution, create_institution};
use xinyidai::state::AppState;

use super::BANKS;
use crate::commands::operator;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo12345";

/// The staff login of each demo bank, in the order of `DEFAULT_BANKS`.
pub const BANK_LOGINS: [&str; BANKS] =
    ["loans@rcb.demo", "loans@ccb.demo", "loans@abc.demo", "loans@nyb.demo", "loans@psbc.demo"];

/// The county bureau: it imports the registry, credit and tax data of 雷州市.
pub const COUNTY_BUREAU: (&str, &str, &str) = ("雷州市发展和改革局", "440882", "credit@fgj.demo");
/// The city bureau.
pub const CITY_BUREAU: (&str, &str, &str) = ("湛江市金融工作局", "4408", "finance@jrj.demo");

/// The county bureau as an importer: its institution, jurisdiction and staff account.
pub struct Bureau {
    pub id: InstitutionId,
    pub region: RegionPrefix,
    pub user: UserId,
}

/// Create the demo institutions with their staff accounts where missing; returns the county bureau. The banks
/// serve `service_area`: the generated products reach the whole city.
pub async fn seed(state: &AppState, service_area: &RegionPrefix) -> anyhow::Result<Bureau> {
    let mut created = 0;
    for (index, (name, email)) in DEFAULT_BANKS.iter().zip(BANK_LOGINS).enumerate() {
        let bank = Staffed { kind: GqlInstitutionKind::Bank, name, region: service_area.as_str(), email };
        created += ensure(state, bank, Some(bank_uscc(index)?.to_string())).await?.1;
    }
    let (name, region, email) = CITY_BUREAU;
    created += ensure(state, Staffed { kind: GqlInstitutionKind::Bureau, name, region, email }, None).await?.1;
    let (name, region, email) = COUNTY_BUREAU;
    let (user, new) = ensure(state, Staffed { kind: GqlInstitutionKind::Bureau, name, region, email }, None).await?;
    if created + new == 0 {
        println!("  登录账号均已存在，跳过");
    }
    let id = user.institution_id.ok_or_else(|| anyhow::anyhow!("{email} 不属于任何机构"))?;
    Ok(Bureau { id, region: RegionPrefix::parse(region)?, user: user.id })
}

/// An institution and the email of its staff login.
struct Staffed<'a> {
    kind: GqlInstitutionKind,
    name: &'a str,
    region: &'a str,
    email: &'a str,
}

/// The staff account of `institution`, created with the institution (and its code) when missing (then 1, else 0).
async fn ensure(
    state: &AppState,
    institution: Staffed<'_>,
    uscc: Option<String>,
) -> anyhow::Result<(user::Model, u32)> {
    let Staffed { kind, name, region, email } = institution;
    let parsed = Email::parse(email)?;
    if let Some(user) = UserRepo::find_by_email(state.db.conn(), &parsed).await.map_err(operator)? {
        return Ok((user, 0));
    }
    let input = CreateInstitutionInput {
        kind,
        name: name.into(),
        region_code: region.into(),
        admin_email: email.into(),
        admin_password: DEMO_PASSWORD.into(),
        uscc,
    };
    let new = NewInstitution::parse(input).map_err(operator)?;
    create_institution(state, new).await.map_err(|e| anyhow::anyhow!("{name}: {}", e.message()))?;
    println!("  机构 {name}，登录 {email}");
    let user = UserRepo::find_by_email(state.db.conn(), &parsed)
        .await
        .map_err(operator)?
        .ok_or_else(|| anyhow::anyhow!("{email} 创建后未找到"))?;
    Ok((user, 1))
}
