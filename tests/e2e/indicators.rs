//! 监测指标 against a small hand-computed history, on both databases: every indicator, every grouping, the
//! midnight edges of Asia/Shanghai periods, jurisdiction, and the CSV/XLSX exports parsed back.
//!
//! The world (all instants UTC; Shanghai is UTC+8, so 16:00Z is midnight there):
//!
//! Registry (imported): 雷州 440882 snapshot 2026-01-31: A 存续, B 存续, C 吊销 → 2 existing;
//!   snapshot 2026-03-31: A, B, D 存续, C 注销 → 3; 廉江 440881 snapshot 2026-02-28: E, F 存续 → 2.
//!   Industries: A, B, C, E C1391 (section C); D, F F5211 (section F).
//! Subjects (platform):
//!   S1 = A, town 440882100, registered 02-28T15:59:59Z (Feb 28 23:59:59 local), verified 02-28T16:00Z (Mar 1 00:00);
//!   S2 = B, town 440882101, registered 03-15T02:00Z, never verified;
//!   S3 = D, town 440882100, registered and verified 03-31T16:00Z (Apr 1 00:00 local: after March);
//!   S4 = E, town 440881101, registered and verified 01-10T00:00Z.
//! Banks 甲 (product P1: CREDIT, tax-based) and 乙 (product P2: GUARANTEE).
//! Demands (posted, amount, first-response due):
//!   D1 S1 02-28T16:00Z (Mar 1 00:00) 1,000,000.00 due 03-04T16:00Z
//!      甲 responds 03-02T02:00Z (34 h) accepts, credit due 03-16T16:00Z, grants 03-10 800,000.00 at 4.00% on P1,
//!         disburses 03-20 800,000.00, first loan;
//!      乙 rejects 03-06T02:00Z (130 h, late).
//!   D2 S2 03-10T00:00Z 500,000.00 due 03-13T00:00Z
//!      乙 accepts 03-20T00:00Z (240 h, late), credit due 03-25T00:00Z, grants only 04-05 500,000.00 at 5.00% on P2,
//!         disburses 04-10, not a first loan.
//!   D3 S4 03-31T15:59:59Z (Mar 31 23:59:59) 200,000.00 due 04-03T15:59:59Z, no response.
//!   D4 S1 03-31T16:00Z (Apr 1 00:00) 300,000.00, no response.
//!   D5 S2 02-20T00:00Z 100,000.00 due 02-25T00:00Z
//!      甲 accepts 02-21T00:00Z (24 h), credit due 03-07T00:00Z, grants 03-05 100,000.00 at 3.50% on P1,
//!         disburses 03-31T15:59:59Z (Mar 31 23:59:59) 100,000.00, first loan.
//!   D6 S1 2025-12-10T00:00Z 400,000.00 due 12-15T00:00Z
//!      甲 accepts 12-11T00:00Z (24 h), credit due 03-10T00:00Z; S1 withdraws D6 on 03-05, so 甲's response ends
//!         SUPERSEDED: its March credit deadline is no SLA breach (the only figure D6 could touch in any period).
//! Objections: O1 S1 filed 03-05 due 03-25 open; O2 S4 filed 03-20 due 04-09 resolved 04-02;
//!   O3 S2 filed 02-01 due 02-21 resolved 02-10.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde_json::{Value, json};
use xinyidai::credit::entity::{credit_record, objection, tax_record};
use xinyidai::demands::entity::{demand, response};
use xinyidai::subjects::entity as subject;
use xyd_domain::{
    DataCategory, DemandId, DemandStatus, InstitutionId, ObjectionId, ObjectionOutcome, ProductId, ProductType,
    RecordId, RecordStatus, RejectReason, ResponseId, ResponseStatus, SubjectId, SubjectKind, TagList, TaxGrade,
    UserId, VerificationStatus,
};
use xyd_tests::fixtures::{RegistryCsv, broken, product_input, uscc, uscc_in};
use xyd_tests::{TestApp, both_backends};

const REPORT: &str = "query($i: IndicatorQuery!) { indicators(input: $i) {
    from to regionCode definitionsVersion
    totals { ...Fig } rows { ...Fig } } }
  fragment Fig on IndicatorRow { key label existingSubjects registeredSubjects verifiedSubjects registrationRate
    demandsPosted demandAmount respondedDemands responseRate respondedWithinSla medianResponseHours
    creditGrantedCount creditGrantedAmount disbursedCount disbursedAmount loanObtainingSubjects loanObtainingRatio
    creditLoanShare firstLoanSubjects taxBasedLoanCount taxBasedLoanAmount averageAnnualRate
    overdueResponses openObjections overdueObjections taxGrades { grade subjects }
    persons { registered verified demandsPosted demandAmount creditGrantedCount creditGrantedAmount disbursedCount
      disbursedAmount borrowers averageAnnualRate } }";

const LEAGUE: &str = "query($i: IndicatorQuery!) { bankLeague(input: $i) { bank { name } respondedDemands accepted
    rejected respondedWithinSla medianResponseHours slaBreaches creditGrantedCount disbursedCount disbursedAmount } }";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn code(letter: char) -> String {
    let (county, n) = match letter {
        'A' => ("440882", 1),
        'B' => ("440882", 2),
        'C' => ("440882", 3),
        'D' => ("440882", 4),
        'E' => ("440881", 5),
        _ => ("440881", 6),
    };
    uscc_in(county, '1', n)
}

/// The ids the checks need.
struct World {
    bureau: String,
    admin: String,
    bank_token: String,
    /// Bank 甲 and its product P1.
    jia: InstitutionId,
    p1: ProductId,
}

