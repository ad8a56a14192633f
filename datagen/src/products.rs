//! 金融产品 (loan products) that the banks around the county publish on the platform: 银税互动
//! credit loans, loans for 个体工商户 and 农民专业合作社, mortgages, pledges and guaranteed loans,
//! with terms, eligibility rules and Chinese descriptions that pass the platform's product rules.
//!
//! Every product is drawn from its own random stream, so its terms are a pure function of the
//! seed and its index; only the number suffix that keeps a bank's product names distinct
//! (税易贷, 税易贷2号 …) depends on the products before it.

use std::collections::HashMap;

use rand::Rng;
use rand::rngs::StdRng;
use xyd_domain::SubjectKind::{Enterprise, FarmerCooperative, IndividualBusiness, NaturalPerson};
use xyd_domain::product::ProductSpecInput;
use xyd_domain::{DataCategory, ProductType, Rate, RegionPrefix, SubjectKind, TaxGrade};

use crate::random::{Stream, stream_rng, weighted, weighted_index};
use crate::region::{County, Town};
use crate::units::{rate, yuan};

/// Banks (金融机构) serving 湛江 and 雷州 that publish products, in the order of
/// [`GeneratedProduct::bank`].
pub const DEFAULT_BANKS: [&str; 8] = [
    "雷州农村商业银行",
    "中国建设银行湛江分行",
    "中国农业银行雷州支行",
    "广东南粤银行湛江分行",
    "中国邮政储蓄银行雷州市支行",
    "湛江农村商业银行",
    "中国工商银行湛江分行",
    "中国银行湛江分行",
];

/// The 统一社会信用代码 of [`DEFAULT_BANKS`]`[index]`: synthetic, valid (GB 32100 check character), registered
/// by the market regulator in 湛江 (91 440800 …).
pub fn bank_uscc(index: usize) -> Result<xyd_domain::Uscc, xyd_domain::DomainError> {
    xyd_domain::Uscc::from_parts('9', '1', "440800", &format!("YH{:07}", index + 1))
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductOptions {
    /// Number of products.
    pub count: u64,
    /// Seed: the same options always produce the same products.
    pub seed: u64,
    /// How many of [`DEFAULT_BANKS`] (the first ones) publish products; clamped to 1–8.
    pub banks: usize,
    /// The county whose market the products serve. It should pass [`County::validate`]:
    /// products list its code, its towns' codes and its city's prefix as service areas.
    pub county: County,
}

impl Default for ProductOptions {
    /// 100 products of all 8 banks serving 雷州市, seed 42.
    fn default() -> Self {
        Self { count: 100, seed: 42, banks: DEFAULT_BANKS.len(), county: County::leizhou() }
    }
}

/// A generated product: the bank publishing it and its terms, not yet validated (they pass
/// `ProductSpec::parse` under the default rules and [`service_area`] of the county).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedProduct {
    /// The bank: an index into [`DEFAULT_BANKS`].
    pub bank: usize,
    /// 产品要素.
    pub spec: ProductSpecInput,
    /// Whether the product is 已上架 (published); the others stay drafts.
    pub published: bool,
}

/// The generated banks' 服务范围: the city (地级市) of `county`, i.e. the first 4 digits of its
/// code (雷州市 440882 → 湛江市 4408). A malformed code (which [`County::validate`] refuses)
/// gives the prefix of its digits, padded with zeros.
pub fn service_area(county: &County) -> RegionPrefix {
    let city: String = county.code.chars().filter(char::is_ascii_digit).chain(std::iter::repeat('0')).take(4).collect();
    match RegionPrefix::parse(&city) {
        Ok(prefix) => prefix,
        Err(_) => unreachable!("four digits are always a valid city prefix"),
    }
}

/// `opts.count` products of the first `opts.banks` banks, streamed. Product names are
/// distinct per bank: a name that bank already used gets a number suffix (商户经营贷2号).
pub fn products(opts: &ProductOptions) -> impl Iterator<Item = GeneratedProduct> + '_ {
    let banks = opts.banks.clamp(1, DEFAULT_BANKS.len());
    let city = service_area(&opts.county);
    // Uses of each drawn name per bank: at most banks × names × prefixes entries.
    let mut uses: HashMap<(usize, String), u32> = HashMap::new();
    (0..opts.count).map(move |index| {
        let mut product = draw(opts, banks, city.as_str(), index);
        let count = uses.entry((product.bank, product.spec.name.clone())).or_insert(0);
        *count += 1;
        if *count > 1 {
            product.spec.name = format!("{}{count}号", product.spec.name);
        }
        product
    })
}

/// What a bank is like: the short name in its product names, its share of the products,
/// whether it is a county-level branch (雷州) rather than a city one, and the range of its
/// lowest rates in basis points (state banks lend cheapest, 农商行 dearest).
struct Bank {
    short: &'static str,
    weight: u32,
    local: bool,
    rate_min_bp: (i32, i32),
}

const fn bank(short: &'static str, weight: u32, local: bool, rate_min_bp: (i32, i32)) -> Bank {
    Bank { short, weight, local, rate_min_bp }
}

/// Profiles of [`DEFAULT_BANKS`], in the same order.
const BANKS: [Bank; 8] = [
    bank("雷州农商", 18, true, (450, 800)),
    bank("建行", 14, false, (320, 500)),
    bank("农行", 14, true, (320, 520)),
    bank("南粤", 10, false, (400, 700)),
    bank("邮储", 14, true, (330, 550)),
    bank("湛江农商", 12, false, (430, 780)),
    bank("工行", 9, false, (320, 500)),
    bank("中银", 9, false, (320, 520)),
];

/// Mix of product types (担保方式).
const TYPES: [(ProductType, u32); 4] =
    [(ProductType::Credit, 50), (ProductType::Guarantee, 20), (ProductType::Mortgage, 20), (ProductType::Pledge, 10)];

