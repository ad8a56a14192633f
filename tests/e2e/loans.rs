//! The loan ledger (贷款台账): every disbursement as a loan with its whole cost, 首贷 computed from the platform's
//! loans and the imported loan history beside what the bank declared, a mismatch listed for the bureau, a lender
//! without a code listed for the admin; who sees which loans; the same ledger as CSV; the indicators' 首贷户
//! computed from v3 on.

use std::collections::HashMap;

use serde_json::{Value, json};
use xyd_tests::fixtures::{POST_DEMAND, demand_input, uscc, uscc_in};
use xyd_tests::{TestApp, both_backends};

const ACCEPT: &str = "mutation($d: ID!) { acceptDemand(demandId: $d) { id } }";
const GRANT: &str = "mutation($r: ID!, $i: CreditGrantInput!) { grantCredit(responseId: $r, input: $i) { id } }";
const DISBURSE: &str = "mutation($r: ID!, $at: DateTime!, $first: Boolean!) { recordDisbursement(responseId: $r,
    input: {amount: \"300000.00\", disbursedAt: $at, firstLoan: $first}) { status } }";
const LOANS: &str = "query($f: LoanFilter) { loans(filter: $f, first: 10) { totalCount nodes {
    id borrower { name uscc } lender { name uscc } product { productType } demand { id } disbursedOn amount termMonths
    annualRate repaymentMethod guaranteeTypes creditLoan fees { kind amount } comprehensiveCost
    firstLoan declaredFirstLoan firstLoanMismatch renewals { id } } } }";

/// A verified enterprise's demand lent on by `bank` (token), declared a first loan or not; the loan's id.
async fn lend(app: &TestApp, owner: &str, bank: &str, first: bool, fees: Value) -> String {
    let posted = app.gql(Some(owner), POST_DEMAND, demand_input(&[])).await;
    posted.ok();
    let demand = posted.str_at("/data/postDemand/id").to_string();
    let accepted = app.gql(Some(bank), ACCEPT, json!({ "d": demand })).await;
    accepted.ok();
    let response = accepted.str_at("/data/acceptDemand/id").to_string();
    // Under the bank's own product (a CREDIT one, `lending_bank`'s).
    let product = app.gql(Some(bank), "{ myProducts { id } }", json!({})).await;
    let product = product.str_at("/data/myProducts/0/id").to_string();
    let input =
        json!({ "amount": "300000.00", "annualRate": "4.35", "termMonths": 12, "fees": fees, "productId": product });
    app.gql(Some(bank), GRANT, json!({ "r": response, "i": input })).await.ok();
    let at = chrono::Utc::now().to_rfc3339();
    app.gql(Some(bank), DISBURSE, json!({ "r": response, "at": at, "first": first })).await.ok();
    response
}

async fn loans(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    let r = app.gql(Some(token), LOANS, json!({ "f": filter })).await;
    r.ok();
    r.at("/data/loans/nodes").as_array().unwrap().clone()
}

