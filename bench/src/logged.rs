//! P7 (docs/benchmarks.md): a bank's `creditProfile` — public records and tax data under the subject's consent,
//! every read appended to the access log's hash chain — against the owners' own reads of the same profiles, which
//! are not logged, both at [`CONCURRENCY`] clients at once. Set up through the API (32 verified enterprises, 4
//! banks each holding every enterprise's TAX consent) and the `xinyidai import tax` command (a tax year each).

use std::path::Path;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::products::{CONCURRENCY, throughput};
use crate::{LOGIN, gql};

const ENTERPRISES: usize = 32;
const BANKS: usize = 4;
const PASSWORD: &str = "Bench12345";

const CREATE_BANK: &str = "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id } }";
const REGISTER: &str =
    "mutation($i: RegisterSubjectInput!) { registerSubject(input: $i) { accessToken user { subject { id uscc } } } }";
const VERIFY: &str = "mutation($s: ID!) { verifySubject(subjectId: $s) { verified } }";
const TEXT: &str = "{ consentText { version } }";
const GRANT: &str = "mutation($i: GrantConsentInput!) { grantConsent(input: $i) { id } }";
const PROFILE: &str = "query($s: ID!) { creditProfile(subjectId: $s, purpose: LOAN_APPLICATION) {
    publicRecords { id } tax { year grade taxPaid } } }";

/// An enterprise of the benchmark: its owner's token and its subject id.
struct Enterprise {
    token: String,
    subject: String,
}

pub(crate) async fn run(api: &str, admin: [&str; 2], cli: &Path, requests: usize) -> anyhow::Result<()> {
    let http = reqwest::Client::new();
    let admin = login(&http, api, admin).await?;
    let banks = banks(&http, api, &admin).await?;
    let (enterprises, usccs) = enterprises(&http, api, &admin).await?;
    import_tax(cli, &usccs)?;
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
    // Untimed first: connections, caches and the chain's head warm.
    throughput(CONCURRENCY * 2, owners).await;
    throughput(CONCURRENCY * 2, logged).await;
    let (owner_rps, owner_errors) = throughput(total, owners).await;
    let (bank_rps, bank_errors) = throughput(total, logged).await;
    println!(
        "{CONCURRENCY} concurrent clients, {total} creditProfile reads per side, {ENTERPRISES} enterprises, {BANKS} banks"
    );
    println!("owners, not logged  {owner_rps:>8.0} requests/s  {owner_errors} errors");
    println!("banks, logged       {bank_rps:>8.0} requests/s  {bank_errors} errors");
    println!("ratio of throughputs {:.2}× (target ≥ 0.8×, 0 errors)", bank_rps / owner_rps);
    Ok(())
}

async fn login(http: &reqwest::Client, api: &str, [email, password]: [&str; 2]) -> anyhow::Result<String> {
    let data = gql(http, api, None, LOGIN, json!({ "i": { "email": email, "password": password } })).await?;
    data["login"]["accessToken"].as_str().map(str::to_string).context("no token")
}

/// Four banks serving 湛江市, each signed in as its administrator; their tokens.
async fn banks(http: &reqwest::Client, api: &str, admin: &str) -> anyhow::Result<Vec<String>> {
    let mut tokens = Vec::new();
    for n in 0..BANKS {
        let email = format!("p7bank{n}@bench.test");
        let input = json!({ "i": { "kind": "BANK", "name": format!("基准测试银行{n}"), "regionCode": "4408",
            "adminEmail": email, "adminPassword": PASSWORD } });
        gql(http, api, Some(admin), CREATE_BANK, input).await?;
        tokens.push(login(http, api, [&email, PASSWORD]).await?);
    }
    Ok(tokens)
}

/// The enterprises, registered and verified; and their codes.
async fn enterprises(http: &reqwest::Client, api: &str, admin: &str) -> anyhow::Result<(Vec<Enterprise>, Vec<String>)> {
    let (mut enterprises, mut usccs) = (Vec::new(), Vec::new());
    for n in 0..ENTERPRISES {
        let uscc = xyd_domain::Uscc::from_parts('9', '1', "440882", &format!("P7RD{n:05}"))?;
        let input = json!({ "i": {
            "uscc": uscc.as_str(), "name": format!("雷州市授权查询{n}有限公司"), "kind": "ENTERPRISE",
            "regionCode": "440882105", "industryCode": "C1391", "legalRepName": "测试", "establishedOn": "2015-01-01",
            "email": format!("p7owner{n}@bench.test"), "password": PASSWORD } });
        let registered = register(http, api, n, &input).await?;
        let token = registered["registerSubject"]["accessToken"].as_str().context("no token")?.to_string();
        let subject = registered["registerSubject"]["user"]["subject"]["id"].as_str().context("no subject")?;
        gql(http, api, Some(admin), VERIFY, json!({ "s": subject })).await?;
        enterprises.push(Enterprise { token, subject: subject.to_string() });
        usccs.push(uscc.as_str().to_string());
    }
    Ok((enterprises, usccs))
}

/// `registerSubject` from a client address of its own (the server trusts one proxy hop in this benchmark), so
/// that 32 registrations stay within the per-address limit.
async fn register(http: &reqwest::Client, api: &str, n: usize, variables: &Value) -> anyhow::Result<Value> {
    let body = json!({ "query": REGISTER, "variables": variables });
    let request = http.post(format!("{api}/graphql")).header("x-forwarded-for", format!("10.77.0.{n}")).json(&body);
    let answer: Value = request.send().await?.json().await?;
    if answer.get("errors").is_some() {
        bail!("GraphQL errors: {answer}");
    }
    Ok(answer["data"].clone())
}

/// Last year's tax row for each code, through `xinyidai import tax` (the database of `DATABASE_URL`).
fn import_tax(cli: &Path, usccs: &[String]) -> anyhow::Result<()> {
    let mut csv = String::from("uscc,year,grade,tax_paid\n");
    for (n, uscc) in usccs.iter().enumerate() {
        csv.push_str(&format!("{uscc},2025,A,{}.00\n", 50_000 + n * 1_000));
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
