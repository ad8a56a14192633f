//! Tamper-evident audit trails: the access log and the credit-record events are hash chains that
//! `xinyidai audit verify` walks; an edit, a deletion, a row slipped in by hand or a chain rewritten after an
//! anchor is found and named.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Statement};
use serde_json::json;
use xinyidai::credit::entity::access_log;
use xyd_tests::fixtures::{PROFILE, credit_csv, uscc};
use xyd_tests::{TestApp, both_backends};

const FILE: &str = "mutation($r: ID!) { fileObjection(recordId: $r, reason: \"该处罚已撤销，附撤销决定书\") { id } }";
const RESOLVE: &str = "mutation($id: ID!) { resolveObjection(id: $id, outcome: UPHELD, note: \"已核实\") { outcome } }";

async fn sql(app: &TestApp, statement: &str) {
    let db = app.db().conn();
    db.execute_raw(Statement::from_string(db.get_database_backend(), statement)).await.unwrap();
}

async fn verify(app: &TestApp, anchors: Option<&std::path::Path>) -> Result<String, String> {
    xyd_cli::audit::verify(app.db(), anchors).await.map_err(|e| e.to_string())
}

/// A subject with a public penalty that banks read, and an objection filed and upheld (two record events).
async fn history(app: &TestApp) -> (String, Vec<String>) {
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let code = uscc(1);
    let (owner, subject) = app.verified_enterprise(&bureau, &code, "雷州市审计测试有限公司", "张三").await;
    app.import(&bureau, "CREDIT", credit_csv(&[(&code, "ADMIN_PENALTY", "雷市监罚〔2025〕9号", "未按规定公示年报")]))
        .await
        .ok();
    let r = app
        .gql(Some(&owner), "query($id: ID!) { creditRecords(subjectId: $id) { id } }", json!({ "id": subject }))
        .await;
    let record = r.str_at("/data/creditRecords/0/id").to_string();
    let filed = app.gql(Some(&owner), FILE, json!({ "r": record })).await;
    app.gql(Some(&bureau), RESOLVE, json!({ "id": filed.str_at("/data/fileObjection/id") })).await.ok();
    let mut banks = Vec::new();
    for n in 0..3 {
        banks.push(app.bank(&format!("雷州审计银行{n}"), "440882").await.1);
    }
    (subject, banks)
}

