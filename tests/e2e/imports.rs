//! Registry imports (存续主体名录): per-row validation with line numbers, 重错码, jurisdiction, idempotency,
//! and an import killed midway: nothing of it visible, then completed by running it again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;
use xinyidai::institutions::Scope;
use xyd_tests::fixtures::{RegistryCsv, broken, uscc, uscc_in};
use xyd_tests::{TestApp, both_backends};

async fn registry_rows(app: &TestApp) -> (i64, i64) {
    let db = app.db().conn();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n, COUNT(DISTINCT uscc) AS d FROM registry_entries",
        ))
        .await
        .unwrap()
        .unwrap();
    (row.try_get("", "n").unwrap(), row.try_get("", "d").unwrap())
}

fn mixed_file() -> Vec<u8> {
    RegistryCsv::new()
        .row(&uscc(1), "雷州市一号有限公司", "张一") // line 2
        .row(&broken(&uscc(2)), "雷州市二号有限公司", "张二") // line 3: INVALID_USCC
        .row(&uscc(3), "雷州市三号有限公司", "张三") // line 4
        .row(&uscc(3), "雷州市另一个名字有限公司", "张三") // line 5: DUPLICATE_USCC
        .row_with(&uscc_in("440825", '1', 4), "徐闻县四号有限公司", "张四", "440825102", "存续") // line 6: outside
        .row(&uscc(1), "雷州市一号有限公司", "张一") // line 7: exact repeat, harmless
        .bytes()
}

both_backends! {
    async fn good_rows_are_kept_and_each_bad_row_is_reported_with_its_line(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let r = app.import(&bureau, "REGISTRY", mixed_file()).await;
        r.ok();
        let job = r.at("/data/importRecords");
        assert_eq!(job["status"], "COMPLETED", "{job:#}");
        assert_eq!(job["totalRows"], 6);
        assert_eq!(job["acceptedRows"], 3);
        assert_eq!(job["rejectedRows"], 3);
        assert_eq!(job["invalidCodeRows"], 1);
        assert_eq!(job["duplicateCodeRows"], 1);
        assert!((job["erroneousCodeRate"].as_f64().unwrap() - 2.0 / 6.0).abs() < 1e-9);
        let errors: Vec<(i64, String)> = job["errors"].as_array().unwrap().iter()
            .map(|e| (e["line"].as_i64().unwrap(), e["code"].as_str().unwrap().to_string())).collect();
        assert_eq!(errors, vec![(3, "INVALID_USCC".into()), (5, "DUPLICATE_USCC".into()), (6, "OUT_OF_JURISDICTION".into())]);
        assert!(job["errors"][1]["message"].as_str().unwrap().contains("第4行"));
        assert_eq!(registry_rows(&app).await, (2, 2));

        // Importing the same file again changes nothing.
        let again = app.import(&bureau, "REGISTRY", mixed_file()).await;
        assert_eq!(again.at("/data/importRecords/acceptedRows"), &json!(3));
        assert_eq!(registry_rows(&app).await, (2, 2));

        let job_id = job["id"].as_str().unwrap();
        let q = app.gql(Some(&bureau), "query($id: ID!) { importJob(id: $id) { status totalRows } }", json!({ "id": job_id })).await;
        q.ok();
        assert_eq!(q.at("/data/importJob/totalRows"), &json!(6));
        let (_, other) = app.bureau("徐闻县发改局", "440825").await;
        app.gql(Some(&other), "query($id: ID!) { importJob(id: $id) { status } }", json!({ "id": job_id })).await.expect_error("FORBIDDEN");
    }

    async fn a_file_without_required_columns_fails_clearly(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let r = app.import(&bureau, "REGISTRY", b"uscc,name\n91440882MA00000000,x\n".to_vec()).await;
        r.ok();
        assert_eq!(r.at("/data/importRecords/status"), &json!("FAILED"));
        assert!(r.str_at("/data/importRecords/failure").contains("snapshot_date"));
        assert_eq!(registry_rows(&app).await, (0, 0));
    }

    async fn only_bureaus_import(app) {
        let (_, bank) = app.bank("某银行", "4408").await;
        app.import(&bank, "REGISTRY", mixed_file()).await.expect_error("FORBIDDEN");
        let admin = app.admin_token().await;
        app.import(&admin, "REGISTRY", mixed_file()).await.expect_error("FORBIDDEN");
    }

    async fn a_bom_and_chinese_labels_are_accepted(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(RegistryCsv::new().row(&uscc(9), "雷州市九号有限公司", "张九").bytes());
        let r = app.import(&bureau, "REGISTRY", bytes).await;
        assert_eq!(r.at("/data/importRecords/acceptedRows"), &json!(1), "{:#}", r.body);
    }
}

