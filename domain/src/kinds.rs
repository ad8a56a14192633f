//! Closed vocabularies shared by the whole platform, named exactly like the GraphQL enums.

use xyd_reasons::Reason;

use crate::DomainError;

/// Declares a fieldless enum whose variants each have an UPPER_SNAKE name (the GraphQL
/// and serde spelling) and a Chinese label, with `ALL`, `as_str`, `label_zh`, `parse`,
/// `parse_field`, `Display` and `FromStr`. Parsing accepts either the name or the label.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident in $noun:literal (field $field:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal / $label:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "sea-orm", derive(sea_orm::DeriveValueType), sea_orm(value_type = "String"))]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &[Self] = &[$(Self::$variant),+];

            /// The UPPER_SNAKE name used in GraphQL, serde and storage.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The Simplified Chinese label shown to people.
            pub const fn label_zh(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }

            /// Parses the UPPER_SNAKE name or the Chinese label (surrounding whitespace ignored),
            /// reporting errors against the default field name.
            pub fn parse(input: &str) -> Result<Self, DomainError> {
                Self::parse_field(input, $field)
            }

            /// Like [`Self::parse`], reporting errors against `field`.
            pub fn parse_field(input: &str, field: &'static str) -> Result<Self, DomainError> {
                let input = input.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == input || v.label_zh() == input)
                    .ok_or_else(|| invalid_name(field, $noun, input, Self::ALL.iter().map(|v| v.as_str())))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

fn invalid_name<'a>(
    field: &'static str,
    noun: &'static str,
    input: &str,
    names: impl Iterator<Item = &'a str>,
) -> DomainError {
    let allowed: Vec<&str> = names.collect();
    DomainError::invalid(field, Reason::InvalidEnum { input: input.to_string(), noun, allowed: allowed.join("、") })
}

vocabulary! {
    /// 市场主体类型 (market subject kind).
    #[derive(PartialOrd, Ord)]
    pub enum SubjectKind in "主体类型" (field "kind") {
        /// 企业 (enterprise).
        Enterprise = "ENTERPRISE" / "企业",
        /// 个体工商户 (individual business).
        IndividualBusiness = "INDIVIDUAL_BUSINESS" / "个体工商户",
        /// 农民专业合作社 (farmer cooperative).
        FarmerCooperative = "FARMER_COOPERATIVE" / "农民专业合作社",
        /// 自然人 (natural person): identified by 居民身份证号码, with no USCC.
        NaturalPerson = "NATURAL_PERSON" / "自然人",
    }
}

impl SubjectKind {
    /// Whether subjects of this kind are market subjects with a USCC (all but natural persons). A USCC never
    /// names a natural person, so a registry row or registration of that kind with a code is a kind mismatch.
    pub const fn has_uscc(self) -> bool {
        !matches!(self, Self::NaturalPerson)
    }

    /// Whether subjects of this kind have income tax (个人所得税) on the platform: a natural person their own,
    /// an individual business the 经营所得 its owner's rows declare under its USCC.
    pub const fn has_income_tax(self) -> bool {
        matches!(self, Self::NaturalPerson | Self::IndividualBusiness)
    }
}

vocabulary! {
    /// 用户角色 (user role).
    #[derive(PartialOrd, Ord)]
    pub enum Role in "用户角色" (field "role") {
        /// 企业用户: acts for one market subject.
        Enterprise = "ENTERPRISE" / "企业用户",
        /// 银行 (金融机构) staff.
        Bank = "BANK" / "金融机构",
        /// 主管部门 staff (发改局、金融工作局、税务局、人民银行) with a jurisdiction.
        Bureau = "BUREAU" / "主管部门",
        /// 平台管理员 (platform operator).
        Admin = "ADMIN" / "平台管理员",
    }
}