async fn build(app: &TestApp) -> World {
    let (_, bureau) = app.bureau("湛江市发改局", "4408").await;
    let mut csv =
        String::from("uscc,name,kind,region_code,industry_code,legal_rep_name,established_on,status,snapshot_date\n");
    for (letter, town, industry, status, snapshot) in [
        ('A', "440882100", "C1391", "存续", "2026-01-31"),
        ('B', "440882101", "C1391", "存续", "2026-01-31"),
        ('C', "440882100", "C1391", "吊销", "2026-01-31"),
        ('A', "440882100", "C1391", "存续", "2026-03-31"),
        ('B', "440882101", "C1391", "存续", "2026-03-31"),
        ('C', "440882100", "C1391", "注销", "2026-03-31"),
        ('D', "440882100", "F5211", "存续", "2026-03-31"),
        ('E', "440881101", "C1391", "存续", "2026-02-28"),
        ('F', "440881101", "F5211", "存续", "2026-02-28"),
    ] {
        csv.push_str(&format!(
            "{},企业{letter},企业,{town},{industry},法人{letter},2015-06-01,{status},{snapshot}\n",
            code(letter)
        ));
    }
    let imported = app.import(&bureau, "REGISTRY", csv.into_bytes()).await;
    imported.ok();
    assert_eq!(imported.at("/data/importRecords/rejectedRows"), &json!(0), "{:#}", imported.body);

    let (jia, jia_token) = app.bank("甲银行", "4408").await;
    let (yi, yi_token) = app.bank("乙银行", "4408").await;
    let jia = InstitutionId::parse(&jia).unwrap();
    let yi = InstitutionId::parse(&yi).unwrap();
    let mut p1 = product_input("甲银行税易贷", "纳税信用贷款");
    p1["taxBased"] = json!(true);
    let p1 = ProductId::parse(&app.published_product(&jia_token, p1).await).unwrap();
    let mut p2 = product_input("乙银行担保贷", "担保贷款");
    p2["productType"] = json!("GUARANTEE");
    let p2 = ProductId::parse(&app.published_product(&yi_token, p2).await).unwrap();

    let conn = app.db().conn();
    let s1 =
        insert_subject(conn, 'A', "440882100", "C1391", "2026-02-28T15:59:59Z", Some("2026-02-28T16:00:00Z")).await;
    let s2 = insert_subject(conn, 'B', "440882101", "C1391", "2026-03-15T02:00:00Z", None).await;
    insert_subject(conn, 'D', "440882100", "F5211", "2026-03-31T16:00:00Z", Some("2026-03-31T16:00:00Z")).await;
    let s4 =
        insert_subject(conn, 'E', "440881101", "C1391", "2026-01-10T00:00:00Z", Some("2026-01-10T00:00:00Z")).await;

    let d1 = insert_demand(conn, s1, "2026-02-28T16:00:00Z", 100_000_000, "2026-03-04T16:00:00Z").await;
    let d2 = insert_demand(conn, s2, "2026-03-10T00:00:00Z", 50_000_000, "2026-03-13T00:00:00Z").await;
    insert_demand(conn, s4, "2026-03-31T15:59:59Z", 20_000_000, "2026-04-03T15:59:59Z").await;
    insert_demand(conn, s1, "2026-03-31T16:00:00Z", 30_000_000, "2026-04-03T16:00:00Z").await;
    let d5 = insert_demand(conn, s2, "2026-02-20T00:00:00Z", 10_000_000, "2026-02-25T00:00:00Z").await;

    let d6 = insert_demand(conn, s1, "2025-12-10T00:00:00Z", 40_000_000, "2025-12-15T00:00:00Z").await;

    let loan = |granted: &str, amount: i64, rate: i32, product: ProductId, paid: &str, first: bool| Loan {
        granted: at(granted),
        amount,
        rate,
        product,
        paid: at(paid),
        first,
    };
    insert_response(
        conn,
        d1,
        jia,
        "2026-03-02T02:00:00Z",
        true,
        Accepted::Yes(
            "2026-03-16T16:00:00Z",
            Some(loan("2026-03-10T02:00:00Z", 80_000_000, 400, p1, "2026-03-20T02:00:00Z", true)),
        ),
    )
    .await;
    insert_response(conn, d1, yi, "2026-03-06T02:00:00Z", false, Accepted::Rejected).await;
    insert_response(
        conn,
        d2,
        yi,
        "2026-03-20T00:00:00Z",
        false,
        Accepted::Yes(
            "2026-03-25T00:00:00Z",
            Some(loan("2026-04-05T00:00:00Z", 50_000_000, 500, p2, "2026-04-10T00:00:00Z", false)),
        ),
    )
    .await;
    insert_response(
        conn,
        d5,
        jia,
        "2026-02-21T00:00:00Z",
        true,
        Accepted::Yes(
            "2026-03-07T00:00:00Z",
            Some(loan("2026-03-05T00:00:00Z", 10_000_000, 350, p1, "2026-03-31T15:59:59Z", true)),
        ),
    )
    .await;

    insert_response(conn, d6, jia, "2025-12-11T00:00:00Z", true, Accepted::Yes("2026-03-10T00:00:00Z", None)).await;
    withdraw(conn, d6, "2026-03-05T00:00:00Z").await;

    insert_objection(conn, s1, &code('A'), "2026-03-05T00:00:00Z", "2026-03-25T00:00:00Z", None).await;
    insert_objection(
        conn,
        s4,
        &code('E'),
        "2026-03-20T00:00:00Z",
        "2026-04-09T00:00:00Z",
        Some("2026-04-02T00:00:00Z"),
    )
    .await;
    insert_objection(
        conn,
        s2,
        &code('B'),
        "2026-02-01T00:00:00Z",
        "2026-02-21T00:00:00Z",
        Some("2026-02-10T00:00:00Z"),
    )
    .await;

    World { bureau, admin: app.admin_token().await, bank_token: jia_token, jia, p1 }
}

async fn insert_subject(
    conn: &impl ConnectionTrait,
    letter: char,
    town: &str,
    industry: &str,
    registered: &str,
    verified: Option<&str>,
) -> SubjectId {
    insert_coded_subject(conn, code(letter), &letter.to_string(), town, industry, registered, verified).await
}

