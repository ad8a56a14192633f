//! P7 (docs/benchmarks.md): a bank's `creditProfile` — public records and tax data under the subject's consent,
//! every read appended to the access log's hash chain — against the owners' own reads of the same profiles, which
//! are not logged, both at [`CONCURRENCY`] clients at once. Set up through the API (32 verified enterprises, 4
//! banks each holding every enterprise's TAX consent) and the `xinyidai import tax` command (a tax year each).

use std::path::Path;

use anyhow::bail;
use serde_json::{Value, json};

use crate::products::{CONCURRENCY, throughput};
use crate::setup::{Enterprise, verified_enterprise};
use crate::{Admin, gql, login};

const ENTERPRISES: usize = 32;
const BANKS: usize = 4;
/// Legs of each side per round, taken in turn.
const LEGS: usize = 4;
const PASSWORD: &str = "Bench12345";

const CREATE_BANK: &str = "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id } }";
const TEXT: &str = "{ consentText { version } }";
const GRANT: &str = "mutation($i: GrantConsentInput!) { grantConsent(input: $i) { id } }";
const PROFILE: &str = "query($s: ID!) { creditProfile(subjectId: $s, purpose: LOAN_APPLICATION) {
    publicRecords { id } tax { year grade taxPaid } } }";

pub(crate) async fn run(admin: &Admin, cli: &Path, requests: usize, rounds: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let api = admin.api.as_str();
    let admin = admin.login(&http).await?;
    let banks = banks(&http, api, &admin).await?;
    let mut enterprises = Vec::with_capacity(ENTERPRISES);
    for n in 0..ENTERPRISES {
        enterprises.push(verified_enterprise(&http, api, &admin, "P7RD", n).await?);
    }
    import_tax(cli, &enterprises)?;
    consents(&http, api, &enterprises, &banks).await?;
    let total = requests.max(CONCURRENCY * 10);
    let read = |token: &str, subject: &str| {
        let (http, token, subject) = (&http, token.to_string(), subject.to_string());
        async move {
            let data = gql(http, api, Some(&token), PROFILE, json!({ "s": subject })).await?;
            if data["creditProfile"]["tax"].as_array().is_none_or(Vec::is_empty) {
                bail!("no tax data in {data}");
            }
            Ok(1)
        }
    };
    let owners = |i: usize| read(&enterprises[i % ENTERPRISES].token, &enterprises[i % ENTERPRISES].subject);
    let logged = |i: usize| read(&banks[i % BANKS], &enterprises[(i / BANKS) % ENTERPRISES].subject);
    // Untimed first, a leg of each side: every pooled connection has prepared its statements (the access log's
    // batches run on whichever connection the pool hands out), and caches and the chain's head are warm.
    throughput(total / LEGS, owners).await;
    throughput(total / LEGS, logged).await;
    println!(
        "{CONCURRENCY} concurrent clients, {total} creditProfile reads per side, {ENTERPRISES} enterprises, {BANKS} banks"
    );
    // Both sides in turn, in short legs so that the machine's drift falls on both alike; `rounds` times, each
    // ratio side by side.
    let mut worst = f64::INFINITY;
    for round in 1..=rounds.max(1) {
        let (mut owner_time, mut bank_time, mut errors) = (0.0, 0.0, 0);
        for _ in 0..LEGS {
            let (owner_rps, owner_errors) = throughput(total / LEGS, owners).await;
            let (bank_rps, bank_errors) = throughput(total / LEGS, logged).await;
            owner_time += (total / LEGS) as f64 / owner_rps;
            bank_time += (total / LEGS) as f64 / bank_rps;
            errors += owner_errors + bank_errors;
        }
        let (owner_rps, bank_rps) =
            ((total / LEGS * LEGS) as f64 / owner_time, (total / LEGS * LEGS) as f64 / bank_time);
        let ratio = bank_rps / owner_rps;
        println!(
            "round {round}: owners, not logged {owner_rps:>6.0}/s; banks, logged {bank_rps:>6.0}/s; {ratio:.2}× ({errors} errors)"
        );
        if errors > 0 {
            bail!("errors in round {round}");
        }
        worst = worst.min(ratio);
    }
    println!("ratio of throughputs, worst of {rounds}: {worst:.2}× (target ≥ 0.8×, 0 errors)");
    Ok(())
}

/// Four banks serving 湛江市, each signed in as its administrator; their tokens.
async fn banks(http: &reqwest::Client, api: &str, admin: &str) -> anyhow::Result<Vec<String>> {
    let mut tokens = Vec::new();
    for n in 0..BANKS {
        let email = format!("p7bank{n}@bench.test");
        let input = json!({ "i": { "kind": "BANK", "name": format!("基准测试银行{n}"), "regionCode": "4408",
            "adminEmail": email, "adminPassword": PASSWORD } });
        gql(http, api, Some(admin), CREATE_BANK, input).await?;
        tokens.push(login(http, api, &email, PASSWORD).await?);
    }
    Ok(tokens)
}

/// Last year's tax row for each code, through `xinyidai import tax` (the database of `DATABASE_URL`).
fn import_tax(cli: &Path, enterprises: &[Enterprise]) -> anyhow::Result<()> {
    let mut csv = String::from("uscc,year,grade,tax_paid\n");
    for (n, enterprise) in enterprises.iter().enumerate() {
        csv.push_str(&format!("{},2025,A,{}.00\n", enterprise.uscc, 50_000 + n * 1_000));
    }
    let file = std::env::temp_dir().join(format!("xyd-bench-tax-{}.csv", std::process::id()));
    std::fs::write(&file, csv)?;
    let status = std::process::Command::new(cli).args(["import", "tax"]).arg(&file).status()?;
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(file.with_extension("csv.rejected.csv"));
    if !status.success() {
        bail!("xinyidai import tax failed: {status}");
    }
    Ok(())
}

/// Every enterprise consents to every bank reading its tax data for loan applications, for 300 days.
async fn consents(
    http: &reqwest::Client,
    api: &str,
    enterprises: &[Enterprise],
    banks: &[String],
) -> anyhow::Result<()> {
    let version = gql(http, api, None, TEXT, json!({})).await?["consentText"]["version"].clone();
    let until = std::time::SystemTime::now() + std::time::Duration::from_secs(300 * 86_400);
    let until = chrono::DateTime::<chrono::Utc>::from(until).to_rfc3339();
    for bank in banks {
        let me = gql(http, api, Some(bank), "{ me { institution { id } } }", json!({})).await?;
        let grantee: Value = me["me"]["institution"]["id"].clone();
        for enterprise in enterprises {
            let input = json!({ "i": { "granteeId": grantee, "categories": ["TAX"], "purpose": "LOAN_APPLICATION",
                "validUntil": until, "textVersion": version } });
            gql(http, api, Some(&enterprise.token), GRANT, input).await?;
        }
    }
    Ok(())
}
