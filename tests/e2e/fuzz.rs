//! A property-based fuzz of the whole schema: Schemathesis (PyPI, pinned in tests/fuzz/requirements.txt,
//! installed by scripts/install-fuzz-tools.sh, named by `XYD_FUZZ_TOOLS`) generates every Query and Mutation
//! field with arguments valid and malformed (tests/fuzz/xyd_fuzz_hooks.py says which), anonymous and as each
//! role, against the real server on a small seeded world. No answer may be a 5xx or carry an INTERNAL error;
//! refusals (BAD_USER_INPUT, FORBIDDEN, RATE_LIMITED, QUERY_TOO_EXPENSIVE …) are what malformed input should get.
//!
//! `logout` runs last for each caller, since it ends the caller's session. Subscriptions are not generated
//! (Schemathesis speaks HTTP only), and `importRecords` gets its `Upload` as a literal, never a multipart file:
//! uploads have their own tests (imports.rs, import_formats.rs, http_edges.rs).

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;
use xyd_tests::fixtures::{self, GRANT, POST_DEMAND, credit_csv, tax_csv, uscc};
use xyd_tests::{Backend, TestApp, both_backends};

/// Examples per operation and caller; `XYD_FUZZ_EXAMPLES` fuzzes longer.
const EXAMPLES: u32 = 20;
/// The seed of the run on PostgreSQL (SQLite takes the next), so a failure replays; `XYD_FUZZ_SEED` changes it.
const SEED: u64 = 25;