/// What a product is for; decides its audience, amounts, industries and description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Theme {
    /// 银税互动: granted on 纳税信用.
    Tax,
    /// 个体工商户 and small shops.
    Merchant,
    /// 乡村振兴: rural households and agribusiness.
    Rural,
    /// 农民专业合作社.
    Cooperative,
    /// 海洋渔业: aquaculture and fishing, big around 湛江.
    Fishery,
    /// 科创: technology firms.
    Tech,
    /// 无还本续贷.
    Renewal,
    /// 政采贷: against government procurement contracts.
    Procurement,
    /// Granted on 社会保险 payments.
    SocialInsurance,
    /// Granted on 住房公积金 payments.
    HousingFund,
    /// Against real estate (房产、商铺、厂房).
    Property,
    /// Backed by a government financing guarantor (政府性融资担保).
    Guarantee,
    /// Against deposits and receivables.
    Rights,
}

/// A product as banks name it: the name without bank prefix or suffix, its type and theme.
struct Template {
    name: &'static str,
    product_type: ProductType,
    theme: Theme,
    weight: u32,
}

const fn template(name: &'static str, product_type: ProductType, theme: Theme, weight: u32) -> Template {
    Template { name, product_type, theme, weight }
}

/// Products by type; within 信用贷款 about half are 银税互动, so a quarter of all products.
#[rustfmt::skip]
const TEMPLATES: [Template; 38] = [
    template("税易贷", ProductType::Credit, Theme::Tax, 14),
    template("纳税信用贷", ProductType::Credit, Theme::Tax, 11),
    template("银税通", ProductType::Credit, Theme::Tax, 9),
    template("云税贷", ProductType::Credit, Theme::Tax, 9),
    template("税e贷", ProductType::Credit, Theme::Tax, 11),
    template("商户经营贷", ProductType::Credit, Theme::Merchant, 6),
    template("个体工商户快贷", ProductType::Credit, Theme::Merchant, 6),
    template("商户e贷", ProductType::Credit, Theme::Merchant, 3),
    template("惠商贷", ProductType::Credit, Theme::Merchant, 2),
    template("乡村振兴贷", ProductType::Credit, Theme::Rural, 5),
    template("惠农e贷", ProductType::Credit, Theme::Rural, 4),
    template("蓝海渔业贷", ProductType::Credit, Theme::Fishery, 2),
    template("科创信用贷", ProductType::Credit, Theme::Tech, 4),
    template("专精特新贷", ProductType::Credit, Theme::Tech, 2),
    template("小微企业续贷通", ProductType::Credit, Theme::Renewal, 4),
    template("无还本续贷", ProductType::Credit, Theme::Renewal, 2),
    template("政采贷", ProductType::Credit, Theme::Procurement, 4),
    template("社保信用贷", ProductType::Credit, Theme::SocialInsurance, 3),
    template("公积金信用贷", ProductType::Credit, Theme::HousingFund, 3),
    template("政银保贷", ProductType::Guarantee, Theme::Guarantee, 5),
    template("信易担", ProductType::Guarantee, Theme::Guarantee, 3),
    template("担保快贷", ProductType::Guarantee, Theme::Guarantee, 3),
    template("富农担保贷", ProductType::Guarantee, Theme::Rural, 3),
    template("商户联保贷", ProductType::Guarantee, Theme::Merchant, 3),
    template("合作社担保贷", ProductType::Guarantee, Theme::Cooperative, 3),
    template("房产抵押经营贷", ProductType::Mortgage, Theme::Property, 5),
    template("商铺抵押贷", ProductType::Mortgage, Theme::Property, 3),
    template("厂房抵押贷", ProductType::Mortgage, Theme::Property, 2),
    template("农业合作社抵押贷", ProductType::Mortgage, Theme::Cooperative, 4),
    template("土地经营权抵押贷", ProductType::Mortgage, Theme::Cooperative, 2),
    template("渔船抵押贷", ProductType::Mortgage, Theme::Fishery, 2),
    template("抵押续贷通", ProductType::Mortgage, Theme::Renewal, 2),
    template("存单质押贷", ProductType::Pledge, Theme::Rights, 3),
    template("应收账款质押贷", ProductType::Pledge, Theme::Rights, 2),
    template("知识产权质押贷", ProductType::Pledge, Theme::Tech, 2),
    template("政采合同质押贷", ProductType::Pledge, Theme::Procurement, 1),
    template("农产品仓单质押贷", ProductType::Pledge, Theme::Cooperative, 2),
    template("经营快贷", ProductType::Credit, Theme::Merchant, 3),
];

/// Sets of eligible subject kinds, each sorted, with weights.
type KindSets = &'static [(&'static [SubjectKind], u32)];

/// What follows from a theme: eligible subject kinds (sets, weighted), the share (%) of
/// products that list industries and which (sections or 4-digit classes), and the highest
/// amounts (元) offered.
struct Profile {
    kinds: KindSets,
    industry_share: u32,
    industries: &'static [&'static str],
    max_amounts: &'static [i64],
}

/// Ten thousand yuan (万元), the unit of the amount tables.
const WAN: i64 = 10_000;

/// The profile of [`Theme::Tax`] products.
const TAX_PROFILE: Profile = Profile {
    kinds: &[(&[Enterprise, IndividualBusiness], 55), (&[Enterprise], 30), (&[IndividualBusiness], 15)],
    industry_share: 10,
    industries: &["C", "F", "G", "E"],
    max_amounts: &[100 * WAN, 200 * WAN, 300 * WAN, 500 * WAN],
};

/// The profile of [`Theme::Merchant`] products.
const MERCHANT_PROFILE: Profile = Profile {
    kinds: &[(&[IndividualBusiness], 60), (&[Enterprise, IndividualBusiness], 40)],
    industry_share: 35,
    industries: &["F", "H", "O", "F5211", "F5212", "H6210"],
    max_amounts: &[30 * WAN, 50 * WAN, 100 * WAN, 200 * WAN],
};

