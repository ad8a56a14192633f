//! Consent texts as data: every version readable by anyone, grants (and a demand's data sharing) sign only the
//! current one, and every consent keeps the SHA-256 of the body it signed.

use serde_json::json;
use sha2::{Digest, Sha256};
use xyd_tests::both_backends;
use xyd_tests::fixtures::{GRANT, POST_DEMAND, demand_input, grant, uscc};

const TEXTS: &str = "{ consentTexts { version title body sha256 publishedOn kind current } }";
const TEXT: &str = "query($v: String) { consentText(version: $v) { version title body sha256 current } }";

both_backends! {
    async fn anyone_reads_every_version_and_the_current_one(app) {
        let r = app.gql(None, TEXTS, json!({})).await;
        r.ok();
        let texts = r.at("/data/consentTexts").as_array().unwrap().clone();
        assert!(texts.len() >= 2, "an old and a current version");
        // One current text of each kind, the newest of its kind.
        for kind in ["SHARING", "TAX_COLLECTION"] {
            let of_kind: Vec<_> = texts.iter().filter(|t| t["kind"] == kind).collect();
            let current: Vec<_> = of_kind.iter().filter(|t| t["current"] == true).collect();
            assert_eq!(current.len(), 1, "{kind}");
            assert_eq!(of_kind.last().unwrap()["current"], true, "the newest {kind} text is current");
        }
        let current: Vec<_> = texts.iter().filter(|t| t["current"] == true && t["kind"] == "SHARING").collect();
        for t in &texts {
            let body = t["body"].as_str().unwrap();
            assert!(body.contains("撤回"), "a Chinese text that says how to withdraw");
            assert_eq!(t["sha256"].as_str().unwrap(), hex::encode(Sha256::digest(body.as_bytes())));
        }

        let now = app.gql(None, TEXT, json!({})).await;
        assert_eq!(now.at("/data/consentText/version"), &current[0]["version"]);
        let old = app.gql(None, TEXT, json!({ "v": "2026-01" })).await;
        assert_eq!(old.at("/data/consentText/current"), &json!(false));
        assert!(old.str_at("/data/consentText/body").starts_with("本企业授权"));
        assert!(app.gql(None, TEXT, json!({ "v": "1999-01" })).await.at("/data/consentText").is_null());
    }

    async fn a_grant_signs_the_current_text_and_keeps_its_hash(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let (owner, _) = app.verified_enterprise(&bureau, &uscc(1), "雷州市授权书测试有限公司", "张三").await;
        let (bank_id, _) = app.bank("授权书银行", "4408").await;
        let current = app.gql(None, TEXT, json!({})).await;
        let (version, sha) = (current.str_at("/data/consentText/version"), current.str_at("/data/consentText/sha256"));

        let mut outdated = grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400);
        outdated["i"]["textVersion"] = json!("2026-01");
        let r = app.gql(Some(&owner), GRANT, outdated).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.textVersion");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "OUTDATED_TEXT_VERSION");
        assert!(r.str_at("/errors/0/message").contains(version), "names the current version");
        assert!(app.gql(Some(&owner), "{ myConsents { id } }", json!({})).await.at("/data/myConsents/0").is_null());

        let r = app.gql(Some(&owner), GRANT, grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400)).await;
        r.ok();
        assert_eq!(r.str_at("/data/grantConsent/textHash"), sha);
        let mine = app.gql(Some(&owner), "{ myConsents { textVersion textHash } }", json!({})).await;
        assert_eq!(mine.str_at("/data/myConsents/0/textVersion"), version);
    }

    async fn a_demand_shares_data_under_the_current_text(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let (owner, _) = app.verified_enterprise(&bureau, &uscc(2), "雷州市共享授权有限公司", "李四").await;
        let mut outdated = demand_input(&["TAX"]);
        outdated["i"]["shareTextVersion"] = json!("2026-01");
        let r = app.gql(Some(&owner), POST_DEMAND, outdated).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.shareTextVersion");
        assert!(app.gql(Some(&owner), "{ myDemands { totalCount } }", json!({})).await.at("/data/myDemands/totalCount")
            == &json!(0), "a refused demand leaves nothing behind");

        let current = app.gql(None, TEXT, json!({})).await;
        let mut signed = demand_input(&["TAX"]);
        signed["i"]["shareTextVersion"] = json!(current.str_at("/data/consentText/version"));
        app.gql(Some(&owner), POST_DEMAND, signed).await.ok();
        let mine = app.gql(Some(&owner), "{ myConsents { textVersion textHash demand { id } } }", json!({})).await;
        assert_eq!(mine.str_at("/data/myConsents/0/textHash"), current.str_at("/data/consentText/sha256"));
    }
}
