//! The authorization matrix as data (`authz_matrix.toml`): for every Query and Mutation field, what each
//! kind of caller gets — data, null, or an error code. One world per database; every row runs as all eight
//! callers; every mismatch is collected, so one run shows the whole difference. The schema's fields are read
//! by introspection, so a field without rows fails the test. The README's security model table is rendered
//! from the same file.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};

use serde::Deserialize;
use serde_json::{Value, json};
use xyd_tests::fixtures::{self, RegistryCsv, credit_csv, tax_csv, uscc};
use xyd_tests::{GqlResponse, TestApp, both_backends};

const MATRIX: &str = include_str!("authz_matrix.toml");
const README_BEGIN: &str = "<!-- security-model:begin -->";
const README_END: &str = "<!-- security-model:end -->";

const STAFF_PASSWORD: &str = "Staff12345";

const NAME_A: &str = "雷州市矩阵甲食品有限公司";
const NAME_B: &str = "雷州市矩阵乙贸易有限公司";
const PENALTY_TITLE: &str = "矩阵公开处罚";
const DISPUTED_TITLE: &str = "矩阵异议记录";

const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id status } }";
const WITHDRAW: &str = "mutation($id: ID!) { withdrawDemand(id: $id) { id status } }";
const GRANT_CREDIT: &str = "mutation($r: ID!) { grantCredit(responseId: $r, input: {amount: \"400000.00\", annualRate: \"4.35\", termMonths: 12}) { id status } }";
const FILE_OBJECTION: &str =
    "mutation($r: ID!) { fileObjection(recordId: $r, reason: \"该处罚已撤销，附撤销决定书\") { id } }";
const REGISTER_PERSON: &str =
    "mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { user { subject { id } } } }";
const REGISTER_PERSON_TOKEN: &str = "mutation($i: RegisterPersonInput!) { registerPerson(input: $i) { accessToken } }";
const REQUEST_ERASURE: &str = "mutation { requestErasure(reason: \"请删除本人信息\") { id } }";
const REJECT_SUBJECT: &str = "mutation($s: ID!) { rejectSubjectVerification(subjectId: $s, reason: \"营业执照照片不清晰\") { id verificationStatus } }";

// ─────────────────────────────────────────── the table ───────────────────────────────────────────

/// The eight kinds of caller, in the table's column order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Caller {
    Anonymous,
    EnterpriseOwn,
    EnterpriseOther,
    BankOwn,
    BankOther,
    BureauInside,
    BureauOutside,
    Admin,
}

impl Caller {
    const ALL: [Caller; 8] = [
        Caller::Anonymous,
        Caller::EnterpriseOwn,
        Caller::EnterpriseOther,
        Caller::BankOwn,
        Caller::BankOther,
        Caller::BureauInside,
        Caller::BureauOutside,
        Caller::Admin,
    ];

    /// The key of its outcome in a row.
    fn key(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::EnterpriseOwn => "enterprise_own",
            Caller::EnterpriseOther => "enterprise_other",
            Caller::BankOwn => "bank_own",
            Caller::BankOther => "bank_other",
            Caller::BureauInside => "bureau_inside",
            Caller::BureauOutside => "bureau_outside",
            Caller::Admin => "admin",
        }
    }

    /// Its column heading in the README.
    fn heading(self) -> &'static str {
        match self {
            Caller::Anonymous => "anonymous",
            Caller::EnterpriseOwn => "enterprise (own)",
            Caller::EnterpriseOther => "enterprise (other)",
            Caller::BankOwn => "bank (own)",
            Caller::BankOther => "bank (other)",
            Caller::BureauInside => "bureau (inside)",
            Caller::BureauOutside => "bureau (outside)",
            Caller::Admin => "admin",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Matrix {
    row: Vec<Row>,
}

/// One (field, case) and what each caller gets.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    field: String,
    case: String,
    doc: Option<String>,
    query: String,
    vars: Option<Value>,
    path: Option<String>,
    prepare: Option<String>,
    upload: Option<String>,
    kind: Option<String>,
    anonymous: Option<String>,
    enterprise_own: Option<String>,
    enterprise_other: Option<String>,
    bank_own: Option<String>,
    bank_other: Option<String>,
    bureau_inside: Option<String>,
    bureau_outside: Option<String>,
    admin: Option<String>,
}

