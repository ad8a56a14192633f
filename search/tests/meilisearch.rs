//! Against a real Meilisearch (`xyd_testkit`: started on a free loopback port, stopped when this test
//! binary exits): settings are accepted, Chinese text search finds products through keywords and
//! synonyms, filter strings select exactly what `ProductFilter::matches` selects, writes wait for
//! their tasks, and a rebuild swaps in a fresh index.

// Test helpers outside #[test] functions may unwrap too: a panic is a failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use xyd_domain::{
    DataCategory, IndustryCode, InstitutionId, Money, ProductFilter, ProductId, ProductSpec, ProductSpecInput,
    ProductType, Rate, RegionCode, SubjectKind, TaxGrade,
};
use xyd_search::{ProductDocument, Search, SearchError};

use xyd_testkit::{MASTER_KEY, MeiliServer};

fn url() -> &'static str {
    &MeiliServer::shared().url
}

/// A handle with an index prefix of its own.
fn search(prefix: &str) -> Search {
    Search::new(url(), Some(MASTER_KEY), prefix).unwrap()
}

fn input(name: &str, description: &str) -> ProductSpecInput {
    ProductSpecInput {
        name: name.into(),
        description: description.into(),
        product_type: ProductType::Credit,
        amount_min: Money::from_fen(1_000_000),
        amount_max: Money::from_fen(100_000_000),
        term_months_min: 3,
        term_months_max: 36,
        rate_min: Rate::from_bp(400).unwrap(),
        rate_max: Rate::from_bp(800).unwrap(),
        subject_kinds: vec![SubjectKind::Enterprise],
        region_prefixes: vec!["3501".into()],
        industry_codes: vec![],
        min_tax_grade: None,
        accepts_not_rated: false,
        min_declared_years: None,
        min_years_in_operation: None,
        requires_clean_record: false,
        requires_verified: true,
        required_consents: vec![],
        tax_based: false,
        trusted_rate_discount: None,
        pre_credit: None,
    }
}

struct Product {
    id: ProductId,
    bank: InstitutionId,
    spec: ProductSpec,
}

impl Product {
    fn new(bank: InstitutionId, input: ProductSpecInput) -> Self {
        Self { id: ProductId::new(), bank, spec: ProductSpec::restore(input).unwrap() }
    }

    fn doc(&self, version: i64) -> ProductDocument {
        ProductDocument::new(self.id, version, self.bank, "测试银行", &self.spec)
    }
}

#[tokio::test]
async fn synonyms_work_both_ways_without_keywords() {
    let products = search("synonyms").products();
    products.ensure().await.unwrap();
    let bank = InstitutionId::new();
    let texts = [
        ("A", "本产品属于纳税信用贷，按时纳税即可申请"),
        ("B", "面向个体工商户的经营周转"),
        ("C", "面向农民专业合作社"),
        ("D", "纯信用，无需抵押物"),
        ("E", "小微企业专属"),
        ("H", "银税互动产品"),
    ];
    let all: Vec<(&str, Product)> = texts
        .iter()
        .map(|&(tag, description)| {
            let mut i = input(&format!("产品{tag}"), description);
            i.product_type = ProductType::Pledge;
            (tag, Product::new(bank, i))
        })
        .collect();
    // Without keywords, only the text and the synonyms can match.
    let docs: Vec<ProductDocument> =
        all.iter().map(|(_, p)| ProductDocument { keywords: vec![], ..p.doc(1) }).collect();
    products.upsert(&docs).await.unwrap();
    let cases: [(&str, &[&str]); 9] = [
        ("税贷", &["A", "H"]),
        ("银税互动", &["A", "H"]),
        ("纳税信用贷", &["A", "H"]),
        ("个体户", &["B"]),
        ("个体工商户", &["B"]),
        ("农户", &["C"]),
        ("信用贷", &["D"]),
        ("纯信用", &["D"]),
        ("小微", &["E"]),
    ];
    for (query, want) in cases {
        let ids = products.search(Some(query), &ProductFilter::default(), 0, 20).await.unwrap().ids;
        let tags: BTreeSet<&str> =
            all.iter().filter(|(_, p)| ids.contains(&p.id.to_string())).map(|(tag, _)| *tag).collect();
        for tag in want {
            assert!(tags.contains(tag), "{query} should find {tag}: {tags:?}");
        }
    }
}