async fn insert_coded_subject(
    conn: &impl ConnectionTrait,
    uscc: String,
    letter: &str,
    town: &str,
    industry: &str,
    registered: &str,
    verified: Option<&str>,
) -> SubjectId {
    let id = SubjectId::new();
    subject::ActiveModel {
        id: Set(id),
        uscc: Set(Some(uscc)),
        name: Set(format!("企业{letter}")),
        kind: Set(SubjectKind::Enterprise),
        region_code: Set(town.into()),
        industry_code: Set(Some(industry.into())),
        legal_rep_name: Set(format!("法人{letter}")),
        legal_rep_id_cipher: Set(None),
        phone: Set(None),
        established_on: Set(None),
        registered_at: Set(at(registered)),
        verification_status: Set(if verified.is_some() {
            VerificationStatus::Verified
        } else {
            VerificationStatus::Pending
        }),
        verification_note: Set(None),
        verified_at: Set(verified.map(at)),
        verified_by: Set(None),
        verification_method: Set(None),
        restricted: Set(false),
        trusted: Set(false),
        version: Set(0),
        id_hash: Set(None),
        id_masked: Set(None),
    }
    .insert(conn)
    .await
    .unwrap();
    id
}

async fn insert_demand(conn: &impl ConnectionTrait, subject: SubjectId, posted: &str, fen: i64, due: &str) -> DemandId {
    let id = DemandId::new();
    demand::ActiveModel {
        id: Set(id),
        subject_id: Set(subject),
        amount: Set(fen),
        term_months: Set(12),
        purpose: Set("流动资金".into()),
        guarantee_types: Set(TagList::new(vec![ProductType::Credit])),
        max_rate: Set(None),
        status: Set(DemandStatus::Open),
        posted_at: Set(at(posted)),
        expires_at: Set(at(posted) + chrono::Duration::days(90)),
        first_response_due_at: Set(at(due)),
        target_product_ids: Set(TagList::default()),
        shared_categories: Set(TagList::default()),
        closed_at: Set(None),
        version: Set(0),
    }
    .insert(conn)
    .await
    .unwrap();
    id
}

/// The enterprise withdraws `demand` at `when`: the responses that held it end as superseded.
async fn withdraw(conn: &impl ConnectionTrait, demand: DemandId, when: &str) {
    demand::ActiveModel {
        id: Set(demand),
        status: Set(DemandStatus::Withdrawn),
        closed_at: Set(Some(at(when))),
        ..Default::default()
    }
    .update(conn)
    .await
    .unwrap();
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    response::Entity::update_many()
        .col_expr(response::Column::Status, Expr::value(ResponseStatus::Superseded))
        .filter(response::Column::DemandId.eq(demand))
        .filter(response::Column::Status.eq(ResponseStatus::Accepted))
        .exec(conn)
        .await
        .unwrap();
}

struct Loan {
    granted: DateTime<Utc>,
    amount: i64,
    rate: i32,
    product: ProductId,
    paid: DateTime<Utc>,
    first: bool,
}

enum Accepted {
    /// Accepted at the response time, with the credit deadline and perhaps a loan.
    Yes(&'static str, Option<Loan>),
    Rejected,
}

async fn insert_response(
    conn: &impl ConnectionTrait,
    demand: DemandId,
    bank: InstitutionId,
    responded: &str,
    within_sla: bool,
    outcome: Accepted,
) {
    let responded = at(responded);
    let mut row = response::ActiveModel {
        id: Set(ResponseId::new()),
        demand_id: Set(demand),
        bank_id: Set(bank),
        status: Set(ResponseStatus::Accepted),
        first_responded_at: Set(responded),
        responded_within_sla: Set(within_sla),
        updated_at: Set(responded),
        ..Default::default()
    };
    match outcome {
        Accepted::Rejected => {
            row.status = Set(ResponseStatus::Rejected);
            row.reject_reason = Set(Some(RejectReason::InsufficientCredit));
            row.rejected_at = Set(Some(responded));
        }
        Accepted::Yes(credit_due, loan) => {
            row.accepted_at = Set(Some(responded));
            row.credit_due_at = Set(Some(at(credit_due)));
            if let Some(l) = loan {
                row.status = Set(ResponseStatus::Disbursed);
                row.credit_amount = Set(Some(l.amount));
                row.credit_rate = Set(Some(l.rate));
                row.credit_term = Set(Some(12));
                row.credit_granted_at = Set(Some(l.granted));
                row.product_id = Set(Some(l.product));
                row.disbursed_amount = Set(Some(l.amount));
                row.disbursed_at = Set(Some(l.paid));
                row.first_loan = Set(Some(l.first));
            }
        }
    }
    row.insert(conn).await.unwrap();
}

async fn insert_objection(
    conn: &impl ConnectionTrait,
    subject: SubjectId,
    uscc: &str,
    filed: &str,
    due: &str,
    resolved: Option<&str>,
) {
    let record = RecordId::new();
    credit_record::ActiveModel {
        id: Set(record),
        uscc: Set(uscc.into()),
        category: Set(DataCategory::AdminPenalty),
        source: Set("湛江市市场监督管理局".into()),
        doc_number: Set(format!("湛市监罚〔2026〕{}号", record.as_uuid().simple())),
        title: Set("行政处罚".into()),
        decided_at: Set(chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()),
        valid_until: Set(None),
        status: Set(RecordStatus::Disputed),
        jurisdiction: Set(uscc[2..8].into()),
        import_job_id: Set(None),
        created_at: Set(at(filed)),
        updated_at: Set(at(filed)),
        imported_on: Set(None),
    }
    .insert(conn)
    .await
    .unwrap();
    objection::ActiveModel {
        id: Set(ObjectionId::new()),
        record_id: Set(record),
        subject_id: Set(subject),
        filed_by: Set(UserId::new()),
        reason: Set("处罚已撤销".into()),
        filed_at: Set(at(filed)),
        due_at: Set(at(due)),
        outcome: Set(resolved.map(|_| ObjectionOutcome::Corrected)),
        note: Set(None),
        resolved_at: Set(resolved.map(at)),
        resolved_by: Set(None),
    }
    .insert(conn)
    .await
    .unwrap();
}

async fn report(app: &TestApp, token: &str, input: Value) -> Value {
    let r = app.gql(Some(token), REPORT, json!({ "i": input })).await;
    r.ok();
    r.body["data"]["indicators"].clone()
}

fn row<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["rows"].as_array().unwrap().iter().find(|r| r["key"] == key).unwrap_or_else(|| panic!("row {key}"))
}

