//! The first platform administrator, created from `XYD_BOOTSTRAP_ADMIN_EMAIL` / `_PASSWORD` when none exists.

use xyd_domain::{Email, Password, Role};

use super::password;
use super::user::UserRepo;
use crate::config::BootstrapConfig;
use crate::db::Db;
use crate::error::AppResult;

/// Create the bootstrap admin if configured and no admin exists yet. Returns whether one was created.
pub async fn ensure_admin(db: &Db, config: &BootstrapConfig) -> AppResult<bool> {
    let Some(email) = &config.admin_email else { return Ok(false) };
    let email = Email::parse(email)?;
    let password = Password::parse(config.admin_password.expose())?;
    let txn = db.begin_write().await?;
    if UserRepo::any_with_role(&*txn, Role::Admin).await? {
        return Ok(false);
    }
    let hash = password::hash(&password).await?;
    UserRepo::insert(&*txn, &email, hash, Role::Admin, None, None).await?;
    txn.commit().await?;
    tracing::info!(email = email.as_str(), "bootstrap administrator created");
    Ok(true)
}