impl Row {
    fn outcome(&self, caller: Caller) -> Option<&str> {
        match caller {
            Caller::Anonymous => self.anonymous.as_deref(),
            Caller::EnterpriseOwn => self.enterprise_own.as_deref(),
            Caller::EnterpriseOther => self.enterprise_other.as_deref(),
            Caller::BankOwn => self.bank_own.as_deref(),
            Caller::BankOther => self.bank_other.as_deref(),
            Caller::BureauInside => self.bureau_inside.as_deref(),
            Caller::BureauOutside => self.bureau_outside.as_deref(),
            Caller::Admin => self.admin.as_deref(),
        }
    }

    /// `Query` or `Mutation`.
    fn root(&self) -> &str {
        self.field.split_once('.').map_or("", |(root, _)| root)
    }

    /// The path whose value or error decides the outcome, e.g. `creditProfile.tax`.
    fn path(&self) -> String {
        match &self.path {
            Some(path) => path.clone(),
            None => self.field.split_once('.').map_or(self.field.as_str(), |(_, name)| name).to_string(),
        }
    }

    /// How the README names the row's field: the decisive path under its root.
    fn display_field(&self) -> String {
        format!("{}.{}", self.root(), self.path())
    }

    fn label(&self) -> String {
        format!("{} [{}]", self.field, self.case)
    }
}

fn matrix() -> Matrix {
    toml::from_str(MATRIX).unwrap_or_else(|e| panic!("tests/e2e/authz_matrix.toml does not parse: {e}"))
}

fn valid_outcome(outcome: &str) -> bool {
    outcome == "data"
        || outcome == "null"
        || (!outcome.is_empty() && outcome.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
}

/// Rows that name no root, lack an outcome, hold an outcome that is none of data / null / a code, or
/// repeat another row's (field, case).
fn structure_problems(m: &Matrix) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for row in &m.row {
        if !matches!(row.root(), "Query" | "Mutation") {
            problems.push(format!("{}: the field must be Query.<name> or Mutation.<name>", row.label()));
        }
        if !seen.insert((row.field.clone(), row.case.clone())) {
            problems.push(format!("{}: the same field and case twice", row.label()));
        }
        if row.upload.is_some() != row.kind.is_some() {
            problems.push(format!("{}: `upload` and `kind` go together", row.label()));
        }
        for caller in Caller::ALL {
            match row.outcome(caller) {
                None => problems.push(format!("{} {}: no expected outcome", row.label(), caller.key())),
                Some(o) if !valid_outcome(o) => {
                    problems.push(format!("{} {}: `{o}` is not data, null or an error code", row.label(), caller.key()))
                }
                Some(_) => {}
            }
        }
    }
    problems
}

// ─────────────────────────────────────── the README section ───────────────────────────────────────

