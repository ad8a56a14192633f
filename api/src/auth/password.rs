//! Password hashing with Argon2id (OWASP parameters), off the async runtime.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use xyd_domain::Password;

use crate::error::{AppError, AppResult};

/// The counter in `/metrics` of the Argon2 computations that anonymous callers can cause — login checks and
/// self-registrations: what a flood of them costs, and what the rate limits must bound.
pub const HASHES_METRIC: &str = "xyd_password_hashes_total";

fn argon2() -> AppResult<Argon2<'static>> {
    // 19 MiB, 2 passes, 1 lane: OWASP's recommended Argon2id minimum.
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| AppError::internal("argon2 params", e))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hash a password for storage (PHC string).
pub async fn hash(password: &Password) -> AppResult<String> {
    let plain = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()?
            .hash_password(plain.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal("hash password", e))
    })
    .await
    .map_err(|e| AppError::internal("hash password task", e))?
}

/// Check `plain` against a stored PHC hash. A malformed hash counts as a mismatch.
pub async fn verify(plain: &str, stored: &str) -> AppResult<bool> {
    let plain = plain.to_owned();
    let stored = stored.to_owned();
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else { return Ok(false) };
        Ok(argon2()?.verify_password(plain.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| AppError::internal("verify password task", e))?
}

/// A hash of a random password, checked against when the account does not exist so that an unknown email
/// costs the same time as a wrong password.
pub async fn decoy_hash() -> AppResult<String> {
    let decoy = Password::parse(&format!("decoy{}", uuid::Uuid::now_v7().simple()))?;
    hash(&decoy).await
}