#[tokio::test]
async fn ensure_is_idempotent_and_applies_settings() {
    let products = search("ensure").products();
    products.ensure().await.unwrap();
    let client = meilisearch_sdk::client::Client::new(url(), Some(MASTER_KEY)).unwrap();
    let tasks = || async {
        let mut query = meilisearch_sdk::tasks::TasksSearchQuery::new(&client);
        query.with_index_uids(["ensure_products"]);
        client.get_tasks_with(&query).await.unwrap().total
    };
    let before = tasks().await;
    assert_eq!(before, 2, "created, then settings applied");
    products.ensure().await.unwrap();
    assert_eq!(tasks().await, before, "a second ensure finds the settings in place");
    let p = Product::new(InstitutionId::new(), input("经营贷", "用于日常经营周转"));
    products.upsert(&[p.doc(1)]).await.unwrap();
    let filter = ProductFilter { amount: Some(Money::from_fen(5_000_000)), ..Default::default() };
    let page = products.search(None, &filter, 0, 10).await.unwrap();
    assert_eq!(page.ids, [p.id.to_string()]);
}

#[tokio::test]
async fn chinese_queries_find_products_by_keywords_and_synonyms() {
    let products = search("chinese").products();
    products.ensure().await.unwrap();
    let bank = InstitutionId::new();
    let mut tax = input("税易贷", "根据企业依法纳税情况发放的线上贷款，随借随还。");
    tax.tax_based = true;
    tax.required_consents = vec![DataCategory::Tax];
    tax.min_tax_grade = Some(TaxGrade::B);
    let tax = Product::new(bank, tax);
    let mut shop = input("商户经营贷", "面向沿街商铺经营者，支持线上申请。");
    shop.product_type = ProductType::Mortgage;
    shop.subject_kinds = vec![SubjectKind::IndividualBusiness];
    let shop = Product::new(bank, shop);
    let mut farm = input("惠农贷", "支持种植养殖扩大生产。");
    farm.product_type = ProductType::Guarantee;
    farm.subject_kinds = vec![SubjectKind::FarmerCooperative];
    let farm = Product::new(bank, farm);
    let plain = Product::new(bank, input("科创贷", "面向科技型企业的研发投入贷款。"));
    let all = [&tax, &shop, &farm, &plain];
    products.upsert(&all.map(|p| p.doc(1))).await.unwrap();

    let hits = |query: &'static str| {
        let products = products.clone();
        async move { products.search(Some(query), &ProductFilter::default(), 0, 20).await.unwrap().ids }
    };
    let id = |p: &Product| p.id.to_string();

    assert_eq!(hits("纳税信用").await.first(), Some(&id(&tax)), "纳税信用");
    assert_eq!(hits("银税互动").await.first(), Some(&id(&tax)), "银税互动");
    assert_eq!(hits("税贷").await.first(), Some(&id(&tax)), "税贷 (synonym)");
    assert!(hits("个体工商户").await.contains(&id(&shop)), "个体工商户");
    assert!(!hits("个体工商户").await.contains(&id(&plain)), "个体工商户 is not 企业");
    assert!(hits("个体户").await.contains(&id(&shop)), "个体户 (synonym)");
    assert!(hits("抵押").await.contains(&id(&shop)), "抵押");
    assert!(hits("农民专业合作社").await.contains(&id(&farm)), "农民专业合作社");
    assert!(hits("农户").await.contains(&id(&farm)), "农户");
    assert!(hits("纯信用").await.contains(&id(&plain)), "纯信用");
    assert_eq!(hits("科创").await.first(), Some(&id(&plain)), "科创 in the name");

    // A query combines with the hard filter.
    let filter = ProductFilter { subject_kind: Some(SubjectKind::Enterprise), ..Default::default() };
    let page = products.search(Some("个体户"), &filter, 0, 20).await.unwrap();
    assert!(!page.ids.contains(&id(&shop)));
}

/// A small deterministic generator (no external crate).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.next(items.len() as u64) as usize]
    }
}

