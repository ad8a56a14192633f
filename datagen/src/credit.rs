//! 信用信息 (credit records) import files for the subjects of a registry file generated with the
//! same [`RegistryOptions`]: 公示 records (行政许可, 行政处罚, 经营异常名录, 严重失信主体名单,
//! 失信被执行人, 诚信荣誉, 信用承诺 …) and 授权 data (社保, 公积金, 水电费, 不动产), issued by the
//! county's agencies with realistic document numbers.
//!
//! Subjects are re-derived one by one from their registry index (rows with a deliberate defect
//! have no records), so memory stays flat. Each subject's records are drawn from its own
//! random stream; only the sequence numbers inside document numbers (雷市监罚〔2025〕123号),
//! which keep every (source, doc_number) unique, depend on the records written before.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::Rng;
use rand::rngs::StdRng;
use xyd_domain::{DataCategory, SubjectKind};

use crate::GenError;
use crate::random::{Stream, stream_rng, weighted, weighted_index};
use crate::region::County;
use crate::registry::{RegistryGenerator, RegistryOptions, RegistryRow};

/// The columns of the credit import format, in the order written.
pub const HEADER: [&str; 7] = ["uscc", "category", "source", "doc_number", "title", "decided_at", "valid_until"];

/// Default mean number of records per subject.
pub const DEFAULT_RECORDS_PER_SUBJECT: f64 = 0.3;

/// Largest accepted [`CreditOptions::records_per_subject`].
pub const MAX_RECORDS_PER_SUBJECT: f64 = 100.0;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct CreditOptions {
    /// The registry file whose subjects the records are about (same seed, rows, county, date).
    pub registry: RegistryOptions,
    /// Mean number of records per clean registry row (0–100); the mix of categories is fixed.
    pub records_per_subject: f64,
}

impl Default for CreditOptions {
    /// The default registry, 0.3 records per subject.
    fn default() -> Self {
        Self { registry: RegistryOptions::default(), records_per_subject: DEFAULT_RECORDS_PER_SUBJECT }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreditSummary {
    /// Data rows written.
    pub records: u64,
    /// Rows per category (`DataCategory` name); categories without rows are absent.
    pub by_category: BTreeMap<&'static str, u64>,
    /// Subjects with at least one SERIOUS_DISHONESTY record (严重失信主体).
    pub serious_dishonesty_subjects: u64,
    /// Subjects with at least one HONOR record (红名单).
    pub honor_subjects: u64,
}

/// Mean records per subject of each category at the default 0.3 records per subject; they sum
/// to 0.3 and scale with [`CreditOptions::records_per_subject`]. A subject's count of each is
/// Poisson-distributed, so the share of subjects with one is about the mean.
const CATEGORY_RATES: [(DataCategory, f64); 12] = [
    (DataCategory::Registration, 0.005),
    (DataCategory::AdminLicensing, 0.07),
    (DataCategory::AdminPenalty, 0.03),
    (DataCategory::AbnormalOperation, 0.03),
    (DataCategory::SeriousDishonesty, 0.005),
    (DataCategory::Judicial, 0.01),
    (DataCategory::Honor, 0.02),
    (DataCategory::Commitment, 0.10),
    (DataCategory::SocialInsurance, 0.012),
    (DataCategory::HousingFund, 0.006),
    (DataCategory::Utilities, 0.008),
    (DataCategory::RealEstate, 0.004),
];

/// Categories that keep a subject off honor lists (红名单): nobody punished is honored.
const DISQUALIFY_HONOR: [DataCategory; 4] = [
    DataCategory::AdminPenalty,
    DataCategory::AbnormalOperation,
    DataCategory::SeriousDishonesty,
    DataCategory::Judicial,
];

/// 公示 records go back this many months before the snapshot (社会信用体系 records are recent).
const PUBLIC_WINDOW_MONTHS: u32 = 72;
/// 授权 data (社保, 水电费 …) describe the last two years.
const AUTHORIZED_WINDOW_MONTHS: u32 = 24;

/// The issuing agencies (来源部门) of a county.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Agency {
    Market,
    HumanResources,
    HousingFund,
    Power,
    Water,
    NaturalResources,
    Court,
    Development,
    Ecology,
    Emergency,
    Transport,
    Health,
    Housing,
    UrbanManagement,
    Agriculture,
    Tobacco,
    PublicSecurity,
}

impl Agency {
    const COUNT: usize = 17;
    const ALL: [Self; Self::COUNT] = [
        Self::Market,
        Self::HumanResources,
        Self::HousingFund,
        Self::Power,
        Self::Water,
        Self::NaturalResources,
        Self::Court,
        Self::Development,
        Self::Ecology,
        Self::Emergency,
        Self::Transport,
        Self::Health,
        Self::Housing,
        Self::UrbanManagement,
        Self::Agriculture,
        Self::Tobacco,
        Self::PublicSecurity,
    ];

