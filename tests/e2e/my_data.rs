//! A subject's copy of its data (PIPL Art. 45): requested by the verified owner, assembled in the background,
//! downloaded by the owner only, every file as its manifest says, nothing withheld leaking (no ID number, no
//! keyed hash, no password hash).

use std::io::Read;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use xyd_tests::fixtures::{GRANT, grant, id_number, uscc};
use xyd_tests::{TestApp, both_backends};

use crate::income_tax::{authorize, income_csv, verified_person};

const REQUEST: &str = "mutation { requestMyData { id readyAt downloadUrl } }";
const EXPORTS: &str = "{ myDataExports { id readyAt downloadUrl sha256 expiresAt } }";

/// The caller's newest copy once assembled.
async fn ready(app: &TestApp, token: &str) -> Value {
    for _ in 0..100 {
        let r = app.gql(Some(token), EXPORTS, json!({})).await;
        r.ok();
        let newest = r.at("/data/myDataExports/0").clone();
        if newest["readyAt"].is_string() {
            return newest;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the copy was not assembled within 10 s");
}

async fn download(app: &TestApp, token: &str, url: &str) -> (u16, Vec<u8>) {
    let r = app.http.get(app.url(url)).bearer_auth(token).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

both_backends! {
    async fn a_person_downloads_everything_held_about_them_checked_against_the_manifest(app) {
        let (_, bureau) = app.bureau("国家税务总局雷州市税务局", "440882").await;
        let (person, subject) = verified_person(&app, &bureau, "郑晓东", 61).await;
        let code = authorize(&app, &person).await["grantCode"].as_str().unwrap().to_string();
        let number = id_number(61);
        app.import(&bureau, "INCOME_TAX", income_csv(&[(&code, &number, "郑晓东", 2025, "BUSINESS")])).await;
        let (bank_id, bank) = app.bank("雷州农商银行", "4408").await;
        app.gql(Some(&person), GRANT, grant(&bank_id, &["INCOME_TAX"], "LOAN_APPLICATION", 86_400)).await.ok();
        let read = "query($s: ID!) { creditProfile(subjectId: $s, purpose: LOAN_APPLICATION) { incomeTax { year } } }";
        app.gql(Some(&bank), read, json!({ "s": subject })).await.ok();

        let requested = app.gql(Some(&person), REQUEST, json!({})).await;
        requested.ok();
        let copy = ready(&app, &person).await;
        let url = copy["downloadUrl"].as_str().unwrap().to_string();
        let (status, zip) = download(&app, &person, &url).await;
        assert_eq!(status, 200);
        assert_eq!(copy["sha256"], json!(hex::encode(Sha256::digest(&zip))), "the copy is the one announced");

        // Nobody else downloads it: the bank, another subject's user, no token.
        assert_eq!(download(&app, &bank, &url).await.0, 404);
        let (other, _) = app.enterprise(&uscc(71), "雷州市副本测试有限公司", "王五").await;
        assert_eq!(download(&app, &other, &url).await.0, 404);
        assert_eq!(app.http.get(app.url(&url)).send().await.unwrap().status().as_u16(), 401);

        // Every file is as the manifest says; the sections hold what the platform holds.
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut files = std::collections::HashMap::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            files.insert(file.name().to_string(), bytes);
        }
        let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
        let listed = manifest["files"].as_array().unwrap();
        assert_eq!(listed.len() + 1, files.len(), "every file but the manifest is listed");
        for entry in listed {
            let bytes = &files[entry["file"].as_str().unwrap()];
            assert_eq!(entry["sha256"], json!(hex::encode(Sha256::digest(bytes))), "{entry}");
        }
        let rows = |name: &str| serde_json::from_slice::<Vec<Value>>(&files[&format!("{name}.json")]).unwrap();
        assert_eq!(rows("subject")[0]["id_masked"], json!(format!("{}********{}", &number[..6], &number[14..])));
        assert_eq!(rows("income_tax_records").len(), 1);
        assert_eq!(rows("tax_collection_authorizations")[0]["grant_code"], json!(code));
        assert!(rows("consents")[0]["categories"].as_str().unwrap().contains("INCOME_TAX"), "{:?}", rows("consents"));
        assert!(!rows("consents")[0]["text_hash"].as_str().unwrap().is_empty(), "the text's digest");
        let reads = rows("access_log");
        assert!(reads.iter().any(|r| r["consent_id"].is_string()), "the bank's read under the consent: {reads:?}");
        let csv = String::from_utf8(files["income_tax_records.csv"].clone()).unwrap();
        assert!(csv.lines().next().unwrap().contains("taxable_income") && csv.lines().count() == 2, "{csv}");
        for (name, bytes) in &files {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(&number), "{name} holds the ID number");
            assert!(!text.contains("id_hash") && !text.contains("password_hash"), "{name} holds a withheld field");
        }
    }

    async fn only_a_verified_owner_asks_for_a_copy(app) {
        let (pending, _) = app.enterprise(&uscc(72), "雷州市待审副本有限公司", "王五").await;
        let refused = app.gql(Some(&pending), REQUEST, json!({})).await;
        refused.expect_error("INVALID_STATE");
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        app.gql(Some(&bank), REQUEST, json!({})).await.expect_error("FORBIDDEN");
        app.gql(None, REQUEST, json!({})).await.expect_error("UNAUTHENTICATED");
    }
}