/// The virtualenv with Schemathesis that `scripts/install-fuzz-tools.sh` prints; none, with a warning, when it
/// is missing outside CI (a failure in CI).
fn fuzz_tools() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("XYD_FUZZ_TOOLS").filter(|d| !d.is_empty()) else {
        assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "CI needs the fuzz tools (XYD_FUZZ_TOOLS)");
        eprintln!("warning: XYD_FUZZ_TOOLS is not set (scripts/install-fuzz-tools.sh): test skipped");
        return None;
    };
    Some(PathBuf::from(dir))
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A small world for the operations to reach real code: a bureau of 雷州, a verified enterprise with public,
/// authorized and tax records, a bank of 湛江 with a published product, a consent to it, a demand it accepted.
/// Returns the callers with their tokens, and the IDs and strings the fuzzer draws from beside random ones.
async fn world(app: &TestApp) -> (Vec<(&'static str, Option<String>)>, serde_json::Value) {
    let (bureau_id, bureau) = app.bureau("雷州市发展和改革局", "440882").await;
    let code = uscc(1);
    let (enterprise, subject) = app.verified_enterprise(&bureau, &code, "雷州市模糊测试有限公司", "张三").await;
    app.import(&bureau, "TAX", tax_csv(&[(&code, 2025, "A", "125000.50")])).await.ok();
    let credit = credit_csv(&[
        (&code, "ADMIN_PENALTY", "雷市监罚〔2025〕9号", "未按规定公示年报"),
        (&code, "SOCIAL_INSURANCE", "社保〔2025〕9号", "社保缴纳正常"),
    ]);
    app.import(&bureau, "CREDIT", credit).await.ok();
    let (bank_id, bank) = app.bank("雷州农村商业银行", "4408").await;
    let product = app.published_product(&bank, fixtures::product_input("雷州信易贷", "经营周转，纯信用")).await;
    let r = app.gql(Some(&enterprise), GRANT, fixtures::grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400)).await;
    let consent = r.ok().str_at("/data/grantConsent/id").to_string();
    let r = app.gql(Some(&enterprise), POST_DEMAND, fixtures::demand_input(&["TAX"])).await;
    let demand = r.ok().str_at("/data/postDemand/id").to_string();
    let r =
        app.gql(Some(&bank), "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }", json!({ "d": demand })).await;
    let response = r.ok().str_at("/data/acceptDemand/id").to_string();
    let admin = app.admin_token().await;
    let text = fixtures::current_text_version();
    let product_input = json!({
        "name": "雷州信易贷二号", "description": "经营周转", "productType": "CREDIT", "amountMin": "100000.00",
        "amountMax": "3000000.00", "termMonthsMin": 6, "termMonthsMax": 36, "rateMin": "3.45", "rateMax": "6.00",
        "subjectKinds": ["ENTERPRISE"], "regionPrefixes": ["4408"], "industryCodes": ["C1391"], "minTaxGrade": "B",
        "requiresCleanRecord": true, "requiresVerified": true, "requiredConsents": ["TAX"], "taxBased": true,
        "trustedRateDiscount": "0.20",
        "preCredit": { "basis": "TAX_PAID", "multiple": 3.0, "gradeFactors": [{ "grade": "A", "factor": 1.0 }] },
    });
    let registration = fixtures::registration(&uscc(2), "雷州市注册测试有限公司", "李四", "new@ent.test");
    let grant = fixtures::grant(&bank_id, &["TAX"], "LOAN_APPLICATION", 86_400);
    let period = json!({ "from": "2026-01-01", "to": "2026-10-31", "regionCode": "440882" });
    // Valid arguments that most draws of these operations keep, with a few fields drawn instead (see the hooks).
    let inputs = json!({
        "Mutation.login": { "input": { "email": "admin@xyd.test", "password": "Wrong12345" } },
        "Mutation.registerSubject": { "input": registration["i"] },
        "Mutation.resubmitVerification": { "input": { "name": "雷州市模糊测试有限公司", "regionCode": "440882100",
                                                      "legalRepName": "张三", "legalRepIdNumber": fixtures::LEGAL_REP_ID } },
        "Mutation.createInstitution": { "input": { "kind": "BANK", "name": "湛江某银行", "regionCode": "4408",
                                                   "adminEmail": "staff@bank.test", "adminPassword": "Staff12345" } },
        "Mutation.createProduct": { "input": product_input },
        "Mutation.updateProduct": { "id": product, "input": product_input },
        "Mutation.grantConsent": { "input": grant["i"] },
        "Mutation.postDemand": { "input": fixtures::demand_input(&["TAX"])["i"] },
        "Mutation.grantCredit": { "responseId": response, "input": { "amount": "400000.00", "annualRate": "4.35",
                                  "termMonths": 12, "productId": product, "repaymentMethod": "EQUAL_INSTALLMENT" } },
        "Mutation.recordDisbursement": { "input": { "amount": "400000.00", "disbursedAt": "2026-11-01T00:00:00Z",
                                                    "firstLoan": true } },
        "Mutation.requestRenewal": { "input": { "kind": "RENEWAL", "amount": "400000.00", "termMonths": 12,
                                                "reason": "经营周转需要续贷" } },
        "Query.products": { "filter": { "regionCode": "440882", "amount": "500000.00", "termMonths": 12,
                                        "maxRate": "6.00", "subjectKind": "ENTERPRISE" } },
        "Query.indicators": { "input": period },
        "Query.bankLeague": { "input": period },
    });
    let seeds = json!({
        "ids": [subject, bureau_id, bank_id, product, consent, demand, response],
        "strings": [code, "440882", "4408", "440800", "440882100", "C1391", "雷州市模糊测试有限公司", "张三",
                    fixtures::LEGAL_REP_ID, text],
        "inputs": inputs,
    });
    let callers = vec![
        ("anonymous", None),
        ("ENTERPRISE", Some(enterprise)),
        ("BANK", Some(bank)),
        ("BUREAU", Some(bureau)),
        ("ADMIN", Some(admin)),
    ];
    (callers, seeds)
}

/// What one Schemathesis run did.
struct Run {
    passed: bool,
    report: String,
}