    /// The agency's name after the county's, e.g. 市场监督管理局.
    fn suffix(self) -> &'static str {
        match self {
            Self::Market => "市场监督管理局",
            Self::HumanResources => "人力资源和社会保障局",
            Self::HousingFund => "住房公积金管理中心",
            Self::Power => "供电局",
            Self::Water => "自来水公司",
            Self::NaturalResources => "自然资源局",
            Self::Court => "人民法院",
            Self::Development => "发展和改革局",
            Self::Ecology => "生态环境局",
            Self::Emergency => "应急管理局",
            Self::Transport => "交通运输局",
            Self::Health => "卫生健康局",
            Self::Housing => "住房和城乡建设局",
            Self::UrbanManagement => "城市管理和综合执法局",
            Self::Agriculture => "农业农村局",
            Self::Tobacco => "烟草专卖局",
            Self::PublicSecurity => "公安局",
        }
    }

    /// The agency's abbreviation in document numbers, after the place's first character
    /// (雷 + 市监 + 罚 → 雷市监罚〔2025〕12号).
    fn abbreviation(self) -> &'static str {
        match self {
            Self::Market => "市监",
            Self::HumanResources => "人社",
            Self::HousingFund => "公积金",
            Self::Power => "供电",
            Self::Water => "供水",
            Self::NaturalResources => "自然资",
            Self::Court => "法",
            Self::Development => "发改",
            Self::Ecology => "环",
            Self::Emergency => "应急",
            Self::Transport => "交",
            Self::Health => "卫健",
            Self::Housing => "建",
            Self::UrbanManagement => "城管",
            Self::Agriculture => "农",
            Self::Tobacco => "烟",
            Self::PublicSecurity => "公",
        }
    }
}

/// How a record's document number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Doc {
    /// An administrative document: `{place}{agency}{code}〔{year}〕{n}号`, e.g. 雷市监罚〔2025〕123号.
    Admin(&'static str),
    /// A court enforcement case: `（{year}）{province}{county digits}执{n}号`, e.g. （2025）粤0882执123号.
    Court,
    /// A 不动产权证书: `{province}（{year}）{county}不动产权第{n:07}号`.
    Property,
}

/// Which kinds of subject a record template fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Any,
    /// 个体工商户.
    Shops,
    /// 企业 and 农民专业合作社.
    Firms,
    Enterprises,
    Cooperatives,
}

impl Who {
    fn fits(self, kind: SubjectKind) -> bool {
        match self {
            Self::Any => true,
            Self::Shops => kind == SubjectKind::IndividualBusiness,
            Self::Firms => kind != SubjectKind::IndividualBusiness,
            Self::Enterprises => kind == SubjectKind::Enterprise,
            Self::Cooperatives => kind == SubjectKind::FarmerCooperative,
        }
    }
}

/// A kind of record. The title may contain `{year}` (of the decision), `{months}` (of
/// payments), `{staff}` (insured employees) and, for penalties, `{penalty}` (the sanction).
#[derive(Debug, Clone, Copy)]
struct Template {
    who: Who,
    /// Industry code prefixes (GB/T 4754) the template fits; empty: any industry.
    industries: &'static [&'static str],
    agency: Agency,
    doc: Doc,
    title: &'static str,
    weight: u32,
}

impl Template {
    fn fits(&self, subject: &RegistryRow<'_>) -> bool {
        self.who.fits(subject.kind)
            && (self.industries.is_empty()
                || self.industries.iter().any(|prefix| subject.industry_code.starts_with(prefix)))
    }
}

const fn t(
    who: Who,
    industries: &'static [&'static str],
    agency: Agency,
    doc: Doc,
    title: &'static str,
    weight: u32,
) -> Template {
    Template { who, industries, agency, doc, title, weight }
}

const ANY_INDUSTRY: &[&str] = &[];
const FOOD: &[&str] = &["F51", "F52", "H62", "C13", "C14"];

use Agency as A;
use Who::{Any, Cooperatives, Enterprises, Firms, Shops};

const REGISTRATION: [Template; 7] = [
    t(Any, ANY_INDUSTRY, A::Market, Doc::Admin("登"), "变更登记（经营范围）", 3),
    t(Firms, ANY_INDUSTRY, A::Market, Doc::Admin("登"), "变更登记（住所）", 2),
    t(Shops, ANY_INDUSTRY, A::Market, Doc::Admin("登"), "变更登记（经营场所）", 2),
    t(Firms, ANY_INDUSTRY, A::Market, Doc::Admin("登"), "变更登记（法定代表人）", 2),
    t(Shops, ANY_INDUSTRY, A::Market, Doc::Admin("登"), "变更登记（经营者）", 1),
    t(Enterprises, ANY_INDUSTRY, A::Market, Doc::Admin("登"), "变更登记（注册资本）", 1),
    t(Any, ANY_INDUSTRY, A::Market, Doc::Admin("备"), "联络员备案", 1),
];