/// The profile of [`Theme::Rural`] products.
const RURAL_PROFILE: Profile = Profile {
    kinds: &[
        (&[IndividualBusiness, FarmerCooperative], 35),
        (&[Enterprise, IndividualBusiness, FarmerCooperative], 40),
        (&[FarmerCooperative], 10),
        (&[IndividualBusiness], 15),
    ],
    industry_share: 70,
    industries: &["A", "A0154", "A0133", "A0141", "A0111", "A0313"],
    max_amounts: &[30 * WAN, 50 * WAN, 100 * WAN, 300 * WAN],
};

/// The profile of [`Theme::Cooperative`] products.
const COOPERATIVE_PROFILE: Profile = Profile {
    kinds: &[
        (&[FarmerCooperative], 55),
        (&[IndividualBusiness, FarmerCooperative], 25),
        (&[Enterprise, FarmerCooperative], 20),
    ],
    industry_share: 75,
    industries: &["A", "A0154", "A0133", "A0141", "A0111", "A0313", "A0512"],
    max_amounts: &[100 * WAN, 200 * WAN, 300 * WAN, 500 * WAN],
};

/// The profile of [`Theme::Fishery`] products.
const FISHERY_PROFILE: Profile = Profile {
    kinds: &[
        (&[IndividualBusiness, FarmerCooperative], 40),
        (&[Enterprise, IndividualBusiness, FarmerCooperative], 40),
        (&[FarmerCooperative], 20),
    ],
    industry_share: 85,
    industries: &["A0411", "A0412", "A0421"],
    max_amounts: &[50 * WAN, 100 * WAN, 300 * WAN],
};

/// The profile of [`Theme::Tech`] products.
const TECH_PROFILE: Profile = Profile {
    kinds: &[(&[Enterprise], 100)],
    industry_share: 60,
    industries: &["C", "I", "M", "I6513", "C3572"],
    max_amounts: &[300 * WAN, 500 * WAN, 1000 * WAN],
};

/// The profile of [`Theme::Renewal`] products.
const RENEWAL_PROFILE: Profile = Profile {
    kinds: &[(&[Enterprise], 40), (&[Enterprise, IndividualBusiness], 60)],
    industry_share: 10,
    industries: &["C", "F", "E"],
    max_amounts: &[100 * WAN, 300 * WAN, 500 * WAN, 1000 * WAN],
};

/// The profile of [`Theme::Procurement`] products.
const PROCUREMENT_PROFILE: Profile = Profile {
    kinds: &[(&[Enterprise], 100)],
    industry_share: 30,
    industries: &["E", "C", "F", "E4710"],
    max_amounts: &[100 * WAN, 300 * WAN, 500 * WAN, 1000 * WAN],
};

/// The profile of [`Theme::SocialInsurance`] and [`Theme::HousingFund`] products.
const PAYROLL_PROFILE: Profile = Profile {
    kinds: &[(&[Enterprise], 70), (&[Enterprise, IndividualBusiness], 30)],
    industry_share: 0,
    industries: &[],
    max_amounts: &[30 * WAN, 50 * WAN, 100 * WAN],
};

/// The profile of [`Theme::Property`] products.
const PROPERTY_PROFILE: Profile = Profile {
    kinds: &[(&[Enterprise, IndividualBusiness], 60), (&[IndividualBusiness], 20), (&[Enterprise], 20)],
    industry_share: 10,
    industries: &["F", "H", "C"],
    max_amounts: &[200 * WAN, 300 * WAN, 500 * WAN, 1000 * WAN],
};

/// The profile of [`Theme::Guarantee`] products.
const GUARANTEE_PROFILE: Profile = Profile {
    kinds: &[
        (&[Enterprise, IndividualBusiness, FarmerCooperative], 40),
        (&[Enterprise, IndividualBusiness], 40),
        (&[IndividualBusiness], 20),
    ],
    industry_share: 15,
    industries: &["C", "F", "A"],
    max_amounts: &[100 * WAN, 200 * WAN, 300 * WAN, 500 * WAN],
};

/// The profile of [`Theme::Rights`] products.
const RIGHTS_PROFILE: Profile = Profile {
    kinds: &[(&[Enterprise], 60), (&[Enterprise, IndividualBusiness], 40)],
    industry_share: 15,
    industries: &["C", "F", "G"],
    max_amounts: &[100 * WAN, 300 * WAN, 500 * WAN, 1000 * WAN],
};

/// The profile of `theme`'s products.
fn profile(theme: Theme) -> Profile {
    match theme {
        Theme::Tax => TAX_PROFILE,
        Theme::Merchant => MERCHANT_PROFILE,
        Theme::Rural => RURAL_PROFILE,
        Theme::Cooperative => COOPERATIVE_PROFILE,
        Theme::Fishery => FISHERY_PROFILE,
        Theme::Tech => TECH_PROFILE,
        Theme::Renewal => RENEWAL_PROFILE,
        Theme::Procurement => PROCUREMENT_PROFILE,
        Theme::SocialInsurance | Theme::HousingFund => PAYROLL_PROFILE,
        Theme::Property => PROPERTY_PROFILE,
        Theme::Guarantee => GUARANTEE_PROFILE,
        Theme::Rights => RIGHTS_PROFILE,
    }
}

/// Lowest amounts (元), weighted; a product's minimum is at most half its maximum.
const MIN_AMOUNTS: [(i64, u32); 6] =
    [(50_000, 30), (100_000, 30), (200_000, 15), (300_000, 10), (500_000, 10), (1_000_000, 5)];

/// Longest terms (months), weighted: mostly one to three years.
const TERM_MAX: [(i32, u32); 5] = [(6, 5), (12, 30), (24, 20), (36, 35), (60, 10)];
/// Longest terms of mortgages (months), up to ten years.
const MORTGAGE_TERM_MAX: [(i32, u32); 4] = [(36, 20), (60, 30), (84, 15), (120, 35)];
/// Shortest terms (months), weighted; never above the longest.
const TERM_MIN: [(i32, u32); 4] = [(1, 20), (3, 25), (6, 30), (12, 25)];

