//! Administrative divisions by name (统计用区划代码, 2023 edition): the public `region` and `regions` queries,
//! codes that do not exist refused wherever a region enters the platform, and six-digit GB/T 2260 codes of
//! cities and provinces (`440800`, `440000`) taken wherever a region is, answered in the short form (`4408`).

use serde_json::json;
use xyd_tests::fixtures::{CREATE_PRODUCT, REGISTER, RegistryCsv, product_input, registration, uscc};
use xyd_tests::{TestApp, both_backends};

const REGION: &str = "query($code: String!) { region(code: $code) {
    code name fullName level children { code }
    parent { code name level parent { code name parent { code name parent { code } } } } } }";

const REGIONS: &str = "query($parent: String) { regions(parentCode: $parent) { code name level } }";

async fn children(app: &TestApp, parent: &str) -> serde_json::Value {
    let r = app.gql(None, REGIONS, json!({ "parent": parent })).await;
    r.ok();
    r.at("/data/regions").clone()
}

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

    async fn six_digit_codes_of_cities_and_provinces_name_them_in_the_short_form(app) {
        for (code, short, name, level) in [
            ("440800", "4408", "湛江市", "CITY"),
            ("441500", "4415", "汕尾市", "CITY"),
            ("440000", "44", "广东省", "PROVINCE"),
            ("440100", "4401", "广州市", "CITY"),
            ("440882", "440882", "雷州市", "COUNTY"),
            // 东莞市 has no districts: its one county carries the city's GB/T 2260 code and is what it names.
            ("441900", "441900", "东莞市", "COUNTY"),
        ] {
            let r = app.gql(None, REGION, json!({ "code": code })).await;
            r.ok();
            let region = r.at("/data/region");
            assert_eq!((region["code"].as_str(), region["name"].as_str()), (Some(short), Some(name)), "{code}");
            assert_eq!(region["level"], level, "{code}");
        }
        let unknown = app.gql(None, REGION, json!({ "code": "449900" })).await;
        unknown.ok();
        assert_eq!(unknown.at("/data/region"), &json!(null));
        let zhanjiang = children(&app, "440800").await;
        assert_eq!(zhanjiang, children(&app, "4408").await);
        assert!(zhanjiang.as_array().unwrap().iter().any(|c| c["code"] == "440882"));

        let admin = app.admin_token().await;
        let create = |region: &str, n: usize| json!({ "i": { "kind": "BUREAU", "name": format!("局{n}"),
            "regionCode": region, "adminEmail": format!("b{n}@bureau.test"), "adminPassword": "Staff12345" } });
        const CREATE: &str = "mutation($i: CreateInstitutionInput!) { createInstitution(input: $i) { regionCode } }";
        for (n, (code, short)) in [("440800", "4408"), ("441500", "4415"), ("440000", "44"), ("440882", "440882")]
            .into_iter().enumerate()
        {
            let r = app.gql(Some(&admin), CREATE, create(code, n)).await;
            r.ok();
            assert_eq!(r.str_at("/data/createInstitution/regionCode"), short, "{code}");
        }
        let r = app.gql(Some(&admin), CREATE, create("449900", 9)).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.regionCode");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "UNKNOWN_REGION");
        let message = r.str_at("/errors/0/message");
        assert!(message.contains("2023年统计用区划代码") && message.contains("GB/T 2260"), "{message}");
    }

    async fn products_indicators_and_registry_rows_take_either_form(app) {
        // A bank of 湛江市 named the GB/T 2260 way serves 4408: its products may name areas either way.
        let (_, bank) = app.bank("湛江某银行", "440800").await;
        let mut product = product_input("湛江贷", "服务湛江商户");
        product["regionPrefixes"] = json!(["440800", "440882", "4408"]);
        let r = app.gql(Some(&bank), CREATE_PRODUCT, json!({ "i": product })).await;
        r.ok();
        let id = r.str_at("/data/createProduct/id").to_string();
        let r = app.gql(Some(&bank), "query($id: ID!) { product(id: $id) { regionPrefixes } }", json!({ "id": id })).await;
        r.ok();
        let mut stored: Vec<String> = serde_json::from_value(r.at("/data/product/regionPrefixes").clone()).unwrap();
        stored.sort();
        assert_eq!(stored, ["4408", "440882"]);
        let mut outside = product_input("汕尾贷", "不在本行服务区域");
        outside["regionPrefixes"] = json!(["441500"]);
        let r = app.gql(Some(&bank), CREATE_PRODUCT, json!({ "i": outside })).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "OUTSIDE_SERVICE_AREA");

        // A product filter's region is where a subject is: a county or a town; a city's code says what it is.
        let r = app.gql(None, "query($f: ProductFilter) { products(filter: $f) { totalCount } }",
            json!({ "f": { "regionCode": "440800" } })).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "filter.regionCode");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "INVALID_REGION_CODE");
        assert!(r.str_at("/errors/0/message").contains("湛江市"));

        // Indicator filters: a city or a province either way, answered in the short form.
        let (_, bureau) = app.bureau("湛江市发改局", "440800").await;
        let admin = app.admin_token().await;
        let report = "query($i: IndicatorQuery!) { indicators(input: $i) { regionCode } }";
        let period = |region: &str| json!({ "i": { "from": "2026-03-01", "to": "2026-04-01", "regionCode": region } });
        for (token, code, short) in [(&bureau, "440800", "4408"), (&admin, "440000", "44"), (&bureau, "440882", "440882")] {
            let r = app.gql(Some(token), report, period(code)).await;
            r.ok();
            assert_eq!(r.str_at("/data/indicators/regionCode"), short, "{code}");
        }
        let league = "query($i: IndicatorQuery!) { bankLeague(input: $i) { bank { name } } }";
        app.gql(Some(&bureau), league, period("440800")).await.ok();
        app.gql(Some(&bureau), league, period("441500")).await.expect_error("FORBIDDEN");
        let r = app.gql(Some(&bureau), report, period("449900")).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "UNKNOWN_REGION");

        // Registry rows: a town or a county as before; a city's code is no place a subject stands.
        let file = RegistryCsv::new()
            .row(&uscc(11), "雷州市十一号有限公司", "张十一") // line 2: town 440882100
            .row_with(&uscc(12), "雷州市十二号有限公司", "张十二", "440882", "存续") // line 3: county
            .row_with(&uscc(13), "雷州市十三号有限公司", "张十三", "440800", "存续") // line 4: the city
            .row_with(&uscc(14), "雷州市十四号有限公司", "张十四", "449900", "存续") // line 5: nowhere
            .bytes();
        let r = app.import(&bureau, "REGISTRY", file).await;
        r.ok();
        let job = r.at("/data/importRecords");
        assert_eq!(job["acceptedRows"], 2, "{job:#}");
        assert_eq!((job["errors"][0]["line"].as_i64(), job["errors"][0]["code"].as_str()), (Some(4), Some("INVALID_REGION_CODE")));
        assert!(job["errors"][0]["message"].as_str().unwrap().contains("湛江市"), "{job:#}");
        assert_eq!((job["errors"][1]["line"].as_i64(), job["errors"][1]["code"].as_str()), (Some(5), Some("UNKNOWN_REGION")));

        // A registration names where the subject is: a city's code is refused with its name.
        let mut city = registration(&uscc(15), "雷州市十五号有限公司", "张十五", "city@ent.test");
        city["i"]["regionCode"] = json!("440800");
        let r = app.gql(None, REGISTER, city).await;
        r.expect_error("BAD_USER_INPUT");
        assert_eq!(r.str_at("/errors/0/extensions/field"), "input.regionCode");
        assert_eq!(r.str_at("/errors/0/extensions/reason"), "INVALID_REGION_CODE");
    }
}