const LICENSING: [Template; 18] = [
    t(Any, &["F51", "F52", "H62"], A::Market, Doc::Admin("许"), "食品经营许可证核发", 6),
    t(Any, &["F5251"], A::Market, Doc::Admin("药许"), "药品经营许可证核发", 8),
    t(Any, &["F5211", "F5212", "F5213", "F5227"], A::Tobacco, Doc::Admin("许"), "烟草专卖零售许可证核发", 4),
    t(Any, &["C13", "C14"], A::Market, Doc::Admin("许"), "食品生产许可证核发", 6),
    t(Firms, &["C", "A03"], A::Ecology, Doc::Admin("许"), "排污许可证核发", 3),
    t(Any, &["E"], A::Housing, Doc::Admin("许"), "建筑业企业资质核准", 5),
    t(Any, &["E"], A::Housing, Doc::Admin("安许"), "建筑施工企业安全生产许可证核发", 3),
    t(Any, &["G54"], A::Transport, Doc::Admin("许"), "道路运输经营许可证核发", 6),
    t(Any, &["O80", "H61"], A::Health, Doc::Admin("许"), "公共场所卫生许可证核发", 5),
    t(Any, &["H61"], A::PublicSecurity, Doc::Admin("特许"), "旅馆业特种行业许可证核发", 4),
    t(Any, &["A03"], A::Agriculture, Doc::Admin("许"), "动物防疫条件合格证核发", 5),
    t(Any, &["A04"], A::Agriculture, Doc::Admin("许"), "水域滩涂养殖证核发", 5),
    t(Any, &["A01"], A::Agriculture, Doc::Admin("许"), "农作物种子生产经营许可证核发", 1),
    t(Any, &["A05"], A::Agriculture, Doc::Admin("许"), "拖拉机和联合收割机登记", 2),
    t(Enterprises, &["K70"], A::Housing, Doc::Admin("许"), "房地产开发企业资质核定", 5),
    t(Any, ANY_INDUSTRY, A::UrbanManagement, Doc::Admin("许"), "户外广告设施设置许可", 1),
    t(Any, ANY_INDUSTRY, A::Housing, Doc::Admin("排许"), "城镇污水排入排水管网许可证核发", 1),
    t(Firms, ANY_INDUSTRY, A::Market, Doc::Admin("特登"), "特种设备使用登记", 1),
];

const PENALTIES: [Template; 18] = [
    t(Any, &["F51", "F52", "H62"], A::Market, Doc::Admin("罚"), "销售超过保质期的食品{penalty}", 4),
    t(Any, &["H62", "C13", "C14"], A::Market, Doc::Admin("罚"), "未按规定保持食品加工经营场所卫生{penalty}", 3),
    t(Any, FOOD, A::Market, Doc::Admin("罚"), "经营标签不符合规定的预包装食品{penalty}", 2),
    t(Any, &["F5251"], A::Market, Doc::Admin("罚"), "未凭处方销售处方药{penalty}", 3),
    t(Any, ANY_INDUSTRY, A::Market, Doc::Admin("罚"), "使用未经检定的计量器具{penalty}", 2),
    t(Any, ANY_INDUSTRY, A::Market, Doc::Admin("罚"), "未按规定明码标价{penalty}", 3),
    t(Firms, ANY_INDUSTRY, A::Market, Doc::Admin("罚"), "发布虚假广告{penalty}", 1),
    t(Shops, ANY_INDUSTRY, A::UrbanManagement, Doc::Admin("罚"), "擅自占用城市道路从事经营活动{penalty}", 3),
    t(Any, ANY_INDUSTRY, A::UrbanManagement, Doc::Admin("罚"), "未经批准擅自设置户外广告{penalty}", 1),
    t(Firms, &["C"], A::Ecology, Doc::Admin("罚"), "超标排放水污染物{penalty}", 3),
    t(
        Firms,
        &["C", "E", "K"],
        A::Ecology,
        Doc::Admin("罚"),
        "建设项目未依法报批环境影响评价文件擅自开工建设{penalty}",
        1,
    ),
    t(Any, &["H62"], A::Ecology, Doc::Admin("罚"), "餐饮油烟超标排放{penalty}", 1),
    t(Firms, ANY_INDUSTRY, A::Emergency, Doc::Admin("罚"), "未按规定对从业人员进行安全生产教育和培训{penalty}", 2),
    t(Any, &["G54"], A::Transport, Doc::Admin("罚"), "车辆超限运输{penalty}", 4),
    t(Any, &["O80", "H61"], A::Health, Doc::Admin("罚"), "从业人员未取得有效健康合格证明{penalty}", 2),
    t(Firms, &["A", "C", "E"], A::NaturalResources, Doc::Admin("罚"), "非法占用土地建设{penalty}", 1),
    t(Any, &["E"], A::Housing, Doc::Admin("罚"), "施工现场扬尘防治措施不到位{penalty}", 2),
    t(Any, &["A03"], A::Agriculture, Doc::Admin("罚"), "未按规定履行动物防疫义务{penalty}", 2),
];

const ABNORMAL: [Template; 6] = [
    t(Firms, ANY_INDUSTRY, A::Market, Doc::Admin("异"), "未按规定公示年度报告被列入经营异常名录", 8),
    t(Firms, ANY_INDUSTRY, A::Market, Doc::Admin("异"), "通过登记的住所或者经营场所无法联系被列入经营异常名录", 3),
    t(Firms, ANY_INDUSTRY, A::Market, Doc::Admin("异"), "未在责令的期限内公示有关信息被列入经营异常名录", 1),
    t(Firms, ANY_INDUSTRY, A::Market, Doc::Admin("异"), "公示信息隐瞒真实情况、弄虚作假被列入经营异常名录", 1),
    t(Shops, ANY_INDUSTRY, A::Market, Doc::Admin("异"), "未按规定报送年度报告被标记为经营异常状态", 8),
    t(Shops, ANY_INDUSTRY, A::Market, Doc::Admin("异"), "通过登记的经营场所无法联系被标记为经营异常状态", 3),
];