both_backends! {
    async fn the_ledger_computes_the_first_loan_and_lists_what_to_follow_up(app) {
        let (_, bureau) = app.bureau("雷州市发展和改革局", "440882").await;
        let (a, _) = app.verified_enterprise(&bureau, &uscc(71), "雷州市台账甲有限公司", "张甲").await;
        let (b, _) = app.verified_enterprise(&bureau, &uscc(72), "雷州市台账乙有限公司", "李乙").await;
        let admin = app.admin_token().await;
        let (jia_id, jia) = app.lending_bank("台账甲银行", "4408").await;
        let code = uscc_in("440800", '1', 971);
        app.gql(Some(&admin), "mutation($id: ID!, $c: String!) { updateInstitution(id: $id, input: {uscc: $c}) { id } }",
            json!({ "id": jia_id, "c": code })).await.ok();
        let (_, yi) = app.lending_bank("台账乙银行", "4408").await;

        // The local credit platform knows a loan of 乙 company a year ago; a future date and another county's
        // borrower are refused row by row.
        let year_ago = (chrono::Utc::now() - chrono::Duration::days(365)).date_naive();
        let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).date_naive();
        let lender = uscc_in("440800", '1', 972);
        let file = format!("uscc,lender_uscc,lender_name,loan_date,amount,first_loan\n\
            {},{lender},湛江某农商行,{year_ago},200000.00,是\n\
            {},{lender},湛江某农商行,{tomorrow},200000.00,是\n\
            {},{lender},湛江某农商行,{year_ago},200000.00,否\n", uscc(72), uscc(73), uscc_in("440823", '1', 74));
        let imported = app.import(&bureau, "LOAN_HISTORY", file.into_bytes()).await;
        assert_eq!(imported.at("/data/importRecords/acceptedRows"), &json!(1), "{:#}", imported.body);
        let codes: Vec<&str> = imported.at("/data/importRecords/errors").as_array().unwrap().iter()
            .map(|e| e["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["DATE_IN_FUTURE", "OUT_OF_JURISDICTION"], "{:#}", imported.body);

        // 甲 company's first loan (declared so, truly so), with a fee; 乙 company's "first" loan (it is not);
        // 甲 company's second loan, declared not first.
        let fee = json!([{ "kind": "SERVICE", "amount": "3000.00", "timing": "UPFRONT", "payee": "台账甲银行" }]);
        let first = lend(&app, &a, &jia, true, fee).await;
        let claimed = lend(&app, &b, &yi, true, json!([])).await;
        let second = lend(&app, &a, &yi, false, json!([])).await;

        let all = loans(&app, &bureau, json!({})).await;
        let by_id: HashMap<&str, &Value> = all.iter().map(|l| (l["id"].as_str().unwrap(), l)).collect();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0]["id"], json!(second), "newest first");
        let l = by_id[first.as_str()];
        assert_eq!((&l["firstLoan"], &l["declaredFirstLoan"], &l["firstLoanMismatch"]), (&json!(true), &json!(true), &json!(false)));
        assert_eq!(l["lender"], json!({ "name": "台账甲银行", "uscc": code }));
        assert_eq!(l["borrower"]["uscc"], json!(uscc(71)));
        assert_eq!((&l["amount"], &l["termMonths"], &l["annualRate"]), (&json!("300000.00"), &json!(12), &json!("4.35")));
        assert_eq!((&l["creditLoan"], &l["guaranteeTypes"]), (&json!(true), &json!(["CREDIT"])));
        assert_eq!(l["product"]["productType"], json!("CREDIT"));
        assert_eq!(l["fees"], json!([{ "kind": "SERVICE", "amount": "3000.00" }]));
        assert!(l["comprehensiveCost"].as_str().unwrap() > "4.35", "{l:#}");
        assert_eq!(l["disbursedOn"], json!(xyd_domain::demand::calendar::local_date(chrono::Utc::now()).to_string()));
        let c = by_id[claimed.as_str()];
        assert_eq!((&c["firstLoan"], &c["declaredFirstLoan"], &c["firstLoanMismatch"]), (&json!(false), &json!(true), &json!(true)));
        let s = by_id[second.as_str()];
        assert_eq!((&s["firstLoan"], &s["firstLoanMismatch"]), (&json!(false), &json!(false)), "an earlier loan here");

        // What to follow up: the mismatch for the bureau, the lenders without a code for the admin.
        let mismatched = loans(&app, &bureau, json!({ "firstLoanMismatch": true })).await;
        assert_eq!(mismatched.iter().map(|l| l["id"].clone()).collect::<Vec<_>>(), [json!(claimed)]);
        let uncoded = loans(&app, &admin, json!({ "lenderWithoutCode": true })).await;
        assert_eq!(uncoded.len(), 2);
        assert!(uncoded.iter().all(|l| l["lender"]["uscc"].is_null()));

        // Who sees what: a bank its own, another county's bureau none, an enterprise nothing at all.
        assert_eq!(loans(&app, &jia, json!({})).await.len(), 1);
        let (_, outside) = app.bureau("遂溪县发展和改革局", "440823").await;
        assert!(loans(&app, &outside, json!({})).await.is_empty());
        let beyond = app.gql(Some(&outside), LOANS, json!({ "f": { "regionCode": "440882" } })).await;
        beyond.expect_error("FORBIDDEN");
        app.gql(Some(&a), LOANS, json!({})).await.expect_error("FORBIDDEN");

        // The same ledger as a file.
        let url = app.url("/exports/loans?format=csv");
        let response = app.http.get(url).bearer_auth(&bureau).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let bytes = response.bytes().await.unwrap();
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let rows: Vec<HashMap<String, String>> = reader.records()
            .map(|r| headers.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect();
        assert_eq!(rows.len(), 3);
        let row = rows.iter().find(|r| r["贷款ID"] == claimed).unwrap();
        assert_eq!((row["首贷（平台计算）"].as_str(), row["首贷（银行申报）"].as_str(), row["首贷不一致"].as_str()), ("否", "是", "是"));
        assert_eq!(row["放款银行统一社会信用代码"], "", "乙 bank has no code yet");
        let mine = app.http.get(app.url("/exports/loans?format=xlsx")).bearer_auth(&a).send().await.unwrap();
        assert_eq!(mine.status(), 403);

        // The indicators' 首贷户: declared under v2 (both companies), computed under v3 (甲 company only).
        let today = chrono::Utc::now().date_naive();
        let period = |v: &str| json!({ "i": { "from": (today - chrono::Days::new(2)).to_string(),
            "to": (today + chrono::Days::new(2)).to_string(), "definitionsVersion": v } });
        let report = "query($i: IndicatorQuery!) { indicators(input: $i) { totals { firstLoanSubjects } } }";
        let v2 = app.gql(Some(&bureau), report, period("v2")).await;
        assert_eq!(v2.at("/data/indicators/totals/firstLoanSubjects"), &json!(2), "{:#}", v2.body);
        let v3 = app.gql(Some(&bureau), report, period("v3")).await;
        assert_eq!(v3.at("/data/indicators/totals/firstLoanSubjects"), &json!(1), "{:#}", v3.body);
    }
}