/// Where a product is offered: the whole city, the county, or a few of its towns.
#[derive(Debug, Clone, Copy)]
enum Scope {
    City,
    County,
    Towns,
}

/// Scopes of a county-level branch.
const LOCAL_SCOPES: [(Scope, u32); 3] = [(Scope::City, 35), (Scope::County, 45), (Scope::Towns, 20)];
/// Scopes of a city branch.
const CITY_SCOPES: [(Scope, u32); 3] = [(Scope::City, 70), (Scope::County, 20), (Scope::Towns, 10)];

/// Selling points by product type; a description names two of them.
const CREDIT_FEATURES: [&str; 8] = [
    "纯信用、免抵押",
    "线上申请",
    "随借随还",
    "按日计息",
    "手机银行一键申请",
    "系统自动审批",
    "最快当天放款",
    "一次授信、循环使用",
];
const GUARANTEE_FEATURES: [&str; 6] =
    ["政府性融资担保增信", "担保费率优惠", "线上申请", "免抵押", "随借随还", "审批快"];
const MORTGAGE_FEATURES: [&str; 6] =
    ["抵押率最高可达70%", "一次授信、循环使用", "随借随还", "额度高、期限长", "可先息后本", "线上申请"];
const PLEDGE_FEATURES: [&str; 5] = ["质押物范围广", "手续简便", "放款快", "随借随还", "线上申请"];

/// Product `index` before its name is made distinct.
fn draw(opts: &ProductOptions, banks: usize, city: &str, index: u64) -> GeneratedProduct {
    let mut rng = stream_rng(opts.seed, Stream::ProductRow, index);
    let bank_index = weighted_index(&mut rng, BANKS[..banks].iter().map(|b| b.weight)).unwrap_or(0);
    let bank = &BANKS[bank_index];
    let county = &opts.county;

    let product_type = weighted(&mut rng, &TYPES, |&(_, weight)| weight).0;
    let template = pick_template(&mut rng, product_type);
    let theme = template.theme;
    let profile = profile(theme);
    let tax_based = theme == Theme::Tax;

    let name = product_name(&mut rng, bank, template, county);
    let pricing = Pricing::draw(&mut rng, bank, product_type, &profile);
    let reach = Reach::draw(&mut rng, bank, theme, &profile, county, city);
    let rules = Eligibility::draw(&mut rng, theme, product_type);

    let description = Description {
        theme,
        product_type,
        kinds: &reach.subject_kinds,
        county,
        scope: reach.scope,
        towns: &reach.towns,
        grade: rules.min_tax_grade,
        max_yuan: pricing.max_yuan,
        term_max: pricing.term_max,
        discount: pricing.discount,
        consents: &rules.required_consents,
    }
    .write(&mut rng);

    let published = rng.random_ratio(90, 100);
    let spec = spec(name, description, product_type, tax_based, pricing, reach, rules);
    GeneratedProduct { bank: bank_index, spec, published }
}

/// The 产品要素 of a product named and described so, from its drawn parts (amounts in 元 and rates
/// in basis points become [`Money`](xyd_domain::Money) and [`Rate`]).
fn spec(
    name: String,
    description: String,
    product_type: ProductType,
    tax_based: bool,
    pricing: Pricing,
    reach: Reach<'_>,
    rules: Eligibility,
) -> ProductSpecInput {
    // A grade-B product for individual businesses also serves the unrated (most shops since 2025).
    let accepts_not_rated =
        rules.min_tax_grade == Some(TaxGrade::B) && reach.subject_kinds.contains(&IndividualBusiness);
    ProductSpecInput {
        name,
        description,
        product_type,
        amount_min: yuan(pricing.min_yuan),
        amount_max: yuan(pricing.max_yuan),
        term_months_min: pricing.term_min,
        term_months_max: pricing.term_max,
        rate_min: rate(pricing.rate_min_bp),
        rate_max: rate(pricing.rate_max_bp),
        subject_kinds: reach.subject_kinds,
        region_prefixes: reach.region_prefixes,
        industry_codes: reach.industry_codes,
        accepts_not_rated,
        min_tax_grade: rules.min_tax_grade,
        min_years_in_operation: rules.min_years_in_operation,
        min_declared_years: None,
        requires_clean_record: rules.requires_clean_record,
        requires_verified: rules.requires_verified,
        required_consents: rules.required_consents,
        tax_based,
        trusted_rate_discount: pricing.discount,
        // 银税互动 products estimate a limit from the tax paid: ×3 at grade A, ×2.4 at grade B.
        pre_credit: tax_based.then(tax_pre_credit).flatten(),
    }
}

/// The product's name: the template's, often after the bank's short name, and for some rural
/// products after the county's.
fn product_name(rng: &mut StdRng, bank: &Bank, template: &Template, county: &County) -> String {
    match rng.random_range(0..100) {
        0..45 => format!("{}{}", bank.short, template.name),
        45..60 if matches!(template.theme, Theme::Rural | Theme::Cooperative | Theme::Fishery) => {
            format!("{}{}", county.short_name(), template.name)
        }
        _ => template.name.to_owned(),
    }
}

/// A product's amounts (元), terms (months), rates (basis points) and 守信激励 discount.
struct Pricing {
    min_yuan: i64,
    max_yuan: i64,
    term_min: i32,
    term_max: i32,
    rate_min_bp: i32,
    rate_max_bp: i32,
    discount: Option<Rate>,
}