const SERIOUS: [Template; 6] = [
    t(
        Firms,
        ANY_INDUSTRY,
        A::Market,
        Doc::Admin("严失"),
        "被列入经营异常名录届满3年仍未履行相关义务被列入严重违法失信名单",
        4,
    ),
    t(Any, FOOD, A::Market, Doc::Admin("严失"), "食品安全严重违法被列入严重违法失信名单", 2),
    t(Firms, &["E", "C"], A::HumanResources, Doc::Admin("失信"), "拖欠农民工工资被列入失信联合惩戒对象名单", 3),
    t(Firms, ANY_INDUSTRY, A::HumanResources, Doc::Admin("失信"), "拖欠劳动报酬情节严重被列入失信联合惩戒对象名单", 1),
    t(Any, ANY_INDUSTRY, A::Development, Doc::Admin("失信"), "违反信用承诺情节严重被认定为严重失信主体", 2),
    t(Firms, &["C"], A::Ecology, Doc::Admin("失信"), "环境违法情节严重被列入生态环境严重失信名单", 1),
];

const JUDICIAL: [Template; 4] = [
    t(Any, ANY_INDUSTRY, A::Court, Doc::Court, "失信被执行人（有履行能力而拒不履行生效法律文书确定义务）", 6),
    t(Any, ANY_INDUSTRY, A::Court, Doc::Court, "失信被执行人（违反财产报告制度）", 2),
    t(Any, ANY_INDUSTRY, A::Court, Doc::Court, "失信被执行人（违反限制消费令）", 1),
    t(Any, ANY_INDUSTRY, A::Court, Doc::Court, "限制消费令（未按执行通知书指定的期间履行给付义务）", 3),
];

const HONORS: [Template; 8] = [
    t(Enterprises, ANY_INDUSTRY, A::Market, Doc::Admin("荣"), "守合同重信用企业", 3),
    t(Enterprises, ANY_INDUSTRY, A::Development, Doc::Admin("荣"), "诚信示范企业", 2),
    t(Enterprises, ANY_INDUSTRY, A::HumanResources, Doc::Admin("荣"), "劳动保障守法诚信A级单位", 2),
    t(Shops, ANY_INDUSTRY, A::Market, Doc::Admin("荣"), "诚信经营示范店", 4),
    t(Shops, ANY_INDUSTRY, A::Market, Doc::Admin("荣"), "星级诚信个体工商户", 2),
    t(Cooperatives, ANY_INDUSTRY, A::Agriculture, Doc::Admin("荣"), "农民专业合作社省级示范社", 2),
    t(Cooperatives, ANY_INDUSTRY, A::Agriculture, Doc::Admin("荣"), "农民专业合作社县级示范社", 3),
    t(Any, ANY_INDUSTRY, A::Development, Doc::Admin("荣"), "信用建设示范单位", 1),
];

const COMMITMENTS: [Template; 5] = [
    t(Any, ANY_INDUSTRY, A::Development, Doc::Admin("诺"), "市场主体公开信用承诺", 5),
    t(Any, ANY_INDUSTRY, A::Market, Doc::Admin("诺"), "证明事项告知承诺", 3),
    t(Any, ANY_INDUSTRY, A::Market, Doc::Admin("诺"), "涉企经营许可事项告知承诺", 2),
    t(Any, ANY_INDUSTRY, A::Development, Doc::Admin("诺"), "容缺受理信用承诺", 2),
    t(Enterprises, &["E"], A::Housing, Doc::Admin("诺"), "建筑市场主体信用承诺", 2),
];

const SOCIAL_INSURANCE: [Template; 3] = [
    t(Any, ANY_INDUSTRY, A::HumanResources, Doc::Admin("证"), "社保缴纳正常（{year}年）", 5),
    t(Firms, ANY_INDUSTRY, A::HumanResources, Doc::Admin("证"), "社会保险参保缴费正常（参保职工{staff}人）", 3),
    t(Any, ANY_INDUSTRY, A::HumanResources, Doc::Admin("证"), "社保连续缴纳{months}个月", 2),
];

const HOUSING_FUND: [Template; 2] = [
    t(Any, ANY_INDUSTRY, A::HousingFund, Doc::Admin("证"), "公积金连续缴存{months}个月", 5),
    t(Any, ANY_INDUSTRY, A::HousingFund, Doc::Admin("证"), "住房公积金缴存正常（{year}年）", 3),
];

const UTILITIES: [Template; 3] = [
    t(Any, ANY_INDUSTRY, A::Power, Doc::Admin("证"), "电费缴纳正常（{year}年）", 3),
    t(Any, ANY_INDUSTRY, A::Water, Doc::Admin("证"), "水费缴纳正常（{year}年）", 2),
    t(Any, ANY_INDUSTRY, A::Power, Doc::Admin("证"), "水电费缴纳正常", 2),
];

const REAL_ESTATE: [Template; 4] = [
    t(Any, ANY_INDUSTRY, A::NaturalResources, Doc::Property, "不动产登记信息", 4),
    t(Shops, ANY_INDUSTRY, A::NaturalResources, Doc::Property, "不动产登记信息（商铺）", 2),
    t(Firms, ANY_INDUSTRY, A::NaturalResources, Doc::Property, "不动产登记信息（厂房）", 2),
    t(Any, ANY_INDUSTRY, A::NaturalResources, Doc::Property, "不动产抵押登记信息", 2),
];

