//! 未参评 (NOT_RATED): a tax year without a grade — imported under either spelling, shown, never a minimum
//! grade, and judged apart from every grade: it fails a product's grade rule unless the product accepts the
//! unrated, and matching says which either way.

use serde_json::{Value, json};
use xyd_tests::fixtures::{
    CREATE_PRODUCT, LEGAL_REP_ID, POST_DEMAND, PROFILE, REGISTER, demand_input, product_input, registration, tax_csv,
    uscc_in,
};
use xyd_tests::{TestApp, both_backends};

const MATCH: &str = "query($d: ID!) { matchProducts(demandId: $d, first: 20, includeIneligible: true) {
    product { id acceptsNotRated } eligible reasons { code } unmet { code message } } }";

/// A verified individual business of 雷州 (listed in the registry, then registered), with two tax years that
/// were not rated; returns (owner token, subject id).
async fn unrated_shop(app: &TestApp) -> (String, String) {
    let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
    let code = uscc_in("440882", '2', 7);
    let registry = format!(
        "uscc,name,kind,region_code,industry_code,legal_rep_name,legal_rep_id_number,established_on,status,\
         snapshot_date\n{code},雷州市未参评小吃店,个体工商户,440882100,H6210,李四,{LEGAL_REP_ID},2015-06-01,存续,2026-10-31\n"
    );
    app.import(&bureau, "REGISTRY", registry.into_bytes()).await.ok();
    // The code and the Chinese label are both accepted.
    let tax = tax_csv(&[(&code, 2024, "未参评", "1200.00"), (&code, 2025, "NOT_RATED", "1500.00")]);
    let imported = app.import(&bureau, "TAX", tax).await;
    assert_eq!(imported.str_at("/data/importRecords/status"), "COMPLETED", "{:#}", imported.body);
    assert_eq!(imported.at("/data/importRecords/acceptedRows"), &json!(2), "{:#}", imported.body);
    let mut input = registration(&code, "雷州市未参评小吃店", "李四", "unrated@shop.test");
    input["i"]["kind"] = json!("INDIVIDUAL_BUSINESS");
    input["i"]["industryCode"] = json!("H6210");
    let registered = app.gql(None, REGISTER, input).await;
    registered.ok();
    (
        registered.str_at("/data/registerSubject/accessToken").to_string(),
        registered.str_at("/data/registerSubject/user/subject/id").to_string(),
    )
}

/// The match of `product` among `matches`.
fn match_of<'a>(matches: &'a [Value], product: &str) -> &'a Value {
    matches.iter().find(|m| m["product"]["id"] == product).unwrap_or_else(|| panic!("{product} not matched"))
}

fn codes(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().filter_map(|r| r["code"].as_str()).collect()
}

both_backends! {
    async fn a_not_rated_individual_business_fails_a_grade_rule_unless_the_product_accepts_the_unrated(app) {
        let (owner, subject) = unrated_shop(&app).await;
        let profile = app.gql(Some(&owner), PROFILE, json!({ "s": subject, "p": "LOAN_APPLICATION" })).await;
        let grades: Vec<&str> =
            profile.at("/data/creditProfile/tax").as_array().unwrap().iter().filter_map(|t| t["grade"].as_str()).collect();
        assert_eq!(grades, ["NOT_RATED", "NOT_RATED"], "{:#}", profile.body);
        assert_eq!(profile.at("/data/creditProfile/subject/trusted"), &json!(false), "守信 stays A-only");

        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let mut no_minimum = product_input("未参评门槛", "说明");
        no_minimum["minTaxGrade"] = json!("NOT_RATED");
        let refused = app.gql(Some(&bank), CREATE_PRODUCT, json!({ "i": no_minimum })).await;
        refused.expect_error("BAD_USER_INPUT");
        assert_eq!(refused.str_at("/errors/0/extensions/field"), "input.minTaxGrade", "{:#}", refused.body);
        assert_eq!(refused.str_at("/errors/0/extensions/reason"), "MIN_GRADE_NOT_RATED", "{:#}", refused.body);

        let mut graded = product_input("B级以上经营贷", "面向个体工商户的经营周转贷款");
        graded["minTaxGrade"] = json!("B");
        let strict = app.published_product(&bank, graded.clone()).await;
        graded["name"] = json!("未参评可贷");
        graded["acceptsNotRated"] = json!(true);
        let open = app.published_product(&bank, graded).await;

        let posted = app.gql(Some(&owner), POST_DEMAND, demand_input(&[])).await;
        posted.ok();
        let matched = app.gql(Some(&owner), MATCH, json!({ "d": posted.str_at("/data/postDemand/id") })).await;
        let matches = matched.at("/data/matchProducts").as_array().unwrap().clone();
        let refused = match_of(&matches, &strict);
        assert_eq!((refused["eligible"].clone(), refused["product"]["acceptsNotRated"].clone()), (json!(false), json!(false)));
        assert_eq!(codes(&refused["unmet"]), ["TAX_GRADE_NOT_RATED"], "{:#}", matched.body);
        assert_eq!(refused["unmet"][0]["message"], "未参评纳税信用评价，本产品要求纳税信用等级达到B级");
        let accepted = match_of(&matches, &open);
        assert_eq!((accepted["eligible"].clone(), accepted["product"]["acceptsNotRated"].clone()), (json!(true), json!(true)));
        assert!(codes(&accepted["reasons"]).contains(&"TAX_GRADE_NOT_RATED_ACCEPTED"), "{:#}", matched.body);
    }
}