vocabulary! {
    /// 机构类型 (institution kind).
    #[derive(PartialOrd, Ord)]
    pub enum InstitutionKind in "机构类型" (field "kind") {
        /// 金融机构 (bank).
        Bank = "BANK" / "金融机构",
        /// 主管部门 (government bureau).
        Bureau = "BUREAU" / "主管部门",
    }
}

vocabulary! {
    /// 登记状态 (registry status) of a subject in the local register.
    #[derive(PartialOrd, Ord)]
    pub enum RegistryStatus in "登记状态" (field "status") {
        /// 存续: registered and operating.
        Active = "ACTIVE" / "存续",
        /// 注销: deregistered.
        Cancelled = "CANCELLED" / "注销",
        /// 吊销: business licence revoked.
        Revoked = "REVOKED" / "吊销",
    }
}

vocabulary! {
    /// 实名认证状态 (real-name verification status) of a registered subject.
    pub enum VerificationStatus in "实名认证状态" (field "verificationStatus") {
        /// 待审核: waiting in the review queue.
        Pending = "PENDING" / "待审核",
        /// 已认证: verified, automatically against the registry or by a reviewer.
        Verified = "VERIFIED" / "已认证",
        /// 未通过: rejected by a reviewer, with a reason; the enterprise may correct its data and resubmit.
        Rejected = "REJECTED" / "未通过",
        /// 已关闭: another registration of the same code was verified; this one can no longer act for it.
        Closed = "CLOSED" / "已关闭",
    }
}

vocabulary! {
    /// 信用信息状态 (status of a credit record).
    pub enum RecordStatus in "信用信息状态" (field "status") {
        /// 有效.
        Active = "ACTIVE" / "有效",
        /// 异议处理中: an objection is open; its punitive effect is suspended while it is checked.
        Disputed = "DISPUTED" / "异议处理中",
        /// 已信用修复: no punitive effect, kept in history, hidden from public views.
        Repaired = "REPAIRED" / "已修复",
        /// 已撤销: corrected after an objection.
        Revoked = "REVOKED" / "已撤销",
    }
}

vocabulary! {
    /// 异议处理结果 (outcome of an objection).
    pub enum ObjectionOutcome in "异议处理结果" (field "outcome") {
        /// 更正: the record was wrong and is revoked.
        Corrected = "CORRECTED" / "更正",
        /// 维持: the record stands.
        Upheld = "UPHELD" / "维持",
    }
}

vocabulary! {
    /// 信用信息类别 (credit data category). The first eight are 公示 (public); the rest are
    /// readable by banks only under 授权 (consent).
    #[derive(PartialOrd, Ord)]
    pub enum DataCategory in "信用信息类别" (field "category") {
        /// 登记注册信息.
        Registration = "REGISTRATION" / "登记注册",
        /// 行政许可.
        AdminLicensing = "ADMIN_LICENSING" / "行政许可",
        /// 行政处罚.
        AdminPenalty = "ADMIN_PENALTY" / "行政处罚",
        /// 经营异常名录.
        AbnormalOperation = "ABNORMAL_OPERATION" / "经营异常名录",
        /// 严重失信主体名单.
        SeriousDishonesty = "SERIOUS_DISHONESTY" / "严重失信主体名单",
        /// 司法信息 (失信被执行人、裁判文书).
        Judicial = "JUDICIAL" / "司法信息",
        /// 诚信荣誉 (红名单).
        Honor = "HONOR" / "诚信荣誉",
        /// 信用承诺.
        Commitment = "COMMITMENT" / "信用承诺",
        /// 纳税信息 (纳税信用等级、纳税额、增值税销售额).
        Tax = "TAX" / "纳税信息",
        /// 个人所得税 (经营所得 / 综合所得 summaries of a natural person).
        IncomeTax = "INCOME_TAX" / "个人所得税",
        /// 社会保险缴纳.
        SocialInsurance = "SOCIAL_INSURANCE" / "社会保险",
        /// 住房公积金缴存.
        HousingFund = "HOUSING_FUND" / "住房公积金",
        /// 水电气等公用事业缴费.
        Utilities = "UTILITIES" / "水电气缴费",
        /// 不动产登记.
        RealEstate = "REAL_ESTATE" / "不动产",
    }
}