/// The templates of `category` (empty for TAX and INCOME_TAX, which have their own files).
fn templates(category: DataCategory) -> &'static [Template] {
    match category {
        DataCategory::Registration => &REGISTRATION,
        DataCategory::AdminLicensing => &LICENSING,
        DataCategory::AdminPenalty => &PENALTIES,
        DataCategory::AbnormalOperation => &ABNORMAL,
        DataCategory::SeriousDishonesty => &SERIOUS,
        DataCategory::Judicial => &JUDICIAL,
        DataCategory::Honor => &HONORS,
        DataCategory::Commitment => &COMMITMENTS,
        DataCategory::Tax | DataCategory::IncomeTax => &[],
        DataCategory::SocialInsurance => &SOCIAL_INSURANCE,
        DataCategory::HousingFund => &HOUSING_FUND,
        DataCategory::Utilities => &UTILITIES,
        DataCategory::RealEstate => &REAL_ESTATE,
    }
}

/// Fines (罚款, yuan) for 个体工商户 and for firms, with weights.
const SHOP_FINES: [(u32, u32); 7] = [(500, 3), (1000, 4), (2000, 3), (3000, 2), (5000, 2), (10_000, 1), (20_000, 1)];
const FIRM_FINES: [(u32, u32); 7] =
    [(2000, 2), (5000, 3), (10_000, 3), (20_000, 2), (50_000, 2), (100_000, 1), (200_000, 1)];

/// Fines from this amount (yuan) are publicized for 3 years, smaller penalties for 1.
const LONG_PUBLICITY_FINE: u32 = 10_000;

/// 省级行政区 (first two digits of a region code) and their abbreviations, used in court case
/// numbers and 不动产权证书 numbers.
const PROVINCES: [(&str, &str); 31] = [
    ("11", "京"),
    ("12", "津"),
    ("13", "冀"),
    ("14", "晋"),
    ("15", "蒙"),
    ("21", "辽"),
    ("22", "吉"),
    ("23", "黑"),
    ("31", "沪"),
    ("32", "苏"),
    ("33", "浙"),
    ("34", "皖"),
    ("35", "闽"),
    ("36", "赣"),
    ("37", "鲁"),
    ("41", "豫"),
    ("42", "鄂"),
    ("43", "湘"),
    ("44", "粤"),
    ("45", "桂"),
    ("46", "琼"),
    ("50", "渝"),
    ("51", "川"),
    ("52", "贵"),
    ("53", "云"),
    ("54", "藏"),
    ("61", "陕"),
    ("62", "甘"),
    ("63", "青"),
    ("64", "宁"),
    ("65", "新"),
];

/// 地级市 (first four digits of a county code) whose 住房公积金管理中心 serves the county;
/// other counties get one of their own.
const CITIES: [(&str, &str); 1] = [("4408", "湛江市")];

/// Source names and document-number prefixes of the county's agencies.
struct Issuers {
    /// `{county}{agency}`, e.g. 雷州市市场监督管理局, by `Agency as usize`.
    sources: Vec<String>,
    /// `{place}{abbreviation}`, e.g. 雷市监, by `Agency as usize`.
    prefixes: Vec<String>,
    /// Province abbreviation, e.g. 粤.
    province: &'static str,
    /// The county's court code after the province, e.g. 0882.
    court_code: String,
    /// The county name, in 不动产权证书 numbers.
    county: String,
}

impl Issuers {
    fn new(county: &County) -> Self {
        let city = CITIES.iter().find(|(code, _)| county.code.starts_with(code)).map(|&(_, name)| name);
        let first_char = |name: &str| name.chars().next().map(String::from).unwrap_or_default();
        let county_char = first_char(county.short_name());
        let (sources, prefixes) = Agency::ALL
            .iter()
            .map(|&agency| match (agency, city) {
                (Agency::HousingFund, Some(city)) => {
                    (format!("{city}{}", agency.suffix()), format!("{}{}", first_char(city), agency.abbreviation()))
                }
                _ => (format!("{}{}", county.name, agency.suffix()), format!("{county_char}{}", agency.abbreviation())),
            })
            .unzip();
        Self {
            sources,
            prefixes,
            province: PROVINCES
                .iter()
                .find(|(code, _)| county.code.starts_with(code))
                .map_or("", |&(_, abbreviation)| abbreviation),
            court_code: county.code.get(2..).unwrap_or_default().to_owned(),
            county: county.name.clone(),
        }
    }

    fn source(&self, agency: Agency) -> &str {
        &self.sources[agency as usize]
    }

    /// The document number without its sequence number and closing 号, and the width the
    /// sequence number is padded to.
    fn doc_stem(&self, agency: Agency, doc: Doc, year: i32) -> (String, usize) {
        match doc {
            Doc::Admin(code) => (format!("{}{code}〔{year}〕", self.prefixes[agency as usize]), 0),
            Doc::Court => (format!("（{year}）{}{}执", self.province, self.court_code), 0),
            Doc::Property => (format!("{}（{year}）{}不动产权第", self.province, self.county), 7),
        }
    }
}

/// Sequence numbers per document-number stem: every stem ends in a non-digit, so distinct
/// (stem, number) pairs give distinct document numbers. At most one entry per template and
/// year, whatever the number of subjects.
#[derive(Default)]
struct Numbering {
    next: HashMap<String, u32>,
}

