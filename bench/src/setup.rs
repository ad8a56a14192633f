//! What several benchmarks set up through the API: verified enterprises.

use anyhow::{Context, bail};
use serde_json::{Value, json};

use crate::gql;

const REGISTER: &str =
    "mutation($i: RegisterSubjectInput!) { registerSubject(input: $i) { accessToken user { subject { id } } } }";
const VERIFY: &str = "mutation($s: ID!) { verifySubject(subjectId: $s) { verified } }";

/// A registered enterprise, verified by the administrator: its owner's token and its subject id.
pub(crate) struct Enterprise {
    pub(crate) token: String,
    pub(crate) subject: String,
    pub(crate) uscc: String,
}

/// Enterprise `n` of a benchmark's set `tag` (upper-case letters and digits, at most 8): a USCC of 雷州市 whose
/// organization code is `tag` and `n`, `{tag}{n}@bench.test` (lower case) as its owner's login. It registers
/// from a client address of its own (`X-Forwarded-For`), so a set larger than the per-address registration
/// limit fits when the API trusts one proxy hop, and the administrator (`admin`, a token) verifies it.
pub(crate) async fn verified_enterprise(
    http: &reqwest::Client,
    api: &str,
    admin: &str,
    tag: &str,
    n: usize,
) -> anyhow::Result<Enterprise> {
    let org = format!("{tag}{n:0>width$}", width = 9 - tag.len());
    let uscc = xyd_domain::Uscc::from_parts('9', '1', "440882", &org)?;
    let input = json!({ "i": {
        "uscc": uscc.as_str(), "name": format!("雷州市基准测试{tag}{n}有限公司"), "kind": "ENTERPRISE",
        "regionCode": "440882105", "industryCode": "C1391", "legalRepName": "测试", "establishedOn": "2015-01-01",
        "email": format!("{}{n}@bench.test", tag.to_lowercase()), "password": "Bench12345" } });
    let body = json!({ "query": REGISTER, "variables": input });
    let request =
        http.post(format!("{api}/graphql")).header("x-forwarded-for", format!("10.77.{}.{}", n / 250, n % 250));
    let answer: Value = request.json(&body).send().await?.json().await?;
    if answer.get("errors").is_some() {
        bail!("GraphQL errors: {answer}");
    }
    let registered = &answer["data"]["registerSubject"];
    let token = registered["accessToken"].as_str().context("no token")?.to_string();
    let subject = registered["user"]["subject"]["id"].as_str().context("no subject")?.to_string();
    gql(http, api, Some(admin), VERIFY, json!({ "s": subject })).await?;
    Ok(Enterprise { token, subject, uscc: uscc.as_str().to_string() })
}