impl DataCategory {
    /// 公示信息: readable by banks without consent (each read is still logged).
    pub const fn is_public(self) -> bool {
        matches!(
            self,
            Self::Registration
                | Self::AdminLicensing
                | Self::AdminPenalty
                | Self::AbnormalOperation
                | Self::SeriousDishonesty
                | Self::Judicial
                | Self::Honor
                | Self::Commitment
        )
    }

    /// 授权信息: readable by a bank only under an active consent covering it.
    pub const fn is_authorized(self) -> bool {
        !self.is_public()
    }
}

vocabulary! {
    /// 纳税信用等级 (tax credit grade) of a tax year, best to worst A > B > M > C > D, or 未参评 (not rated: no
    /// grade that year, as most individual businesses since 2025-07-01), which is off that scale. Deliberately
    /// not `Ord`: compare with [`TaxGrade::rank`] or [`TaxGrade::meets`].
    pub enum TaxGrade in "纳税信用等级" (field "taxGrade") {
        /// A级.
        A = "A" / "A级",
        /// B级.
        B = "B" / "B级",
        /// M级 (new or small-scale taxpayers without a full year's record).
        M = "M" / "M级",
        /// C级.
        C = "C" / "C级",
        /// D级.
        D = "D" / "D级",
        /// 未参评: not rated that year (an individual business that did not apply); distinct from M and from D.
        NotRated = "NOT_RATED" / "未参评",
    }
}

impl TaxGrade {
    /// Position on the quality scale: higher is better (A = 5 … D = 1); not rated is off it (0).
    pub const fn rank(self) -> u8 {
        match self {
            Self::A => 5,
            Self::B => 4,
            Self::M => 3,
            Self::C => 2,
            Self::D => 1,
            Self::NotRated => 0,
        }
    }

    /// Whether this grade reaches the minimum `min` (e.g. minimum B is met by A and B). Not rated reaches no
    /// minimum: a product that serves the unrated says so apart (`ProductSpec::accepts_not_rated`).
    pub const fn meets(self, min: TaxGrade) -> bool {
        !matches!(self, Self::NotRated) && self.rank() >= min.rank()
    }
}

vocabulary! {
    /// 产品类型 (loan product type) by what secures the loan.
    #[derive(PartialOrd, Ord)]
    pub enum ProductType in "产品类型" (field "productType") {
        /// 纯信用贷款: no collateral.
        Credit = "CREDIT" / "信用贷款",
        /// 抵押贷款.
        Mortgage = "MORTGAGE" / "抵押贷款",
        /// 质押贷款.
        Pledge = "PLEDGE" / "质押贷款",
        /// 保证/担保贷款.
        Guarantee = "GUARANTEE" / "担保贷款",
    }
}

vocabulary! {
    /// 查询用途 (access purpose) stated in a consent and in every access-log row.
    #[derive(PartialOrd, Ord)]
    pub enum AccessPurpose in "查询用途" (field "purpose") {
        /// 贷前审查 (pre-loan review of an application).
        LoanApplication = "LOAN_APPLICATION" / "贷前审查",
        /// 贷后管理 (post-loan monitoring).
        PostLoan = "POST_LOAN" / "贷后管理",
    }
}

vocabulary! {
    /// 融资需求状态 (financing demand status). OPEN, IN_PROGRESS and CREDIT_GRANTED are open;
    /// the other four are final.
    pub enum DemandStatus in "融资需求状态" (field "status") {
        /// 待受理: posted, no bank holds it.
        Open = "OPEN" / "待受理",
        /// 受理中: at least one bank accepted it.
        InProgress = "IN_PROGRESS" / "受理中",
        /// 已授信: a bank granted credit.
        CreditGranted = "CREDIT_GRANTED" / "已授信",
        /// 已放款: a bank disbursed the loan (closed).
        Funded = "FUNDED" / "已放款",
        /// 已撤回: withdrawn by the enterprise.
        Withdrawn = "WITHDRAWN" / "已撤回",
        /// 已过期: expired without a loan.
        Expired = "EXPIRED" / "已过期",
        /// 未获贷: expired after every responding bank rejected it.
        Unfunded = "UNFUNDED" / "未获贷",
    }
}