#[tokio::test]
async fn filter_strings_select_exactly_what_matches_selects() {
    let products = search("filters").products();
    products.ensure().await.unwrap();
    let banks = [InstitutionId::new(), InstitutionId::new(), InstitutionId::new()];
    let regions = ["35", "3501", "350102", "350102001", "3502", "350203", "44"];
    let industries = ["C", "C13", "C139", "C1391", "C14", "F", "F52", "A01"];
    let kinds = SubjectKind::ALL;
    let types = ProductType::ALL;
    let mut rng = Lcg(20_240_601);
    let mut all = Vec::new();
    for n in 0..60 {
        let mut p = input(&format!("产品{n}"), "测试产品");
        p.product_type = rng.pick(types);
        let lo = 1 + rng.next(50) as i64;
        p.amount_min = Money::from_fen(lo * 1_000_000);
        p.amount_max = Money::from_fen((lo + rng.next(100) as i64) * 1_000_000);
        let t = 1 + rng.next(24) as i32;
        p.term_months_min = t;
        p.term_months_max = t + rng.next(48) as i32;
        let r = 300 + rng.next(400) as i32;
        p.rate_min = Rate::from_bp(r).unwrap();
        p.rate_max = Rate::from_bp(r + rng.next(500) as i32).unwrap();
        p.subject_kinds = (0..1 + rng.next(3)).map(|_| rng.pick(kinds)).collect();
        p.region_prefixes = (0..1 + rng.next(2)).map(|_| rng.pick(&regions).to_string()).collect();
        p.industry_codes = (0..rng.next(3)).map(|_| rng.pick(&industries).to_string()).collect();
        p.tax_based = rng.next(2) == 0;
        all.push(Product::new(rng.pick(&banks), p));
    }
    products.upsert(&all.iter().map(|p| p.doc(1)).collect::<Vec<_>>()).await.unwrap();

    let codes = ["350102", "350102001", "350103", "350203", "440305", "110101"];
    let subject_industries = ["C1391", "C13", "C", "F5212", "A0111", "C1411"];
    let mut filters = vec![ProductFilter::default()];
    for _ in 0..80 {
        let mut f = ProductFilter::default();
        if rng.next(3) == 0 {
            f.product_types = (0..1 + rng.next(2)).map(|_| rng.pick(types)).collect();
        }
        if rng.next(2) == 0 {
            f.subject_kind = Some(rng.pick(kinds));
        }
        if rng.next(2) == 0 {
            f.region_code = Some(RegionCode::parse(rng.pick(&codes)).unwrap());
        }
        if rng.next(2) == 0 {
            f.industry_code = Some(IndustryCode::parse(rng.pick(&subject_industries)).unwrap());
        }
        if rng.next(3) == 0 {
            f.amount = Some(Money::from_fen((1 + rng.next(150) as i64) * 1_000_000));
        }
        if rng.next(3) == 0 {
            f.term_months = Some(1 + rng.next(72) as u16);
        }
        if rng.next(3) == 0 {
            f.max_rate = Some(Rate::from_bp(300 + rng.next(500) as i32).unwrap());
        }
        if rng.next(4) == 0 {
            f.tax_based = Some(rng.next(2) == 0);
        }
        if rng.next(4) == 0 {
            f.bank_id = Some(rng.pick(&banks));
        }
        filters.push(f);
    }
    let mut non_trivial = 0;
    for f in &filters {
        let want: BTreeSet<String> =
            all.iter().filter(|p| f.matches(&p.spec, p.bank)).map(|p| p.id.to_string()).collect();
        let page = products.search(None, f, 0, 1_000).await.unwrap();
        let got: BTreeSet<String> = page.ids.iter().cloned().collect();
        assert_eq!(got, want, "filter {f:?}: {:?}", xyd_search::filter_expression(f));
        assert_eq!(page.total, want.len());
        if !want.is_empty() && want.len() < all.len() {
            non_trivial += 1;
        }
    }
    assert!(non_trivial > 10, "the filters should discriminate ({non_trivial})");
}

#[tokio::test]
async fn no_query_order_is_rate_then_id_and_pages_are_exact() {
    let products = search("order").products();
    products.ensure().await.unwrap();
    let bank = InstitutionId::new();
    let mut all: Vec<Product> = (0..23)
        .map(|n| {
            let mut p = input(&format!("排序{n}"), "测试");
            p.rate_min = Rate::from_bp(400 + (n % 4) * 10).unwrap();
            Product::new(bank, p)
        })
        .collect();
    products.upsert(&all.iter().map(|p| p.doc(1)).collect::<Vec<_>>()).await.unwrap();
    all.sort_by_key(|p| (p.spec.rate_min(), p.id.to_string()));
    let ordered: Vec<String> = all.iter().map(|p| p.id.to_string()).collect();

    let f = ProductFilter::default();
    let page = products.search(None, &f, 0, 100).await.unwrap();
    assert_eq!(page.ids, ordered);
    assert_eq!(page.total, 23);
    for (offset, limit) in [(0, 5), (5, 5), (20, 5), (3, 7), (22, 10), (30, 5), (7, 0)] {
        let page = products.search(None, &f, offset, limit).await.unwrap();
        let end = (offset + limit).min(ordered.len());
        let want = ordered.get(offset.min(end)..end).unwrap_or_default();
        assert_eq!(page.ids, want, "offset {offset} limit {limit}");
        assert_eq!(page.total, 23, "offset {offset} limit {limit}");
    }
    // An empty or blank query is the same as none.
    assert_eq!(products.search(Some("  "), &f, 0, 100).await.unwrap().ids, ordered);
}