fn symbol(outcome: &str) -> &str {
    match outcome {
        "data" => "✓",
        other => other,
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The security model table, one line per row of the matrix, in its order.
fn render(m: &Matrix) -> String {
    let mut out = String::from("| field | case |");
    for caller in Caller::ALL {
        let _ = write!(out, " {} |", caller.heading());
    }
    out.push_str("\n|---|---|");
    for _ in Caller::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for row in &m.row {
        let case = row.doc.as_deref().unwrap_or(&row.case);
        let _ = write!(out, "| `{}` | {} |", row.display_field(), cell(case));
        for caller in Caller::ALL {
            let _ = write!(out, " {} |", symbol(row.outcome(caller).unwrap_or("?")));
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_matrix_is_well_formed() {
    let problems = structure_problems(&matrix());
    assert!(problems.is_empty(), "authz_matrix.toml:\n{}", problems.join("\n"));
}

/// The README's table between the security-model markers is the rendered matrix. `XYD_UPDATE_README=1`
/// rewrites it instead of failing.
#[test]
fn the_readme_security_model_is_the_matrix() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme.find(README_BEGIN).expect("README.md has the security-model:begin marker") + README_BEGIN.len();
    let end = start + readme[start..].find(README_END).expect("README.md has the security-model:end marker");
    let wanted = format!("\n{}", render(&matrix()));
    if readme[start..end] == wanted {
        return;
    }
    if std::env::var("XYD_UPDATE_README").as_deref() == Ok("1") {
        let updated = format!("{}{}{}", &readme[..start], wanted, &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    panic!(
        "README.md's security model differs from tests/e2e/authz_matrix.toml; rerun with XYD_UPDATE_README=1 to \
         rewrite it.\n--- rendered ---{wanted}--- in README.md ---{}",
        &readme[start..end]
    );
}

// ──────────────────────────────────────────── the world ────────────────────────────────────────────

/// Side A (subject A, bank A, the 440882 bureau) and the callers around it.
struct World {
    /// Access tokens of every caller but the anonymous one.
    tokens: HashMap<Caller, String>,
    /// Login emails of every caller but the anonymous one.
    emails: HashMap<Caller, String>,
    /// Placeholder values: `subject_a` → its id, …
    values: HashMap<String, String>,
    owner: String,
    bank_a: String,
    bank_a_id: String,
    bureau_inside: String,
    admin: String,
    subject_a: String,
    code_a: String,
    product_a: String,
    /// Numbers for fresh codes, names and document numbers.
    next: AtomicU32,
}

impl World {
    fn number(&self) -> u32 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }
}

fn email(tag: &str) -> String {
    format!("{}@{tag}.matrix.test", uuid::Uuid::now_v7().simple())
}

/// The string at `pointer`, or the whole response as the error.
fn need(r: &GqlResponse, pointer: &str) -> Result<String, String> {
    r.at(pointer).as_str().map(str::to_string).ok_or_else(|| format!("no {pointer} in {}", r.body))
}

/// Run an operation that must succeed; the string at `pointer`.
async fn call(app: &TestApp, token: &str, query: &str, vars: Value, pointer: &str) -> Result<String, String> {
    let r = app.gql(Some(token), query, vars).await;
    if r.body.get("errors").is_some() {
        return Err(format!("{query}: {}", r.body));
    }
    need(&r, pointer)
}

/// Onboard an institution: (id, staff token, staff email).
async fn institution(app: &TestApp, admin: &str, kind: &str, name: &str, region: &str) -> (String, String, String) {
    let staff = email(&kind.to_lowercase());
    let id = call(
        app,
        admin,
        "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id } }",
        json!({ "i": { "kind": kind, "name": name, "regionCode": region,
                       "adminEmail": staff, "adminPassword": STAFF_PASSWORD } }),
        "/data/createInstitution/id",
    )
    .await
    .unwrap_or_else(|e| panic!("institution {name}: {e}"));
    let token = app.tokens(&staff, STAFF_PASSWORD).await.access;
    (id, token, staff)
}

/// Register an enterprise of 雷州: (access token, subject id, verification status).
async fn register(
    app: &TestApp,
    code: &str,
    name: &str,
    legal_rep: &str,
    email: &str,
) -> Result<(String, String, String), String> {
    let r = app.gql(None, fixtures::REGISTER, fixtures::registration(code, name, legal_rep, email)).await;
    Ok((
        need(&r, "/data/registerSubject/accessToken")?,
        need(&r, "/data/registerSubject/user/subject/id")?,
        need(&r, "/data/registerSubject/user/subject/verificationStatus")?,
    ))
}

/// The id of subject's record titled `title`, as its owner sees it.
async fn record_id(app: &TestApp, owner: &str, subject: &str, title: &str) -> Result<String, String> {
    let r = app
        .gql(Some(owner), "query($s: ID!) { creditRecords(subjectId: $s) { id title } }", json!({ "s": subject }))
        .await;
    r.at("/data/creditRecords")
        .as_array()
        .and_then(|records| records.iter().find(|x| x["title"] == title))
        .and_then(|x| x["id"].as_str())
        .map(str::to_string)
        .ok_or_else(|| format!("no record titled {title}: {}", r.body))
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin_token().await;
    let admin_email = app.config.bootstrap.admin_email.clone().expect("the bootstrap admin's email");
    let (_, bureau_inside, bureau_inside_email) =
        institution(app, &admin, "BUREAU", "雷州市发展和改革局", "440882").await;
    let (_, bureau_outside, bureau_outside_email) =
        institution(app, &admin, "BUREAU", "遂溪县发展和改革局", "440823").await;
    let (bank_a_id, bank_a, bank_a_email) = institution(app, &admin, "BANK", "雷州农村商业银行", "4408").await;
    let (bank_b_id, bank_b, bank_b_email) = institution(app, &admin, "BANK", "湛江矩阵商业银行", "4408").await;

    // Subjects A and B stand in the registry, so they are verified as they register.
    let (code_a, code_b) = (uscc(1), uscc(2));
    let registry = RegistryCsv::new().row(&code_a, NAME_A, "张三").row(&code_b, NAME_B, "李四");
    let imported = app.import(&bureau_inside, "REGISTRY", registry.bytes()).await;
    assert_eq!(imported.at("/data/importRecords/acceptedRows"), &json!(2), "registry: {:#}", imported.body);
    let job_a = imported.str_at("/data/importRecords/id").to_string();
    let (email_a, email_b) = (email("ent"), email("ent"));
    let (owner, subject_a, status_a) =
        register(app, &code_a, NAME_A, "张三", &email_a).await.unwrap_or_else(|e| panic!("subject A: {e}"));
    let (other, subject_b, status_b) =
        register(app, &code_b, NAME_B, "李四", &email_b).await.unwrap_or_else(|e| panic!("subject B: {e}"));
    assert_eq!((status_a.as_str(), status_b.as_str()), ("VERIFIED", "VERIFIED"), "subjects A and B verify at once");

    // Subject A's file: a public penalty, a record under objection, a tax year.
    let credit = credit_csv(&[
        (code_a.as_str(), "ADMIN_PENALTY", "雷市监罚〔2026〕1号", PENALTY_TITLE),
        (code_a.as_str(), "ABNORMAL_OPERATION", "雷市监异〔2026〕1号", DISPUTED_TITLE),
    ]);
    let r = app.import(&bureau_inside, "CREDIT", credit).await;
    assert_eq!(r.at("/data/importRecords/acceptedRows"), &json!(2), "credit: {:#}", r.body);
    let r = app.import(&bureau_inside, "TAX", tax_csv(&[(code_a.as_str(), 2025, "B", "120000.00")])).await;
    assert_eq!(r.at("/data/importRecords/acceptedRows"), &json!(1), "tax: {:#}", r.body);
    let record_a = record_id(app, &owner, &subject_a, PENALTY_TITLE).await.expect("record A");
    let disputed = record_id(app, &owner, &subject_a, DISPUTED_TITLE).await.expect("record under objection");
    let objection_a = call(app, &owner, FILE_OBJECTION, json!({ "r": disputed }), "/data/fileObjection/id")
        .await
        .expect("objection A");

    // Bank A's product fits subject A's demands; bank B's starts at 1,000,000 yuan and fits none of them.
    let product_a = app
        .published_product(&bank_a, fixtures::product_input("矩阵经营贷", "面向小微企业的经营周转贷款，线上申请"))
        .await;
    let mut large = fixtures::product_input("矩阵大额贷", "面向中型企业的大额经营贷款");
    large["amountMin"] = json!("1000000.00");
    let product_b = app.published_product(&bank_b, large).await;
    let draft_a = call(
        app,
        &bank_a,
        fixtures::CREATE_PRODUCT,
        json!({ "i": fixtures::product_input("矩阵草稿产品", "尚未上架的经营周转贷款") }),
        "/data/createProduct/id",
    )
    .await
    .expect("draft A");

    let consent_a = call(
        app,
        &owner,
        fixtures::GRANT,
        fixtures::grant(&bank_a_id, &["TAX"], "LOAN_APPLICATION", 30 * 86_400),
        "/data/grantConsent/id",
    )
    .await
    .expect("consent A");
    let demand_a = call(app, &owner, fixtures::POST_DEMAND, fixtures::demand_input(&[]), "/data/postDemand/id")
        .await
        .expect("demand A");
    let response_a =
        call(app, &bank_a, ACCEPT, json!({ "d": demand_a }), "/data/acceptDemand/id").await.expect("bank A accepts");

    let tokens = HashMap::from([
        (Caller::EnterpriseOwn, owner.clone()),
        (Caller::EnterpriseOther, other),
        (Caller::BankOwn, bank_a.clone()),
        (Caller::BankOther, bank_b),
        (Caller::BureauInside, bureau_inside.clone()),
        (Caller::BureauOutside, bureau_outside),
        (Caller::Admin, admin.clone()),
    ]);
    let emails = HashMap::from([
        (Caller::EnterpriseOwn, email_a.clone()),
        (Caller::EnterpriseOther, email_b),
        (Caller::BankOwn, bank_a_email),
        (Caller::BankOther, bank_b_email),
        (Caller::BureauInside, bureau_inside_email),
        (Caller::BureauOutside, bureau_outside_email),
        (Caller::Admin, admin_email),
    ]);
    let values: HashMap<String, String> = [
        ("subject_a", subject_a.clone()),
        ("subject_b", subject_b),
        ("bank_a", bank_a_id.clone()),
        ("bank_b", bank_b_id),
        ("product_a", product_a.clone()),
        ("product_b", product_b),
        ("draft_a", draft_a),
        ("demand_a", demand_a),
        ("response_a", response_a),
        ("record_a", record_a),
        ("objection_a", objection_a),
        ("job_a", job_a),
        ("consent_a", consent_a),
        ("email_a", email_a),
        ("uscc_spare", uscc(900)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    World {
        tokens,
        emails,
        values,
        owner,
        bank_a,
        bank_a_id,
        bureau_inside,
        admin,
        subject_a,
        code_a,
        product_a,
        next: AtomicU32::new(1000),
    }
}

// ─────────────────────────────────────────── preparers ───────────────────────────────────────────

/// What a preparer made for one caller: placeholder values (`fresh` …) and, for some rows, the token the
/// caller acts with instead of its usual one.
#[derive(Default)]
struct Fresh {
    values: HashMap<String, String>,
    token: Option<String>,
}

impl Fresh {
    fn of(fresh: String) -> Self {
        Self::default().with("fresh", fresh)
    }

    fn with(mut self, key: &str, value: String) -> Self {
        self.values.insert(key.to_string(), value);
        self
    }
}

/// A fresh target for `caller`, so that one caller's allowed mutation cannot change what the next sees.
async fn prepare(app: &TestApp, w: &World, name: &str, caller: Caller) -> Result<Fresh, String> {
    match name {
        "new_email" => Ok(Fresh::of(email("new"))),
        "registration" => Ok(Fresh::of(email("ent")).with("fresh_uscc", uscc(w.number()))),
        "person_registration" => {
            Ok(Fresh::of(email("person")).with("fresh_id_number", fixtures::id_number(w.number())))
        }
        "pending_erasure" => {
            let input = json!({ "i": { "name": "矩阵删除", "idNumber": fixtures::id_number(w.number()),
                "regionCode": "440882100", "email": email("person"), "password": "Person12345" } });
            let person = need(&app.gql(None, REGISTER_PERSON_TOKEN, input).await, "/data/registerPerson/accessToken")?;
            call(app, &person, REQUEST_ERASURE, json!({}), "/data/requestErasure/id").await.map(Fresh::of)
        }
        "pending_person" => {
            let input = json!({ "i": { "name": "矩阵自然人", "idNumber": fixtures::id_number(w.number()),
                "regionCode": "440882100", "email": email("person"), "password": "Person12345" } });
            need(&app.gql(None, REGISTER_PERSON, input).await, "/data/registerPerson/user/subject/id").map(Fresh::of)
        }
        "session" => {
            // The anonymous caller refreshes a session of subject A's user.
            let who = if caller == Caller::Anonymous { Caller::EnterpriseOwn } else { caller };
            let (access, refresh) = fresh_session(app, &w.emails[&who]).await?;
            Ok(Fresh { token: Some(access), ..Fresh::of(refresh) })
        }
        "pending_subject" => pending_subject(app, w).await.map(|(_, id)| Fresh::of(id)),
        "rejected_subject" => {
            // Only the rejected registration's own user is "own"; other callers act as themselves.
            if caller != Caller::EnterpriseOwn {
                return Ok(Fresh::default());
            }
            let (token, id) = pending_subject(app, w).await?;
            call(app, &w.admin, REJECT_SUBJECT, json!({ "s": id }), "/data/rejectSubjectVerification/id").await?;
            Ok(Fresh { token: Some(token), ..Fresh::of(id) })
        }
        "draft_product" => draft_product(app, w).await.map(Fresh::of),
        "published_product" => {
            let id = draft_product(app, w).await?;
            call(app, &w.bank_a, fixtures::PUBLISH_PRODUCT, json!({ "id": id }), "/data/publishProduct/id").await?;
            Ok(Fresh::of(id))
        }
        "consent" => {
            // Post-loan social-insurance data: no row reads it, so an unrevoked one changes nothing.
            let grant = fixtures::grant(&w.bank_a_id, &["SOCIAL_INSURANCE"], "POST_LOAN", 30 * 86_400);
            call(app, &w.owner, fixtures::GRANT, grant, "/data/grantConsent/id").await.map(Fresh::of)
        }
        "fresh_record" => fresh_record(app, w).await.map(Fresh::of),
        "objection_on_fresh_record" => {
            let record = fresh_record(app, w).await?;
            call(app, &w.owner, FILE_OBJECTION, json!({ "r": record }), "/data/fileObjection/id").await.map(Fresh::of)
        }
        "open_demand" => open_demand(app, w, None).await.map(Fresh::of),
        "targeted_demand" => open_demand(app, w, Some(w.product_a.as_str())).await.map(Fresh::of),
        "withdrawn_demand" => {
            let demand = open_demand(app, w, None).await?;
            withdraw(app, w, &demand).await?;
            Ok(Fresh::of(demand))
        }
        "accepted_demand" => {
            let (demand, response) = accepted_demand(app, w).await?;
            Ok(Fresh::of(response).with("fresh_demand", demand))
        }
        "withdrawn_accepted_demand" => {
            let (demand, response) = accepted_demand(app, w).await?;
            withdraw(app, w, &demand).await?;
            Ok(Fresh::of(response).with("fresh_demand", demand))
        }
        "credit_granted_demand" => {
            let (demand, response) = accepted_demand(app, w).await?;
            call(app, &w.bank_a, GRANT_CREDIT, json!({ "r": response }), "/data/grantCredit/id").await?;
            Ok(Fresh::of(response).with("fresh_demand", demand))
        }
        "withdrawn_credit_granted_demand" => {
            let (demand, response) = accepted_demand(app, w).await?;
            call(app, &w.bank_a, GRANT_CREDIT, json!({ "r": response }), "/data/grantCredit/id").await?;
            withdraw(app, w, &demand).await?;
            Ok(Fresh::of(response).with("fresh_demand", demand))
        }
        other => Err(format!("no preparer named {other}")),
    }
}

/// A new session of the user with `email`: (access token, refresh token). Started in the application
/// rather than by `login`, which limits attempts per client address.
async fn fresh_session(app: &TestApp, email: &str) -> Result<(String, String), String> {
    let email = xyd_domain::Email::parse(email).map_err(|e| format!("{e:?}"))?;
    let user = xinyidai::auth::user::UserRepo::find_by_email(app.db().conn(), &email)
        .await
        .map_err(|e| format!("{e:?}"))?
        .ok_or("no user with that email")?;
    let txn = app.db().begin_write().await.map_err(|e| e.to_string())?;
    let session = xinyidai::auth::sessions::start_session(&app.state, &*txn, user, uuid::Uuid::now_v7())
        .await
        .map_err(|e| format!("{e:?}"))?;
    txn.commit().await.map_err(|e| e.to_string())?;
    Ok((session.access_token, session.refresh_token))
}

/// A new registration in 440882 whose code is in no registry: it waits for review. (token, subject id).
async fn pending_subject(app: &TestApp, w: &World) -> Result<(String, String), String> {
    let n = w.number();
    let (token, id, status) =
        register(app, &uscc(n), &format!("雷州市待审{n}号有限公司"), "王五", &email("pending")).await?;
    if status != "PENDING" {
        return Err(format!("a registration outside the registry is {status}, not PENDING"));
    }
    Ok((token, id))
}

async fn draft_product(app: &TestApp, w: &World) -> Result<String, String> {
    let input = fixtures::product_input(&format!("矩阵产品{}", w.number()), "面向小微企业的经营周转贷款");
    call(app, &w.bank_a, fixtures::CREATE_PRODUCT, json!({ "i": input }), "/data/createProduct/id").await
}

/// A new public record of subject A, imported by the 440882 bureau.
async fn fresh_record(app: &TestApp, w: &World) -> Result<String, String> {
    let n = w.number();
    let (doc, title) = (format!("雷市监罚〔2026〕{n}号"), format!("矩阵记录{n}"));
    let file = credit_csv(&[(w.code_a.as_str(), "ADMIN_PENALTY", doc.as_str(), title.as_str())]);
    let r = app.import(&w.bureau_inside, "CREDIT", file).await;
    if r.at("/data/importRecords/acceptedRows") != &json!(1) {
        return Err(format!("import of a fresh record: {}", r.body));
    }
    record_id(app, &w.owner, &w.subject_a, &title).await
}

/// A new open demand of subject A, naming `product` if given.
async fn open_demand(app: &TestApp, w: &World, product: Option<&str>) -> Result<String, String> {
    let mut vars = fixtures::demand_input(&[]);
    if let Some(product) = product {
        vars["i"]["targetProductIds"] = json!([product]);
    }
    call(app, &w.owner, fixtures::POST_DEMAND, vars, "/data/postDemand/id").await
}

/// A new demand of subject A accepted by bank A: (demand id, response id).
async fn accepted_demand(app: &TestApp, w: &World) -> Result<(String, String), String> {
    let demand = open_demand(app, w, None).await?;
    let response = call(app, &w.bank_a, ACCEPT, json!({ "d": demand }), "/data/acceptDemand/id").await?;
    Ok((demand, response))
}

async fn withdraw(app: &TestApp, w: &World, demand: &str) -> Result<(), String> {
    call(app, &w.owner, WITHDRAW, json!({ "id": demand }), "/data/withdrawDemand/id").await.map(|_| ())
}

// ─────────────────────────────────────────── the runner ───────────────────────────────────────────

/// Replace every `{name}` in `text` by its value.
fn fill(text: &str, values: &HashMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name_len = after.find('}').filter(|&end| {
            end > 0 && after[..end].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
        match name_len {
            Some(end) => {
                let name = &after[..end];
                out.push_str(values.get(name).ok_or_else(|| format!("unknown placeholder {{{name}}}"))?);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn fill_json(value: Value, values: &HashMap<String, String>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => Value::String(fill(&s, values)?),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| fill_json(v, values)).collect::<Result<Vec<_>, String>>()?)
        }
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| fill_json(v, values).map(|v| (k, v)))
                .collect::<Result<serde_json::Map<String, Value>, String>>()?,
        ),
        other => other,
    })
}

/// A GraphQL multipart request with `text` as `variables.file`, with or without a token.
async fn upload(app: &TestApp, token: Option<&str>, query: &str, mut vars: Value, text: String) -> GqlResponse {
    vars["file"] = Value::Null;
    let operations = json!({ "query": query, "variables": vars }).to_string();
    let part = reqwest::multipart::Part::bytes(text.into_bytes())
        .file_name("matrix.csv")
        .mime_str("text/csv")
        .expect("mime type");
    let form = reqwest::multipart::Form::new()
        .text("operations", operations)
        .text("map", r#"{"0": ["variables.file"]}"#)
        .part("0", part);
    let mut request = app.http.post(app.url("/graphql")).multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    GqlResponse::from(request.send().await.expect("upload")).await
}

/// The outcome at `path`: the code of the error that explains it (at it, at an enclosing field, at a
/// subfield, or for the whole request — the most specific first), else "null" or "data"; and the message.
fn classify(r: &GqlResponse, path: &str) -> (String, String) {
    if !r.body.is_object() {
        return (format!("HTTP_{}", r.status), r.body.to_string());
    }
    let wanted: Vec<&str> = path.split('.').collect();
    let mut best: Option<(u8, &Value)> = None;
    let errors = r.body.get("errors").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for error in errors {
        let at: Vec<String> = error
            .get("path")
            .and_then(Value::as_array)
            .map(|p| p.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string)).collect())
            .unwrap_or_default();
        let mut shared = 0;
        while shared < at.len() && shared < wanted.len() && at[shared] == wanted[shared] {
            shared += 1;
        }
        let rank = if at.is_empty() {
            3
        } else if shared < at.len().min(wanted.len()) {
            continue; // another branch of the response
        } else if at.len() == wanted.len() {
            0
        } else if at.len() < wanted.len() {
            1
        } else {
            2
        };
        if best.is_none_or(|(ranked, _)| rank < ranked) {
            best = Some((rank, error));
        }
    }
    if let Some((_, error)) = best {
        let code = error.pointer("/extensions/code").and_then(Value::as_str).unwrap_or("NO_CODE").to_string();
        let message = error.get("message").and_then(Value::as_str).unwrap_or_default().to_string();
        return (code, message);
    }
    let pointer = format!("/data/{}", wanted.join("/"));
    if r.body.pointer(&pointer).is_none_or(Value::is_null) {
        ("null".to_string(), "no error and no value".to_string())
    } else {
        ("data".to_string(), String::new())
    }
}

/// Run `row` as `caller`: (outcome, message).
async fn play(app: &TestApp, w: &World, row: &Row, caller: Caller) -> Result<(String, String), String> {
    let fresh = match &row.prepare {
        Some(name) => prepare(app, w, name, caller).await.map_err(|e| format!("preparer {name} failed: {e}"))?,
        None => Fresh::default(),
    };
    let Fresh { values: fresh_values, token: fresh_token } = fresh;
    let mut values = w.values.clone();
    let now = chrono::Utc::now();
    values.insert("now".to_string(), now.to_rfc3339());
    values.insert("in_30_days".to_string(), (now + chrono::Duration::days(30)).to_rfc3339());
    values.extend(fresh_values);
    let mut vars = fill_json(row.vars.clone().unwrap_or_else(|| json!({})), &values)?;
    let token = match caller {
        Caller::Anonymous => None,
        _ => Some(fresh_token.unwrap_or_else(|| w.tokens[&caller].clone())),
    };
    let response = match &row.upload {
        Some(text) => {
            if let Some(kind) = &row.kind {
                vars["kind"] = json!(kind);
            }
            upload(app, token.as_deref(), &row.query, vars, fill(text, &values)?).await
        }
        None => app.gql(token.as_deref(), &row.query, vars).await,
    };
    Ok(classify(&response, &row.path()))
}

/// Every Query and Mutation field of the running schema, as `Query.name` / `Mutation.name`.
async fn schema_fields(app: &TestApp) -> BTreeSet<String> {
    let r = app
        .gql(None, "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }", json!({}))
        .await;
    r.ok();
    let mut names = BTreeSet::new();
    for (root, pointer) in
        [("Query", "/data/__schema/queryType/fields"), ("Mutation", "/data/__schema/mutationType/fields")]
    {
        for field in r.at(pointer).as_array().expect("introspected fields") {
            names.insert(format!("{root}.{}", field["name"].as_str().expect("field name")));
        }
    }
    names
}

both_backends! {
    async fn every_caller_gets_what_the_matrix_says(app) {
        let m = matrix();
        let mut problems = structure_problems(&m);
        let schema = schema_fields(&app).await;
        let covered: BTreeSet<&str> = m.row.iter().map(|r| r.field.as_str()).collect();
        for field in &schema {
            if !covered.contains(field.as_str()) {
                problems.push(format!("{field}: in the schema but without a row in tests/e2e/authz_matrix.toml"));
            }
        }
        for field in &covered {
            if !schema.contains(*field) {
                problems.push(format!("{field}: has rows but is not in the schema"));
            }
        }

        let w = world(&app).await;
        for row in &m.row {
            for caller in Caller::ALL {
                let Some(expected) = row.outcome(caller) else { continue };
                match play(&app, &w, row, caller).await {
                    Ok((got, _)) if got == expected => {}
                    Ok((got, message)) => problems.push(format!(
                        "{} {}: expected {expected}, got {got} ({message})",
                        row.label(),
                        caller.key()
                    )),
                    Err(e) => problems.push(format!("{} {}: {e}", row.label(), caller.key())),
                }
            }
        }
        assert!(problems.is_empty(), "{} authorization mismatches:\n{}", problems.len(), problems.join("\n"));
    }
}
