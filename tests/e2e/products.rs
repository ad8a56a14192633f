//! The product supermarket: lifecycle and ownership, validation, Chinese full-text search and exact filters
//! on a real Meilisearch, and the SQL fallback.

use serde_json::json;
use xyd_tests::both_backends;
use xyd_tests::fixtures::{CREATE_PRODUCT, product_input};

const UPDATE: &str = "mutation($id: ID!, $i: ProductInput!, $v: Int) { updateProduct(id: $id, input: $i, expectedVersion: $v) { id version name } }";

both_backends! {
    async fn chinese_search_and_filters_find_exactly_the_published_products(app) {
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let mut tax = product_input("雷银税e贷", "依据企业纳税信用等级授信，线上申请，随借随还");
        tax["taxBased"] = json!(true);
        tax["minTaxGrade"] = json!("B");
        let tax_id = app.published_product(&bank, tax).await;
        let mut shop = product_input("商户经营贷", "面向个体工商户的经营周转贷款");
        shop["subjectKinds"] = json!(["INDIVIDUAL_BUSINESS"]);
        shop["amountMax"] = json!("500000.00");
        shop["rateMin"] = json!("4.20");
        let shop_id = app.published_product(&bank, shop).await;
        let mut farm = product_input("乡村振兴抵押贷", "农民专业合作社土地经营权抵押");
        farm["productType"] = json!("MORTGAGE");
        farm["subjectKinds"] = json!(["FARMER_COOPERATIVE"]);
        farm["industryCodes"] = json!(["A"]);
        farm["regionPrefixes"] = json!(["440882"]);
        let farm_id = app.published_product(&bank, farm).await;
        let draft = app.gql(Some(&bank), CREATE_PRODUCT, json!({ "i": product_input("草稿产品", "纳税信用草稿") })).await;
        let draft_id = draft.str_at("/data/createProduct/id").to_string();
        app.wait_indexed().await;

        assert_eq!(app.product_ids(Some("纳税信用"), json!({})).await, vec![tax_id.clone()], "drafts are not on the shelf");
        assert!(app.product_ids(Some("个体工商户"), json!({})).await.contains(&shop_id));
        assert!(app.product_ids(Some("个体户"), json!({})).await.contains(&shop_id), "synonym 个体户");

        let mut all = app.product_ids(None, json!({})).await;
        all.sort();
        let mut expected = vec![tax_id.clone(), shop_id.clone(), farm_id.clone()];
        expected.sort();
        assert_eq!(all, expected);
        assert!(!all.contains(&draft_id));

        let ids = |v: &[&String]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(app.product_ids(None, json!({ "taxBased": true })).await, ids(&[&tax_id]));
        assert_eq!(app.product_ids(None, json!({ "productTypes": ["MORTGAGE"] })).await, ids(&[&farm_id]));
        assert_eq!(app.product_ids(None, json!({ "subjectKind": "FARMER_COOPERATIVE", "regionCode": "440882105" })).await, ids(&[&farm_id]));
        assert!(app.product_ids(None, json!({ "subjectKind": "FARMER_COOPERATIVE", "regionCode": "440825102" })).await.is_empty(), "outside the region");
        assert!(app.product_ids(None, json!({ "industryCode": "C1391", "productTypes": ["MORTGAGE"] })).await.is_empty(), "industry A only");
        let mut big = app.product_ids(None, json!({ "amount": "1000000.00" })).await;
        big.sort();
        let mut expected_big = ids(&[&tax_id, &farm_id]);
        expected_big.sort();
        assert_eq!(big, expected_big, "the shop loan tops out at 500,000");
        assert_eq!(app.product_ids(None, json!({ "maxRate": "4.00" })).await.len(), 2, "rate floor under 4%");

        // A suspended product leaves the results.
        app.gql(Some(&bank), "mutation($id: ID!) { suspendProduct(id: $id) { status } }", json!({ "id": tax_id })).await.ok();
        app.wait_indexed().await;
        assert!(app.product_ids(Some("纳税信用"), json!({})).await.is_empty());
        let r = app.gql(None, "query($id: ID!) { product(id: $id) { id } }", json!({ "id": tax_id })).await;
        assert!(r.at("/data/product").is_null(), "the public no longer sees it");
        let mine = app.gql(Some(&bank), "{ myProducts { id status } }", json!({})).await;
        assert_eq!(mine.at("/data/myProducts").as_array().unwrap().len(), 4);

        let report = xinyidai::products::projection::verify(&app.state).await.unwrap();
        assert!(report.is_clean(), "{report:?}");
    }

    async fn validation_names_the_field(app) {
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let cases = [
            ("amountMin", json!("5000000.00"), "input.amountMin"),
            ("termMonthsMax", json!(400), "input.termMonthsMax"),
            ("rateMax", json!("36.00"), "input.rateMax"),
            ("regionPrefixes", json!(["4401"]), "input.regionPrefixes"),
            ("industryCodes", json!(["Z99"]), "input.industryCodes"),
            ("subjectKinds", json!([]), "input.subjectKinds"),
        ];
        for (field, value, path) in cases {
            let mut input = product_input("坏产品", "说明");
            input[field] = value;
            let r = app.gql(Some(&bank), CREATE_PRODUCT, json!({ "i": input })).await;
            r.expect_error("BAD_USER_INPUT");
            assert_eq!(r.str_at("/errors/0/extensions/field"), path, "{field}: {:#}", r.body);
        }
        let mut bad_money = product_input("坏产品", "说明");
        bad_money["amountMin"] = json!("1.234");
        app.gql(Some(&bank), CREATE_PRODUCT, json!({ "i": bad_money })).await.expect_error("BAD_USER_INPUT");
        let mine = app.gql(Some(&bank), "{ myProducts { id } }", json!({})).await;
        assert_eq!(mine.at("/data/myProducts"), &json!([]), "nothing was created");
    }

    async fn only_the_owning_bank_manages_a_product(app) {
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let (_, rival) = app.bank("别家银行", "4408").await;
        let id = app.published_product(&bank, product_input("本行产品", "说明")).await;
        app.gql(Some(&rival), UPDATE, json!({ "id": id, "i": product_input("改名", "说明") })).await.expect_error("FORBIDDEN");
        app.gql(Some(&rival), "mutation($id: ID!) { suspendProduct(id: $id) { id } }", json!({ "id": id })).await.expect_error("FORBIDDEN");
        app.gql(None, CREATE_PRODUCT, json!({ "i": product_input("匿名", "说明") })).await.expect_error("UNAUTHENTICATED");
        let admin = app.admin_token().await;
        app.gql(Some(&admin), CREATE_PRODUCT, json!({ "i": product_input("管理员", "说明") })).await.expect_error("FORBIDDEN");
    }

    async fn a_stale_version_is_a_conflict_and_archived_is_final(app) {
        let (_, bank) = app.bank("雷州农商银行", "4408").await;
        let id = app.published_product(&bank, product_input("版本产品", "说明")).await;
        let first = app.gql(Some(&bank), UPDATE, json!({ "id": id, "i": product_input("第一次修改", "说明"), "v": 2 })).await;
        first.ok();
        assert_eq!(first.at("/data/updateProduct/version"), &json!(3));
        let stale = app.gql(Some(&bank), UPDATE, json!({ "id": id, "i": product_input("过期修改", "说明"), "v": 2 })).await;
        stale.expect_error("CONFLICT");
        app.gql(Some(&bank), "mutation($id: ID!) { archiveProduct(id: $id) { status } }", json!({ "id": id })).await.ok();
        app.gql(Some(&bank), "mutation($id: ID!) { publishProduct(id: $id) { status } }", json!({ "id": id })).await.expect_error("INVALID_STATE");
        let archived = app.gql(Some(&bank), UPDATE, json!({ "id": id, "i": product_input("归档后", "说明") })).await;
        archived.expect_error("INVALID_STATE");
        assert_eq!(archived.str_at("/errors/0/extensions/reason"), "ARCHIVED", "{:#}", archived.body);
    }
}