async fn running_job_accepted(app: &TestApp) -> i64 {
    let db = app.db().conn();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COALESCE(MAX(accepted_rows), 0) AS n FROM import_jobs",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

both_backends! {
    async fn an_import_killed_midway_and_run_again_ends_with_exactly_the_files_rows(app) {
        let dir = std::env::temp_dir().join(format!("xyd-kill-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("registry.csv");
        let options = xyd_datagen::registry::RegistryOptions { rows: 20_000, ..Default::default() };
        xyd_datagen::registry::write_registry(std::fs::File::create(&file).unwrap(), &options).unwrap();
        let size = std::fs::metadata(&file).unwrap().len();

        let mut state_config = app.config.clone();
        state_config.imports.batch_rows = 500;
        let state = xinyidai::AppState::new(state_config, app.db().clone()).await.unwrap();
        let txn = state.db.begin_write().await.unwrap();
        let job = xinyidai::imports::job::create(&*txn, xyd_domain::ImportKind::Registry, "registry.csv", None, None)
            .await
            .unwrap()
            .id;
        txn.commit().await.unwrap();

        // The reader is at most two batches (and one read buffer) ahead of the writer: once it has passed a
        // quarter of the file, thousands of rows have been written inside the import's transaction.
        let read = Arc::new(AtomicU64::new(0));
        let first = {
            let (state, file, read) = (state.clone(), file.clone(), read.clone());
            tokio::spawn(async move {
                let options = xinyidai::imports::runner::RunOptions {
                    batch_rows: 500,
                    keep_errors: 100,
                    report: None,
                    progress: Some(read),
                    source: Default::default(),
                };
                let input = std::fs::File::open(&file).unwrap();
                xinyidai::imports::run_kind(&state, job, xyd_domain::ImportKind::Registry, Scope::All, input, options).await
            })
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while read.load(Ordering::Relaxed) < size / 4 {
            assert!(!first.is_finished(), "the import ended before it could be killed");
            assert!(std::time::Instant::now() < deadline, "the import made no progress");
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        first.abort();
        let killed_at = read.load(Ordering::Relaxed);
        assert!(first.await.unwrap_err().is_cancelled(), "the import was killed, not finished");
        assert!(killed_at < size * 3 / 4, "killed midway, not at the end: {killed_at} of {size} bytes read");

        // Nothing of the file is visible, and its job never completed.
        assert_eq!(registry_rows(&app).await, (0, 0), "a killed import leaves none of its rows");
        let status = xinyidai::imports::job::find(app.db().conn(), job).await.unwrap().unwrap().status;
        assert_ne!(status, xyd_domain::ImportStatus::Completed);

        xyd_cli::import::import_file(&state, xyd_domain::ImportKind::Registry, &file, None, None).await.unwrap();
        assert_eq!(registry_rows(&app).await, (20_000, 20_000));
        let report = std::fs::read_to_string(dir.join("registry.csv.rejected.csv")).unwrap();
        assert_eq!(report.trim(), "line,code,message", "a clean file has no rejected rows");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    async fn the_cli_report_lists_every_rejected_row(app) {
        let dir = std::env::temp_dir().join(format!("xyd-report-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.csv");
        let options = xyd_datagen::registry::RegistryOptions { rows: 3_000, error_rate: 0.02, ..Default::default() };
        let summary = xyd_datagen::registry::write_registry(std::fs::File::create(&file).unwrap(), &options).unwrap();
        xyd_cli::import::import_file(&app.state, xyd_domain::ImportKind::Registry, &file, Some("440882"), None)
            .await
            .unwrap();
        let report = std::fs::read_to_string(dir.join("bad.csv.rejected.csv")).unwrap();
        let invalid = report.lines().filter(|l| l.contains(",INVALID_USCC,")).count() as u64;
        let duplicate = report.lines().filter(|l| l.contains(",DUPLICATE_USCC,")).count() as u64;
        assert_eq!((invalid, duplicate), (summary.invalid_codes, summary.duplicate_codes));
        assert!(summary.invalid_codes > 0 && summary.duplicate_codes > 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

both_backends! {
    async fn a_later_row_of_a_code_wins_across_batches(app) {
        // 60 codes in groups of 3, each group standing (存续) and then, in the next 3 rows, cancelled (注销):
        // batches of 3 rows put the two rows of a code in consecutive batches.
        let mut csv = RegistryCsv::new();
        for group in 0..20 {
            for status in ["存续", "注销"] {
                for n in group * 3 + 1..=group * 3 + 3 {
                    csv = csv.row_with(&uscc(n), &format!("雷州市{n}号有限公司"), "张三", "440882105", status);
                }
            }
        }
        let dir = std::env::temp_dir().join(format!("xyd-lanes-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("registry.csv");
        std::fs::write(&file, csv.bytes()).unwrap();
        let mut config = app.config.clone();
        config.imports.batch_rows = 3;
        let state = xinyidai::AppState::new(config, app.db().clone()).await.unwrap();

        xyd_cli::import::import_file(&state, xyd_domain::ImportKind::Registry, &file, None, None).await.unwrap();

        let db = app.db().conn();
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'CANCELLED' THEN 1 ELSE 0 END) AS cancelled
                 FROM registry_entries",
            ))
            .await
            .unwrap()
            .unwrap();
        let (n, cancelled): (i64, i64) = (row.try_get("", "n").unwrap(), row.try_get("", "cancelled").unwrap());
        assert_eq!((n, cancelled), (60, 60), "every code ends with its last row");
        assert_eq!(running_job_accepted(&app).await, 120);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