impl Pricing {
    /// The amounts of the theme's `profile`, terms by `product_type` and the `bank`'s rates,
    /// lower for secured loans.
    fn draw(rng: &mut StdRng, bank: &Bank, product_type: ProductType, profile: &Profile) -> Self {
        let amounts = profile.max_amounts;
        let max_yuan = amounts.get(rng.random_range(0..amounts.len().max(1))).copied().unwrap_or(1_000_000);
        let small_enough = |&&(min, _): &&(i64, u32)| min * 2 <= max_yuan;
        let min_yuan = weighted_index(rng, MIN_AMOUNTS.iter().filter(small_enough).map(|&(_, w)| w))
            .and_then(|i| MIN_AMOUNTS.iter().filter(small_enough).nth(i))
            .map_or(50_000, |&(min, _)| min);

        let term_max = if product_type == ProductType::Mortgage {
            weighted(rng, &MORTGAGE_TERM_MAX, |&(_, w)| w).0
        } else {
            weighted(rng, &TERM_MAX, |&(_, w)| w).0
        };
        let short_enough = |&&(min, _): &&(i32, u32)| min <= term_max;
        let term_min = weighted_index(rng, TERM_MIN.iter().filter(short_enough).map(|&(_, w)| w))
            .and_then(|i| TERM_MIN.iter().filter(short_enough).nth(i))
            .map_or(1, |&(min, _)| min);

        let (low, high) = bank.rate_min_bp;
        let secured = matches!(product_type, ProductType::Mortgage | ProductType::Pledge);
        let rate_min_bp = (rng.random_range(low / 5..=high / 5) * 5 - if secured { 50 } else { 0 }).max(320);
        let spread_bp = if secured { rng.random_range(10..=80) * 5 } else { rng.random_range(10..=120) * 5 };
        let rate_max_bp = (rate_min_bp + spread_bp).min(2400);
        let discount = rng.random_ratio(40, 100).then(|| rate(rng.random_range(2..=10) * 5));
        Self { min_yuan, max_yuan, term_min, term_max, rate_min_bp, rate_max_bp, discount }
    }
}

/// Whom and where a product serves: its subject kinds, scope, towns (for a town scope),
/// service areas and industries (none: all).
struct Reach<'c> {
    subject_kinds: Vec<SubjectKind>,
    scope: Scope,
    towns: Vec<&'c Town>,
    region_prefixes: Vec<String>,
    industry_codes: Vec<String>,
}

impl<'c> Reach<'c> {
    /// The kinds and industries of the theme's `profile`, and a scope fitting the `bank`: the
    /// `city` (prefix), the `county` or some of its towns (rural ones for rural themes).
    fn draw(rng: &mut StdRng, bank: &Bank, theme: Theme, profile: &Profile, county: &'c County, city: &str) -> Self {
        let subject_kinds = weighted_index(rng, profile.kinds.iter().map(|&(_, w)| w))
            .and_then(|i| profile.kinds.get(i))
            .map_or_else(|| vec![IndividualBusiness], |&(kinds, _)| kinds.to_vec());

        let scopes = if bank.local { &LOCAL_SCOPES } else { &CITY_SCOPES };
        let scope = weighted(rng, scopes, |&(_, w)| w).0;
        let rural = matches!(theme, Theme::Rural | Theme::Cooperative | Theme::Fishery);
        let towns = match scope {
            Scope::Towns => pick_towns(rng, county, rural),
            Scope::City | Scope::County => Vec::new(),
        };
        let region_prefixes = match scope {
            Scope::City => vec![city.to_owned()],
            Scope::County | Scope::Towns if towns.is_empty() => vec![county.code.clone()],
            Scope::County | Scope::Towns => towns.iter().map(|t| t.code.clone()).collect(),
        };

        let industry_codes = industries(rng, profile);
        Self { subject_kinds, scope, towns, region_prefixes, industry_codes }
    }
}

/// A product's eligibility rules and the data it needs consent for.
struct Eligibility {
    min_tax_grade: Option<TaxGrade>,
    min_years_in_operation: Option<i32>,
    requires_clean_record: bool,
    requires_verified: bool,
    required_consents: Vec<DataCategory>,
}

impl Eligibility {
    /// Rules of a product of `theme` and `product_type`: tax-based products ask for a grade and
    /// mostly for some years in operation, others less often.
    fn draw(rng: &mut StdRng, theme: Theme, product_type: ProductType) -> Self {
        let tax_based = theme == Theme::Tax;
        let min_tax_grade = tax_based.then(|| if rng.random_ratio(30, 100) { TaxGrade::A } else { TaxGrade::B });
        let min_years_in_operation = if tax_based {
            rng.random_ratio(85, 100).then(|| weighted(rng, &[(1, 30), (2, 50), (3, 20)], |&(_, w)| w).0)
        } else {
            rng.random_ratio(35, 100).then(|| weighted(rng, &[(0, 10), (1, 40), (2, 35), (3, 15)], |&(_, w)| w).0)
        };
        let requires_clean_record = rng.random_ratio(80, 100);
        let requires_verified = rng.random_ratio(70, 100);
        let required_consents = consents(rng, theme, product_type);
        Self { min_tax_grade, min_years_in_operation, requires_clean_record, requires_verified, required_consents }
    }
}

/// A template of `product_type`, by weight.
fn pick_template(rng: &mut StdRng, product_type: ProductType) -> &'static Template {
    let of_type = |t: &&Template| t.product_type == product_type;
    weighted_index(rng, TEMPLATES.iter().filter(of_type).map(|t| t.weight))
        .and_then(|i| TEMPLATES.iter().filter(of_type).nth(i))
        .unwrap_or(&TEMPLATES[0])
}

/// One to three distinct towns of `county`; rural products favour 镇 over urban 街道.
fn pick_towns<'c>(rng: &mut StdRng, county: &'c County, rural: bool) -> Vec<&'c Town> {
    let rural_towns: Vec<&Town> = county.towns.iter().filter(|t| !t.is_subdistrict()).collect();
    let pool: Vec<&Town> = if rural && !rural_towns.is_empty() { rural_towns } else { county.towns.iter().collect() };
    let wanted = rng.random_range(1..=3).min(pool.len());
    let mut picked: Vec<&Town> = Vec::with_capacity(wanted);
    while picked.len() < wanted {
        let town = pool[rng.random_range(0..pool.len())];
        if !picked.iter().any(|p| p.code == town.code) {
            picked.push(town);
        }
    }
    picked.sort_by(|a, b| a.code.cmp(&b.code));
    picked
}