/// The figures of a row, checked field by field so a failure names the indicator.
fn expect(row: &Value, expected: Value) {
    for (field, value) in expected.as_object().unwrap() {
        assert_eq!(&row[field], value, "{} of row {}", field, row["key"]);
    }
}

/// March 2026 for the whole city, derived in the module comment.
fn march_totals() -> Value {
    json!({
        // 440882 latest ≤ 04-01 is 03-31 (A, B, D) + 440881 02-28 (E, F).
        "existingSubjects": 5,
        // Before Apr 1 00:00 local: S1, S2, S4 (S3 registered at exactly Apr 1 00:00).
        "registeredSubjects": 3, "verifiedSubjects": 2, "registrationRate": 0.6,
        // D1 (Mar 1 00:00), D2, D3 (Mar 31 23:59:59); not D4 (Apr 1 00:00), not D5 (Feb).
        "demandsPosted": 3, "demandAmount": "1700000.00",
        "respondedDemands": 2, "respondedWithinSla": 1,
        // Median of 34 h (D1) and 240 h (D2).
        "medianResponseHours": 137.0,
        // Grants 03-10 (D1, 800k) and 03-05 (D5, 100k); disbursed 03-20 (D1) and Mar 31 23:59:59 (D5).
        "creditGrantedCount": 2, "creditGrantedAmount": "900000.00",
        "disbursedCount": 2, "disbursedAmount": "900000.00",
        "loanObtainingSubjects": 2, "loanObtainingRatio": 0.4, "creditLoanShare": 1.0, "firstLoanSubjects": 2,
        "taxBasedLoanCount": 2, "taxBasedLoanAmount": "900000.00",
        // (800k × 4.00% + 100k × 3.50%) / 900k = 3.9444% → 3.94.
        "averageAnnualRate": "3.94",
        // D2 unanswered at its 03-13 deadline; D2/乙 no credit decision by 03-25.
        "overdueResponses": 2,
        // O1 open and past 03-25; O2 still open on Apr 1 00:00 (resolved 04-02).
        "openObjections": 2, "overdueObjections": 1,
    })
}

/// A natural person in `town`, registered and verified at the given instants (no USCC, no industry).
async fn insert_person(conn: &impl ConnectionTrait, town: &str, registered: &str, verified: &str) -> SubjectId {
    let id = insert_coded_subject(conn, String::new(), "P", town, "C1391", registered, Some(verified)).await;
    subject::ActiveModel {
        id: Set(id),
        uscc: Set(None),
        kind: Set(SubjectKind::NaturalPerson),
        name: Set("张自然人".into()),
        industry_code: Set(None),
        ..Default::default()
    }
    .update(conn)
    .await
    .unwrap();
    id
}

/// A tax year of the subject `letter`.
async fn insert_tax_year(conn: &impl ConnectionTrait, letter: char, year: i32, grade: TaxGrade) {
    tax_record::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        uscc: Set(code(letter)),
        year: Set(year),
        grade: Set(grade),
        tax_paid: Set(1_000_000),
        vat_sales: Set(None),
        import_job_id: Set(None),
        snapshot_date: Set(Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap())),
    }
    .insert(conn)
    .await
    .unwrap();
}

