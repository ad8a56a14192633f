//! 融资需求 (financing demands) posted by the subjects of a registry generated with the same
//! [`RegistryOptions`], and the histories of the banks' responses to them (受理, 授信, 放款, 拒绝)
//! over a span of months, with every timestamp, for loading a platform with history from which
//! the indicators (监测指标) can be computed.
//!
//! # What the histories look like
//!
//! Figures are the targets the tables below are tuned to (checked on 5,000 demands by the tests);
//! they are shares of all demands unless said otherwise.
//!
//! - **Posters**: clean (no defect) registry rows with status 存续, enterprises about twice as
//!   likely per subject as 个体工商户 (so roughly 45 % enterprises, 50 % individual businesses,
//!   4 % cooperatives). A subject posts again mostly after its previous demand has closed.
//! - **Posting time**: between `start` and 30 days before the end of the period, so that every
//!   demand expires inside it; about 75 % on working days (工作日, the 2026 calendar of
//!   [`WorkCalendar::china_2026`]) between 9:00 and 18:00 Asia/Shanghai, fewer than 10 % on days
//!   off, with volume rising by half from the first to the last month as the platform catches on.
//!   Demands come in order of posting time.
//! - **Terms**: 5万–500万 yuan in whole 万元, skewed small (medians: individual businesses 20万,
//!   cooperatives about 40万, enterprises about 85万); 6–36 months, mostly 12; a purpose (资金用途)
//!   fitting the subject's trade; acceptable guarantee types (CREDIT accepted by about 80 %); a
//!   highest acceptable rate (4.5 %–9 %) for about 55 %. Each demand expires 30 days after posting.
//! - **Responses**: about 85 % of demands get at least one, from 1–5 distinct banks (the more
//!   active banks more often). 90 % of first responses come within 1–72 hours, the other 10 % later
//!   than 3 working days (an SLA breach, 超时响应); a demand's first response comes after a median
//!   of about 13 hours. The first responder accepts (受理) about 70 % of the time, later ones about
//!   35 %; at most 3 banks ever accept a demand, so at most 3 hold it at once. Rejections carry a
//!   reason and sometimes (always for OTHER) a Chinese note.
//! - **Credit**: about 70 % of accepted responses get credit (授信) 1–15 days after acceptance, at
//!   3.20 %–8.00 % (below the demand's highest rate when it has one; state banks cheapest), for at
//!   most the amount and term asked; about 60 % of credits are on CREDIT products and about 25 %
//!   are tax-based (银税互动, always CREDIT). Accepted responses without credit are mostly rejected
//!   later by the bank, or still pending when the demand closes.
//! - **Disbursement**: about 85 % of credits are disbursed (放款) 1–10 days after the grant. Only
//!   one bank funds a demand, which closes it: the enterprise declines (CUSTOMER_DECLINED) the
//!   other banks still holding it before the disbursement, and no bank responds afterwards. About
//!   35 % of disbursements are the subject's first bank loan (首贷): subjects that never borrowed
//!   before get the flag on their first disbursement only. (When subjects post many demands each,
//!   e.g. 5,000 demands from a 1,000-row registry, repeat borrowers push the share down to about
//!   30 %.) In all, about 55 % of demands end funded.
//! - **Withdrawal**: about 5 % of demands are withdrawn (撤回) by the enterprise, mostly early;
//!   a withdrawn demand is never funded and nothing happens to it after the withdrawal.
//!
//! Every history is strictly ordered: posted < first response < credit < disbursement, a later
//! rejection after the acceptance (and the credit, if any), all of it before the withdrawal (if
//! any) and before expiry, which is before the end of the period. Bank actions mostly fall in
//! office hours on working days.
//!
//! Each demand draws from its own random stream, and its posting time from its own stratum of the
//! period; which subject posts it, and whether that subject's loan is its first, depend on the
//! demands before it (kept per subject, so memory grows with the registry, not the demands).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Months, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use xyd_domain::demand::{FIRST_RESPONSE_WORKING_DAYS, WorkCalendar};
use xyd_domain::{Money, ProductType, Rate, RegistryStatus, RejectReason, SubjectKind};

use crate::GenError;
use crate::products::DEFAULT_BANKS;
use crate::random::{Stream, one_of, stream_rng, weighted, weighted_index};
use crate::registry::{RegistryGenerator, RegistryOptions};
use crate::units::{rate, yuan};

/// How long a demand stays open (有效期).
pub const EXPIRY: TimeDelta = TimeDelta::days(30);

/// Longest accepted [`DemandOptions::months`] (a century).
pub const MAX_MONTHS: u32 = 1200;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandOptions {
    /// The registry whose subjects post the demands: the same options as the registry file
    /// imported (seed, rows, county, date, error rate).
    pub registry: RegistryOptions,
    /// Number of demands.
    pub demands: u64,
    /// How many of [`DEFAULT_BANKS`] (the first ones) respond; clamped to 1–8.
    pub banks: usize,
    /// Start of the simulated period.
    pub start: DateTime<Utc>,
    /// Length of the period in calendar months (Asia/Shanghai), at least 2 (a demand stays open
    /// 30 days and expires inside the period) and at most [`MAX_MONTHS`].
    pub months: u32,
}

impl Default for DemandOptions {
    /// The default registry, 1,000 demands, all 8 banks, 12 months from 2025-11-01 00:00 Asia/Shanghai.
    fn default() -> Self {
        let start = SHANGHAI
            .with_ymd_and_hms(2025, 11, 1, 0, 0, 0)
            .single()
            .map_or(DateTime::UNIX_EPOCH, |t| t.with_timezone(&Utc));
        Self { registry: RegistryOptions::default(), demands: 1000, banks: DEFAULT_BANKS.len(), start, months: 12 }
    }
}

impl DemandOptions {
    /// The end of the period: `start` plus `months` calendar months in Asia/Shanghai (exclusive).
    /// `None` when `months` exceeds [`MAX_MONTHS`] or the end is out of chrono's range.
    pub fn end(&self) -> Option<DateTime<Utc>> {
        if self.months > MAX_MONTHS {
            return None;
        }
        let local = local(self.start).checked_add_months(Months::new(self.months))?;
        from_local(local)
    }

    /// Checks the options: a valid registry ([`RegistryGenerator::new`]) and a period of at most
    /// [`MAX_MONTHS`] months with room for a demand to be posted and expire inside it.
    /// [`demands`] yields nothing for options that fail this check.
    pub fn validate(&self) -> Result<(), GenError> {
        RegistryGenerator::new(&self.registry)?;
        if self.months > MAX_MONTHS {
            return Err(GenError::InvalidOptions(format!("{} months exceed {MAX_MONTHS}", self.months)));
        }
        match self.posting_window() {
            Some(_) => Ok(()),
            None => Err(GenError::InvalidOptions(format!(
                "a period of {} months from {} leaves no time to post a demand that expires \
                 {} days later within it",
                self.months,
                self.start,
                EXPIRY.num_days()
            ))),
        }
    }

    /// When demands may be posted: from `start` until 30 days before the end.
    fn posting_window(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let end = self.end()?;
        // Room after the end for the arithmetic of histories cut short at closing.
        end.checked_add_signed(TimeDelta::days(366))?;
        let until = end.checked_sub_signed(EXPIRY)?;
        (until > self.start).then_some((self.start, until))
    }
}

/// A financing demand (融资需求) and the banks' responses to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedDemand {
    /// The posting subject: the index of a clean (no defect) 存续 row of the registry generated
    /// with the same [`RegistryOptions`].
    pub subject_index: u64,
    /// 融资金额, 5万–500万 yuan.
    pub amount: Money,
    /// 融资期限 in months, 6–36.
    pub term_months: u16,
    /// 资金用途, in Chinese.
    pub purpose: String,
    /// Acceptable guarantee types (担保方式), distinct, in declaration order.
    pub guarantee_types: Vec<ProductType>,
    /// Highest acceptable annual rate, if the enterprise gave one.
    pub max_rate: Option<Rate>,
    /// When it was posted.
    pub posted_at: DateTime<Utc>,
    /// `posted_at` + 30 days.
    pub expires_at: DateTime<Utc>,
    /// When the enterprise withdrew it; a withdrawn demand has no disbursement.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The banks' responses, in order of first response.
    pub responses: Vec<GeneratedResponse>,
}

/// One bank's response to a demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedResponse {
    /// The bank: an index into [`DEFAULT_BANKS`], below [`DemandOptions::banks`], distinct
    /// within a demand.
    pub bank: usize,
    /// The first response (accept or reject), which the SLA measures; after `posted_at`.
    pub responded_at: DateTime<Utc>,
    /// What became of it.
    pub outcome: ResponseOutcome,
}

