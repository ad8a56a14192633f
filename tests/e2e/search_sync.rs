//! The index follows the database: random filters give the same products from Meilisearch as from the SQL
//! fallback; with Meilisearch down writes still succeed and search answers from SQL; when it returns the
//! index converges; reindex swaps in a fresh index; a kept answer is reused only while the catalogue and its
//! index stand still.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use xinyidai::products::ProductRepo;
use xyd_domain::product::ProductFilter;
use xyd_domain::{IndustryCode, Money, ProductType, Rate, RegionCode, SubjectKind};
use xyd_tests::fixtures::product_input;
use xyd_tests::{Backend, MeiliServer, TestApp, both_backends};

const TYPES: [&str; 4] = ["CREDIT", "MORTGAGE", "PLEDGE", "GUARANTEE"];
const KINDS: [&str; 3] = ["ENTERPRISE", "INDIVIDUAL_BUSINESS", "FARMER_COOPERATIVE"];
const REGIONS: [&str; 4] = ["4408", "440882", "440882105", "440881"];
const INDUSTRIES: [&str; 5] = ["A", "C", "C13", "F5261", "H"];

fn random_product(rng: &mut impl Rng, n: usize) -> Value {
    let mut p = product_input(&format!("随机产品{n}"), "随机生成的产品说明");
    let min = rng.random_range(1..50) * 10_000;
    let max = min + rng.random_range(0..100) * 10_000;
    p["amountMin"] = json!(format!("{min}.00"));
    p["amountMax"] = json!(format!("{max}.00"));
    let term_min = rng.random_range(1..24);
    p["termMonthsMin"] = json!(term_min);
    p["termMonthsMax"] = json!(term_min + rng.random_range(0..60));
    let rate_min = rng.random_range(300..800);
    p["rateMin"] = json!(format!("{}.{:02}", rate_min / 100, rate_min % 100));
    p["rateMax"] = json!("12.00");
    p["productType"] = json!(TYPES[rng.random_range(0..4)]);
    let kinds: Vec<&str> = KINDS.iter().copied().filter(|_| rng.random_bool(0.6)).collect();
    p["subjectKinds"] = json!(if kinds.is_empty() { vec!["ENTERPRISE"] } else { kinds });
    p["regionPrefixes"] = json!([REGIONS[rng.random_range(0..4)]]);
    let industries: Vec<&str> = INDUSTRIES.iter().copied().filter(|_| rng.random_bool(0.2)).collect();
    p["industryCodes"] = json!(industries);
    p["taxBased"] = json!(rng.random_bool(0.3));
    p
}