impl Numbering {
    fn number(&mut self, stem: String, width: usize) -> String {
        let next = self.next.entry(stem.clone()).or_insert(0);
        *next += 1;
        format!("{stem}{:0width$}号", *next)
    }
}

/// One record of a subject, before its document number is assigned.
struct Record {
    category: DataCategory,
    template: &'static Template,
    title: String,
    decided_at: NaiveDate,
    valid_until: Option<NaiveDate>,
}

/// Writes the credit CSV (header and the records of every clean row of the registry generated
/// with `opts.registry`) to `out`, streaming subject by subject.
pub fn write_credit<W: Write>(out: W, opts: &CreditOptions) -> Result<CreditSummary, GenError> {
    let rate = opts.records_per_subject;
    if !(0.0..=MAX_RECORDS_PER_SUBJECT).contains(&rate) {
        return Err(GenError::InvalidOptions(format!(
            "records per subject {rate} is not between 0 and {MAX_RECORDS_PER_SUBJECT}"
        )));
    }
    let generator = RegistryGenerator::new(&opts.registry)?;
    let issuers = Issuers::new(&opts.registry.county);
    let scale = rate / DEFAULT_RECORDS_PER_SUBJECT;
    let snapshot = opts.registry.snapshot_date;
    let mut numbering = Numbering::default();
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HEADER)?;
    let mut summary = CreditSummary::default();
    for index in 0..opts.registry.rows {
        let subject = generator.row(index)?;
        if subject.defect.is_some() {
            continue;
        }
        let mut rng = stream_rng(opts.registry.seed, Stream::CreditRow, index);
        let records = subject_records(&mut rng, &subject, scale, snapshot);
        let has = |category| records.iter().any(|r: &Record| r.category == category);
        summary.serious_dishonesty_subjects += u64::from(has(DataCategory::SeriousDishonesty));
        summary.honor_subjects += u64::from(has(DataCategory::Honor));
        for record in records {
            let template = record.template;
            let (stem, width) = issuers.doc_stem(template.agency, template.doc, record.decided_at.year());
            let doc_number = numbering.number(stem, width);
            csv.write_record([
                subject.uscc.as_str(),
                record.category.as_str(),
                issuers.source(template.agency),
                &doc_number,
                &record.title,
                &record.decided_at.to_string(),
                &record.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            ])?;
            summary.records += 1;
            *summary.by_category.entry(record.category.as_str()).or_insert(0) += 1;
        }
    }
    csv.flush()?;
    Ok(summary)
}

/// The records of one subject, oldest first.
fn subject_records(rng: &mut StdRng, subject: &RegistryRow<'_>, scale: f64, snapshot: NaiveDate) -> Vec<Record> {
    let counts = CATEGORY_RATES.map(|(category, rate)| (category, poisson(rng, rate * scale)));
    let punished = counts.iter().any(|&(category, count)| count > 0 && DISQUALIFY_HONOR.contains(&category));
    let mut records = Vec::new();
    for (category, count) in counts {
        if category == DataCategory::Honor && punished {
            continue;
        }
        let table = templates(category);
        for _ in 0..count {
            let weights = table.iter().map(|template| if template.fits(subject) { template.weight } else { 0 });
            // Every category has templates for any subject (tested); skip the record otherwise.
            let Some(template) = weighted_index(rng, weights).and_then(|i| table.get(i)) else {
                continue;
            };
            records.push(draw_record(rng, subject, category, template, snapshot));
        }
    }
    records.sort_by_key(|record| record.decided_at);
    records
}

fn draw_record(
    rng: &mut StdRng,
    subject: &RegistryRow<'_>,
    category: DataCategory,
    template: &'static Template,
    snapshot: NaiveDate,
) -> Record {
    let window = if category.is_public() { PUBLIC_WINDOW_MONTHS } else { AUTHORIZED_WINDOW_MONTHS };
    let earliest = snapshot
        .checked_sub_months(Months::new(window))
        .map_or(subject.established_on, |start| start.max(subject.established_on));
    let decided_at = date_between(rng, earliest, snapshot);
    let mut title = template.title.to_owned();
    let mut valid_until = None;
    if title.contains("{penalty}") {
        let (sanction, fine) = penalty(rng, subject.kind);
        let years = if fine >= LONG_PUBLICITY_FINE { 3 } else { 1 };
        valid_until = decided_at.checked_add_months(Months::new(12 * years));
        title = title.replace("{penalty}", &sanction);
    }
    if title.contains("{year}") {
        title = title.replace("{year}", &decided_at.year().to_string());
    }
    if title.contains("{months}") {
        let paying = months_between(subject.established_on, decided_at).max(1);
        let months = rng.random_range(6..=72).min(paying);
        title = title.replace("{months}", &months.to_string());
    }
    if title.contains("{staff}") {
        let staff = match subject.kind {
            SubjectKind::Enterprise => rng.random_range(3..=120),
            _ => rng.random_range(2..=30),
        };
        title = title.replace("{staff}", &staff.to_string());
    }
    Record { category, template, title, decided_at, valid_until }
}