/// None (all industries) for most products; else one or two codes of the theme's, neither
/// covering the other.
fn industries(rng: &mut StdRng, profile: &Profile) -> Vec<String> {
    let pool = profile.industries;
    if pool.is_empty() || !rng.random_ratio(profile.industry_share, 100) {
        return Vec::new();
    }
    let first = pool[rng.random_range(0..pool.len())];
    let mut codes = vec![first.to_owned()];
    if rng.random_ratio(40, 100) {
        let second = pool[rng.random_range(0..pool.len())];
        if !first.starts_with(second) && !second.starts_with(first) {
            codes.push(second.to_owned());
        }
    }
    codes
}

/// The data a bank must be authorized to read. Tax-based products need TAX; payroll products
/// their 社保 or 公积金 records; others sometimes ask for these, mortgages for 不动产 and shops
/// for 水电气 payments.
fn consents(rng: &mut StdRng, theme: Theme, product_type: ProductType) -> Vec<DataCategory> {
    let mut consents = Vec::new();
    match theme {
        Theme::Tax => {
            consents.push(DataCategory::Tax);
            if rng.random_ratio(20, 100) {
                consents.push(DataCategory::SocialInsurance);
            }
        }
        Theme::SocialInsurance => consents.push(DataCategory::SocialInsurance),
        Theme::HousingFund => consents.push(DataCategory::HousingFund),
        _ => {
            if rng.random_ratio(12, 100) {
                consents.push(DataCategory::SocialInsurance);
            }
            if rng.random_ratio(6, 100) {
                consents.push(DataCategory::HousingFund);
            }
            if product_type == ProductType::Mortgage && rng.random_ratio(50, 100) {
                consents.push(DataCategory::RealEstate);
            }
            if theme == Theme::Merchant && rng.random_ratio(20, 100) {
                consents.push(DataCategory::Utilities);
            }
        }
    }
    consents
}

/// What a product's 产品介绍 says.
struct Description<'a> {
    theme: Theme,
    product_type: ProductType,
    kinds: &'a [SubjectKind],
    county: &'a County,
    scope: Scope,
    towns: &'a [&'a Town],
    grade: Option<TaxGrade>,
    max_yuan: i64,
    term_max: i32,
    discount: Option<Rate>,
    consents: &'a [DataCategory],
}

impl Description<'_> {
    /// One to three sentences: who the product is for; its amount, term and selling points;
    /// and its 守信激励 or the data it needs consent for.
    fn write(&self, rng: &mut StdRng) -> String {
        let mut text = self.audience_sentence();
        if rng.random_ratio(90, 100) {
            let features: &[&str] = match self.product_type {
                ProductType::Credit => &CREDIT_FEATURES,
                ProductType::Guarantee => &GUARANTEE_FEATURES,
                ProductType::Mortgage => &MORTGAGE_FEATURES,
                ProductType::Pledge => &PLEDGE_FEATURES,
            };
            let first = rng.random_range(0..features.len());
            let second = (first + rng.random_range(1..features.len())) % features.len();
            text.push_str(&format!(
                "单户最高{}万元，期限最长{}个月，{}，{}。",
                self.max_yuan / 10_000,
                self.term_max,
                features[first],
                features[second]
            ));
        }
        if let Some(discount) = self.discount.filter(|_| rng.random_bool(0.7)) {
            text.push_str(&format!("守信激励对象可享受{discount}个百分点的利率优惠。"));
        } else if !self.consents.is_empty() && rng.random_bool(0.5) {
            let labels: Vec<&str> = self.consents.iter().map(|c| c.label_zh()).collect();
            text.push_str(&format!("申请时需授权银行查询{}数据。", labels.join("、")));
        }
        text
    }

    fn audience_sentence(&self) -> String {
        let region = self.region();
        let audience = audience(self.kinds);
        match self.theme {
            Theme::Tax => format!(
                "面向{region}纳税信用{}级及以上的{audience}，以纳税信用和纳税记录为主要授信依据的银税互动产品。",
                self.grade.map_or("B", TaxGrade::as_str)
            ),
            Theme::Merchant => {
                format!("专为{region}的{audience}设计的经营性贷款，满足进货备货、店铺装修等日常经营资金需求。")
            }
            Theme::Rural => {
                format!("服务乡村振兴，支持{region}的{audience}发展特色种养殖和农产品加工。")
            }
            Theme::Cooperative => {
                format!("面向{region}的{audience}，满足农资采购、农机购置和农产品收购等生产经营资金需求。")
            }
            Theme::Fishery => format!("面向{region}从事海水养殖和海洋捕捞的{audience}，支持购置苗种、饲料和渔船设备。"),
            Theme::Tech => {
                format!("面向{region}拥有核心技术的科技型{audience}，支持研发投入和科技成果转化。")
            }
            Theme::Renewal => format!("为{region}贷款即将到期、仍有资金需求的{audience}办理无还本续贷，缓解转贷压力。"),
            Theme::Procurement => {
                format!("面向{region}中标政府采购项目的{audience}，凭政府采购合同即可申请融资。")
            }
            Theme::SocialInsurance => {
                format!("面向{region}按时足额缴纳社会保险的{audience}，以社保缴费记录作为授信依据。")
            }
            Theme::HousingFund => format!("面向{region}连续缴存住房公积金的{audience}，以公积金缴存记录作为授信依据。"),
            Theme::Property => format!("面向{region}的{audience}，以自有房产、商铺或厂房抵押，满足大额经营资金需求。"),
            Theme::Guarantee => {
                format!("联合政府性融资担保机构，为{region}缺少抵押物的{audience}提供担保增信。")
            }
            Theme::Rights => {
                format!("面向{region}的{audience}，以存单、应收账款等权利质押融资，盘活流动资产。")
            }
        }
    }

    /// Where the product is offered, in words: 全市, 雷州市, or 雷州市白沙镇、客路镇.
    fn region(&self) -> String {
        match self.scope {
            Scope::City => "全市".to_owned(),
            Scope::County | Scope::Towns if self.towns.is_empty() => self.county.name.clone(),
            Scope::County | Scope::Towns => {
                let towns: Vec<&str> = self.towns.iter().map(|t| t.name.as_str()).collect();
                format!("{}{}", self.county.name, towns.join("、"))
            }
        }
    }
}