/// How a response ended (as far as the period goes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseOutcome {
    /// 拒绝 at `responded_at`.
    Rejected {
        /// The reason the enterprise sees.
        reason: RejectReason,
        /// An explanation; always given for [`RejectReason::Other`].
        note: Option<String>,
    },
    /// 受理 at `responded_at`.
    Accepted {
        /// The credit granted (授信), if any; `None` while the decision is pending or when the
        /// response was rejected before a grant.
        credit: Option<CreditOutcome>,
        /// When and why the response was later rejected: by the bank (never OTHER, which needs
        /// a note), or CUSTOMER_DECLINED when the enterprise gave up or took another bank's
        /// loan. After `responded_at` and the credit grant, if any; never with a disbursement.
        rejected_later: Option<(DateTime<Utc>, RejectReason)>,
    },
}

/// A credit grant (授信) and its disbursement (放款).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditOutcome {
    /// When credit was granted; after the acceptance.
    pub granted_at: DateTime<Utc>,
    /// 授信金额, at most the demand's amount.
    pub amount: Money,
    /// Annual rate, 3.20 %–8.00 %, below the demand's highest acceptable rate.
    pub rate: Rate,
    /// 授信期限 in months, at most the demand's term.
    pub term_months: u16,
    /// The product type, one of the demand's guarantee types.
    pub product_type: ProductType,
    /// Whether the product is 银税互动 (tax-based; only on CREDIT products).
    pub tax_based: bool,
    /// When, how much (at most the credit) and whether the bank marked it as the subject's first
    /// bank loan (首贷户); after `granted_at`, before expiry. At most one per demand.
    pub disbursed: Option<(DateTime<Utc>, Money, bool)>,
}

/// The demands of `opts`, streamed in order of posting time; the same options always give the
/// same demands. Yields nothing when [`DemandOptions::validate`] fails, and stops early if the
/// registry has no clean 存续 row to post them.
pub fn demands(opts: &DemandOptions) -> impl Iterator<Item = GeneratedDemand> + '_ {
    Generator::new(opts).into_iter().flatten()
}

/// Asia/Shanghai: UTC+8 all year.
const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// Relative chance per subject of posting a demand, by kind: enterprises seek loans more often.
const fn posting_propensity(kind: SubjectKind) -> f64 {
    match kind {
        SubjectKind::Enterprise => 1.0,
        SubjectKind::FarmerCooperative => 0.8,
        SubjectKind::IndividualBusiness | SubjectKind::NaturalPerson => 0.45,
    }
}

/// Random draws for a subject before settling for a busy one (with a demand still open).
const SUBJECT_ATTEMPTS: usize = 48;

/// Target share of disbursements that are the subject's first bank loan (首贷).
const FIRST_LOAN_SHARE: f64 = 0.35;

/// Share of demands that end up funded, as the tables below give (for [`never_borrowed_share`]).
const FUNDED_SHARE: f64 = 0.56;

/// Share of clean registry rows that are 存续 (as in [`crate::registry`]).
const ACTIVE_SHARE: f64 = 0.92;

/// Share of demands withdrawn by the enterprise.
const WITHDRAWN: f64 = 0.05;

/// Share of demands that any bank responds to (before withdrawals cut some short).
const RESPONDED: f64 = 0.87;

/// How many banks respond to a demand that gets responses (capped at the number of banks).
const RESPONDERS: [(usize, u32); 5] = [(1, 42), (2, 30), (3, 16), (4, 8), (5, 4)];

/// Share of first responses later than [`FIRST_RESPONSE_WORKING_DAYS`] working days.
const SLA_BREACH: f64 = 0.11;

/// Chance that the first bank to respond accepts, and that a later one does.
const FIRST_ACCEPTS: f64 = 0.70;
const LATER_ACCEPTS: f64 = 0.35;

/// At most this many banks accept one demand (the platform's 同时受理上限 is 3, and banks rarely
/// take a demand another bank let go).
const MAX_ACCEPTED: usize = 3;

/// Chance that an accepted response gets credit, before closings cut some short.
const CREDIT: f64 = 0.80;
/// Chance that credit is drawn down, before competing banks and closings cut some short.
const DISBURSE: f64 = 0.95;
/// Chance that the enterprise declines credit it does not draw (else it stays granted).
const DECLINE_UNDRAWN: f64 = 0.5;
/// Chance that an accepted response without credit is rejected later (else it stays pending).
const REJECT_UNGRANTED: f64 = 0.6;

/// Activity of [`DEFAULT_BANKS`] on the platform (same order): 雷州农商, 农行 and 邮储 are the
/// most present in the county.
const ACTIVITY: [u32; 8] = [18, 14, 14, 10, 14, 12, 9, 9];

/// Lowest and highest credit rates (bp) of [`DEFAULT_BANKS`] for unsecured loans: state banks
/// cheapest, 农商行 dearest (as in their products).
const PRICING: [(i32, i32); 8] =
    [(450, 800), (320, 560), (330, 600), (400, 750), (330, 620), (430, 780), (320, 560), (320, 600)];

/// Credit rates never go outside this range (bp).
const RATE_FLOOR: i32 = 320;
const RATE_CEILING: i32 = 800;

/// Round amounts asked for (万元).
const AMOUNTS_WAN: [i64; 11] = [5, 10, 20, 30, 50, 80, 100, 150, 200, 300, 500];
/// Weights of [`AMOUNTS_WAN`] by kind: shops ask little, enterprises more.
const SHOP_AMOUNTS: [u32; 11] = [15, 25, 20, 15, 13, 5, 5, 1, 1, 0, 0];
const ENTERPRISE_AMOUNTS: [u32; 11] = [2, 6, 8, 10, 15, 8, 18, 7, 12, 8, 6];
const COOPERATIVE_AMOUNTS: [u32; 11] = [5, 12, 15, 18, 20, 8, 12, 3, 5, 2, 0];

/// Terms asked for (months).
const TERMS: [(u16, u32); 5] = [(6, 15), (12, 50), (18, 5), (24, 18), (36, 12)];

/// Acceptable guarantee types, weighted; about 80 % accept CREDIT.
const GUARANTEES: [(&[ProductType], u32); 9] = [
    (&[ProductType::Credit], 36),
    (&[ProductType::Credit, ProductType::Guarantee], 18),
    (&[ProductType::Credit, ProductType::Mortgage], 12),
    (&[ProductType::Credit, ProductType::Mortgage, ProductType::Pledge, ProductType::Guarantee], 8),
    (&[ProductType::Credit, ProductType::Pledge], 4),
    (&[ProductType::Mortgage], 10),
    (&[ProductType::Guarantee], 8),
    (&[ProductType::Mortgage, ProductType::Pledge], 2),
    (&[ProductType::Mortgage, ProductType::Guarantee], 2),
];

/// How often a bank lends on each type the enterprise accepts (CREDIT about 60 % of credits).
const fn type_weight(product_type: ProductType) -> u32 {
    match product_type {
        ProductType::Credit => 6,
        ProductType::Mortgage => 4,
        ProductType::Guarantee => 3,
        ProductType::Pledge => 2,
    }
}

/// Chance that a demand states a highest acceptable rate, and the rates (bp) stated.
const HAS_MAX_RATE: f64 = 0.55;
const MAX_RATES: [(i32, u32); 8] =
    [(450, 8), (500, 15), (550, 12), (600, 22), (650, 10), (700, 13), (800, 12), (900, 8)];

/// Chance that a CREDIT loan is tax-based (银税互动): about 25 % of all credits.
const TAX_BASED: f64 = 0.42;
/// The same for 农民专业合作社, which rarely have the tax records.
const COOPERATIVE_TAX_BASED: f64 = 0.1;

/// Reasons of rejections at first response.
const FIRST_REJECTIONS: [(RejectReason, u32); 6] = [
    (RejectReason::OutsideProductScope, 30),
    (RejectReason::InsufficientCredit, 20),
    (RejectReason::InsufficientRepaymentCapacity, 20),
    (RejectReason::IncompleteInformation, 15),
    (RejectReason::CustomerUnreachable, 8),
    (RejectReason::Other, 7),
];

/// Reasons of rejections after acceptance without credit (never OTHER: it needs a note).
const LATER_REJECTIONS: [(RejectReason, u32); 5] = [
    (RejectReason::InsufficientCredit, 25),
    (RejectReason::InsufficientRepaymentCapacity, 25),
    (RejectReason::IncompleteInformation, 20),
    (RejectReason::CustomerUnreachable, 10),
    (RejectReason::CustomerDeclined, 20),
];

/// Share of rejections (other than OTHER) that carry a note.
const NOTED: f64 = 0.35;

