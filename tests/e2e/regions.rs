//! Administrative divisions by name (统计用区划代码, 2023 edition): the public `region` and `regions` queries,
//! and codes that do not exist refused wherever a region enters the platform.

use serde_json::json;
use xyd_tests::both_backends;
use xyd_tests::fixtures::{CREATE_PRODUCT, REGISTER, RegistryCsv, product_input, registration, uscc};

const REGION: &str = "query($code: String!) { region(code: $code) {
    code name fullName level children { code }
    parent { code name level parent { code name parent { code name parent { code } } } } } }";

const REGIONS: &str = "query($parent: String) { regions(parentCode: $parent) { code name level } }";

both_backends! {
    async fn a_town_is_named_with_its_parents_and_anyone_may_ask(app) {
        let r = app.gql(None, REGION, json!({ "code": "440882111" })).await;
        r.ok();
        let town = r.at("/data/region");
        assert_eq!(town["name"], "调风镇");
        assert_eq!(town["fullName"], "广东省湛江市雷州市调风镇");
        assert_eq!(town["level"], "TOWN");
        assert_eq!(town["children"], json!([]));
        assert_eq!(town["parent"]["name"], "雷州市");
        assert_eq!(town["parent"]["level"], "COUNTY");
        assert_eq!(town["parent"]["parent"]["name"], "湛江市");
        assert_eq!(town["parent"]["parent"]["parent"]["name"], "广东省");
        assert_eq!(town["parent"]["parent"]["parent"]["parent"], json!(null));
        // A code that does not exist, or is not a code at all, is no region.
        for code in ["440882999", "4408821", "调风镇"] {
            let r = app.gql(None, REGION, json!({ "code": code })).await;
            r.ok();
            assert_eq!(r.at("/data/region"), &json!(null), "{code}");
        }
    }

    async fn regions_walk_down_from_the_provinces(app) {
        let provinces = app.gql(None, REGIONS, json!({})).await;
        provinces.ok();
        let provinces = provinces.at("/data/regions").as_array().unwrap().clone();
        assert_eq!(provinces.len(), 31);
        assert!(provinces.iter().any(|p| p["code"] == "44" && p["name"] == "广东省" && p["level"] == "PROVINCE"));
        let towns = app.gql(None, REGIONS, json!({ "parent": "440882" })).await;
        towns.ok();
        let towns: Vec<(String, String)> = towns.at("/data/regions").as_array().unwrap().iter()
            .map(|t| (t["code"].as_str().unwrap().to_string(), t["name"].as_str().unwrap().to_string()))
            .collect();
        assert!(towns.contains(&("440882105".into(), "企水镇".into())), "the 2023 codes: {towns:?}");
        assert!(towns.contains(&("440882111".into(), "调风镇".into())));
        assert_eq!(towns.iter().filter(|(_, name)| name.ends_with('镇') || name.ends_with("街道")).count(), 21);
        let unknown = app.gql(None, REGIONS, json!({ "parent": "440899" })).await;
        unknown.expect_error("BAD_USER_INPUT");
        assert_eq!(unknown.str_at("/errors/0/extensions/reason"), "UNKNOWN_REGION");
        assert!(unknown.str_at("/errors/0/message").contains("2023年统计用区划代码"));
    }

    async fn an_import_row_in_a_region_that_does_not_exist_is_rejected(app) {
        let (_, bureau) = app.bureau("雷州市发改局", "440882").await;
        let file = RegistryCsv::new()
            .row(&uscc(1), "雷州市一号有限公司", "张一") // line 2
            .row_with(&uscc(2), "雷州市二号有限公司", "张二", "440882999", "存续") // line 3: no such town
            .bytes();
        let r = app.import(&bureau, "REGISTRY", file).await;
        r.ok();
        let job = r.at("/data/importRecords");
        assert_eq!(job["acceptedRows"], 1, "{job:#}");
        assert_eq!(job["errors"][0]["line"], 3);
        assert_eq!(job["errors"][0]["code"], "UNKNOWN_REGION");
        assert!(job["errors"][0]["message"].as_str().unwrap().contains("2023年统计用区划代码"));
    }

    async fn registrations_institutions_and_products_name_regions_that_exist(app) {
        let mut nowhere = registration(&uscc(3), "雷州市三号有限公司", "张三", "nowhere@ent.test");
        nowhere["i"]["regionCode"] = json!("440882999");
        let r = app.gql(None, REGISTER, nowhere).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.regionCode");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "UNKNOWN_REGION");

        let admin = app.admin_token().await;
        let r = app.gql(Some(&admin), "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { id } }",
            json!({ "i": { "kind": "BUREAU", "name": "不存在的局", "regionCode": "4499",
                "adminEmail": "x@bureau.test", "adminPassword": "Staff12345" } })).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "UNKNOWN_REGION");

        let (_, bank) = app.bank("某银行", "4408").await;
        let mut product = product_input("乡镇贷", "服务乡镇商户");
        product["regionPrefixes"] = json!(["440882199"]);
        let r = app.gql(Some(&bank), CREATE_PRODUCT, json!({ "i": product })).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.regionPrefixes");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "UNKNOWN_REGION");
    }
}