/// The subject kinds as an audience: 小微企业、个体工商户和农民专业合作社.
fn audience(kinds: &[SubjectKind]) -> String {
    let words: Vec<&str> = kinds
        .iter()
        .map(|kind| match kind {
            Enterprise => "小微企业",
            IndividualBusiness => "个体工商户",
            FarmerCooperative => "农民专业合作社",
            NaturalPerson => "个人",
        })
        .collect();
    match words.split_last() {
        None => "市场主体".to_owned(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{}和{last}", rest.join("、")),
    }
}

/// The pre-credit rule of generated 银税互动 products.
fn tax_pre_credit() -> Option<xyd_domain::product::PreCreditRule> {
    use xyd_domain::{PreCreditBasis, TaxGrade};
    xyd_domain::product::PreCreditRule::parse(PreCreditBasis::TaxPaid, 3.0, &[(TaxGrade::A, 1.0), (TaxGrade::B, 0.8)])
        .ok()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use xyd_domain::product::{ProductRules, ProductSpec};
    use xyd_domain::{IndustryCode, RegionCode};

    use super::*;

    fn options(count: u64, county: County) -> ProductOptions {
        ProductOptions { count, county, ..ProductOptions::default() }
    }

    fn all(opts: &ProductOptions) -> Vec<GeneratedProduct> {
        products(opts).collect()
    }

    #[test]
    fn same_seed_gives_the_same_products() {
        let opts = options(500, County::leizhou());
        let first = all(&opts);
        assert_eq!(first.len(), 500);
        assert_eq!(first, all(&opts));
        let reseeded = ProductOptions { seed: 43, ..opts.clone() };
        assert_ne!(first, all(&reseeded));
        // A longer run starts with the same products.
        assert_eq!(all(&options(100, County::leizhou())), first[..100]);
    }

    #[test]
    fn service_area_is_the_city() {
        assert_eq!(service_area(&County::leizhou()).as_str(), "4408");
        let xuwen = County::from_divisions("440825").unwrap();
        assert_eq!(service_area(&xuwen).as_str(), "4408");
    }

    #[test]
    fn every_product_passes_the_platform_rules() {
        for county in [County::leizhou(), County::from_divisions("440825").unwrap()] {
            let area = service_area(&county);
            let opts = options(5000, county.clone());
            for product in products(&opts) {
                let input = product.spec.clone();
                let spec = ProductSpec::parse(input, &ProductRules::default(), &area)
                    .unwrap_or_else(|e| panic!("{e}: {product:#?}"));
                for prefix in spec.region_prefixes() {
                    let prefix = prefix.as_str();
                    assert!(
                        prefix == area.as_str()
                            || prefix == county.code
                            || county.towns.iter().any(|t| t.code == prefix),
                        "{prefix} in {product:#?}"
                    );
                }
                assert!(product.bank < DEFAULT_BANKS.len());
            }
        }
    }

    #[test]
    fn terms_look_like_real_products() {
        let opts = options(5000, County::leizhou());
        for product in products(&opts) {
            let spec = &product.spec;
            let (min, max) = (spec.amount_min.fen() / 100, spec.amount_max.fen() / 100);
            assert!((50_000..=10_000_000).contains(&min), "{spec:?}");
            assert!((min..=10_000_000).contains(&max), "{spec:?}");
            assert!(min % 10_000 == 0 && max % 100_000 == 0, "{spec:?}");

            let longest = if spec.product_type == ProductType::Mortgage { 120 } else { 60 };
            assert!(1 <= spec.term_months_min, "{spec:?}");
            assert!(spec.term_months_min <= spec.term_months_max, "{spec:?}");
            assert!(spec.term_months_max <= longest, "{spec:?}");

            let (low, high) = (spec.rate_min.bp(), spec.rate_max.bp());
            assert!((320..=800).contains(&low), "{spec:?}");
            assert!((low + 50..=low + 600).contains(&high) && high <= 2400, "{spec:?}");
            if let Some(discount) = spec.trusted_rate_discount {
                assert!((10..=50).contains(&discount.bp()) && discount <= spec.rate_min);
            }

            assert!((1..=3).contains(&spec.subject_kinds.len()), "{spec:?}");
            assert!(spec.industry_codes.len() <= 2, "{spec:?}");
            for code in &spec.industry_codes {
                let parsed = IndustryCode::parse(code).unwrap();
                assert_eq!(parsed.as_str(), code);
                assert!(code.len() == 1 || code.len() == 5, "{code}");
                if spec.subject_kinds == [FarmerCooperative] {
                    assert_eq!(parsed.section(), 'A', "{spec:?}");
                }
            }
            if spec.tax_based {
                assert!(matches!(spec.min_tax_grade, Some(TaxGrade::A | TaxGrade::B)));
                assert!(spec.required_consents.contains(&DataCategory::Tax));
                assert!(spec.description.contains("纳税信用"), "{spec:?}");
            } else {
                assert_eq!(spec.min_tax_grade, None);
                assert!(!spec.required_consents.contains(&DataCategory::Tax));
            }
            if let Some(years) = spec.min_years_in_operation {
                assert!((0..=3).contains(&years));
            }
            let sentences = spec.description.matches('。').count();
            assert!((1..=3).contains(&sentences), "{}", spec.description);
            assert!(spec.description.ends_with('。'));
        }
    }

    #[test]
    fn the_mix_matches_the_market() {
        let opts = options(10_000, County::leizhou());
        let generated = all(&opts);
        let n = generated.len() as f64;
        let share = |test: &dyn Fn(&GeneratedProduct) -> bool| generated.iter().filter(|p| test(p)).count() as f64 / n;
        let within = |actual: f64, low: f64, high: f64, what: &str| {
            assert!((low..=high).contains(&actual), "{what}: {actual}");
        };
        let of_type = |t| move |p: &GeneratedProduct| p.spec.product_type == t;
        within(share(&of_type(ProductType::Credit)), 0.46, 0.54, "credit");
        within(share(&of_type(ProductType::Guarantee)), 0.17, 0.23, "guarantee");
        within(share(&of_type(ProductType::Mortgage)), 0.17, 0.23, "mortgage");
        within(share(&of_type(ProductType::Pledge)), 0.08, 0.12, "pledge");
        within(share(&|p| p.spec.tax_based), 0.20, 0.30, "tax-based");
        within(share(&|p| p.spec.industry_codes.is_empty()), 0.62, 0.78, "all industries");
        within(share(&|p| p.spec.requires_clean_record), 0.77, 0.83, "clean record");
        within(share(&|p| p.spec.requires_verified), 0.67, 0.73, "verified");
        within(share(&|p| p.spec.trusted_rate_discount.is_some()), 0.37, 0.43, "discount");
        within(share(&|p| p.published), 0.88, 0.92, "published");
        within(share(&|p| p.spec.subject_kinds.contains(&IndividualBusiness)), 0.5, 0.9, "individual businesses");
        within(share(&|p| p.spec.region_prefixes == ["4408"]), 0.45, 0.65, "city-wide");
        within(share(&|p| p.spec.region_prefixes == ["440882"]), 0.2, 0.4, "county-wide");
        within(share(&|p| p.spec.region_prefixes.iter().all(|r| r.len() == 9)), 0.08, 0.22, "towns");
        within(
            share(&|p| {
                !p.spec.tax_based
                    && p.spec
                        .required_consents
                        .iter()
                        .any(|c| matches!(c, DataCategory::SocialInsurance | DataCategory::HousingFund))
            }),
            0.08,
            0.3,
            "social insurance or housing fund",
        );
        within(share(&|p| p.spec.min_years_in_operation.is_some()), 0.3, 0.6, "years");
        let banks: HashSet<usize> = generated.iter().map(|p| p.bank).collect();
        assert_eq!(banks.len(), DEFAULT_BANKS.len());
        for keyword in ["纳税信用", "个体工商户", "小微企业", "农民专业合作社", "随借随还", "线上申请", "免抵押"]
        {
            within(share(&|p| p.spec.description.contains(keyword)), 0.02, 1.0, keyword);
        }
    }

    #[test]
    fn names_are_distinct_per_bank() {
        let opts = options(5000, County::leizhou());
        let mut seen = HashSet::new();
        let mut suffixed = 0;
        for product in products(&opts) {
            let name = &product.spec.name;
            assert!(seen.insert((product.bank, name.clone())), "{name} twice");
            assert!((2..=60).contains(&name.chars().count()), "{name}");
            suffixed += usize::from(name.ends_with('号'));
        }
        assert!(suffixed > 0);
        let names: HashSet<&str> = seen.iter().map(|(_, name)| name.as_str()).collect();
        assert!(names.contains("建行税易贷") || names.contains("税易贷"));
    }

    #[test]
    fn fewer_banks_are_respected() {
        let opts = ProductOptions { banks: 2, ..options(300, County::leizhou()) };
        assert!(products(&opts).all(|p| p.bank < 2));
        let none = ProductOptions { banks: 0, ..options(50, County::leizhou()) };
        assert!(products(&none).all(|p| p.bank == 0));
        let many = ProductOptions { banks: 99, ..options(50, County::leizhou()) };
        assert_eq!(products(&many).count(), 50);
    }

    #[test]
    fn town_products_name_their_towns() {
        let county = County::leizhou();
        let opts = options(2000, county.clone());
        let town_products: Vec<GeneratedProduct> =
            products(&opts).filter(|p| p.spec.region_prefixes.iter().all(|r| r.len() == 9)).collect();
        assert!(!town_products.is_empty());
        for product in town_products {
            let spec = &product.spec;
            assert!((1..=3).contains(&spec.region_prefixes.len()));
            for code in &spec.region_prefixes {
                assert!(RegionCode::parse(code).unwrap().is_town());
                let town = county.towns.iter().find(|t| &t.code == code).unwrap();
                assert!(spec.description.contains(&town.name), "{spec:?}");
            }
        }
    }

    #[test]
    fn tables_are_consistent() {
        for template in &TEMPLATES {
            let profile = profile(template.theme);
            assert!(!profile.kinds.is_empty() && !profile.max_amounts.is_empty());
            for &(kinds, weight) in profile.kinds {
                assert!(weight > 0 && !kinds.is_empty());
                assert!(kinds.windows(2).all(|w| w[0] < w[1]), "{kinds:?}");
            }
            for code in profile.industries {
                IndustryCode::parse(code).unwrap();
            }
            assert_eq!(profile.industries.is_empty(), profile.industry_share == 0);
            if matches!(template.theme, Theme::Cooperative | Theme::Rural | Theme::Fishery) {
                assert!(profile.industries.iter().all(|c| c.starts_with('A')));
            }
        }
        let names: HashSet<&str> = TEMPLATES.iter().map(|t| t.name).collect();
        assert_eq!(names.len(), TEMPLATES.len());
        assert_eq!(audience(&[Enterprise]), "小微企业");
        assert_eq!(
            audience(&[Enterprise, IndividualBusiness, FarmerCooperative]),
            "小微企业、个体工商户和农民专业合作社"
        );
    }
}