/// Notes a loan officer writes with a rejection.
fn notes(reason: RejectReason) -> &'static [&'static str] {
    match reason {
        RejectReason::InsufficientCredit => {
            &["征信报告显示近两年有逾期记录", "近期征信查询次数较多", "存在未结清的行政处罚记录", "经营者个人征信不良"]
        }
        RejectReason::InsufficientRepaymentCapacity => {
            &["近一年经营流水不足以覆盖还款", "现有负债率偏高", "近一年纳税销售收入偏低", "经营时间较短，收入不稳定"]
        }
        RejectReason::OutsideProductScope => &[
            "所属行业不在我行产品准入范围",
            "需求期限超出产品期限上限",
            "需求金额超出产品额度上限",
            "注册地暂不在我行服务区域",
            "纳税信用等级未达到B级",
        ],
        RejectReason::IncompleteInformation => {
            &["未提供近一年经营流水", "未授权查询纳税信息", "财务报表不完整", "经营场所证明材料缺失"]
        }
        RejectReason::CustomerUnreachable => &["多次致电无人接听", "预留联系电话有误", "上门走访未见经营者"],
        RejectReason::CustomerDeclined => &["客户表示暂无资金需求", "客户已选择其他银行", "客户认为利率偏高"],
        RejectReason::Other => &[
            "客户在我行已有存量贷款，建议通过原渠道办理续贷",
            "经营年限不足两年，暂不符合准入要求",
            "需求金额与经营规模不匹配，建议调整后重新发布",
            "需提供担保人，客户暂无法提供",
        ],
    }
}

/// What money is for, by industry section (门类) of the subject's trade.
fn purposes(section: char) -> &'static [&'static str] {
    match section {
        'A' => &[
            "购买种苗、化肥、农药等农资",
            "扩大养殖规模，购买饲料和苗种",
            "支付土地流转租金",
            "购置农机设备",
            "收购农产品，支付货款",
            "建设大棚和灌溉设施",
        ],
        'C' => &["采购原材料", "更新生产设备", "扩建生产线", "支付上游货款及员工工资", "旺季备料生产"],
        'E' => &["支付工程材料款", "垫付工程项目资金", "支付农民工工资", "购置施工机械设备"],
        'F' => &["采购货品备货", "节前备货", "扩大经营规模、增加库存", "支付供应商货款", "门店装修升级"],
        'G' => &["购置货运车辆", "支付运输油费及路桥费", "扩建仓储场地", "更新冷链运输设备"],
        'H' => &["店面装修升级", "采购食材原料", "开设分店", "购置厨房设备"],
        'I' => &["研发投入及人员工资", "采购服务器和软件", "拓展市场推广"],
        _ => &["补充日常经营流动资金", "支付经营场所租金", "购置经营设备", "门店装修", "支付员工工资"],
    }
}

/// Tails some enterprises add to the purpose.
const PURPOSE_TAILS: [&str; 6] = [
    "用于日常生产经营周转",
    "经营情况稳定，以经营收入按期还款",
    "资金需求较急，希望尽快放款",
    "可提供近一年经营流水",
    "已授权查询纳税信息",
    "希望办理纯信用贷款",
];

/// What the generator remembers about a subject that posted.
#[derive(Debug, Clone, Copy)]
struct Borrower {
    /// When its latest demand closed (funded, withdrawn or expired).
    busy_until: DateTime<Utc>,
    /// Whether it had no bank loan before the period (首贷 candidate).
    never_borrowed: bool,
    /// Whether it got a disbursement in the period already.
    funded: bool,
}

/// What the terms of a demand depend on about its poster.
#[derive(Debug, Clone, Copy)]
struct Poster {
    kind: SubjectKind,
    /// GB/T 4754-2017 industry code of its trade.
    industry_code: &'static str,
}

/// The demand stream: options, the registry, the posting clock and what it keeps per subject.
struct Generator<'a> {
    opts: &'a DemandOptions,
    registry: RegistryGenerator<'a>,
    banks: usize,
    calendar: WorkCalendar,
    clock: PostingClock,
    never_borrowed: f64,
    borrowers: HashMap<u64, Borrower>,
    /// Registry rows looked at: the poster of a clean 存续 row, `None` for the others.
    posters: HashMap<u64, Option<Poster>>,
    /// Every clean 存续 row, listed only when random draws fail to find one (a registry that is
    /// almost all defects).
    clean: Option<Vec<u64>>,
    next: u64,
}

impl<'a> Generator<'a> {
    fn new(opts: &'a DemandOptions) -> Option<Self> {
        opts.validate().ok()?;
        let registry = RegistryGenerator::new(&opts.registry).ok()?;
        let calendar = WorkCalendar::china_2026();
        let (from, until) = opts.posting_window()?;
        let clock = PostingClock::new(&calendar, from, until)?;
        Some(Self {
            opts,
            registry,
            banks: opts.banks.clamp(1, DEFAULT_BANKS.len()),
            calendar,
            clock,
            never_borrowed: never_borrowed_share(opts),
            borrowers: HashMap::new(),
            posters: HashMap::new(),
            clean: None,
            next: 0,
        })
    }

    fn demand(&mut self, index: u64) -> Option<GeneratedDemand> {
        let seed = self.opts.registry.seed;
        let mut root = stream_rng(seed, Stream::DemandRow, index);
        let stratum = (index as f64 + root.random::<f64>()) / self.opts.demands as f64;
        let mut pick = StdRng::seed_from_u64(root.random());
        let mut draw = StdRng::seed_from_u64(root.random());
        let mut story = StdRng::seed_from_u64(root.random());

        let posted_at = self.clock.at(stratum);
        let (subject_index, subject) = self.pick_subject(&mut pick, posted_at)?;
        let borrower = match self.borrowers.get(&subject_index) {
            Some(&known) => known,
            None => Borrower {
                busy_until: posted_at,
                never_borrowed: stream_rng(seed, Stream::Borrower, subject_index).random::<f64>() < self.never_borrowed,
                funded: false,
            },
        };
        let terms = Terms::draw(&mut draw, &subject);
        let context = Context {
            posted_at,
            expires_at: posted_at + EXPIRY,
            not_before: (borrower.busy_until > posted_at).then_some(borrower.busy_until),
            first_loan: borrower.never_borrowed && !borrower.funded,
        };
        let history = History::simulate(&mut story, self, &terms, &subject, &context);
        self.borrowers.insert(
            subject_index,
            Borrower {
                busy_until: borrower.busy_until.max(history.closed_at),
                funded: borrower.funded || history.funded,
                ..borrower
            },
        );
        Some(GeneratedDemand {
            subject_index,
            amount: yuan(terms.amount_yuan),
            term_months: terms.term_months,
            purpose: terms.purpose,
            guarantee_types: terms.guarantee_types,
            max_rate: terms.max_rate_bp.map(rate),
            posted_at,
            expires_at: context.expires_at,
            withdrawn_at: history.withdrawn_at,
            responses: history.responses,
        })
    }

    /// A clean 存续 subject, drawn by [`posting_propensity`], preferring one without an open
    /// demand at `posted_at`; `None` when the registry has no clean 存续 row at all.
    fn pick_subject(&mut self, rng: &mut StdRng, posted_at: DateTime<Utc>) -> Option<(u64, Poster)> {
        let rows = self.opts.registry.rows;
        if rows == 0 {
            return None;
        }
        let mut busy = None;
        if self.clean.is_none() {
            for _ in 0..SUBJECT_ATTEMPTS {
                let index = rng.random_range(0..rows);
                let Some(poster) = self.poster(index) else { continue };
                if !rng.random_bool(posting_propensity(poster.kind)) {
                    continue;
                }
                if self.borrowers.get(&index).is_none_or(|b| b.busy_until <= posted_at) {
                    return Some((index, poster));
                }
                busy.get_or_insert((index, poster));
            }
        }
        if busy.is_some() {
            return busy;
        }
        // Random draws found no clean row: list them once and draw from the list.
        if self.clean.is_none() {
            self.clean = Some((0..rows).filter(|&index| self.poster(index).is_some()).collect());
        }
        let clean = self.clean.as_ref()?;
        let index = *clean.get(rng.random_range(0..clean.len().max(1)))?;
        self.poster(index).map(|poster| (index, poster))
    }

    /// The poster of registry row `index` if the row is clean and 存续; remembered, since
    /// regenerating a row costs more than looking it up.
    fn poster(&mut self, index: u64) -> Option<Poster> {
        let registry = &self.registry;
        *self.posters.entry(index).or_insert_with(|| {
            registry
                .row(index)
                .ok()
                .filter(|row| row.defect.is_none() && row.status == RegistryStatus::Active)
                .map(|row| Poster { kind: row.kind, industry_code: row.industry_code })
        })
    }
}

impl Iterator for Generator<'_> {
    type Item = GeneratedDemand;

    fn next(&mut self) -> Option<GeneratedDemand> {
        if self.next >= self.opts.demands {
            return None;
        }
        let index = self.next;
        self.next += 1;
        let demand = self.demand(index);
        if demand.is_none() {
            self.next = self.opts.demands;
        }
        demand
    }
}