#[tokio::test]
async fn upsert_replaces_delete_removes_and_versions_list_everything() {
    let products = search("writes").products();
    products.ensure().await.unwrap();
    let bank = InstitutionId::new();
    let all: Vec<Product> = (0..1_205).map(|n| Product::new(bank, input(&format!("产品{n}"), "测试"))).collect();
    products.upsert(&all.iter().map(|p| p.doc(1)).collect::<Vec<_>>()).await.unwrap();
    products.upsert(&[all[0].doc(2)]).await.unwrap();
    products.delete(&[all[1].id.to_string(), "missing".to_owned()]).await.unwrap();
    products.delete(&[]).await.unwrap();
    products.upsert(&[]).await.unwrap();

    let versions = products.versions().await.unwrap();
    assert_eq!(versions.len(), 1_204);
    let map: std::collections::HashMap<_, _> = versions.into_iter().collect();
    assert_eq!(map[&all[0].id.to_string()], 2);
    assert_eq!(map[&all[2].id.to_string()], 1);
    assert!(!map.contains_key(&all[1].id.to_string()));
}

#[tokio::test]
async fn missing_index_and_failed_tasks() {
    let products = search("missing").products();
    assert_eq!(products.versions().await.unwrap(), []);
    products.delete(&["x".to_owned()]).await.unwrap();
    let err = products.search(None, &ProductFilter::default(), 0, 10).await.unwrap_err();
    assert!(err.is_unavailable(), "{err}");

    // An upsert into a missing index creates it with the settings: filters work at once.
    let p = Product::new(InstitutionId::new(), input("经营贷", "周转"));
    products.upsert(&[p.doc(1)]).await.unwrap();
    let filter = ProductFilter { tax_based: Some(false), ..Default::default() };
    assert_eq!(products.search(None, &filter, 0, 10).await.unwrap().ids.len(), 1);

    let mut bad = p.doc(1);
    bad.id = "not a valid id!".into();
    match products.upsert(&[bad]).await {
        Err(SearchError::TaskFailed { code, .. }) => assert_eq!(code, "invalid_document_id"),
        other => panic!("expected a failed task, got {other:?}"),
    }
}

#[tokio::test]
async fn rebuild_swaps_in_a_fresh_index() {
    let search = search("rebuild");
    let products = search.products();
    let bank = InstitutionId::new();
    let old: Vec<Product> = (0..3).map(|n| Product::new(bank, input(&format!("旧产品{n}"), "旧"))).collect();
    let new: Vec<Product> = (0..4).map(|n| Product::new(bank, input(&format!("新产品{n}"), "新"))).collect();

    // The live index may not exist yet.
    products.rebuild(&old.iter().map(|p| p.doc(1)).collect::<Vec<_>>()).await.unwrap();
    assert_eq!(products.versions().await.unwrap().len(), 3);

    products.rebuild(&new.iter().map(|p| p.doc(5)).collect::<Vec<_>>()).await.unwrap();
    let versions = products.versions().await.unwrap();
    let got: BTreeSet<_> = versions.iter().map(|(id, _)| id.clone()).collect();
    let want: BTreeSet<_> = new.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(got, want);
    assert!(versions.iter().all(|(_, v)| *v == 5));

    // Settings came along: filters and sorts work on the swapped-in index.
    let filter = ProductFilter { bank_id: Some(bank), tax_based: Some(false), ..Default::default() };
    assert_eq!(products.search(None, &filter, 0, 10).await.unwrap().total, 4);

    // No build index is left behind.
    let client = meilisearch_sdk::client::Client::new(url(), Some(MASTER_KEY)).unwrap();
    let raw = client.get_indexes_raw().await.unwrap();
    let leftovers: Vec<String> = raw["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["uid"].as_str())
        .filter(|uid| uid.starts_with("rebuild_products_build_"))
        .map(str::to_owned)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Rebuilding with nothing empties the index.
    products.rebuild(&[]).await.unwrap();
    assert_eq!(products.versions().await.unwrap(), []);
}