vocabulary! {
    /// 银行响应状态 (status of one bank's response to a financing demand).
    pub enum ResponseStatus in "银行响应状态" (field "status") {
        /// 已受理.
        Accepted = "ACCEPTED" / "已受理",
        /// 已授信.
        CreditGranted = "CREDIT_GRANTED" / "已授信",
        /// 已放款 (final).
        Disbursed = "DISBURSED" / "已放款",
        /// 已拒绝 (final), with a [`RejectReason`].
        Rejected = "REJECTED" / "已拒绝",
        /// 已终止 (final): the demand closed (withdrawn, expired, unfunded, or funded by another bank) while
        /// this bank still held it. Not an SLA breach.
        Superseded = "SUPERSEDED" / "已终止",
    }
}

vocabulary! {
    /// 拒绝原因 (why a bank rejected a financing demand), shown to the enterprise.
    pub enum RejectReason in "拒绝原因" (field "reason") {
        /// 信用状况不足.
        InsufficientCredit = "INSUFFICIENT_CREDIT" / "信用状况不足",
        /// 还款能力不足.
        InsufficientRepaymentCapacity = "INSUFFICIENT_REPAYMENT_CAPACITY" / "还款能力不足",
        /// 不符合产品准入范围.
        OutsideProductScope = "OUTSIDE_PRODUCT_SCOPE" / "不符合产品准入范围",
        /// 资料不完整.
        IncompleteInformation = "INCOMPLETE_INFORMATION" / "资料不完整",
        /// 无法联系客户.
        CustomerUnreachable = "CUSTOMER_UNREACHABLE" / "无法联系客户",
        /// 客户放弃.
        CustomerDeclined = "CUSTOMER_DECLINED" / "客户放弃",
        /// 其他 (explained in the note).
        Other = "OTHER" / "其他",
    }
}

vocabulary! {
    /// 指标分组维度 (how an indicator report is broken down).
    pub enum IndicatorDimension in "分组维度" (field "groupBy") {
        /// 下一级行政区划.
        Region = "REGION" / "地区",
        /// 银行.
        Bank = "BANK" / "银行",
        /// 行业门类.
        Industry = "INDUSTRY" / "行业门类",
        /// 月份 (Asia/Shanghai).
        Month = "MONTH" / "月份",
    }
}

vocabulary! {
    /// 导入数据种类 (what an import job loads).
    pub enum ImportKind in "导入种类" (field "kind") {
        /// 登记信息 (the business registry).
        Registry = "REGISTRY" / "登记信息",
        /// 公共信用信息 (public credit records).
        Credit = "CREDIT" / "公共信用信息",
        /// 纳税信用等级 (tax credit grades).
        Tax = "TAX" / "纳税信用等级",
        /// 个人所得税 (natural persons' income-tax summaries, under their authorization).
        IncomeTax = "INCOME_TAX" / "个人所得税",
        /// 贷款历史 (loans the local credit platform collected, per loan, for an honest 首贷).
        LoanHistory = "LOAN_HISTORY" / "贷款历史",
    }
}

vocabulary! {
    /// 个人所得税所得类型 (the kind of income a summary covers).
    pub enum IncomeKind in "所得类型" (field "kind") {
        /// 经营所得 (business income, e.g. an individual business's owner).
        Business = "BUSINESS" / "经营所得",
        /// 综合所得 (wages, remuneration, royalties).
        Comprehensive = "COMPREHENSIVE" / "综合所得",
    }
}