/// The registry's mix of subject kinds (as in [`crate::registry`]), for [`never_borrowed_share`].
const REGISTRY_KINDS: [(SubjectKind, f64); 3] =
    [(SubjectKind::IndividualBusiness, 0.70), (SubjectKind::Enterprise, 0.27), (SubjectKind::FarmerCooperative, 0.03)];

/// The share of posting subjects that never borrowed before, chosen so that about
/// [`FIRST_LOAN_SHARE`] of disbursements are first loans however often subjects come back.
/// Subjects of kind `k` get about `λₖ` disbursements each (Poisson, by [`posting_propensity`]),
/// so a share `p` of first-time borrowers gives `p Σₖ nₖ (1 − e^−λₖ)` first loans out of
/// `Σₖ nₖ λₖ` disbursements. At most 1: when subjects come back very often, fewer are first loans.
fn never_borrowed_share(opts: &DemandOptions) -> f64 {
    let registry = &opts.registry;
    let subjects = registry.rows as f64 * (1.0 - registry.error_rate) * ACTIVE_SHARE;
    let loans = opts.demands as f64 * FUNDED_SHARE;
    let propensity: f64 = REGISTRY_KINDS.iter().map(|&(kind, share)| share * posting_propensity(kind)).sum();
    let borrowers: f64 = REGISTRY_KINDS
        .iter()
        .map(|&(kind, share)| {
            let lambda = loans * posting_propensity(kind) / (subjects * propensity).max(1.0);
            subjects * share * (1.0 - (-lambda).exp())
        })
        .sum();
    if borrowers <= 0.0 { FIRST_LOAN_SHARE } else { (FIRST_LOAN_SHARE * loans / borrowers).min(1.0) }
}

/// The terms of a demand.
struct Terms {
    amount_yuan: i64,
    term_months: u16,
    purpose: String,
    guarantee_types: Vec<ProductType>,
    max_rate_bp: Option<i32>,
}

impl Terms {
    fn draw(rng: &mut StdRng, subject: &Poster) -> Self {
        let weights = match subject.kind {
            SubjectKind::IndividualBusiness | SubjectKind::NaturalPerson => &SHOP_AMOUNTS,
            SubjectKind::Enterprise => &ENTERPRISE_AMOUNTS,
            SubjectKind::FarmerCooperative => &COOPERATIVE_AMOUNTS,
        };
        let wan = weighted_index(rng, weights.iter().copied()).and_then(|i| AMOUNTS_WAN.get(i)).copied().unwrap_or(10);
        // A quarter ask for a less round amount near a round one.
        let wan = if rng.random_bool(0.25) {
            ((wan as f64 * rng.random_range(0.7..1.3)).round() as i64).clamp(5, 500)
        } else {
            wan
        };
        let term_months = weighted(rng, &TERMS, |&(_, w)| w).0;

        let section = subject.industry_code.chars().next().unwrap_or('O');
        let phrase = one_of_slice(rng, purposes(section)).unwrap_or("补充日常经营流动资金");
        let purpose = if rng.random_bool(0.5) {
            format!("{phrase}，{}", one_of(rng, &PURPOSE_TAILS))
        } else {
            phrase.to_owned()
        };

        let mut guarantee_types = weighted(rng, &GUARANTEES, |&(_, w)| w).0.to_vec();
        guarantee_types.sort_by_key(|t| ProductType::ALL.iter().position(|a| a == t));
        let max_rate_bp = rng.random_bool(HAS_MAX_RATE).then(|| weighted(rng, &MAX_RATES, |&(_, w)| w).0);
        Self { amount_yuan: wan * 10_000, term_months, purpose, guarantee_types, max_rate_bp }
    }
}

/// The facts about a demand its history depends on.
struct Context {
    posted_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    /// The subject's previous demand closes then: a disbursement must come later, so that the
    /// subject's loans (and its 首贷 flag) follow the order of its demands.
    not_before: Option<DateTime<Utc>>,
    /// Whether a disbursement would be the subject's first bank loan.
    first_loan: bool,
}

/// What a bank means to do with a demand, before competing banks and closings cut it short.
struct Plan {
    bank: usize,
    responded_at: DateTime<Utc>,
    intent: Intent,
}

enum Intent {
    Reject { reason: RejectReason, note: Option<String> },
    Accept(AcceptPlan),
}

struct AcceptPlan {
    grant: Option<(DateTime<Utc>, CreditTerms)>,
    disburse: Option<(DateTime<Utc>, Money)>,
    reject: Option<(DateTime<Utc>, RejectReason)>,
}

struct CreditTerms {
    amount: Money,
    rate: Rate,
    term_months: u16,
    product_type: ProductType,
    tax_based: bool,
}

impl CreditTerms {
    fn outcome(self, granted_at: DateTime<Utc>, disbursed: Option<(DateTime<Utc>, Money, bool)>) -> CreditOutcome {
        CreditOutcome {
            granted_at,
            amount: self.amount,
            rate: self.rate,
            term_months: self.term_months,
            product_type: self.product_type,
            tax_based: self.tax_based,
            disbursed,
        }
    }
}

/// A demand's history.
struct History {
    responses: Vec<GeneratedResponse>,
    withdrawn_at: Option<DateTime<Utc>>,
    /// When the demand closed: disbursed, withdrawn or expired.
    closed_at: DateTime<Utc>,
    funded: bool,
}

/// The disbursement that funds a demand: when it is paid, when its credit was granted, and the
/// index of its bank's plan.
type Funding = (DateTime<Utc>, DateTime<Utc>, usize);

impl History {
    /// What becomes of a demand: the enterprise may withdraw it, banks respond, and the first
    /// disbursement before it closes funds it; responses are cut short where it closed.
    fn simulate(
        rng: &mut StdRng,
        generator: &Generator<'_>,
        terms: &Terms,
        subject: &Poster,
        context: &Context,
    ) -> Self {
        let withdrawn_at = withdrawal(rng, context);
        let open_until = withdrawn_at.unwrap_or(context.expires_at);

        let plans = plan_responses(rng, generator, terms, subject, context);

        // The first disbursement before the demand closes funds it (never a withdrawn demand).
        let winner = if withdrawn_at.is_none() { funding(&plans, open_until, context.not_before) } else { None };
        let closed_at = winner.map_or(open_until, |(at, _, _)| at);

        let mut responses = Vec::with_capacity(plans.len());
        for (i, plan) in plans.into_iter().enumerate() {
            if plan.responded_at >= closed_at {
                continue; // the demand was closed by then
            }
            let outcome = match (plan.intent, winner) {
                (Intent::Reject { reason, note }, _) => ResponseOutcome::Rejected { reason, note },
                (Intent::Accept(accept), Some((_, _, w))) if w == i => accept.funded(context.first_loan),
                (Intent::Accept(accept), Some((funded_at, chosen_at, _))) => {
                    // The enterprise takes the other loan: it declines this bank between
                    // choosing (the other bank's credit) and the disbursement.
                    let from = plan.responded_at.max(chosen_at);
                    let Some(declined_at) = between(rng, from, funded_at) else { continue };
                    accept.declined(declined_at)
                }
                (Intent::Accept(accept), None) => accept.unfunded(closed_at),
            };
            responses.push(GeneratedResponse { bank: plan.bank, responded_at: plan.responded_at, outcome });
        }
        Self { responses, withdrawn_at, closed_at, funded: winner.is_some() }
    }
}

/// When the enterprise withdraws its demand, if it does: mostly early, as it found money
/// elsewhere or changed its plans.
fn withdrawal(rng: &mut StdRng, context: &Context) -> Option<DateTime<Utc>> {
    let (posted, expires) = (context.posted_at, context.expires_at);
    rng.random_bool(WITHDRAWN).then(|| {
        let span = (expires - posted - TimeDelta::hours(3)).num_seconds().max(1) as f64;
        posted + TimeDelta::hours(2) + TimeDelta::seconds((span * rng.random::<f64>().powf(1.5)) as i64)
    })
}

/// The first of the planned disbursements before `open_until` and after `not_before` (when the
/// subject's previous demand closed), if any.
fn funding(plans: &[Plan], open_until: DateTime<Utc>, not_before: Option<DateTime<Utc>>) -> Option<Funding> {
    plans
        .iter()
        .enumerate()
        .filter_map(|(i, plan)| match &plan.intent {
            Intent::Accept(AcceptPlan { grant: Some((granted, _)), disburse: Some((at, _)), .. })
                if *at < open_until && not_before.is_none_or(|nb| *at > nb) =>
            {
                Some((*at, *granted, i))
            }
            _ => None,
        })
        .min()
}