/// The sanction of a penalty in the title, e.g. （罚款5000元）, and its fine in yuan (0 for a
/// warning).
fn penalty(rng: &mut StdRng, kind: SubjectKind) -> (String, u32) {
    let roll = rng.random_range(0..100);
    if roll < 20 {
        return ("（警告）".to_owned(), 0);
    }
    let fines = if kind == SubjectKind::IndividualBusiness { &SHOP_FINES } else { &FIRM_FINES };
    let fine = weighted(rng, fines, |&(_, weight)| weight).0;
    let sanction = if roll < 35 {
        let confiscated = rng.random_range(1..=50) * 100;
        format!("（没收违法所得{confiscated}元并处罚款{fine}元）")
    } else if roll < 45 {
        format!("（警告并处罚款{fine}元）")
    } else {
        format!("（罚款{fine}元）")
    };
    (sanction, fine)
}

/// A uniform date from `start` to `end` (`start` when `end` is earlier).
fn date_between(rng: &mut StdRng, start: NaiveDate, end: NaiveDate) -> NaiveDate {
    let span = u64::try_from((end - start).num_days()).unwrap_or(0);
    start.checked_add_days(Days::new(rng.random_range(0..=span))).unwrap_or(start)
}

/// Whole months from `start` to `end`.
fn months_between(start: NaiveDate, end: NaiveDate) -> u32 {
    let months = (end.year() - start.year()) * 12 + end.month() as i32
        - start.month() as i32
        - i32::from(end.day() < start.day());
    u32::try_from(months).unwrap_or(0)
}