fn filter_strategy() -> impl Strategy<Value = ProductFilter> {
    (
        proptest::collection::vec(0usize..4, 0..3),
        proptest::option::of(0usize..3),
        proptest::option::of(prop_oneof![Just("440882105"), Just("440881101"), Just("440825"), Just("4408")]),
        proptest::option::of(prop_oneof![Just("A0111"), Just("C1391"), Just("F5261"), Just("H6210")]),
        proptest::option::of(1i64..150),
        proptest::option::of(1u16..90),
        proptest::option::of(300i32..900),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(|(types, kind, region, industry, amount, term, rate, tax)| ProductFilter {
            product_types: types.into_iter().map(|t| ProductType::parse(TYPES[t]).unwrap()).collect(),
            subject_kind: kind.map(|k| SubjectKind::parse(KINDS[k]).unwrap()),
            region_code: region.and_then(|r| RegionCode::parse(r).ok()),
            industry_code: industry.map(|i| IndustryCode::parse(i).unwrap()),
            amount: amount.map(|a| Money::from_fen(a * 1_000_000)),
            term_months: term,
            max_rate: rate.map(|r| Rate::from_bp(r).unwrap()),
            tax_based: tax,
            bank_id: None,
        })
}

#[test]
fn meilisearch_and_the_sql_fallback_agree_on_random_filters() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let app = rt.block_on(async {
        let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for n in 0..60 {
            app.published_product(&bank, random_product(&mut rng, n)).await;
        }
        app.wait_indexed().await;
        app
    });
    let config = ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(filter in filter_strategy())| {
        let (from_index, from_sql) = rt.block_on(async {
            let page = app.state.search.products().search(None, &filter, 0, 1000).await.unwrap();
            let mut index: Vec<String> = page.ids;
            let (_, rows) = ProductRepo::search(app.db().conn(), None, &filter, 0, 1000).await.unwrap();
            let mut sql: Vec<String> = rows.into_iter().map(|r| r.id.to_string()).collect();
            index.sort();
            sql.sort();
            (index, sql)
        });
        prop_assert_eq!(from_index, from_sql, "filter {:?}", filter);
    });
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_meilisearch_down_writes_succeed_search_falls_back_and_the_index_converges() {
    let mut meili = MeiliServer::start().unwrap();
    let url = meili.url.clone();
    let app = TestApp::spawn_with(Backend::Sqlite, |c| c.search.url = url).await.unwrap();
    let (_, bank) = app.bank("雷州农商银行", "4408").await;
    let before = app.published_product(&bank, product_input("宕机前产品", "说明")).await;
    app.wait_indexed().await;

    meili.stop();
    let mut during = Vec::new();
    for n in 0..3 {
        let mut p = product_input(&format!("宕机期间产品{n}"), "说明");
        p["subjectKinds"] = json!(["INDIVIDUAL_BUSINESS"]);
        during.push(app.published_product(&bank, p).await);
    }
    let mut found = app.product_ids(None, json!({ "subjectKind": "INDIVIDUAL_BUSINESS" })).await;
    found.sort();
    let mut expected = during.clone();
    expected.push(before.clone());
    expected.sort();
    assert_eq!(found, expected, "the SQL fallback answers with the same hard filters");
    let metrics = app.http.get(app.metrics_url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("xyd_search_fallback_total"), "{metrics}");
    let ready: Value = app.http.get(app.url("/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["search"], "unavailable");

    meili.resume().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        app.state.relay.wake();
        if let Ok(report) = xinyidai::products::projection::verify(&app.state).await
            && report.is_clean()
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "verify did not reach zero differences within 30 s");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reindex_rebuilds_a_drifted_index_and_verify_sees_the_drift() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let (_, bank) = app.bank("雷州农商银行", "4408").await;
    let kept = app.published_product(&bank, product_input("保留产品", "说明")).await;
    app.wait_indexed().await;
    // Drift: the index loses a document behind the platform's back.
    app.state.search.products().delete(std::slice::from_ref(&kept)).await.unwrap();
    let report = xinyidai::products::projection::verify(&app.state).await.unwrap();
    assert_eq!(report.missing, vec![kept.clone()]);
    // Searches during the drift find nothing, often enough for the engine's answer to be kept.
    for _ in 0..3 {
        assert!(app.product_ids(Some("保留"), json!({})).await.is_empty());
    }
    assert!(app.metric("xyd_search_answers_reused_total").await >= 1.0);
    let n = xinyidai::products::projection::reindex(&app.state).await.unwrap();
    assert_eq!(n, 1);
    assert!(xinyidai::products::projection::verify(&app.state).await.unwrap().is_clean());
    assert_eq!(app.product_ids(Some("保留"), json!({})).await, vec![kept]);
}

/// A fresh install: `serve` creates the product index with its settings at start, so the first search goes to
/// Meilisearch instead of falling back to SQL.
#[tokio::test]
async fn the_index_exists_from_the_start_and_the_first_search_uses_it() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let index = app.state.search.products();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while index.search(None, &ProductFilter::default(), 0, 10).await.is_err() {
        assert!(std::time::Instant::now() < deadline, "the index was not created at start");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.gql(None, "{ products(first: 5) { totalCount } }", json!({})).await.ok();
    let metrics = app.http.get(app.metrics_url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(!metrics.contains("xyd_search_fallback_total"), "the first search fell back to SQL: {metrics}");
}

const SUSPEND: &str = "mutation($id: ID!) { suspendProduct(id: $id) { status } }";

// The third identical search reuses the engine's answer (the first has no earlier revision to rely on, the
// second keeps it); a product published or suspended, or a catalogue still being indexed, is never hidden behind
// a kept answer.
both_backends! {
    async fn a_repeated_search_reuses_the_engines_answer_until_the_catalogue_changes(app) {
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let first = app.published_product(&bank, product_input("复用经营贷甲", "经营周转")).await;
        app.wait_indexed().await;
        let reused = || async { app.metric("xyd_search_answers_reused_total").await };
        for _ in 0..3 {
            assert_eq!(app.product_ids(Some("复用经营贷"), json!({})).await, vec![first.clone()]);
        }
        assert_eq!(reused().await, 1.0);
        assert_eq!(app.product_ids(Some(" 复用经营贷 "), json!({})).await, vec![first.clone()], "the same question");
        assert_eq!(reused().await, 2.0);
        assert_eq!(app.product_ids(Some("复用经营贷"), json!({ "taxBased": true })).await, Vec::<String>::new());
        assert_eq!(reused().await, 2.0, "other filters are another question");

        // Published and indexed: the next search asks the engine again and finds it.
        let second = app.published_product(&bank, product_input("复用经营贷乙", "经营周转")).await;
        app.wait_indexed().await;
        let mut found = app.product_ids(Some("复用经营贷"), json!({})).await;
        found.sort();
        let mut both = vec![first.clone(), second.clone()];
        both.sort();
        assert_eq!(found, both);
        assert_eq!(reused().await, 2.0);

        // Suspended: gone from the very next page, before the index has caught up.
        for _ in 0..3 {
            app.product_ids(Some("复用经营贷"), json!({})).await;
        }
        let kept = reused().await;
        assert!(kept >= 3.0, "{kept}");
        app.gql(Some(&bank), SUSPEND, json!({ "id": second })).await.ok();
        assert_eq!(app.product_ids(Some("复用经营贷"), json!({})).await, vec![first.clone()]);
        app.wait_indexed().await;
        assert_eq!(app.product_ids(Some("复用经营贷"), json!({})).await, vec![first.clone()]);
        assert_eq!(reused().await, kept, "a changed catalogue is asked again");
    }
}