impl AcceptPlan {
    /// The outcome of the acceptance whose disbursement funds the demand.
    fn funded(self, first_loan: bool) -> ResponseOutcome {
        let disbursed = self.disburse.map(|(at, amount)| (at, amount, first_loan));
        let credit = self.grant.map(|(granted, credit)| credit.outcome(granted, disbursed));
        ResponseOutcome::Accepted { credit, rejected_later: None }
    }

    /// The outcome of an acceptance the enterprise declines at `declined_at` for another bank's
    /// loan, unless the bank rejected it before.
    fn declined(self, declined_at: DateTime<Utc>) -> ResponseOutcome {
        let rejected_later = match self.reject {
            Some((at, reason)) if at < declined_at => (at, reason),
            _ => (declined_at, RejectReason::CustomerDeclined),
        };
        ResponseOutcome::Accepted { credit: undrawn(self.grant, declined_at), rejected_later: Some(rejected_later) }
    }

    /// The outcome of an acceptance on a demand that no bank funds, as it stands at `closed_at`.
    fn unfunded(self, closed_at: DateTime<Utc>) -> ResponseOutcome {
        ResponseOutcome::Accepted {
            credit: undrawn(self.grant, closed_at),
            rejected_later: self.reject.filter(|(at, _)| *at < closed_at),
        }
    }
}

/// The credit of `grant` if it was granted before `until`, never disbursed.
fn undrawn(grant: Option<(DateTime<Utc>, CreditTerms)>, until: DateTime<Utc>) -> Option<CreditOutcome> {
    grant.filter(|(granted, _)| *granted < until).map(|(granted, credit)| credit.outcome(granted, None))
}

/// What each responding bank means to do, in order of first response.
fn plan_responses(
    rng: &mut StdRng,
    generator: &Generator<'_>,
    terms: &Terms,
    subject: &Poster,
    context: &Context,
) -> Vec<Plan> {
    let calendar = &generator.calendar;
    let posted = context.posted_at;
    let count = if rng.random_bool(RESPONDED) { weighted(rng, &RESPONDERS, |&(_, w)| w).0 } else { 0 };
    let banks = pick_banks(rng, generator.banks, count);
    let due = calendar.add_working_days(posted, FIRST_RESPONSE_WORKING_DAYS);
    let mut timed: Vec<(DateTime<Utc>, usize)> =
        banks.into_iter().map(|bank| (first_response(rng, calendar, posted, due), bank)).collect();
    timed.sort_unstable();

    let mut plans = Vec::with_capacity(timed.len());
    let mut accepted = 0;
    for (responded_at, bank) in timed {
        let accepts = rng.random_bool(if accepted == 0 { FIRST_ACCEPTS } else { LATER_ACCEPTS });
        let intent = if !accepts {
            let reason = weighted(rng, &FIRST_REJECTIONS, |&(_, w)| w).0;
            Intent::Reject { reason, note: note(rng, reason) }
        } else if accepted < MAX_ACCEPTED {
            accepted += 1;
            Intent::Accept(plan_acceptance(rng, calendar, bank, responded_at, terms, subject))
        } else {
            continue; // the demand is full (已达受理上限): this bank cannot take it
        };
        plans.push(Plan { bank, responded_at, intent });
    }
    plans
}

/// What becomes of an acceptance at `accepted_at` if nothing cuts it short.
fn plan_acceptance(
    rng: &mut StdRng,
    calendar: &WorkCalendar,
    bank: usize,
    accepted_at: DateTime<Utc>,
    terms: &Terms,
    subject: &Poster,
) -> AcceptPlan {
    const DAY: TimeDelta = TimeDelta::days(1);
    if !rng.random_bool(CREDIT) {
        let reject = rng.random_bool(REJECT_UNGRANTED).then(|| {
            let at = bank_action(rng, calendar, accepted_at, DAY * 2, DAY * 20);
            (at, weighted(rng, &LATER_REJECTIONS, |&(_, w)| w).0)
        });
        return AcceptPlan { grant: None, disburse: None, reject };
    }
    let granted_at = bank_action(rng, calendar, accepted_at, DAY, DAY * 15);
    let credit = credit_terms(rng, bank, terms, subject);
    let (disburse, reject) = if rng.random_bool(DISBURSE) {
        let at = bank_action(rng, calendar, granted_at, DAY, DAY * 10);
        let amount = if rng.random_bool(0.8) {
            credit.amount
        } else {
            // Part of the line: rounded down to 1,000 yuan.
            let part = (credit.amount.fen() as f64 * rng.random_range(0.5..0.99)) as i64 / 100_000 * 100_000;
            Money::from_fen(part.max(100_000))
        };
        (Some((at, amount)), None)
    } else {
        let reject = rng.random_bool(DECLINE_UNDRAWN).then(|| {
            let at = bank_action(rng, calendar, granted_at, DAY, DAY * 10);
            (at, RejectReason::CustomerDeclined)
        });
        (None, reject)
    };
    AcceptPlan { grant: Some((granted_at, credit)), disburse, reject }
}

/// A bank's credit offer on a demand: the amount asked or less, the term asked or shorter, a
/// product type the enterprise accepts, and the bank's price for it.
fn credit_terms(rng: &mut StdRng, bank: usize, terms: &Terms, subject: &Poster) -> CreditTerms {
    let amount_yuan = if rng.random_bool(0.55) {
        terms.amount_yuan
    } else {
        let part = (terms.amount_yuan as f64 * rng.random_range(0.4..0.95)) as i64 / 10_000 * 10_000;
        part.max(10_000)
    };
    let shorter = TERMS.iter().map(|&(t, _)| t).filter(|&t| t < terms.term_months).max();
    let term_months = match shorter {
        Some(shorter) if rng.random_bool(0.25) => shorter,
        _ => terms.term_months,
    };
    let product_type = weighted_index(rng, terms.guarantee_types.iter().map(|&t| type_weight(t)))
        .and_then(|i| terms.guarantee_types.get(i))
        .copied()
        .unwrap_or(ProductType::Credit);
    let tax_share = if subject.kind == SubjectKind::FarmerCooperative { COOPERATIVE_TAX_BASED } else { TAX_BASED };
    let tax_based = product_type == ProductType::Credit && rng.random_bool(tax_share);

    let (low, high) = PRICING.get(bank).copied().unwrap_or((RATE_FLOOR, RATE_CEILING));
    let discount = match product_type {
        ProductType::Mortgage | ProductType::Pledge => 60,
        ProductType::Guarantee => 20,
        ProductType::Credit => 0,
    } + if tax_based { 20 } else { 0 };
    let ceiling = terms.max_rate_bp.map_or(RATE_CEILING, |max| (max - 5).min(RATE_CEILING));
    let high = (high - discount).clamp(RATE_FLOOR, ceiling.max(RATE_FLOOR));
    let low = (low - discount).clamp(RATE_FLOOR, high);
    let drawn = low as f64 + (high - low) as f64 * rng.random::<f64>().powf(1.3);
    let rate_bp = ((drawn / 5.0).round() as i32 * 5).clamp(low, high);
    CreditTerms { amount: yuan(amount_yuan), rate: rate(rate_bp), term_months, product_type, tax_based }
}

/// `count` distinct banks of the first `banks`, by [`ACTIVITY`].
fn pick_banks(rng: &mut StdRng, banks: usize, count: usize) -> Vec<usize> {
    let mut left: Vec<usize> = (0..banks).collect();
    let mut picked = Vec::with_capacity(count);
    while picked.len() < count && !left.is_empty() {
        let i = weighted_index(rng, left.iter().map(|&b| ACTIVITY.get(b).copied().unwrap_or(1))).unwrap_or(0);
        picked.push(left.swap_remove(i.min(left.len() - 1)));
    }
    picked
}

/// A bank's first response to a demand posted at `posted` and due at `due`: 1–72 hours later
/// (log-uniform, so mostly the same or next day), or with [`SLA_BREACH`] chance 1 hour to
/// 10 days after `due`.
fn first_response(
    rng: &mut StdRng,
    calendar: &WorkCalendar,
    posted: DateTime<Utc>,
    due: DateTime<Utc>,
) -> DateTime<Utc> {
    if rng.random_bool(SLA_BREACH) {
        return bank_action(rng, calendar, due, TimeDelta::hours(1), TimeDelta::days(10));
    }
    let latest = posted + TimeDelta::hours(72);
    let at = posted + log_uniform(rng, TimeDelta::hours(1), TimeDelta::hours(72));
    let in_office = office_hours(rng, calendar, at);
    if in_office <= latest { in_office } else { at }
}

/// A bank's action `low` to `high` (log-uniform) after `t`, moved into office hours.
fn bank_action(
    rng: &mut StdRng,
    calendar: &WorkCalendar,
    t: DateTime<Utc>,
    low: TimeDelta,
    high: TimeDelta,
) -> DateTime<Utc> {
    let at = t + log_uniform(rng, low, high);
    office_hours(rng, calendar, at)
}