/// `reads` credit-profile reads by the banks at once (each writes one access-log row).
async fn read_concurrently(app: &TestApp, subject: &str, banks: &[String], reads: usize) {
    let calls = (0..reads).map(|i| {
        let bank = &banks[i % banks.len()];
        app.gql(Some(bank), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" }))
    });
    for r in futures::future::join_all(calls).await {
        assert!(r.body["data"]["creditProfile"]["subject"]["id"].is_string(), "{:#}", r.body);
    }
}

async fn row(app: &TestApp, seq: i64) -> access_log::Model {
    access_log::Entity::find().filter(access_log::Column::ChainSeq.eq(seq)).one(app.db().conn()).await.unwrap().unwrap()
}

both_backends! {
    async fn the_chains_hold_under_concurrent_writers_and_name_the_row_edited_in_sql(app) {
        let (subject, banks) = history(&app).await;
        // Verification while banks keep reading: every committed link checks, whatever is appended meanwhile.
        let (report, ()) = tokio::join!(verify(&app, None), read_concurrently(&app, &subject, &banks, 24));
        let report = report.unwrap();
        assert!(report.contains("access_log: intact") && report.contains("record_events: intact, 2 links"), "{report}");
        read_concurrently(&app, &subject, &banks, 6).await;
        let report = verify(&app, None).await.unwrap();
        assert!(report.contains("access_log: intact, 30 links, head 30"), "{report}");

        // One access-log row edited directly in SQL: the read put on another user.
        sql(&app, "CREATE TABLE access_log_copy AS SELECT * FROM access_log").await;
        let edited = row(&app, 7).await;
        sql(&app, "UPDATE access_log SET user_id = (SELECT o.user_id FROM access_log o WHERE o.user_id <> access_log.user_id LIMIT 1) WHERE chain_seq = 7").await;
        assert_ne!(row(&app, 7).await.user_id, edited.user_id, "the read is put on another bank's user");
        let broken = verify(&app, None).await.unwrap_err();
        assert!(broken.contains(&format!("access_log: BROKEN at link 7 (row {}): HASH_MISMATCH", edited.id)), "{broken}");
        assert!(broken.contains("record_events: intact"), "{broken}");

        // Put back, the chain holds again; a credit-record event's note edited breaks the other chain.
        sql(&app, "UPDATE access_log SET user_id = (SELECT user_id FROM access_log_copy WHERE chain_seq = 7) WHERE chain_seq = 7").await;
        verify(&app, None).await.unwrap();
        let unreadable = row(&app, 5).await;
        sql(&app, "UPDATE access_log SET purpose = 'SNOOPING' WHERE chain_seq = 5").await;
        let broken = verify(&app, None).await.unwrap_err();
        assert!(broken.contains(&format!("access_log: BROKEN at link 5 (row {}): UNREADABLE_ROW", unreadable.id)), "{broken}");
        sql(&app, "UPDATE access_log SET purpose = 'LOAN_APPLICATION' WHERE chain_seq = 5").await;
        verify(&app, None).await.unwrap();
        sql(&app, "UPDATE record_events SET note = '已核实（改）' WHERE chain_seq = 2").await;
        let broken = verify(&app, None).await.unwrap_err();
        assert!(broken.contains("record_events: BROKEN at link 2") && broken.contains("HASH_MISMATCH"), "{broken}");

        // The server's own walk (daily, and at start) publishes the count of broken chains for alerting.
        let (_keep, shutdown) = tokio::sync::watch::channel(false);
        xinyidai::audit::spawn_verification::<xinyidai::credit::Chains>(app.state.db.clone(), app.state.metrics.clone(), shutdown);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let metrics = app.http.get(app.metrics_url("/metrics")).send().await.unwrap().text().await.unwrap();
            if metrics.contains("xyd_audit_broken_chains 1\n") {
                assert!(metrics.contains("xyd_audit_verified_timestamp_seconds "), "{metrics}");
                break;
            }
            assert!(std::time::Instant::now() < deadline, "no broken chain reported: {metrics}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    async fn a_deleted_row_a_row_slipped_in_and_a_rewritten_chain_are_found(app) {
        let (subject, banks) = history(&app).await;
        read_concurrently(&app, &subject, &banks, 10).await;
        // A day's anchors (here a day ahead: the server anchored yesterday at start), exported and kept
        // outside the database.
        let day = chrono::Utc::now().date_naive() + chrono::Days::new(1);
        let anchors = xinyidai::audit::anchor_heads(app.db().conn(), day).await.unwrap();
        assert_eq!(anchors.iter().map(|a| a.seq).collect::<Vec<_>>(), [10, 2]);
        let kept = std::env::temp_dir().join(format!("xyd-anchors-{}.csv", uuid::Uuid::now_v7().simple()));
        let lines: Vec<String> = anchors.iter().map(xinyidai::audit::Anchor::csv_line).collect();
        std::fs::write(&kept, format!("{}\n{}\n", xinyidai::audit::Anchor::CSV_HEADER, lines.join("\n"))).unwrap();
        let report = verify(&app, Some(&kept)).await.unwrap();
        assert!(report.contains("access_log: intact, 10 links, head 10"), "{report}");
        sql(&app, "CREATE TABLE access_log_copy AS SELECT * FROM access_log").await;
        let restore = || async {
            sql(&app, "DELETE FROM access_log").await;
            sql(&app, "INSERT INTO access_log SELECT * FROM access_log_copy").await;
            verify(&app, None).await.unwrap();
        };

        // A row deleted from the middle, then the last row.
        let deleted = row(&app, 4).await;
        sql(&app, "DELETE FROM access_log WHERE chain_seq = 4").await;
        let broken = verify(&app, None).await.unwrap_err();
        assert!(broken.contains("access_log: BROKEN at link 4") && broken.contains("MISSING_ROW"), "{broken}");
        assert!(!broken.contains(&deleted.id.to_string()), "the next row kept is named, not the deleted one");
        restore().await;
        sql(&app, "DELETE FROM access_log WHERE chain_seq = 10").await;
        let broken = verify(&app, None).await.unwrap_err();
        assert!(broken.contains("access_log: BROKEN at link 10") && broken.contains("HEAD_MISMATCH"), "{broken}");
        restore().await;

        // A row slipped in by hand, outside the chain.
        let mut slipped = row(&app, 1).await;
        (slipped.id, slipped.chain_seq, slipped.chain_hash) = (uuid::Uuid::now_v7(), None, None);
        access_log::Entity::insert(slipped.clone().into_active_model()).exec_without_returning(app.db().conn()).await.unwrap();
        let broken = verify(&app, None).await.unwrap_err();
        assert!(broken.contains(&format!("(row {}): ROW_OUTSIDE_CHAIN", slipped.id)), "{broken}");
        restore().await;

        // The whole chain rewritten after an edit (every link recomputed, the head moved): consistent in
        // itself, but not with the anchors — the stored ones, and when those are deleted too, the kept file.
        sql(&app, "UPDATE access_log SET purpose = 'POST_LOAN' WHERE chain_seq = 3").await;
        sql(&app, "UPDATE access_log SET chain_seq = NULL, chain_hash = NULL").await;
        let genesis = xinyidai::audit::GENESIS;
        sql(&app, &format!("UPDATE audit_heads SET seq = 0, hash = '{genesis}', sealed = false WHERE chain = 'access_log'")).await;
        xinyidai::audit::seal_legacy::<xinyidai::credit::Chains>(app.db()).await.unwrap();
        let broken = verify(&app, None).await.unwrap_err();
        assert!(broken.contains("access_log: BROKEN at link 10") && broken.contains("ANCHOR_MISMATCH"), "{broken}");
        sql(&app, "DELETE FROM audit_anchors").await;
        verify(&app, None).await.expect("without anchors a rewrite is consistent in itself");
        let broken = verify(&app, Some(&kept)).await.unwrap_err();
        assert!(broken.contains("access_log: BROKEN at link 10") && broken.contains("ANCHOR_MISMATCH"), "{broken}");
        std::fs::remove_file(&kept).unwrap();
    }
}

/// Two API processes on one database each log reads through their own sequencer, batches of both interleave
/// on one chain: each batch that finds the head moved by the other process reads it under lock and links
/// again, so the chain still verifies and holds every read once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_logging_reads_at_once_keep_one_chain() {
    let Some(a) = TestApp::spawn(xyd_tests::Backend::Postgres).await else { return };
    let b = a.replica().await;
    let (subject, banks) = history(&a).await;
    for _ in 0..3 {
        tokio::join!(read_concurrently(&a, &subject, &banks, 16), read_concurrently(&b, &subject, &banks, 16));
    }
    let report = verify(&a, None).await.unwrap();
    assert!(report.contains("access_log: intact, 96 links, head 96"), "{report}");
    let batches = a.metric("xyd_audit_batches_total").await + b.metric("xyd_audit_batches_total").await;
    assert!(batches < 96.0, "reads were batched: {batches} batches for 96 reads");
}