both_backends! {
    async fn the_registry_quality_figure_is_the_regions_own_latest_import(app) {
        let (_, leizhou) = app.bureau("雷州市发改局", "440882").await;
        let (_, xuwen) = app.bureau("徐闻县发改局", "440825").await;
        // 雷州: one of two rows has a broken code. Then 徐闻, later and clean.
        let mixed = RegistryCsv::new()
            .row(&uscc(1), "雷州市一号有限公司", "张一")
            .row(&broken(&uscc(2)), "雷州市二号有限公司", "张二");
        app.import(&leizhou, "REGISTRY", mixed.bytes()).await.ok();
        let clean = RegistryCsv::new().row_with(&uscc_in("440825", '1', 4), "徐闻县四号有限公司", "张四", "440825102", "存续");
        app.import(&xuwen, "REGISTRY", clean.bytes()).await.ok();
        let query = "query($i: IndicatorQuery!) { indicators(input: $i) {
            totals { erroneousCodeRate } rows { key erroneousCodeRate } } }";
        let rate = |token: String, input: Value| {
            let app = &app;
            async move {
                let r = app.gql(Some(&token), query, json!({ "i": input })).await;
                r.ok();
                r.at("/data/indicators").clone()
            }
        };
        let period = |extra: Value| {
            let mut input = json!({ "from": "2026-03-01", "to": "2026-04-01" });
            input.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            input
        };
        // Each bureau sees its own latest import, never the other jurisdiction's.
        let own = rate(leizhou.clone(), period(json!({}))).await;
        assert_eq!(own["totals"]["erroneousCodeRate"], json!(0.5), "{own:#}");
        let other = rate(xuwen.clone(), period(json!({}))).await;
        assert_eq!(other["totals"]["erroneousCodeRate"], json!(0.0), "{other:#}");
        // Over the city, the latest of its counties' imports; rows carry no rate of their own.
        let admin = app.admin_token().await;
        let city = rate(admin, period(json!({ "regionCode": "4408", "groupBy": "REGION" }))).await;
        assert_eq!(city["totals"]["erroneousCodeRate"], json!(0.0), "{city:#}");
        assert!(city["rows"].as_array().unwrap().iter().all(|r| r["erroneousCodeRate"].is_null()), "{city:#}");
        // A county that imported nothing has no figure.
        let (_, suixi) = app.bureau("遂溪县发改局", "440823").await;
        let none = rate(suixi, period(json!({}))).await;
        assert_eq!(none["totals"]["erroneousCodeRate"], Value::Null, "{none:#}");
    }

    async fn a_report_reads_one_snapshot_while_subjects_register(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let conn = app.db().conn();
        let writer = async {
            for n in 1..=150u32 {
                let code = uscc_in("440882", '1', n);
                insert_coded_subject(conn, code, &n.to_string(), "440882100", "C1391", "2026-03-15T00:00:00Z", None).await;
            }
        };
        let reader = async {
            let mut seen = Vec::new();
            for _ in 0..25 {
                // Totals and the month row are separate passes over the same tables: one snapshot or they drift.
                let r = report(&app, &bureau, json!({ "from": "2026-03-01", "to": "2026-04-01", "groupBy": "MONTH" })).await;
                let (total, month) = (&r["totals"]["registeredSubjects"], &r["rows"][0]["registeredSubjects"]);
                assert_eq!(total, month, "totals and rows read one snapshot: {r:#}");
                seen.push(total.as_i64().unwrap());
            }
            seen
        };
        let ((), seen) = tokio::join!(writer, reader);
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        let last = report(&app, &bureau, json!({ "from": "2026-03-01", "to": "2026-04-01", "groupBy": "MONTH" })).await;
        assert_eq!(last["totals"]["registeredSubjects"], 150);
    }

    async fn persons_and_tax_grades_are_counted_apart(app) {
        let world = build(&app).await;
        let conn = app.db().conn();
        // A person in 雷州 borrows in March from 甲: demand 03-12 (answered in 10 h), granted 03-13 at 6.00%,
        // disbursed 03-14, a first loan.
        let person = insert_person(conn, "440882100", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z").await;
        let demand = insert_demand(conn, person, "2026-03-12T00:00:00Z", 10_000_000, "2026-03-15T00:00:00Z").await;
        let loan = Loan {
            granted: at("2026-03-13T00:00:00Z"),
            amount: 10_000_000,
            rate: 600,
            product: world.p1,
            paid: at("2026-03-14T00:00:00Z"),
            first: true,
        };
        insert_response(conn, demand, world.jia, "2026-03-12T10:00:00Z", true, Accepted::Yes("2026-03-20T00:00:00Z", Some(loan)))
            .await;
        // Tax years: A (S1) latest 2025 A; B (S2) 2025 not rated; E (S4) 2025 D, and 2026, not over by April, A;
        // D (S3) registers only on Apr 1.
        for (letter, year, grade) in [
            ('A', 2024, TaxGrade::B),
            ('A', 2025, TaxGrade::A),
            ('B', 2025, TaxGrade::NotRated),
            ('E', 2025, TaxGrade::D),
            ('E', 2026, TaxGrade::A),
            ('D', 2025, TaxGrade::M),
        ] {
            insert_tax_year(conn, letter, year, grade).await;
        }

        let march = json!({ "from": "2026-03-01", "to": "2026-04-01", "groupBy": "REGION" });
        let r = report(&app, &world.bureau, march).await;
        // The market subjects' figures are those of the world without the person; the demand figures cover
        // every demand, the person's too (median of 10, 34 and 240 h).
        let mut totals = march_totals();
        totals.as_object_mut().unwrap().extend(json!({
            "demandsPosted": 4, "demandAmount": "1800000.00", "respondedDemands": 3, "respondedWithinSla": 2,
            "medianResponseHours": 34.0,
        }).as_object().unwrap().clone());
        expect(&r["totals"], totals);
        let persons = json!({
            "registered": 1, "verified": 1, "demandsPosted": 1, "demandAmount": "100000.00",
            "creditGrantedCount": 1, "creditGrantedAmount": "100000.00", "disbursedCount": 1,
            "disbursedAmount": "100000.00", "borrowers": 1, "averageAnnualRate": "6.00",
        });
        assert_eq!(r["totals"]["persons"], persons);
        assert_eq!(row(&r, "440882")["persons"], persons);
        assert_eq!(row(&r, "440881")["persons"]["registered"], 0);
        let grades = |row: &Value| -> Vec<(String, i64)> {
            row["taxGrades"].as_array().unwrap().iter()
                .map(|g| (g["grade"].as_str().unwrap().to_string(), g["subjects"].as_i64().unwrap()))
                .collect()
        };
        let all = |n: [i64; 6]| -> Vec<(String, i64)> {
            ["A", "B", "M", "C", "D", "NOT_RATED"].iter().zip(n).map(|(g, n)| (g.to_string(), n)).collect()
        };
        assert_eq!(grades(&r["totals"]), all([1, 0, 0, 0, 1, 1]), "not rated apart from M and D");
        assert_eq!(grades(row(&r, "440882")), all([1, 0, 0, 0, 0, 1]));
        assert_eq!(grades(row(&r, "440881")), all([0, 0, 0, 0, 1, 0]));
        // By industry the person (no industry) is in the unknown section, apart all the same.
        let by_section = report(&app, &world.bureau, json!({ "from": "2026-03-01", "to": "2026-04-01", "groupBy": "INDUSTRY" })).await;
        assert_eq!(by_section["totals"]["persons"], persons);
        assert_eq!(by_section["totals"]["loanObtainingSubjects"], 2);

        // A bank's league line is all its lending: 甲 lent D1, D5 and the person's.
        let league = app.gql(Some(&world.bureau), LEAGUE, json!({ "i": { "from": "2026-03-01", "to": "2026-04-01" } })).await;
        league.ok();
        let jia_line = league.body["data"]["bankLeague"].as_array().unwrap().iter()
            .find(|l| l["bank"]["name"] == "甲银行").unwrap().clone();
        assert_eq!((&jia_line["disbursedCount"], &jia_line["disbursedAmount"]), (&json!(3), &json!("1000000.00")));

        // The export carries both, in the same figures.
        let url = app.url("/exports/indicators?from=2026-03-01&to=2026-04-01&region=4408&format=csv");
        let bytes = app.http.get(url).bearer_auth(&world.bureau).send().await.unwrap().bytes().await.unwrap();
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let total: HashMap<String, String> =
            headers.iter().cloned().zip(reader.records().next().unwrap().unwrap().iter().map(String::from)).collect();
        assert_eq!((total["未参评主体数"].as_str(), total["纳税信用D级主体数"].as_str()), ("1", "1"));
        assert_eq!((total["自然人放款笔数"].as_str(), total["获贷主体数"].as_str()), ("1", "2"));
    }

    async fn every_indicator_matches_the_hand_computed_history(app) {
        let world = build(&app).await;
        let march = json!({ "from": "2026-03-01", "to": "2026-04-01" });
        let r = report(&app, &world.bureau, json!({ "from": "2026-03-01", "to": "2026-04-01", "definitionsVersion": "v1" })).await;
        assert_eq!(r["definitionsVersion"], "v1");
        let latest = report(&app, &world.bureau, march.clone()).await;
        assert_eq!(latest["definitionsVersion"], "v3");
        assert_eq!(latest["totals"], r["totals"], "v3 (and v2) leave every v1 figure unchanged");
        assert_eq!(r["regionCode"], "4408", "a bureau's report defaults to its jurisdiction");
        assert_eq!(r["rows"], json!([]));
        expect(&r["totals"], march_totals());
        let response_rate = r["totals"]["responseRate"].as_f64().unwrap();
        assert!((response_rate - 2.0 / 3.0).abs() < 1e-12);

        // By county.
        let mut by_region = march.clone();
        by_region["groupBy"] = json!("REGION");
        let r = report(&app, &world.bureau, by_region).await;
        expect(&r["totals"], march_totals());
        let keys: Vec<_> = r["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["440881", "440882"]);
        let labels: Vec<_> = r["rows"].as_array().unwrap().iter().map(|r| r["label"].as_str().unwrap()).collect();
        assert_eq!(labels, ["廉江市", "雷州市"], "region rows are labelled by name");
        expect(row(&r, "440882"), json!({
            "existingSubjects": 3, "registeredSubjects": 2, "verifiedSubjects": 1,
            "demandsPosted": 2, "demandAmount": "1500000.00", "respondedDemands": 2, "responseRate": 1.0,
            "respondedWithinSla": 1, "medianResponseHours": 137.0,
            "creditGrantedCount": 2, "disbursedCount": 2, "disbursedAmount": "900000.00",
            "loanObtainingSubjects": 2, "firstLoanSubjects": 2, "averageAnnualRate": "3.94",
            "overdueResponses": 2, "openObjections": 1, "overdueObjections": 1,
        }));
        expect(row(&r, "440881"), json!({
            "existingSubjects": 2, "registeredSubjects": 1, "verifiedSubjects": 1, "registrationRate": 0.5,
            "demandsPosted": 1, "demandAmount": "200000.00", "respondedDemands": 0, "responseRate": 0.0,
            "medianResponseHours": null, "disbursedCount": 0, "disbursedAmount": "0.00",
            // No loans: the share of credit loans and the rate have no denominator; the ratio has one.
            "creditLoanShare": null, "averageAnnualRate": null, "loanObtainingRatio": 0.0,
            "overdueResponses": 0, "openObjections": 1, "overdueObjections": 0,
        }));
        let ratio = row(&r, "440882")["registrationRate"].as_f64().unwrap();
        assert!((ratio - 2.0 / 3.0).abs() < 1e-12);

        // By industry section: every demand and objection is of section C; D and F are F.
        let mut by_industry = march.clone();
        by_industry["groupBy"] = json!("INDUSTRY");
        let r = report(&app, &world.bureau, by_industry).await;
        expect(row(&r, "C"), json!({
            "label": "C 制造业", "existingSubjects": 3, "registeredSubjects": 3, "verifiedSubjects": 2,
            "demandsPosted": 3, "disbursedCount": 2, "openObjections": 2, "overdueResponses": 2,
        }));
        expect(row(&r, "F"), json!({
            "existingSubjects": 2, "registeredSubjects": 0, "demandsPosted": 0, "registrationRate": 0.0,
        }));

        // By bank: each bank's own responses.
        let mut by_bank = march.clone();
        by_bank["groupBy"] = json!("BANK");
        let r = report(&app, &world.bureau, by_bank).await;
        let rows = r["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        let bank = |name: &str| rows.iter().find(|r| r["label"] == name).unwrap().clone();
        expect(&bank("甲银行"), json!({
            "existingSubjects": null, "demandsPosted": 1, "demandAmount": "1000000.00", "respondedDemands": 1,
            "respondedWithinSla": 1, "medianResponseHours": 34.0, "creditGrantedCount": 2, "disbursedCount": 2,
            "disbursedAmount": "900000.00", "loanObtainingSubjects": 2, "averageAnnualRate": "3.94",
            "overdueResponses": 0, "openObjections": 0,
        }));
        // 乙: D1 rejected after 130 h and D2 accepted after 240 h, both late; D2's credit decision missed too.
        expect(&bank("乙银行"), json!({
            "demandsPosted": 2, "demandAmount": "1500000.00", "respondedDemands": 2, "respondedWithinSla": 0,
            "medianResponseHours": 185.0, "creditGrantedCount": 0, "disbursedCount": 0, "overdueResponses": 3,
        }));
        expect(&r["totals"], march_totals());

        // The league table: most disbursements first.
        let league = app.gql(Some(&world.bureau), LEAGUE, json!({ "i": march })).await;
        league.ok();
        assert_eq!(league.at("/data/bankLeague"), &json!([
            { "bank": { "name": "甲银行" }, "respondedDemands": 1, "accepted": 1, "rejected": 0,
              "respondedWithinSla": 1, "medianResponseHours": 34.0, "slaBreaches": 0, "creditGrantedCount": 2,
              "disbursedCount": 2, "disbursedAmount": "900000.00" },
            { "bank": { "name": "乙银行" }, "respondedDemands": 2, "accepted": 1, "rejected": 1,
              "respondedWithinSla": 0, "medianResponseHours": 185.0, "slaBreaches": 3, "creditGrantedCount": 0,
              "disbursedCount": 0, "disbursedAmount": "0.00" },
        ]));
    }

    async fn months_are_each_their_own_report_and_midnight_decides(app) {
        let world = build(&app).await;
        let r = report(&app, &world.bureau, json!({ "from": "2026-02-01", "to": "2026-04-01", "groupBy": "MONTH" })).await;
        let keys: Vec<_> = r["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["2026-02", "2026-03"]);
        expect(row(&r, "2026-02"), json!({
            "label": "2026年2月",
            // 440882 latest ≤ 03-01 is 01-31 (A, B; C revoked) + 440881 02-28 (E, F).
            "existingSubjects": 4,
            // S1 registered Feb 28 23:59:59 local counts; its verification at Mar 1 00:00 does not.
            "registeredSubjects": 2, "verifiedSubjects": 1, "registrationRate": 0.5,
            // Only D5: D1 was posted at Mar 1 00:00 local.
            "demandsPosted": 1, "demandAmount": "100000.00", "respondedDemands": 1, "respondedWithinSla": 1,
            "medianResponseHours": 24.0, "creditGrantedCount": 0, "disbursedCount": 0,
            "overdueResponses": 0, "openObjections": 0, "overdueObjections": 0,
        }));
        expect(row(&r, "2026-03"), march_totals());
        expect(&r["totals"], json!({
            "existingSubjects": 5, "registeredSubjects": 3, "demandsPosted": 4, "demandAmount": "1800000.00",
            "respondedDemands": 3, "respondedWithinSla": 2,
            // Median of 24, 34 and 240 hours.
            "medianResponseHours": 34.0, "disbursedCount": 2, "overdueResponses": 2, "openObjections": 2,
        }));

        // A snapshot dated on `to` counts ("on or before"); one day earlier it does not.
        let upto = |to: &str| json!({ "from": "2026-03-01", "to": to });
        let r = report(&app, &world.bureau, upto("2026-03-31")).await;
        assert_eq!(r["totals"]["existingSubjects"], 5);
        // Without D3 (Mar 31 23:59:59 local) and D5's disbursement at the same second.
        assert_eq!(r["totals"]["demandsPosted"], 2);
        assert_eq!(r["totals"]["disbursedCount"], 1);
        let r = report(&app, &world.bureau, upto("2026-03-30")).await;
        assert_eq!(r["totals"]["existingSubjects"], 4);

        // Before any snapshot the denominator is unknown and the ratios are null.
        let r = report(&app, &world.bureau, json!({ "from": "2026-01-01", "to": "2026-01-20" })).await;
        expect(&r["totals"], json!({
            "existingSubjects": null, "registrationRate": null, "loanObtainingRatio": null,
            "registeredSubjects": 1, "demandsPosted": 0, "responseRate": null, "creditLoanShare": null,
        }));
    }

    async fn jurisdiction_and_input_are_enforced(app) {
        let world = build(&app).await;
        let (_, county_bureau) = app.bureau("雷州市发改局", "440882").await;
        let march = |extra: Value| {
            let mut input = json!({ "from": "2026-03-01", "to": "2026-04-01" });
            for (k, v) in extra.as_object().unwrap() {
                input[k] = v.clone();
            }
            json!({ "i": input })
        };
        // A county bureau sees its county by default, its towns, and nothing beyond.
        let own = app.gql(Some(&county_bureau), REPORT, march(json!({}))).await;
        own.ok();
        assert_eq!(own.at("/data/indicators/regionCode"), "440882");
        assert_eq!(own.at("/data/indicators/totals/demandsPosted"), 2);
        let town = app.gql(Some(&county_bureau), REPORT, march(json!({ "regionCode": "440882101" }))).await;
        assert_eq!(town.at("/data/indicators/totals/registeredSubjects"), 1);
        for region in ["4408", "440881", "44"] {
            app.gql(Some(&county_bureau), REPORT, march(json!({ "regionCode": region }))).await.expect_error("FORBIDDEN");
            // The league answers to the same jurisdiction.
            app.gql(Some(&county_bureau), LEAGUE, march(json!({ "regionCode": region }))).await.expect_error("FORBIDDEN");
        }
        app.gql(Some(&county_bureau), LEAGUE, march(json!({ "definitionsVersion": "v9" }))).await.expect_error("BAD_USER_INPUT");
        app.gql(Some(&county_bureau), LEAGUE, march(json!({ "regionCode": "440882101" }))).await.ok();
        // Banks and enterprises never see the figures; nobody sees them without a token.
        app.gql(Some(&world.bank_token), REPORT, march(json!({}))).await.expect_error("FORBIDDEN");
        app.gql(None, REPORT, march(json!({}))).await.expect_error("UNAUTHENTICATED");
        app.gql(Some(&world.bank_token), LEAGUE, march(json!({}))).await.expect_error("FORBIDDEN");
        // The admin sees everything; the report region is then the whole platform.
        let all = app.gql(Some(&world.admin), REPORT, march(json!({ "groupBy": "REGION" }))).await;
        all.ok();
        assert_eq!(all.at("/data/indicators/regionCode"), &Value::Null);
        assert_eq!(all.at("/data/indicators/rows/0/key"), "44");
        assert_eq!(all.at("/data/indicators/rows/0/label"), "广东省");
        // Bad input: reversed period, region below a town, malformed region.
        for (extra, field) in [
            (json!({ "to": "2026-03-01" }), "to"),
            (json!({ "regionCode": "440882101", "groupBy": "REGION" }), "groupBy"),
            (json!({ "regionCode": "44088" }), "regionCode"),
            (json!({ "regionCode": "440899" }), "regionCode"),
        ] {
            let r = app.gql(Some(&county_bureau), REPORT, march(extra)).await;
            r.expect_error("BAD_USER_INPUT");
            assert_eq!(r.body["errors"][0]["extensions"]["field"], field, "{:#}", r.body);
        }
    }

    async fn summaries_follow_every_change_of_the_events(app) {
        let world = build(&app).await;
        let conn = app.db().conn();
        // A later verification and a deleted subject move the cumulative counts on the next report.
        conn.execute_unprepared("UPDATE subjects SET verified_at = registered_at WHERE verified_at IS NULL").await.unwrap();
        let march = json!({ "from": "2026-03-01", "to": "2026-04-01" });
        let r = report(&app, &world.bureau, march.clone()).await;
        assert_eq!(r["totals"]["verifiedSubjects"], 3, "S2 is now verified on its registration day");
        let recount = "SELECT COUNT(*) AS n FROM subject_counts c WHERE c.registered < 0 OR c.verified < 0";
        let negative = conn
            .query_one_raw(sea_orm::Statement::from_string(conn.get_database_backend(), recount))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        assert_eq!(negative, 0);
        // S3 (registered and verified at Apr 1 00:00) counts in a report to Apr 2, until it is deleted.
        let april_first = json!({ "from": "2026-03-01", "to": "2026-04-02" });
        let r = report(&app, &world.bureau, april_first.clone()).await;
        assert_eq!((r["totals"]["registeredSubjects"].clone(), r["totals"]["verifiedSubjects"].clone()), (json!(4), json!(4)));
        conn.execute_unprepared(&format!("DELETE FROM subjects WHERE uscc = '{}'", code('D'))).await.unwrap();
        let r = report(&app, &world.bureau, april_first).await;
        assert_eq!((r["totals"]["registeredSubjects"].clone(), r["totals"]["verifiedSubjects"].clone()), (json!(3), json!(3)));
        // Re-importing a snapshot with a correction replaces its counts instead of adding to them.
        let fix = format!(
            "uscc,name,kind,region_code,industry_code,legal_rep_name,established_on,status,snapshot_date\n\
             {},企业D,企业,440882100,F5211,法人D,2015-06-01,注销,2026-03-31\n",
            code('D')
        );
        app.import(&world.bureau, "REGISTRY", fix.into_bytes()).await.ok();
        let r = report(&app, &world.bureau, march).await;
        assert_eq!(r["totals"]["existingSubjects"], 4, "D is no longer 存续 in the 03-31 snapshot");
    }

    async fn exports_open_with_chinese_headers_and_the_same_figures(app) {
        let world = build(&app).await;
        let url = |format: &str| {
            app.url(&format!("/exports/indicators?from=2026-03-01&to=2026-04-01&region=4408&groupBy=REGION&format={format}"))
        };
        let csv = app.http.get(url("csv")).bearer_auth(&world.bureau).send().await.unwrap();
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        assert!(csv.headers()["content-disposition"].to_str().unwrap().contains("indicators_4408_2026-03-01_2026-04-01.csv"));
        let as_of: DateTime<Utc> = csv.headers()["x-data-as-of"].to_str().unwrap().parse().unwrap();
        assert!(as_of <= Utc::now(), "how current the figures are, at the latest now: {as_of}");
        let bytes = csv.bytes().await.unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a BOM so Excel reads UTF-8");
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(&headers[..5], ["分组", "名称", "存续主体数", "注册主体数", "实名认证主体数"]);
        let records: Vec<HashMap<String, String>> = reader
            .records()
            .map(|r| headers.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect())
            .collect();
        assert_eq!(records.iter().map(|r| r["分组"].as_str()).collect::<Vec<_>>(), ["440881", "440882", "TOTAL"]);
        assert_eq!(records.iter().map(|r| r["名称"].as_str()).collect::<Vec<_>>(), ["廉江市", "雷州市", "合计"]);
        let total = &records[2];
        assert_eq!(total["名称"], "合计");
        assert_eq!(total["存续主体数"], "5");
        assert_eq!(total["注册率"], "60.00%");
        assert_eq!(total["需求金额（元）"], "1700000.00");
        assert_eq!(total["响应时长中位数（小时）"], "137.00");
        assert_eq!(total["加权平均年利率"], "3.94%");
        assert_eq!(total["获贷企业占存续企业比例"], "40.00%");
        assert_eq!(records[0]["信用贷款占比"], "", "no denominator: an empty cell");
        assert_eq!(records[1]["注册率"], "66.67%");

        let xlsx = app.http.get(url("xlsx")).bearer_auth(&world.bureau).send().await.unwrap();
        assert_eq!(xlsx.status(), 200);
        let bytes = xlsx.bytes().await.unwrap().to_vec();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["指标", "说明"]);
        let sheet = book.worksheet_range("指标").unwrap();
        let cells: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
        let header: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(header, headers, "the same columns as the CSV");
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let total = &cells[3];
        assert_eq!(total[0], Data::String("TOTAL".into()));
        assert_eq!(total[col("存续主体数")], Data::Float(5.0));
        assert_eq!(total[col("需求金额（元）")], Data::Float(1_700_000.0));
        assert_eq!(total[col("注册率")], Data::Float(0.6));
        assert_eq!(total[col("加权平均年利率")], Data::Float(0.0394));
        assert_eq!(cells[1][col("信用贷款占比")], Data::Empty);
        let notes = book.worksheet_range("说明").unwrap();
        assert!(notes.rows().any(|r| r[0] == Data::String("指标口径版本".into()) && r[1] == Data::String("v1".into())));
        assert!(notes.rows().any(|r| r[0] == Data::String("数据截至".into()) && r[1].to_string().contains("北京时间")));

        // Who may download, and what a bad request gets.
        let status = |token: Option<String>, query: &'static str| {
            let mut request = app.http.get(app.url(&format!("/exports/indicators?{query}")));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            async move { request.send().await.unwrap().status().as_u16() }
        };
        let ok = "from=2026-03-01&to=2026-04-01";
        assert_eq!(status(None, ok).await, 401);
        assert_eq!(status(Some("not-a-token".into()), ok).await, 401);
        assert_eq!(status(Some(world.bank_token.clone()), ok).await, 403);
        assert_eq!(status(Some(world.bureau.clone()), "from=2026-03-01&to=2026-04-01&region=4409").await, 403);
        assert_eq!(status(Some(world.bureau.clone()), "from=2026-13-01&to=2026-04-01").await, 400);
        assert_eq!(status(Some(world.bureau.clone()), "to=2026-04-01").await, 400);
        assert_eq!(status(Some(world.bureau.clone()), "from=2026-03-01&to=2026-04-01&format=pdf").await, 400);
        assert_eq!(status(Some(world.bureau.clone()), "from=2026-03-01&to=2026-04-01&groupBy=WEEK").await, 400);
    }
}

#[tokio::test]
async fn formula_like_labels_are_escaped_in_the_csv() {
    let Some(app) = TestApp::spawn(xyd_tests::Backend::Sqlite).await else { return };
    let world = build(&app).await;
    // A bank whose name a spreadsheet would run as a formula.
    let conn = app.db().conn();
    conn.execute_unprepared("UPDATE institutions SET name = '=HYPERLINK(\"http://x\")' WHERE name = '乙银行'")
        .await
        .unwrap();
    let url = app.url("/exports/indicators?from=2026-03-01&to=2026-04-01&groupBy=BANK&format=csv");
    let bytes = app.http.get(url).bearer_auth(&world.bureau).send().await.unwrap().bytes().await.unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    assert!(!text.lines().any(|l| l.split(',').nth(1).is_some_and(|c| c.starts_with('='))));
}