/// Banks act in office hours: a time in the night moves to the next morning (08:30–11:00), and
/// one on a day off usually (80 %) to the next working day's morning. Never earlier than `t`.
fn office_hours(rng: &mut StdRng, calendar: &WorkCalendar, t: DateTime<Utc>) -> DateTime<Utc> {
    let here = local(t);
    let day = if !calendar.is_working_day(here.date()) && rng.random_bool(0.8) {
        calendar.next_working_day(here.date())
    } else if here.hour() >= 20 {
        here.date().succ_opt()
    } else if here.hour() < 8 {
        Some(here.date())
    } else {
        return t;
    };
    let morning = day
        .map(|day| day.and_time(NaiveTime::from_hms_opt(8, 30, 0).unwrap_or(NaiveTime::MIN)))
        .map(|morning| morning + TimeDelta::seconds(rng.random_range(0..9000)))
        .and_then(from_local);
    morning.filter(|&m| m > t).unwrap_or(t)
}

/// A time strictly between `from` and `until` (whole seconds), away from both ends, or `None`
/// when there is no room.
fn between(rng: &mut StdRng, from: DateTime<Utc>, until: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let span = (until - from).num_seconds();
    if span < 2 {
        return None;
    }
    let offset = ((span as f64 * rng.random_range(0.1..0.9)) as i64).clamp(1, span - 1);
    Some(from + TimeDelta::seconds(offset))
}

/// A duration between `low` and `high`, log-uniform (short ones more likely), in whole seconds.
fn log_uniform(rng: &mut StdRng, low: TimeDelta, high: TimeDelta) -> TimeDelta {
    let low = low.num_seconds().max(1) as f64;
    let high = high.num_seconds().max(1) as f64;
    TimeDelta::seconds((low * (high / low).powf(rng.random::<f64>())) as i64)
}

/// A note for a rejection: always for OTHER, sometimes for the other reasons.
fn note(rng: &mut StdRng, reason: RejectReason) -> Option<String> {
    if reason != RejectReason::Other && !rng.random_bool(NOTED) {
        return None;
    }
    one_of_slice(rng, notes(reason)).map(str::to_owned)
}

/// A uniformly chosen item of a slice, `None` if it is empty.
fn one_of_slice<'t>(rng: &mut StdRng, items: &[&'t str]) -> Option<&'t str> {
    (!items.is_empty()).then(|| items[rng.random_range(0..items.len())])
}

/// When demands are posted: a cumulative weight per hour of the posting window, so that the
/// demand in stratum `u` of `[0, 1)` is posted where the cumulative weight reaches `u` of the
/// total. Hours weigh by their place in the working week (Asia/Shanghai) and a rising trend.
struct PostingClock {
    from: DateTime<Utc>,
    seconds: i64,
    cumulative: Vec<f64>,
}

impl PostingClock {
    const SLOT: i64 = 3600;

    fn new(calendar: &WorkCalendar, from: DateTime<Utc>, until: DateTime<Utc>) -> Option<Self> {
        let seconds = (until - from).num_seconds();
        if seconds <= 0 {
            return None;
        }
        let slots = (seconds + Self::SLOT - 1) / Self::SLOT;
        let mut cumulative = Vec::with_capacity(usize::try_from(slots).ok()?);
        let mut total = 0.0;
        for slot in 0..slots {
            let here = local(from + TimeDelta::seconds(slot * Self::SLOT));
            let length = (seconds - slot * Self::SLOT).min(Self::SLOT) as f64 / Self::SLOT as f64;
            // The platform catches on: half again as many demands at the end as at the start.
            let trend = 0.8 + 0.4 * slot as f64 / slots as f64;
            total += hour_weight(calendar.is_working_day(here.date()), here.hour()) * trend * length;
            cumulative.push(total);
        }
        (total > 0.0).then_some(Self { from, seconds, cumulative })
    }

    /// The posting time of stratum position `u` (0 ≤ u < 1), non-decreasing in `u`, in whole
    /// seconds, within the window.
    fn at(&self, u: f64) -> DateTime<Utc> {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let target = u.clamp(0.0, 1.0) * total;
        let last = self.cumulative.len().saturating_sub(1);
        let slot = self.cumulative.partition_point(|&c| c <= target).min(last);
        let before = if slot == 0 { 0.0 } else { self.cumulative.get(slot - 1).copied().unwrap_or(0.0) };
        let weight = self.cumulative.get(slot).copied().unwrap_or(total) - before;
        let start = slot as i64 * Self::SLOT;
        let length = (self.seconds - start).min(Self::SLOT);
        let within = if weight > 0.0 { ((target - before) / weight * length as f64) as i64 } else { 0 };
        self.from + TimeDelta::seconds((start + within.clamp(0, length - 1)).clamp(0, self.seconds - 1))
    }
}

/// Relative posting volume of an hour (local hour of day) on a working day or a day off.
fn hour_weight(working_day: bool, hour: u32) -> f64 {
    if working_day {
        match hour {
            9..=11 | 14..=17 => 10.0,
            12..=13 => 4.0,
            8 | 18..=19 => 3.0,
            20..=22 => 1.5,
            7 => 1.0,
            _ => 0.2,
        }
    } else {
        match hour {
            9..=20 => 1.5,
            7..=8 | 21..=22 => 0.6,
            _ => 0.2,
        }
    }
}

/// The Asia/Shanghai wall-clock time of `t`.
fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc().checked_add_offset(SHANGHAI).unwrap_or(NaiveDateTime::MAX)
}