/// A Poisson-distributed count with mean `lambda` (Knuth's method; `lambda` is at most
/// about 35 here, so the loop is short and `exp(-lambda)` does not underflow).
fn poisson(rng: &mut impl Rng, lambda: f64) -> u32 {
    let limit = (-lambda).exp();
    let mut product = rng.random::<f64>();
    let mut count = 0;
    while product > limit && count < 1000 {
        product *= rng.random::<f64>();
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::test_csv::{data_rows, registry_rows, written};

    fn options(rows: u64) -> CreditOptions {
        CreditOptions { registry: RegistryOptions { rows, ..RegistryOptions::default() }, ..CreditOptions::default() }
    }

    fn generate(opts: &CreditOptions) -> (Vec<u8>, CreditSummary) {
        written(|out| write_credit(out, opts))
    }

    fn records(csv: &[u8]) -> Vec<csv::StringRecord> {
        data_rows(csv, &HEADER)
    }

    /// The establishment dates of the valid codes in the registry file of `opts` (a 重错码
    /// keeps its first, clean row).
    fn registry(opts: &RegistryOptions) -> HashMap<String, NaiveDate> {
        registry_rows(opts).into_iter().map(|(code, row)| (code, row[6].parse().unwrap())).collect()
    }

    #[test]
    fn same_options_give_identical_bytes() {
        let opts = options(3000);
        assert_eq!(generate(&opts), generate(&opts));
        let reseeded = CreditOptions { registry: RegistryOptions { seed: 7, ..opts.registry.clone() }, ..opts.clone() };
        assert_ne!(generate(&opts).0, generate(&reseeded).0);
    }

    #[test]
    fn records_refer_to_registry_subjects_and_are_well_formed() {
        let mut opts = options(20_000);
        opts.registry.error_rate = 0.05;
        let subjects = registry(&opts.registry);
        let (csv, summary) = generate(&opts);
        let rows = records(&csv);
        let snapshot = opts.registry.snapshot_date;

        let mut keys = HashSet::new();
        let mut by_category: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut serious = HashSet::new();
        let mut honored = HashSet::new();
        for row in &rows {
            let established = subjects.get(&row[0]).unwrap_or_else(|| panic!("{row:?}"));
            xyd_domain::Uscc::parse(&row[0]).unwrap();
            let category = DataCategory::parse(&row[1]).unwrap();
            assert_ne!(category, DataCategory::Tax);
            assert_eq!(category.as_str(), &row[1]);
            assert!(row[2].starts_with("雷州市") || row[2] == *"湛江市住房公积金管理中心");
            assert!(!row[2].contains("税务"), "{row:?}");
            assert!(!row[3].contains(',') && row[3].ends_with('号'), "{row:?}");
            assert!(keys.insert((row[2].to_owned(), row[3].to_owned())), "{row:?}");
            assert!(!row[4].is_empty() && row[4].chars().count() <= 200);
            assert!(!row[4].contains('{') && !row[4].contains(','), "{row:?}");
            let decided: NaiveDate = row[5].parse().unwrap();
            assert!((*established..=snapshot).contains(&decided), "{row:?}");
            if category == DataCategory::AdminPenalty {
                let until: NaiveDate = row[6].parse().unwrap();
                let one = decided.checked_add_months(Months::new(12)).unwrap();
                let three = decided.checked_add_months(Months::new(36)).unwrap();
                assert!(until == one || until == three, "{row:?}");
            } else {
                assert!(row[6].is_empty(), "{row:?}");
            }
            *by_category.entry(category.as_str()).or_default() += 1;
            match category {
                DataCategory::SeriousDishonesty => serious.insert(row[0].to_owned()),
                DataCategory::Honor => honored.insert(row[0].to_owned()),
                _ => false,
            };
        }
        assert!(serious.is_disjoint(&honored));
        assert_eq!(
            summary,
            CreditSummary {
                records: rows.len() as u64,
                by_category,
                serious_dishonesty_subjects: serious.len() as u64,
                honor_subjects: honored.len() as u64,
            }
        );

        // Shares of the 19,000 or so clean subjects: most are clean, and the categories
        // come in the intended proportions.
        let clean = 20_000.0 * 0.95;
        let per_subject = rows.len() as f64 / clean;
        assert!((0.27..=0.33).contains(&per_subject), "{per_subject}");
        let share = |category: &str| summary.by_category.get(category).copied().unwrap_or(0) as f64 / clean;
        assert!((0.003..=0.008).contains(&(serious.len() as f64 / clean)), "{summary:?}");
        assert!((0.014..=0.025).contains(&(honored.len() as f64 / clean)), "{summary:?}");
        assert!((0.02..=0.04).contains(&share("ADMIN_PENALTY")), "{summary:?}");
        assert!((0.02..=0.04).contains(&share("ABNORMAL_OPERATION")), "{summary:?}");
        assert!((0.007..=0.014).contains(&share("JUDICIAL")), "{summary:?}");
        assert!((0.085..=0.115).contains(&share("COMMITMENT")), "{summary:?}");
        assert_eq!(summary.by_category.len(), 12, "{summary:?}");
        let with_records: HashSet<&str> = rows.iter().map(|row| &row[0]).collect();
        assert!((with_records.len() as f64) < clean * 0.3);
    }

    #[test]
    fn doc_numbers_are_unique_per_source_and_look_real() {
        let opts = options(20_000);
        let (csv, _) = generate(&opts);
        let rows = records(&csv);
        let mut seen = HashSet::new();
        for row in &rows {
            assert!(seen.insert((&row[2], &row[3])), "{row:?}");
        }
        let docs: Vec<&str> = rows.iter().map(|row| &row[3]).collect();
        assert!(docs.iter().any(|d| d.starts_with("雷市监罚〔")), "{docs:?}");
        assert!(docs.iter().any(|d| d.starts_with('（') && d.contains("粤0882执")));
        assert!(docs.iter().any(|d| d.starts_with("粤（") && d.contains("雷州市不动产权第")));
        assert!(docs.iter().any(|d| d.starts_with("湛公积金证〔")));
    }

    #[test]
    fn every_category_has_a_template_for_every_subject() {
        let opts = RegistryOptions { rows: 5000, ..RegistryOptions::default() };
        let generator = RegistryGenerator::new(&opts).unwrap();
        for index in 0..opts.rows {
            let subject = generator.row(index).unwrap();
            for (category, _) in CATEGORY_RATES {
                assert!(
                    templates(category).iter().any(|t| t.fits(&subject)),
                    "{category:?} for {} {}",
                    subject.kind,
                    subject.industry_code
                );
            }
        }
        assert!(templates(DataCategory::Tax).is_empty());
        assert!(Agency::ALL.iter().enumerate().all(|(i, &agency)| agency as usize == i));
        for (category, _) in CATEGORY_RATES {
            for template in templates(category) {
                assert!(template.weight > 0);
                assert!(!template.title.contains(','));
                assert_eq!(template.title.contains("{penalty}"), category == DataCategory::AdminPenalty);
            }
        }
        let total: f64 = CATEGORY_RATES.iter().map(|(_, rate)| rate).sum();
        assert!((total - DEFAULT_RECORDS_PER_SUBJECT).abs() < 1e-9);
    }

    #[test]
    fn records_per_subject_scales_the_output() {
        let (_, none) = generate(&CreditOptions { records_per_subject: 0.0, ..options(2000) });
        assert_eq!(none, CreditSummary::default());
        let (_, many) = generate(&CreditOptions { records_per_subject: 3.0, ..options(2000) });
        assert!((5400..=6600).contains(&many.records), "{many:?}");
    }

    #[test]
    fn other_counties_use_their_own_agencies() {
        let opts = CreditOptions {
            registry: RegistryOptions { county: County::from_divisions("440881").unwrap(), ..options(5000).registry },
            ..CreditOptions::default()
        };
        let (csv, _) = generate(&opts);
        for row in records(&csv) {
            assert!(row[2].starts_with("廉江市") || row[2] == *"湛江市住房公积金管理中心", "{row:?}");
            assert!(!row[3].contains("雷") && !row[3].contains("0882"), "{row:?}");
        }
        let (csv, _) = generate(&CreditOptions {
            registry: RegistryOptions { county: County::from_divisions("330110").unwrap(), ..options(5000).registry },
            records_per_subject: 3.0,
        });
        let rows = records(&csv);
        assert!(rows.iter().any(|row| row[2] == *"余杭区住房公积金管理中心"));
        assert!(rows.iter().any(|row| row[3].contains("浙0110执")));
    }

    #[test]
    fn unusable_options_are_refused() {
        let refused = |records_per_subject| {
            write_credit(Vec::new(), &CreditOptions { records_per_subject, ..options(10) }).is_err()
        };
        assert!(refused(-0.1));
        assert!(refused(f64::NAN));
        assert!(refused(1000.0));
        let mut opts = options(10);
        opts.registry.error_rate = 2.0;
        assert!(write_credit(Vec::new(), &opts).is_err());
    }

    #[test]
    fn months_between_counts_whole_months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(months_between(d(2024, 1, 15), d(2024, 3, 15)), 2);
        assert_eq!(months_between(d(2024, 1, 15), d(2024, 3, 14)), 1);
        assert_eq!(months_between(d(2024, 3, 1), d(2024, 1, 1)), 0);
    }
}
