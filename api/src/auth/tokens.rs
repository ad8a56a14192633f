//! Access tokens: HS256 JWTs per RFC 8725 — algorithm pinned, `exp`, `iss`, `aud` and `sub` required.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use xyd_domain::{InstitutionId, Role, SubjectId, UserId};

use super::Principal;
use crate::config::AuthConfig;
use crate::error::{AppError, AppResult};

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inst: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subj: Option<Uuid>,
    pub sid: Uuid,
}

/// Signs and checks access tokens.
pub struct TokenService {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: i64,
}

impl TokenService {
    pub fn new(config: &AuthConfig) -> Self {
        let secret = config.jwt_secret.expose().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&config.issuer]);
        validation.set_audience(&[&config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            ttl_secs: config.access_ttl_secs,
        }
    }

    /// Issue an access token for `principal`, valid from `now` for the configured lifetime.
    pub fn issue(&self, principal: &Principal, now: DateTime<Utc>) -> AppResult<String> {
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: principal.user_id.to_string(),
            exp: now.timestamp() + self.ttl_secs,
            iat: now.timestamp(),
            jti: Uuid::now_v7().to_string(),
            role: principal.role.as_str().to_string(),
            inst: principal.institution_id.map(|i| i.as_uuid()),
            subj: principal.subject_id.map(|s| s.as_uuid()),
            sid: principal.session_id,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(|e| AppError::internal("sign jwt", e))
    }

    /// Check a bearer token and return its principal. Every failure is the same UNAUTHENTICATED.
    pub fn verify(&self, token: &str) -> AppResult<Principal> {
        self.verify_until(token).map(|(principal, _)| principal)
    }

    /// Like `verify`, with the token's expiry (`exp`, seconds since the epoch): for a connection that lasts as
    /// long as its token.
    pub fn verify_until(&self, token: &str) -> AppResult<(Principal, i64)> {
        let invalid = || AppError::Unauthenticated("登录凭证无效或已过期，请重新登录");
        let data = decode::<Claims>(token, &self.decoding, &self.validation).map_err(|_| invalid())?;
        let claims = data.claims;
        let user_id = UserId::parse(&claims.sub).map_err(|_| invalid())?;
        let role: Role = claims.role.parse().map_err(|_| invalid())?;
        let principal = Principal {
            user_id,
            role,
            institution_id: claims.inst.map(InstitutionId::from_uuid),
            subject_id: claims.subj.map(SubjectId::from_uuid),
            session_id: claims.sid,
        };
        Ok((principal, claims.exp))
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{AuthConfig, Secret};

    fn service() -> TokenService {
        TokenService::new(&AuthConfig {
            jwt_secret: Secret::new("k".repeat(8) + "0123456789abcdef0123456789"),
            ..Default::default()
        })
    }

    fn principal() -> Principal {
        Principal {
            user_id: UserId::new(),
            role: Role::Bank,
            institution_id: Some(InstitutionId::new()),
            subject_id: None,
            session_id: Uuid::now_v7(),
        }
    }

    #[test]
    fn a_token_round_trips_through_the_crypto_backend() {
        let s = service();
        let p = principal();
        let token = s.issue(&p, Utc::now()).unwrap();
        assert_eq!(s.verify(&token).unwrap(), p);
    }

    #[test]
    fn an_expired_token_is_rejected() {
        let s = service();
        let token = s.issue(&principal(), Utc::now() - chrono::Duration::hours(1)).unwrap();
        assert!(s.verify(&token).is_err());
    }
}
