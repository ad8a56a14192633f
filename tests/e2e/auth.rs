//! Login, tokens per RFC 8725, refresh-token rotation and reuse detection, logout, rate limits.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::json;
use xyd_tests::{TestApp, both_backends};

const ADMIN: &str = "admin@xyd.test";
const ADMIN_PW: &str = "Admin12345";
const SECRET: &str = "test-jwt-secret-that-is-long-enough-0123456789";
const ME: &str = "{ me { id email role } }";

fn claims(overrides: serde_json::Value) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    let mut c = json!({
        "iss": "xinyidai", "aud": "xinyidai-api", "sub": uuid::Uuid::now_v7().to_string(),
        "exp": now + 600, "iat": now, "jti": "x", "role": "ADMIN", "sid": uuid::Uuid::now_v7().to_string()
    });
    for (k, v) in overrides.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

fn sign(claims: &serde_json::Value, secret: &str) -> String {
    encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

async fn expect_rejected(app: &TestApp, token: &str, what: &str) {
    let r = app.gql(Some(token), ME, json!({})).await;
    assert_eq!(r.error_code(), Some("UNAUTHENTICATED"), "{what} was accepted: {:#}", r.body);
    assert_eq!(r.status, 401, "{what}");
    assert!(r.body.get("data").is_none() || r.at("/data/me").is_null(), "{what} leaked data");
}

both_backends! {
    async fn bootstrap_admin_logs_in_and_sees_itself(app) {
        let r = app.login(ADMIN, ADMIN_PW).await;
        r.ok();
        assert_eq!(r.str_at("/data/login/user/role"), "ADMIN");
        let token = r.str_at("/data/login/accessToken");
        let me = app.gql(Some(token), ME, json!({})).await;
        me.ok();
        assert_eq!(me.str_at("/data/me/email"), ADMIN);
        let anonymous = app.gql(None, ME, json!({})).await;
        anonymous.ok();
        assert!(anonymous.at("/data/me").is_null());
    }

    async fn wrong_password_and_unknown_email_answer_identically(app) {
        let wrong = app.login(ADMIN, "Wrong12345").await;
        let unknown = app.login("nobody@xyd.test", "Wrong12345").await;
        wrong.expect_error("UNAUTHENTICATED");
        unknown.expect_error("UNAUTHENTICATED");
        assert_eq!(wrong.body, unknown.body, "responses must not reveal which accounts exist");
        assert_eq!(wrong.status, unknown.status);
    }

    async fn forged_tokens_are_rejected(app) {
        let admin_id = app.login(ADMIN, ADMIN_PW).await.str_at("/data/login/user/id").to_string();
        let valid = sign(&claims(json!({ "sub": admin_id })), SECRET);
        app.gql(Some(&valid), ME, json!({})).await.ok();

        let (head, rest) = valid.split_once('.').unwrap();
        let (payload, sig) = rest.split_once('.').unwrap();
        let mut p: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        p["role"] = json!("ADMIN");
        p["sub"] = json!(uuid::Uuid::now_v7().to_string());
        let tampered = format!("{head}.{}.{sig}", URL_SAFE_NO_PAD.encode(p.to_string()));
        expect_rejected(&app, &tampered, "a tampered payload").await;

        let past = chrono::Utc::now().timestamp() - 3600;
        expect_rejected(&app, &sign(&claims(json!({ "sub": admin_id, "exp": past, "iat": past - 900 })), SECRET), "an expired token").await;
        expect_rejected(&app, &sign(&claims(json!({ "sub": admin_id, "aud": "other-api" })), SECRET), "a wrong audience").await;
        expect_rejected(&app, &sign(&claims(json!({ "sub": admin_id, "iss": "evil" })), SECRET), "a wrong issuer").await;
        expect_rejected(&app, &sign(&claims(json!({ "sub": admin_id, "exp": null })), SECRET), "a token without exp").await;
        expect_rejected(&app, &sign(&claims(json!({ "sub": admin_id })), "another-secret-of-sufficient-length-000000"), "a foreign key").await;

        let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let none_payload = URL_SAFE_NO_PAD.encode(claims(json!({ "sub": admin_id })).to_string());
        expect_rejected(&app, &format!("{none_header}.{none_payload}."), "alg none").await;
        expect_rejected(&app, "not-a-jwt", "garbage").await;
    }

    async fn a_refresh_token_rotates_and_reuse_revokes_the_family(app) {
        let first = app.tokens(ADMIN, ADMIN_PW).await;
        let refresh = |token: String| {
            let app = &app;
            async move {
                app.gql(None, "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }",
                        json!({ "t": token })).await
            }
        };
        let second = refresh(first.refresh.clone()).await;
        second.ok();
        let second_refresh = second.str_at("/data/refreshSession/refreshToken").to_string();
        assert_ne!(second_refresh, first.refresh, "rotation issues a new token");

        // The rotated-out token is presented again: refused, and the whole family dies with it.
        refresh(first.refresh.clone()).await.expect_error("UNAUTHENTICATED");
        refresh(second_refresh).await.expect_error("UNAUTHENTICATED");

        // Another login is a new family and still works.
        let other = app.tokens(ADMIN, ADMIN_PW).await;
        refresh(other.refresh).await.ok();
    }

    async fn logout_revokes_the_refresh_token(app) {
        let tokens = app.tokens(ADMIN, ADMIN_PW).await;
        let r = app.gql(Some(&tokens.access), "mutation { logout }", json!({})).await;
        r.ok();
        assert_eq!(r.at("/data/logout"), &json!(true));
        app.gql(None, "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }", json!({ "t": tokens.refresh }))
            .await
            .expect_error("UNAUTHENTICATED");
        app.gql(None, "mutation { logout }", json!({})).await.expect_error("UNAUTHENTICATED");
    }

    // Found by the schema fuzz (fuzz.rs): a 1,200-character "email" reached the rate limiter's stored key,
    // which PostgreSQL bounds, and the login answered INTERNAL. What is no address names no account: refused
    // as input.
    async fn a_login_with_no_address_is_refused_as_input(app) {
        let long_domain = format!("a@{}.cn", "b".repeat(300));
        for email in ["雷州市".repeat(400), "x".repeat(10_000), "not-an-email".into(), long_domain] {
            let r = app.login(&email, "Wrong12345").await;
            r.expect_error("BAD_USER_INPUT");
            assert_eq!(r.at("/errors/0/extensions/reason"), "INVALID_EMAIL", "{:#}", r.body);
            assert_eq!(r.at("/errors/0/extensions/field"), "input.email");
        }
        app.login(ADMIN, ADMIN_PW).await.ok();
    }

    async fn repeated_failed_logins_are_rate_limited(app) {
        for _ in 0..5 {
            app.login(ADMIN, "Wrong12345").await.expect_error("UNAUTHENTICATED");
        }
        let limited = app.login(ADMIN, ADMIN_PW).await;
        limited.expect_error("RATE_LIMITED");
        assert!(limited.at("/errors/0/extensions/retryAfter").as_u64().unwrap() > 0);
    }
}

#[tokio::test]
async fn the_per_address_limit_covers_every_account() {
    let app = TestApp::spawn_with(xyd_tests::Backend::Sqlite, |c| c.auth.login_attempts_per_ip = 3).await.unwrap();
    for i in 0..3 {
        app.login(&format!("u{i}@xyd.test"), "Wrong12345").await.expect_error("UNAUTHENTICATED");
    }
    app.login(ADMIN, ADMIN_PW).await.expect_error("RATE_LIMITED");
}
