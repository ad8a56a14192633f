//! GraphQL enums mirroring the domain's, so the domain needs no GraphQL derive.

use xyd_domain::product::ProductStatus;
use xyd_domain::{
    AccessPurpose, DataCategory, DemandStatus, ErasureStatus, FeeKind, FeeTiming, ImportKind, IncomeKind,
    IndicatorDimension, InstitutionKind, ObjectionOutcome, PreCreditBasis, ProductType, RecordStatus, RejectReason,
    RenewalKind, RenewalStatus, RepaymentMethod, ResponseStatus, Role, SubjectKind, TaxGrade, VerificationMethod,
    VerificationStatus,
};

macro_rules! mirror_enum {
    // Doc comments on the enum and on each variant become the GraphQL descriptions.
    ($(#[$meta:meta])* $gql:ident as $name:literal <=> $domain:ident {
        $($(#[$vmeta:meta])* $variant:ident),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
        #[graphql(name = $name)]
        pub enum $gql { $($(#[$vmeta])* $variant),+ }

        impl From<$domain> for $gql {
            fn from(v: $domain) -> Self {
                match v { $($domain::$variant => Self::$variant),+ }
            }
        }

        impl From<$gql> for $domain {
            fn from(v: $gql) -> Self {
                match v { $($gql::$variant => Self::$variant),+ }
            }
        }
    };
}

mirror_enum!(
    /// 用户角色 (user role)：决定账号能做什么。
    GqlRole as "Role" <=> Role {
        /// 企业用户：代表一个市场主体操作。
        Enterprise,
        /// 金融机构（银行）工作人员。
        Bank,
        /// 主管部门工作人员（发改局、金融工作局、税务局、人民银行），有辖区。
        Bureau,
        /// 平台管理员 (platform operator)。
        Admin,
    }
);
mirror_enum!(
    /// 机构类型 (institution kind)。
    GqlInstitutionKind as "InstitutionKind" <=> InstitutionKind {
        /// 金融机构（银行）。
        Bank,
        /// 主管部门 (government bureau)。
        Bureau,
    }
);
mirror_enum!(
    /// 市场主体类型 (market subject kind)。
    GqlSubjectKind as "SubjectKind" <=> SubjectKind {
        /// 企业 (enterprise)。
        Enterprise,
        /// 个体工商户 (individual business)。
        IndividualBusiness,
        /// 农民专业合作社 (farmer cooperative)。
        FarmerCooperative,
        /// 自然人 (natural person)：以居民身份证号码识别，没有统一社会信用代码（`uscc` 为 null）。
        NaturalPerson,
    }
);
mirror_enum!(
    /// 费用类别 (a fee charged with a loan besides its interest)。
    GqlFeeKind as "FeeKind" <=> FeeKind {
        /// 担保费。
        Guarantee,
        /// 服务费。
        Service,
        /// 保险费。
        Insurance,
        /// 评估费。
        Assessment,
        /// 其他费用。
        Other,
    }
);

mirror_enum!(
    /// 收取方式 (when a fee is charged)。
    GqlFeeTiming as "FeeTiming" <=> FeeTiming {
        /// 放款时从放款金额中扣收。
        Upfront,
        /// 每个贷款年度开始时收取（首年在放款时）。
        Annual,
    }
);

mirror_enum!(
    /// 删除申请状态 (a person's erasure request, PIPL Art. 47)。
    GqlErasureStatus as "ErasureStatus" <=> ErasureStatus {
        /// 待处理。
        Requested,
        /// 已删除：平台未保存法律要求保留的信息。
        Erased,
        /// 已删除，依法保留的部分见 `retained`。
        PartiallyErased,
        /// 不予删除，理由见 `note`。
        Refused,
    }
);
mirror_enum!(
    /// 实名认证方式 (how identity was established)。
    GqlVerificationMethod as "VerificationMethod" <=> VerificationMethod {
        /// 与登记信息自动比对一致。
        RegistryMatch,
        /// 主管部门人工审核（自然人：在所在区县政务服务窗口核验）。
        Manual,
        /// 银行自行核验身份后确认（`attestIdentity`，记为该银行的行为）。
        BankAttested,
    }
);
mirror_enum!(
    /// 纳税信用等级 (tax credit grade)，由好到差：A > B > M > C > D。
    GqlTaxGrade as "TaxGrade" <=> TaxGrade {
        /// A级（最好）。
        A,
        /// B级。
        B,
        /// M级：新办或无完整年度纳税记录的纳税人。
        M,
        /// C级。
        C,
        /// D级（最差）。
        D,
        /// 未参评：该年度未参加纳税信用评价（多为未申请评价的个体工商户）；不同于 M 级和 D 级，不满足任何最低等级要求，除非产品接受未参评主体（`acceptsNotRated`）。
        NotRated,
    }
);
mirror_enum!(
    /// 产品类型 (loan product type)，按担保方式区分；也用作融资需求可接受的担保方式。
    GqlProductType as "ProductType" <=> ProductType {
        /// 信用贷款：无需抵质押。
        Credit,
        /// 抵押贷款。
        Mortgage,
        /// 质押贷款。
        Pledge,
        /// 保证/担保贷款。
        Guarantee,
    }
);
mirror_enum!(
    /// 查询用途 (access purpose)：授权和每次查询都须注明。
    GqlAccessPurpose as "AccessPurpose" <=> AccessPurpose {
        /// 贷前审查 (pre-loan review of an application)。
        LoanApplication,
        /// 贷后管理 (post-loan monitoring)。
        PostLoan,
    }
);
mirror_enum!(
    /// 信用信息类别 (data category)。REGISTRATION 至 COMMITMENT 为公示信息，银行无需授权即可查看（仍记录查询）；
    /// TAX 至 REAL_ESTATE 为授权信息，须企业有效授权。
    GqlDataCategory as "DataCategory" <=> DataCategory {
        /// 登记注册信息（公示）。
        Registration,
        /// 行政许可（公示）。
        AdminLicensing,
        /// 行政处罚（公示）。
        AdminPenalty,
        /// 经营异常名录（公示）。
        AbnormalOperation,
        /// 严重失信主体名单（公示）。
        SeriousDishonesty,
        /// 司法信息：失信被执行人、裁判文书（公示）。
        Judicial,
        /// 诚信荣誉，即红名单（公示）。
        Honor,
        /// 信用承诺（公示）。
        Commitment,
        /// 纳税信息：纳税信用等级、纳税额、增值税销售额（须授权）。
        Tax,
        /// 个人所得税：自然人的经营所得、综合所得汇总（本人授权归集，银行查看须另行授权）。
        IncomeTax,
        /// 社会保险缴纳（须授权）。
        SocialInsurance,
        /// 住房公积金缴存（须授权）。
        HousingFund,
        /// 水电气等公用事业缴费（须授权）。
        Utilities,
        /// 不动产登记（须授权）。
        RealEstate,
    }
);
mirror_enum!(
    /// 实名认证状态 (real-name verification status)。
    GqlVerificationStatus as "VerificationStatus" <=> VerificationStatus {
        /// 待审核：在审核队列中等待。
        Pending,
        /// 已认证：与登记信息自动比对一致，或经人工审核通过。
        Verified,
        /// 未通过：审核驳回并附原因；企业可更正后重新提交。
        Rejected,
        /// 已关闭：同一信用代码的另一注册已认证，本注册不能再代表该主体。
        Closed,
    }
);
mirror_enum!(
    /// 产品状态 (product status)。
    GqlProductStatus as "ProductStatus" <=> ProductStatus {
        /// 草稿：编辑中，企业不可见。
        Draft,
        /// 已上架：在产品超市展示并参与匹配。
        Published,
        /// 已暂停：暂时下架，可重新上架。
        Suspended,
        /// 已归档：永久下架，只读。
        Archived,
    }
);
mirror_enum!(
    /// 信用信息状态 (credit record status)。
    GqlRecordStatus as "RecordStatus" <=> RecordStatus {
        /// 有效。
        Active,
        /// 异议处理中：惩戒效力暂停，待主管部门核查。
        Disputed,
        /// 已信用修复：不再有惩戒效力，保留历史，不在公示中展示。
        Repaired,
        /// 已撤销：经异议更正。
        Revoked,
    }
);
mirror_enum!(
    /// 异议处理结果 (objection outcome)。
    GqlObjectionOutcome as "ObjectionOutcome" <=> ObjectionOutcome {
        /// 更正：记录有误，予以撤销。
        Corrected,
        /// 维持：记录维持原状，恢复有效。
        Upheld,
    }
);
mirror_enum!(
    /// 融资需求状态 (financing demand status)。
    GqlDemandStatus as "DemandStatus" <=> DemandStatus {
        /// 待受理：已发布，尚无银行受理。
        Open,
        /// 受理中：至少一家银行已受理。
        InProgress,
        /// 已授信：有银行已授信。
        CreditGranted,
        /// 已放款：银行已放款（结束）。
        Funded,
        /// 已撤回：企业撤回。
        Withdrawn,
        /// 已过期：到期未获贷款。
        Expired,
        /// 未获贷：到期时所有响应银行均已拒绝。
        Unfunded,
    }
);
mirror_enum!(
    /// 银行响应状态 (status of one bank's response to a financing demand)。
    GqlResponseStatus as "ResponseStatus" <=> ResponseStatus {
        /// 已受理。
        Accepted,
        /// 已授信。
        CreditGranted,
        /// 已放款（终态）。
        Disbursed,
        /// 已拒绝（终态），附拒绝原因 `RejectReason`。
        Rejected,
        /// 已终止（终态）：本行仍持有时需求已结束（撤回、过期、未获贷或由他行放款）；不算超时。
        Superseded,
    }
);
mirror_enum!(
    /// 监测指标的分组维度 (indicator breakdown)。
    GqlIndicatorDimension as "IndicatorDimension" <=> IndicatorDimension {
        /// 按下一级行政区划。
        Region,
        /// 按银行。
        Bank,
        /// 按行业门类 (GB/T 4754)。
        Industry,
        /// 按月份（Asia/Shanghai，`YYYY-MM`）。
        Month,
    }
);
mirror_enum!(
    /// 拒绝原因 (reject reason)：银行拒绝融资需求或续贷申请的原因，企业可见。
    GqlRejectReason as "RejectReason" <=> RejectReason {
        /// 信用状况不足。
        InsufficientCredit,
        /// 还款能力不足。
        InsufficientRepaymentCapacity,
        /// 不符合产品准入范围。
        OutsideProductScope,
        /// 资料不完整。
        IncompleteInformation,
        /// 无法联系客户。
        CustomerUnreachable,
        /// 客户放弃（含企业选定他行授信方案）。
        CustomerDeclined,
        /// 其他（在备注中说明）。
        Other,
    }
);
mirror_enum!(
    /// What kind of file an import reads.
    GqlImportKind as "ImportKind" <=> ImportKind {
        /// 登记信息 (the business registry)。
        Registry,
        /// 公共信用信息 (public credit records)。
        Credit,
        /// 纳税信用等级 (tax credit grades)。
        Tax,
        /// 个人所得税 (natural persons' income-tax summaries, each row under the person's grant code)。
        IncomeTax,
        /// 贷款历史 (loans reported to the local credit platform, per loan: what makes a 首贷 honest)。
        LoanHistory,
    }
);
mirror_enum!(
    /// 个人所得税所得类型。
    GqlIncomeKind as "IncomeKind" <=> IncomeKind {
        /// 经营所得。
        Business,
        /// 综合所得。
        Comprehensive,
    }
);
mirror_enum!(
    /// 还款方式 (repayment method)。
    GqlRepaymentMethod as "RepaymentMethod" <=> RepaymentMethod {
        /// 等额本息：每月还款额相同。
        EqualInstallment,
        /// 等额本金：每月本金相同，利息按剩余本金计。
        EqualPrincipal,
        /// 先息后本：按月付息，到期还本。
        InterestFirst,
    }
);
mirror_enum!(
    /// 预授信基数 (pre-credit basis)：额度按上一纳税年度的哪项数字乘以倍数。
    GqlPreCreditBasis as "PreCreditBasis" <=> PreCreditBasis {
        /// 纳税总额。
        TaxPaid,
        /// 增值税开票销售额。
        VatSales,
        /// 自然人上一年度个人所得税已缴税额（各类所得合计）；不按纳税信用等级，`gradeFactors` 须为空（系数1）。
        IncomeTaxPaid,
        /// 自然人上一年度应纳税所得额（各类所得合计）；不按纳税信用等级，`gradeFactors` 须为空（系数1）。
        TaxableIncome,
    }
);
mirror_enum!(
    /// 续贷类别 (renewal kind)。
    GqlRenewalKind as "RenewalKind" <=> RenewalKind {
        /// 无还本续贷：以新贷款归还旧贷款，无需先还本金。
        Renewal,
        /// 展期：延长原贷款期限（延期还本付息）。
        Extension,
    }
);
mirror_enum!(
    /// 续贷申请状态 (renewal request status)。
    GqlRenewalStatus as "RenewalStatus" <=> RenewalStatus {
        /// 待审批。
        Requested,
        /// 已同意。
        Approved,
        /// 已拒绝，附拒绝原因 `RejectReason`。
        Rejected,
        /// 已撤回。
        Withdrawn,
    }
);