vocabulary! {
    /// 导入任务状态 (import job status).
    pub enum ImportStatus in "导入任务状态" (field "status") {
        /// 进行中.
        Running = "RUNNING" / "进行中",
        /// 已完成 (rows may still have been rejected one by one).
        Completed = "COMPLETED" / "已完成",
        /// 失败: the file as a whole could not be read; nothing was kept.
        Failed = "FAILED" / "失败",
    }
}

vocabulary! {
    /// 实名认证方式 (how a registration was verified).
    pub enum VerificationMethod in "认证方式" (field "verificationMethod") {
        /// 与登记信息自动比对一致.
        RegistryMatch = "REGISTRY_MATCH" / "登记信息比对",
        /// 主管部门人工审核 (for a person: seen at the 政务服务 window of their county).
        Manual = "MANUAL" / "人工审核",
        /// 银行自行核验身份后确认 (a bank's own KYC, logged as that bank's act).
        BankAttested = "BANK_ATTESTED" / "银行核验",
    }
}

vocabulary! {
    /// 信用信息变更动作 (what changed a credit record's status, in its audit trail).
    pub enum RecordAction in "变更动作" (field "action") {
        /// 提出异议.
        ObjectionFiled = "OBJECTION_FILED" / "提出异议",
        /// 异议成立，信息已更正.
        ObjectionCorrected = "OBJECTION_CORRECTED" / "异议成立",
        /// 异议不成立，信息维持.
        ObjectionUpheld = "OBJECTION_UPHELD" / "异议不成立",
        /// 信用修复.
        Repaired = "REPAIRED" / "信用修复",
    }
}

vocabulary! {
    /// 还款方式 (how a loan is repaid).
    pub enum RepaymentMethod in "还款方式" (field "repaymentMethod") {
        /// 等额本息: the same payment every month.
        EqualInstallment = "EQUAL_INSTALLMENT" / "等额本息",
        /// 等额本金: the same principal every month, interest on the balance.
        EqualPrincipal = "EQUAL_PRINCIPAL" / "等额本金",
        /// 先息后本: interest monthly, the principal at maturity.
        InterestFirst = "INTEREST_FIRST" / "先息后本",
    }
}

vocabulary! {
    /// 费用类别 (a fee charged with a loan besides its interest).
    pub enum FeeKind in "费用类别" (field "kind") {
        /// 担保费.
        Guarantee = "GUARANTEE" / "担保费",
        /// 服务费.
        Service = "SERVICE" / "服务费",
        /// 保险费.
        Insurance = "INSURANCE" / "保险费",
        /// 评估费.
        Assessment = "ASSESSMENT" / "评估费",
        /// 其他费用.
        Other = "OTHER" / "其他费用",
    }
}

vocabulary! {
    /// 收取方式 (when a fee is charged).
    pub enum FeeTiming in "收取方式" (field "timing") {
        /// Deducted from the amount at disbursement.
        Upfront = "UPFRONT" / "放款时扣收",
        /// Due at the start of each loan year.
        Annual = "ANNUAL" / "每年收取",
    }
}

vocabulary! {
    /// 站内消息类别 (what a notification is about).
    pub enum NotificationKind in "消息类别" (field "kind") {
        /// To the enterprise: a bank accepted its demand.
        DemandAccepted = "DEMAND_ACCEPTED" / "银行已受理",
        /// To the enterprise: a bank declined its demand (with the reason).
        DemandRejected = "DEMAND_REJECTED" / "银行未受理",
        /// To the enterprise: a bank granted credit.
        CreditGranted = "CREDIT_GRANTED" / "银行已授信",
        /// To the enterprise: the lending bank decided a renewal or extension.
        RenewalDecided = "RENEWAL_DECIDED" / "续贷申请已处理",
        /// To a bank: a demand names one of its products.
        DemandAddressed = "DEMAND_ADDRESSED" / "企业申请本行产品",
        /// To a bank: the enterprise chose its offer.
        OfferChosen = "OFFER_CHOSEN" / "授信方案已被选定",
        /// To a bank: the enterprise chose another bank's offer.
        OfferDeclined = "OFFER_DECLINED" / "企业选择了其他方案",
        /// To the lending bank: the enterprise requested a renewal or extension.
        RenewalRequested = "RENEWAL_REQUESTED" / "企业申请续贷",
    }
}