impl Run {
    /// The summary's numbers: operations selected, in the schema, tested; test cases generated.
    fn counts(&self) -> (usize, usize, usize, usize) {
        let lines: Vec<&str> = self.report.lines().map(str::trim).collect();
        let at = |label: &str| lines.iter().position(|l| l.starts_with(label));
        let number = |text: &str| text.trim().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok();
        let selected = at("Selected:").and_then(|i| lines[i]["Selected:".len()..].split_once('/'));
        let (selected, total) = selected.map_or((0, 0), |(s, t)| (number(s).unwrap_or(0), number(t).unwrap_or(0)));
        let tested = at("Tested:").and_then(|i| number(&lines[i]["Tested:".len()..])).unwrap_or(0);
        let cases = at("Test cases:").and_then(|i| number(lines.get(i + 1)?)).unwrap_or(0);
        (selected, total, tested, cases)
    }
}

async fn schemathesis(tools: &Path, app: &TestApp, token: Option<&str>, seeds: &Path, args: &[String]) -> Run {
    let work = std::env::temp_dir().join(format!("xyd-fuzz-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&work).unwrap();
    let mut command = tokio::process::Command::new(tools.join("bin/schemathesis"));
    command
        .arg("run")
        .arg(app.url("/graphql"))
        .args(["--checks", "no_server_fault", "--mode", "all", "--workers", "1", "--generation-database", "none"])
        .args(["--suppress-health-check", "all", "--no-color", "--output-truncate", "false"])
        .args(args)
        .current_dir(&work)
        .env("SCHEMATHESIS_HOOKS", "xyd_fuzz_hooks")
        .env("PYTHONPATH", Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz"))
        .env("XYD_FUZZ_SEEDS", seeds)
        .kill_on_drop(true);
    if let Some(token) = token {
        command.arg("--header").arg(format!("Authorization: Bearer {token}"));
    }
    let out = command.output().await.unwrap();
    let _ = std::fs::remove_dir_all(&work);
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Run { passed: out.status.success(), report }
}

both_backends! {
    async fn every_operation_as_every_caller_answers_without_a_server_fault(app) {
        let Some(tools) = fuzz_tools() else { return };
        let started = Instant::now();
        let (callers, seeds) = world(&app).await;
        let seeds_file = std::env::temp_dir().join(format!("xyd-fuzz-seeds-{}.json", uuid::Uuid::now_v7().simple()));
        std::fs::write(&seeds_file, seeds.to_string()).unwrap();
        let examples = env_number("XYD_FUZZ_EXAMPLES", EXAMPLES);
        let seed = env_number("XYD_FUZZ_SEED", SEED) + u64::from(app.backend == Backend::Sqlite);
        let fuzz = [
            "--max-examples".to_string(), examples.to_string(), "--seed".to_string(), seed.to_string(),
            "--exclude-name".to_string(), "Mutation.logout".to_string(),
        ];
        let logout = ["--include-name".to_string(), "Mutation.logout".to_string(), "--max-examples".to_string(),
                      "1".to_string(), "--phases".to_string(), "fuzzing".to_string()];
        let mut failures = Vec::new();
        let mut summary = Vec::new();
        for (args, logout_only) in [(&fuzz[..], false), (&logout[..], true)] {
            for (caller, token) in &callers {
                let run = schemathesis(&tools, &app, token.as_deref(), &seeds_file, args).await;
                let (selected, total, tested, cases) = run.counts();
                if !logout_only {
                    summary.push(format!("{caller}: {tested} operations, {cases} cases"));
                }
                if !run.passed {
                    failures.push(format!("── {caller} (seed {seed}) ──\n{}", run.report));
                }
                // Every Query and Mutation field was generated: none left out but `logout` in its own run, none
                // skipped (a scalar without a strategy, say).
                let whole = if logout_only { tested == 1 } else { tested == selected && selected + 1 == total };
                assert!(whole, "{caller}: {tested} of {selected} selected of {total} tested:\n{}", run.report);
            }
        }
        let _ = std::fs::remove_file(&seeds_file);
        eprintln!("fuzz on {:?} in {:.0?}: {}", app.backend, started.elapsed(), summary.join("; "));
        assert!(failures.is_empty(), "the fuzzer found server faults:\n{}", failures.join("\n"));
    }
}