/// The instant of Asia/Shanghai wall-clock time `local`, if in chrono's range.
fn from_local(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    local.checked_sub_offset(SHANGHAI).map(|utc| utc.and_utc())
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use chrono::{Datelike, NaiveDate};

    use super::*;

    fn options(demands: u64) -> DemandOptions {
        DemandOptions { demands, ..DemandOptions::default() }
    }

    /// A county-sized registry, so that subjects rarely come back.
    fn county(demands: u64) -> DemandOptions {
        DemandOptions { registry: RegistryOptions { rows: 10_000, ..RegistryOptions::default() }, ..options(demands) }
    }

    fn all(opts: &DemandOptions) -> Vec<GeneratedDemand> {
        demands(opts).collect()
    }

    fn credits(demand: &GeneratedDemand) -> impl Iterator<Item = (&GeneratedResponse, &CreditOutcome)> {
        demand.responses.iter().filter_map(|r| match &r.outcome {
            ResponseOutcome::Accepted { credit: Some(credit), .. } => Some((r, credit)),
            _ => None,
        })
    }

    fn disbursements(demand: &GeneratedDemand) -> Vec<(DateTime<Utc>, Money, bool)> {
        credits(demand).filter_map(|(_, c)| c.disbursed).collect()
    }

    fn accepted(demand: &GeneratedDemand) -> usize {
        demand.responses.iter().filter(|r| matches!(r.outcome, ResponseOutcome::Accepted { .. })).count()
    }

    fn utc(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().with_timezone(&Utc)
    }

    fn share(part: usize, whole: usize) -> f64 {
        part as f64 / whole.max(1) as f64
    }

    #[test]
    fn defaults_are_as_documented() {
        let opts = DemandOptions::default();
        assert_eq!(opts.start, utc("2025-11-01T00:00:00+08:00"));
        assert_eq!((opts.demands, opts.banks, opts.months), (1000, 8, 12));
        assert_eq!(opts.registry, RegistryOptions::default());
        assert_eq!(opts.end(), Some(utc("2026-11-01T00:00:00+08:00")));
        assert_eq!(DemandOptions { months: 3, ..opts.clone() }.end(), Some(utc("2026-02-01T00:00:00+08:00")));
        opts.validate().unwrap();
        assert_eq!(all(&opts).len(), 1000);
    }

    #[test]
    fn same_options_give_the_same_demands() {
        let opts = options(2000);
        let first = all(&opts);
        assert_eq!(first.len(), 2000);
        assert_eq!(first, all(&opts));
        let reseeded = DemandOptions { registry: RegistryOptions { seed: 43, ..opts.registry.clone() }, ..opts };
        let other = all(&reseeded);
        assert_ne!(first, other);
        assert_ne!(first[0].posted_at, other[0].posted_at);
    }

    #[test]
    fn posters_are_clean_active_registry_rows() {
        let registry = RegistryOptions { rows: 3000, error_rate: 0.1, ..RegistryOptions::default() };
        let opts = DemandOptions { registry: registry.clone(), ..options(3000) };
        let generator = RegistryGenerator::new(&registry).unwrap();
        let mut kinds: HashMap<SubjectKind, usize> = HashMap::new();
        for demand in demands(&opts) {
            assert!(demand.subject_index < registry.rows);
            let row = generator.row(demand.subject_index).unwrap();
            assert_eq!(row.defect, None, "{}", demand.subject_index);
            assert_eq!(row.status, RegistryStatus::Active, "{}", demand.subject_index);
            *kinds.entry(row.kind).or_default() += 1;
        }
        // Enterprises post about twice as often per subject as individual businesses.
        let enterprises = share(kinds[&SubjectKind::Enterprise], 3000);
        assert!((0.38..=0.52).contains(&enterprises), "{kinds:?}");
    }

    /// Checks one history against every documented invariant.
    fn check_history(demand: &GeneratedDemand, opts: &DemandOptions, end: DateTime<Utc>) {
        let banks = opts.banks.clamp(1, DEFAULT_BANKS.len());
        let at = demand.posted_at;
        assert!(opts.start <= at, "{demand:?}");
        assert_eq!(demand.expires_at, at + TimeDelta::days(30));
        assert!(demand.expires_at < end, "{demand:?}");
        let amount = demand.amount.fen();
        assert!((5_000_000..=500_000_000).contains(&amount), "{amount}");
        assert_eq!(amount % 1_000_000, 0, "whole 万元");
        assert!((6..=36).contains(&demand.term_months));
        assert!((2..=500).contains(&demand.purpose.chars().count()), "{}", demand.purpose);
        assert!(!demand.purpose.is_ascii());
        assert!(!demand.guarantee_types.is_empty());
        assert!(demand.guarantee_types.windows(2).all(|w| w[0] != w[1]));
        // Nothing happens after the demand closes: withdrawn, funded or expired.
        let closes = demand.withdrawn_at.or(disbursements(demand).first().map(|d| d.0)).unwrap_or(demand.expires_at);
        if let Some(withdrawn) = demand.withdrawn_at {
            assert!(at < withdrawn && withdrawn < demand.expires_at, "{demand:?}");
            assert!(disbursements(demand).is_empty(), "withdrawn but funded: {demand:?}");
        }
        let mut seen_banks = HashSet::new();
        let mut previous = at;
        for response in &demand.responses {
            assert!(response.bank < banks, "{response:?}");
            assert!(seen_banks.insert(response.bank), "bank twice: {demand:?}");
            assert!(response.responded_at >= previous, "responses out of order: {demand:?}");
            previous = response.responded_at;
            let responded = response.responded_at;
            assert!(at < responded && responded < closes, "{demand:?}");
            match &response.outcome {
                ResponseOutcome::Rejected { reason, note } => {
                    if *reason == RejectReason::Other {
                        assert!(note.is_some(), "OTHER needs a note");
                    }
                    assert!(note.as_ref().is_none_or(|n| (1..=500).contains(&n.chars().count())));
                }
                ResponseOutcome::Accepted { credit, rejected_later } => {
                    let mut last = responded;
                    if let Some(credit) = credit {
                        assert!(responded < credit.granted_at && credit.granted_at < closes, "{demand:?}");
                        last = credit.granted_at;
                        assert!(credit.amount.is_positive() && credit.amount <= demand.amount, "{credit:?}");
                        assert!((RATE_FLOOR..=RATE_CEILING).contains(&credit.rate.bp()), "{credit:?}");
                        assert!(demand.max_rate.is_none_or(|max| credit.rate < max), "{demand:?}");
                        assert!((6..=demand.term_months).contains(&credit.term_months), "{demand:?}");
                        assert!(demand.guarantee_types.contains(&credit.product_type), "{demand:?}");
                        assert!(!credit.tax_based || credit.product_type == ProductType::Credit);
                        if let Some((disbursed_at, disbursed, _)) = credit.disbursed {
                            assert!(credit.granted_at < disbursed_at && disbursed_at < demand.expires_at);
                            assert!(disbursed.is_positive() && disbursed <= credit.amount, "{credit:?}");
                            assert!(rejected_later.is_none(), "disbursed and rejected: {demand:?}");
                        }
                    }
                    if let Some((rejected_at, reason)) = rejected_later {
                        assert!(last < *rejected_at && *rejected_at < closes, "{demand:?}");
                        assert_ne!(*reason, RejectReason::Other, "a later rejection has no note");
                    }
                }
            }
        }
    }

    #[test]
    fn histories_are_strictly_ordered_and_consistent() {
        for opts in [options(5000), DemandOptions { banks: 3, months: 4, ..county(3000) }] {
            let end = opts.end().unwrap();
            for demand in demands(&opts) {
                check_history(&demand, &opts, end);
            }
        }
    }

    #[test]
    fn at_most_three_banks_accept_and_one_funds() {
        for opts in
            [options(5000), DemandOptions { banks: 2, ..options(1000) }, DemandOptions { banks: 0, ..options(300) }]
        {
            let banks = opts.banks.clamp(1, 8);
            let mut used = HashSet::new();
            for demand in demands(&opts) {
                assert!(accepted(&demand) <= MAX_ACCEPTED, "{demand:?}");
                assert!(disbursements(&demand).len() <= 1, "{demand:?}");
                let banks_here: HashSet<usize> = demand.responses.iter().map(|r| r.bank).collect();
                assert_eq!(banks_here.len(), demand.responses.len(), "{demand:?}");
                assert!(banks_here.iter().all(|&b| b < banks));
                used.extend(banks_here);
                // Once funded, every other bank still holding the demand was declined.
                if let Some(funded_at) = disbursements(&demand).first().map(|d| d.0) {
                    for response in &demand.responses {
                        if let ResponseOutcome::Accepted { credit, rejected_later } = &response.outcome
                            && credit.as_ref().is_none_or(|c| c.disbursed.is_none())
                        {
                            let (at, _) = rejected_later.expect("the others end rejected");
                            assert!(at < funded_at, "{demand:?}");
                        }
                    }
                }
            }
            assert_eq!(used.len(), banks, "every bank responds sometimes");
        }
    }

    #[test]
    fn first_loans_are_each_subjects_first_disbursement() {
        // Dense: subjects post several demands each, some while an earlier one is still open.
        let dense =
            DemandOptions { registry: RegistryOptions { rows: 500, ..RegistryOptions::default() }, ..options(8000) };
        for opts in [options(5000), dense] {
            let mut loans: HashMap<u64, Vec<(DateTime<Utc>, bool)>> = HashMap::new();
            let mut first_loans = 0;
            for demand in demands(&opts) {
                for (at, _, first) in disbursements(&demand) {
                    let subject = loans.entry(demand.subject_index).or_default();
                    // A subject's loans come in the order of its demands.
                    assert!(subject.last().is_none_or(|&(before, _)| before < at), "{demand:?}");
                    subject.push((at, first));
                    first_loans += usize::from(first);
                }
            }
            for (subject, loans) in &loans {
                assert!(loans.iter().skip(1).all(|&(_, first)| !first), "subject {subject}: {loans:?}");
            }
            assert!(first_loans > 0);
        }
    }

    #[test]
    fn proportions_match_the_documentation() {
        let opts = county(5000);
        let generated = all(&opts);
        let n = generated.len();
        assert_eq!(n, 5000);
        let calendar = WorkCalendar::china_2026();
        let near = |actual: f64, expected: f64, tolerance: f64| (actual - expected).abs() <= tolerance;

        let responded = generated.iter().filter(|d| !d.responses.is_empty()).count();
        assert!(near(share(responded, n), 0.85, 0.03), "responded {responded}");

        let responses: Vec<(&GeneratedDemand, &GeneratedResponse)> =
            generated.iter().flat_map(|d| d.responses.iter().map(move |r| (d, r))).collect();
        let due = |d: &GeneratedDemand| calendar.add_working_days(d.posted_at, FIRST_RESPONSE_WORKING_DAYS);
        let breaches = responses.iter().filter(|(d, r)| r.responded_at > due(d)).count();
        assert!(near(share(breaches, responses.len()), 0.10, 0.025), "breaches {breaches}/{}", responses.len());
        let within_72h = responses.iter().filter(|(d, r)| r.responded_at - d.posted_at <= TimeDelta::hours(72)).count();
        assert!(share(within_72h, responses.len()) >= 0.85, "{within_72h}");
        let mut hours: Vec<i64> = generated
            .iter()
            .filter_map(|d| d.responses.first().map(|r| (r.responded_at - d.posted_at).num_hours()))
            .collect();
        hours.sort_unstable();
        let median = hours[hours.len() / 2];
        assert!((6..=24).contains(&median), "median response hours {median}");

        let accepted_total: usize = generated.iter().map(accepted).sum();
        let credits_total = generated.iter().map(|d| credits(d).count()).sum::<usize>();
        assert!(near(share(credits_total, accepted_total), 0.70, 0.04), "{credits_total}/{accepted_total}");
        let all_credits: Vec<&CreditOutcome> = generated.iter().flat_map(|d| credits(d).map(|(_, c)| c)).collect();
        let loans: Vec<(DateTime<Utc>, Money, bool)> = generated.iter().flat_map(disbursements).collect();
        assert!(near(share(loans.len(), credits_total), 0.85, 0.04), "{}/{credits_total}", loans.len());
        let first = loans.iter().filter(|l| l.2).count();
        assert!(near(share(first, loans.len()), 0.35, 0.04), "first loans {first}/{}", loans.len());
        let on_credit = all_credits.iter().filter(|c| c.product_type == ProductType::Credit).count();
        assert!(near(share(on_credit, credits_total), 0.60, 0.04), "{on_credit}");
        let tax_based = all_credits.iter().filter(|c| c.tax_based).count();
        assert!(near(share(tax_based, credits_total), 0.25, 0.04), "{tax_based}");
        let days = |from: DateTime<Utc>, to: DateTime<Utc>| (to - from).num_hours() as f64 / 24.0;
        let granted_in_time = generated
            .iter()
            .flat_map(|d| credits(d).map(|(r, c)| days(r.responded_at, c.granted_at)))
            .filter(|d| (1.0..=16.0).contains(d))
            .count();
        assert!(share(granted_in_time, credits_total) >= 0.97, "{granted_in_time}");
        let disbursed_in_time = all_credits
            .iter()
            .filter_map(|c| c.disbursed.map(|d| days(c.granted_at, d.0)))
            .filter(|d| (1.0..=11.0).contains(d))
            .count();
        assert!(share(disbursed_in_time, loans.len()) >= 0.97, "{disbursed_in_time}");

        let withdrawn = generated.iter().filter(|d| d.withdrawn_at.is_some()).count();
        assert!(near(share(withdrawn, n), 0.05, 0.015), "{withdrawn}");

        let rates: Vec<i32> = all_credits.iter().map(|c| c.rate.bp()).collect();
        assert!(rates.iter().any(|&r| r < 360) && rates.iter().any(|&r| r > 700), "rates span the range");
        let capped = generated.iter().filter(|d| d.max_rate.is_some()).count();
        assert!(near(share(capped, n), 0.55, 0.03), "{capped}");
    }

    #[test]
    fn amounts_are_skewed_small_and_smaller_for_shops() {
        let opts = county(5000);
        let generator = RegistryGenerator::new(&opts.registry).unwrap();
        let mut by_kind: HashMap<SubjectKind, Vec<i64>> = HashMap::new();
        let mut terms: HashMap<u16, usize> = HashMap::new();
        for demand in demands(&opts) {
            let kind = generator.row(demand.subject_index).unwrap().kind;
            by_kind.entry(kind).or_default().push(demand.amount.fen() / 100);
            *terms.entry(demand.term_months).or_default() += 1;
        }
        let mut median = |kind| {
            let amounts = by_kind.get_mut(&kind).unwrap();
            amounts.sort_unstable();
            amounts[amounts.len() / 2]
        };
        let (shops, enterprises) = (median(SubjectKind::IndividualBusiness), median(SubjectKind::Enterprise));
        assert!((100_000..=300_000).contains(&shops), "{shops}");
        assert!((500_000..=1_000_000).contains(&enterprises), "{enterprises}");
        let all: Vec<i64> = by_kind.values().flatten().copied().collect();
        let small = all.iter().filter(|&&a| a <= 1_000_000).count();
        assert!(share(small, all.len()) > 0.75, "{small}");
        assert!(all.contains(&5_000_000) && all.contains(&50_000));
        assert_eq!(terms.values().sum::<usize>(), 5000);
        assert!(share(terms[&12], 5000) > 0.4, "{terms:?}");
    }

    #[test]
    fn demands_are_posted_in_order_in_working_hours() {
        let opts = options(5000);
        let generated = all(&opts);
        assert!(generated.windows(2).all(|w| w[0].posted_at <= w[1].posted_at), "posted in order");
        let calendar = WorkCalendar::china_2026();
        let office = generated
            .iter()
            .map(|d| local(d.posted_at))
            .filter(|t| calendar.is_working_day(t.date()) && (9..18).contains(&t.hour()))
            .count();
        assert!((0.70..=0.82).contains(&share(office, 5000)), "{office}");
        let days_off = generated.iter().filter(|d| !calendar.is_working_day(local(d.posted_at).date())).count();
        assert!(share(days_off, 5000) < 0.10, "{days_off}");
        // Every month but the last has demands, growing over the year; none during 春节 is busy.
        let mut months: HashMap<(i32, u32), usize> = HashMap::new();
        for demand in &generated {
            let day = local(demand.posted_at).date();
            *months.entry((day.year(), day.month())).or_default() += 1;
        }
        assert!((1..=10).all(|m| months.contains_key(&(if m <= 2 { 2025 } else { 2026 }, (m + 9) % 12 + 1))));
        assert!(months[&(2026, 9)] > months[&(2025, 11)], "{months:?}");
        let spring_festival = generated
            .iter()
            .filter(|d| {
                let day = local(d.posted_at).date();
                (NaiveDate::from_ymd_opt(2026, 2, 15).unwrap()..=NaiveDate::from_ymd_opt(2026, 2, 23).unwrap())
                    .contains(&day)
            })
            .count();
        assert!(spring_festival < 5000 / 100, "{spring_festival}");
    }

    #[test]
    fn unusable_options_yield_nothing() {
        let refused = |opts: DemandOptions| {
            let error = opts.validate().is_err();
            assert_eq!(demands(&opts).count(), 0, "{opts:?}");
            error
        };
        assert!(refused(DemandOptions { months: 1, ..options(10) }));
        assert!(refused(DemandOptions { months: 0, ..options(10) }));
        assert!(refused(DemandOptions { months: MAX_MONTHS + 1, ..options(10) }));
        assert!(refused(DemandOptions { start: DateTime::<Utc>::MAX_UTC, ..options(10) }));
        let bad_registry = RegistryOptions { error_rate: 2.0, ..RegistryOptions::default() };
        assert!(refused(DemandOptions { registry: bad_registry, ..options(10) }));
        // Valid options without a clean 存续 subject to post.
        let all_bad = RegistryOptions { error_rate: 1.0, ..RegistryOptions::default() };
        assert!(!refused(DemandOptions { registry: all_bad, ..options(10) }));
        let empty = RegistryOptions { rows: 0, ..RegistryOptions::default() };
        assert!(!refused(DemandOptions { registry: empty, ..options(10) }));
        assert!(!refused(options(0)));
        // Two months leave a few days to post.
        let short = DemandOptions { months: 2, ..options(50) };
        let end = short.end().unwrap();
        assert!(demands(&short).all(|d| d.expires_at < end));
        assert_eq!(demands(&short).count(), 50);
    }

    #[test]
    fn a_registry_of_mostly_bad_rows_still_finds_its_clean_subjects() {
        let registry = RegistryOptions { rows: 400, error_rate: 0.99, ..RegistryOptions::default() };
        let generator = RegistryGenerator::new(&registry).unwrap();
        let clean: HashSet<u64> = (0..400)
            .filter(|&i| generator.row(i).is_ok_and(|r| r.defect.is_none() && r.status == RegistryStatus::Active))
            .collect();
        let opts = DemandOptions { registry, ..options(100) };
        let generated = all(&opts);
        if clean.is_empty() {
            assert!(generated.is_empty());
        } else {
            assert_eq!(generated.len(), 100);
            assert!(generated.iter().all(|d| clean.contains(&d.subject_index)));
        }
        let end = opts.end().unwrap();
        generated.iter().for_each(|d| check_history(d, &opts, end));
    }

    #[test]
    fn tables_are_consistent() {
        assert!(ACTIVITY.len() == DEFAULT_BANKS.len() && PRICING.len() == DEFAULT_BANKS.len());
        assert!(PRICING.iter().all(|&(low, high)| RATE_FLOOR <= low && low < high && high <= RATE_CEILING));
        assert!(MAX_RATES.iter().all(|&(max, _)| max - 5 >= RATE_FLOOR));
        assert!(TERMS.iter().all(|&(t, _)| (6..=36).contains(&t)));
        for weights in [SHOP_AMOUNTS, ENTERPRISE_AMOUNTS, COOPERATIVE_AMOUNTS] {
            assert!(weights.iter().sum::<u32>() > 0);
        }
        let with_credit: u32 =
            GUARANTEES.iter().filter(|(types, _)| types.contains(&ProductType::Credit)).map(|&(_, w)| w).sum();
        assert_eq!(with_credit, 78);
        assert!(GUARANTEES.iter().all(|(types, _)| !types.is_empty()));
        for reason in RejectReason::ALL {
            assert!(!notes(*reason).is_empty());
        }
        for section in "ACEFGHIKLO".chars() {
            assert!(!purposes(section).is_empty());
        }
        assert!(REGISTRY_KINDS.iter().map(|&(_, s)| s).sum::<f64>() > 0.999);
    }
}