vocabulary! {
    /// 预授信基数 (the last tax year's figure a pre-credit limit is a multiple of).
    pub enum PreCreditBasis in "预授信基数" (field "basis") {
        /// 纳税总额.
        TaxPaid = "TAX_PAID" / "纳税总额",
        /// 增值税开票销售额.
        VatSales = "VAT_SALES" / "增值税开票销售额",
        /// 个人所得税已缴税额 (a natural person's, last year, every kind of income).
        IncomeTaxPaid = "INCOME_TAX_PAID" / "个人所得税已缴税额",
        /// 个人所得税应纳税所得额 (a natural person's, last year, every kind of income).
        TaxableIncome = "TAXABLE_INCOME" / "应纳税所得额",
    }
}

impl PreCreditBasis {
    /// Whether the basis is a natural person's income tax: such rules have no grade factors (persons have no tax
    /// credit grade since 2025-07-01) and use a factor of 1.
    pub const fn is_income(self) -> bool {
        matches!(self, Self::IncomeTaxPaid | Self::TaxableIncome)
    }
}

vocabulary! {
    /// 续贷类别: what the enterprise asks of its lending bank near maturity.
    pub enum RenewalKind in "续贷类别" (field "kind") {
        /// 无还本续贷: a new loan repays the old one without the principal coming back first.
        Renewal = "RENEWAL" / "无还本续贷",
        /// 展期: the term of the loan is extended (延期还本付息).
        Extension = "EXTENSION" / "展期",
    }
}

vocabulary! {
    /// 续贷申请状态.
    pub enum RenewalStatus in "续贷申请状态" (field "status") {
        /// 待审批.
        Requested = "REQUESTED" / "待审批",
        /// 已同意.
        Approved = "APPROVED" / "已同意",
        /// 已拒绝, with a [`RejectReason`].
        Rejected = "REJECTED" / "已拒绝",
        /// 已撤回.
        Withdrawn = "WITHDRAWN" / "已撤回",
    }
}

