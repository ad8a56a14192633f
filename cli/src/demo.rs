//! `xinyidai seed-demo`: demo institutions and staff accounts for a first look at the platform.
//! Idempotent: accounts that exist already are left alone.

use xyd_domain::Email;

use xinyidai::auth::user::UserRepo;
use xinyidai::graphql::GqlInstitutionKind;
use xinyidai::institutions::CreateInstitutionInput;
use xinyidai::institutions::create::{NewInstitution, create_institution};
use xinyidai::state::AppState;

/// Password of every demo staff account.
pub const DEMO_PASSWORD: &str = "Demo12345";

/// (kind, name, region, staff email)
const INSTITUTIONS: [(GqlInstitutionKind, &str, &str, &str); 4] = [
    (GqlInstitutionKind::Bank, "雷州农商银行", "440882", "loans@rcb.demo"),
    (GqlInstitutionKind::Bank, "建设银行湛江分行", "4408", "loans@ccb.demo"),
    (GqlInstitutionKind::Bureau, "雷州市发展和改革局", "440882", "credit@fgj.demo"),
    (GqlInstitutionKind::Bureau, "湛江市金融工作局", "4408", "finance@jrj.demo"),
];

pub async fn seed(state: &AppState) -> anyhow::Result<()> {
    for (kind, name, region, email) in INSTITUTIONS {
        let parsed = Email::parse(email)?;
        if UserRepo::find_by_email(state.db.conn(), &parsed).await.map_err(crate::commands::operator)?.is_some() {
            continue;
        }
        let input = CreateInstitutionInput {
            kind,
            name: name.into(),
            region_code: region.into(),
            admin_email: email.into(),
            admin_password: DEMO_PASSWORD.into(),
        };
        let new = NewInstitution::parse(input).map_err(crate::commands::operator)?;
        create_institution(state, new).await.map_err(|e| anyhow::anyhow!("{name}: {}", e.message()))?;
        tracing::info!(name, email, "demo institution created");
    }
    Ok(())
}