vocabulary! {
    /// 删除申请状态 (a person's erasure request, PIPL Art. 47).
    pub enum ErasureStatus in "删除申请状态" (field "status") {
        /// 待处理.
        Requested = "REQUESTED" / "待处理",
        /// 已删除: nothing the law requires to keep was held.
        Erased = "ERASED" / "已删除",
        /// 已删除（依法保留部分）: what the law requires to keep is listed in `retained`.
        PartiallyErased = "PARTIALLY_ERASED" / "部分删除",
        /// 不予删除, with a note.
        Refused = "REFUSED" / "不予删除",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};

    #[test]
    fn names_match_the_graphql_enums() {
        let names = |all: &[&str]| all.join(" ");
        assert_eq!(
            names(&SubjectKind::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "ENTERPRISE INDIVIDUAL_BUSINESS FARMER_COOPERATIVE NATURAL_PERSON"
        );
        assert_eq!(
            names(&DataCategory::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "REGISTRATION ADMIN_LICENSING ADMIN_PENALTY ABNORMAL_OPERATION SERIOUS_DISHONESTY \
             JUDICIAL HONOR COMMITMENT TAX INCOME_TAX SOCIAL_INSURANCE HOUSING_FUND UTILITIES REAL_ESTATE"
        );
        assert_eq!(Role::ALL.len(), 4);
        assert_eq!(InstitutionKind::ALL.len(), 2);
        assert_eq!(names(&TaxGrade::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()), "A B M C D NOT_RATED");
        assert_eq!(ProductType::Guarantee.to_string(), "GUARANTEE");
        assert_eq!(AccessPurpose::PostLoan.as_str(), "POST_LOAN");
        assert_eq!(
            names(&DemandStatus::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "OPEN IN_PROGRESS CREDIT_GRANTED FUNDED WITHDRAWN EXPIRED UNFUNDED"
        );
        assert_eq!(
            names(&ResponseStatus::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "ACCEPTED CREDIT_GRANTED DISBURSED REJECTED SUPERSEDED"
        );
        assert_eq!(
            names(&RejectReason::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>()),
            "INSUFFICIENT_CREDIT INSUFFICIENT_REPAYMENT_CAPACITY OUTSIDE_PRODUCT_SCOPE INCOMPLETE_INFORMATION \
             CUSTOMER_UNREACHABLE CUSTOMER_DECLINED OTHER"
        );
        assert_eq!(RejectReason::parse("还款能力不足").unwrap(), RejectReason::InsufficientRepaymentCapacity);
    }

    #[test]
    fn every_name_and_label_round_trips() {
        for &kind in DataCategory::ALL {
            assert_eq!(DataCategory::parse(kind.as_str()).unwrap(), kind);
            assert_eq!(DataCategory::parse(kind.label_zh()).unwrap(), kind);
        }
        for &role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
    }

    #[test]
    fn chinese_labels_parse() {
        assert_eq!(SubjectKind::parse("个体工商户").unwrap(), SubjectKind::IndividualBusiness);
        assert_eq!(SubjectKind::parse(" 农民专业合作社 ").unwrap(), SubjectKind::FarmerCooperative);
        assert_eq!(RegistryStatus::parse("吊销").unwrap(), RegistryStatus::Revoked);
        assert_eq!(RegistryStatus::parse("CANCELLED").unwrap(), RegistryStatus::Cancelled);
    }

    #[test]
    fn unknown_name_reports_the_given_field_and_choices() {
        let err = SubjectKind::parse_field("company", "subjectKinds").unwrap_err();
        match err {
            DomainError::Invalid { field, reason } => {
                assert_eq!(field, "subjectKinds");
                assert_eq!(reason.code(), "INVALID_ENUM");
                let message = reason.message();
                assert!(message.contains("ENTERPRISE、INDIVIDUAL_BUSINESS"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Role::parse("admin").is_err(), "names are case-sensitive");
    }

    #[test]
    fn first_eight_categories_are_public() {
        let public: Vec<_> = DataCategory::ALL.iter().filter(|c| c.is_public()).collect();
        assert_eq!(public.len(), 8);
        assert!(DataCategory::Commitment.is_public());
        assert!(DataCategory::Tax.is_authorized());
        assert!(!DataCategory::Honor.is_authorized());
    }

    #[test]
    fn tax_grade_minimum_b_is_met_by_a_and_b_only() {
        let meeting: String = TaxGrade::ALL.iter().filter(|g| g.meets(TaxGrade::B)).map(|g| g.as_str()).collect();
        assert_eq!(meeting, "AB");
        assert!(TaxGrade::M.meets(TaxGrade::M));
        assert!(!TaxGrade::D.meets(TaxGrade::C));
        assert!(TaxGrade::A.rank() > TaxGrade::D.rank());
        for min in TaxGrade::ALL {
            assert!(!TaxGrade::NotRated.meets(*min), "not rated meets no minimum, not even {min:?}");
        }
    }

    #[test]
    fn serde_uses_the_upper_snake_names() {
        let de: StrDeserializer<'_, Error> = "INDIVIDUAL_BUSINESS".into_deserializer();
        assert_eq!(SubjectKind::deserialize(de).unwrap(), SubjectKind::IndividualBusiness);
        let de: StrDeserializer<'_, Error> = "SOCIAL_INSURANCE".into_deserializer();
        assert_eq!(DataCategory::deserialize(de).unwrap(), DataCategory::SocialInsurance);
    }
}
