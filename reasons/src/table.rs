//! The table: every reason code, its class, when it happens, and the messages it is sent with.

use crate::declare::reasons;

reasons! {
    // Requests as a whole.
    INVALID_JSON: BadUserInput, "the body is not a GraphQL JSON request" {
        InvalidJson => "请求体不是合法的 GraphQL JSON 请求",
    }
    UNSUPPORTED_MEDIA_TYPE: BadUserInput, "another content type (415)" {
        UnsupportedMediaType => "请求须为 application/json 或 multipart/form-data",
    }
    PAYLOAD_TOO_LARGE: BadUserInput, "a body or upload over its limit (413)" {
        PayloadTooLarge => "请求体过大",
        UploadTooLarge => "上传文件过大",
    }
    BODY_TIMEOUT: BadUserInput, "the body did not arrive within its deadline (408)" {
        BodyTimeout => "请求体接收超时",
    }
    INVALID_MULTIPART: BadUserInput, "a malformed multipart upload" {
        InvalidMultipart => "文件上传请求格式不正确",
    }
    GET_NOT_ALLOWED: BadUserInput, "a mutation or subscription over GET (405)" {
        GetNotAllowed => "变更和订阅须使用 POST 请求",
    }
    BATCH_NOT_SUPPORTED: BadUserInput, "a JSON array of operations" {
        BatchNotSupported => "不支持批量请求，请每次只发送一个操作",
    }
    SUBSCRIPTIONS_ONLY: BadUserInput, "a query or mutation over the WebSocket" {
        SubscriptionsOnly => "WebSocket 仅用于订阅，查询和变更请使用 HTTP POST /graphql",
    }
    OVER_BUDGET: QueryTooExpensive, "fields × pages (aliases included) over `limits.query_cost`" {
        OverBudget { cost: u64, budget: u64 } => "请求代价 {cost} 超过上限 {budget}，请减少字段、别名或分页大小",
    }
    TOO_MANY_PASSWORD_OPERATIONS: QueryTooExpensive, "two or more of login, registerSubject, registerPerson, createInstitution" {
        TooManyPasswordOperations => "每个请求最多包含一个登录、注册或设置密码的操作",
    }
    TOO_DEEP: BadUserInput, "a query nested deeper than `limits.query_depth`, or an introspection query's type lists nested too deep" {
        TooDeep { depth: usize, limit: usize } => "查询嵌套 {depth} 层，超过上限 {limit} 层",
        IntrospectionTooDeep { depth: usize, limit: usize } => "内省查询中 fields、inputFields、interfaces、possibleTypes 嵌套 {depth} 层，超过上限 {limit} 层",
    }
    INVALID_QUERY: BadUserInput, "the export endpoint's query string, a GraphQL GET's" {
        InvalidQueryString => "查询参数格式不正确",
        InvalidGetRequest => "查询参数不是合法的 GraphQL 请求（query、variables、operationName）",
    }
    REQUIRED: BadUserInput, "a required argument or field is empty" {
        MissingParameter { name: &'static str } => "缺少参数 {name}",
        SubjectRequired => "请指定市场主体",
        NoteRequired => "选择“其他”原因时须填写说明",
        RenewalRateRequired => "请填写续贷利率",
        CategoriesRequired => "请选择授权的数据类别",
        GuaranteeTypesRequired => "请至少选择一种可接受的担保方式",
        GradeFactorsRequired => "请至少为一个纳税信用等级设置系数",
        TextRequired { label: &'static str } => "{label}不能为空",
        SubjectKindsRequired => "请至少选择一种适用主体类型（企业、个体工商户或农民专业合作社）",
        RegionPrefixesRequired => "请至少填写一个服务区域（行政区划代码前缀）",
    }
    INVALID_ID: BadUserInput, "an ID argument that is not a UUID" {
        InvalidId => "ID 格式不正确",
        InvalidUuid => "ID格式不正确，应为UUID字符串",
    }
    INVALID_PAGE_SIZE: BadUserInput, "`first` out of range" {
        InvalidPageSize { max: i32 } => "first 须在1到{max}之间",
    }
    INVALID_CURSOR: BadUserInput, "an `after` cursor not issued for this list and page size" {
        InvalidCursor => "分页游标无效",
        InvalidSearchCursor => "分页游标无效（须使用上一页返回的游标，且每页条数不变）",
    }
    INVALID_ENUM: BadUserInput, "an unknown vocabulary value" {
        InvalidEnum { input: String, noun: &'static str, allowed: String } => "“{input}”不是有效的{noun}，可选值：{allowed}",
    }
    INVALID_FORMAT: BadUserInput, "an unknown export format" {
        InvalidFormat => "导出格式应为 csv 或 xlsx",
    }

    // Accounts and institutions.
    INVALID_EMAIL: BadUserInput, "registration, institution staff, login" {
        InvalidEmail => "邮箱格式不正确",
    }
    WEAK_PASSWORD: BadUserInput, "registration, institution staff" {
        WeakPassword => "密码至少8位，且须同时包含字母和数字",
    }
    EMAIL_TAKEN: Conflict, "an email already in use (registration; createInstitution's adminEmail)" {
        EmailTaken => "该邮箱已被注册",
    }
    INVALID_NAME: BadUserInput, "a subject or institution name" {
        InvalidSubjectName => "主体名称应为2至100个字",
        InvalidInstitutionName => "机构名称不能为空且不超过100个字",
    }
    INSTITUTION_EXISTS: Conflict, "createInstitution or updateInstitution with a name or code in use" {
        InstitutionExists => "同名或同一统一社会信用代码的机构已存在",
    }

    // Market subjects.
    INVALID_USCC: BadUserInput, "fails GB 32100-2015, or its county code is unknown" {
        UsccLength { actual: usize } => "统一社会信用代码长度应为18位，实际为{actual}位",
        UsccCharacter { position: usize, character: char } => "统一社会信用代码第{position}位字符“{character}”不合法（只能使用数字和除I、O、Z、S、V以外的大写字母）",
        UsccCheck => "统一社会信用代码校验位不正确，请核对是否有输入错误",
        UsccCountyLength => "统一社会信用代码的登记管理机关行政区划码应为6位",
        UsccOrgLength => "统一社会信用代码的主体标识码应为9位",
        UsccUnknownCounty => "统一社会信用代码的登记机关行政区划码无效",
    }
    KIND_MISMATCH: BadUserInput, "registration, registry rows" {
        KindMismatch => "主体类型与统一社会信用代码第2位不一致",
    }
    INVALID_REGION_CODE: BadUserInput, "a region code or prefix of no accepted shape; a city's or province's code where a county or town is needed" {
        InvalidRegionCode { code: String } => "行政区划代码“{code}”不正确，应为6位区县代码或9位乡镇代码（仅限数字）",
        InvalidRegionPrefix { prefix: String } => "行政区划前缀“{prefix}”不正确，应为2、4、6或9位数字（省、市、区县或乡镇）",
        RegionNotArea { code: String, level: &'static str, name: String } => "行政区划代码“{code}”是{level}区划{name}，此处需要6位区县代码或9位乡镇代码",
    }
    UNKNOWN_REGION: BadUserInput, "a code in neither form (2/4/6/9 digits cut to its level, or 6-digit GB/T 2260) that the edition holds: registrations, registry rows, institutions, products' regions and filters, indicator filters, regions(parentCode)" {
        UnknownRegion { code: String, edition: &'static str, forms: &'static str } => "行政区划代码“{code}”在{edition}中不存在；{forms}",
    }
    REGION_MISMATCH: BadUserInput, "registration's regionCode" {
        RegionMismatch => "所在地区须与存续主体名录一致，或位于统一社会信用代码登记机关的辖区内",
    }
    INVALID_INDUSTRY_CODE: BadUserInput, "GB/T 4754-2017" {
        IndustryCodeShape { code: String } => "行业代码“{code}”格式不正确，应为门类字母（A–T）加2至4位数字，如C1391",
        IndustrySection { letter: char } => "行业门类“{letter}”不存在，应为A至T",
        IndustryDivision { division: String } => "行业大类“{division}”不存在，应在01至98之间",
        IndustryDivisionSection { code: String, division: String, section: char } => "行业代码“{code}”不正确：大类{division}属于门类{section}",
        IndustryCodeEmpty => "行业代码不能为空",
    }
    INVALID_PERSON_NAME: BadUserInput, "legal representative" {
        InvalidPersonName => "姓名应为2至30个字，且不含数字",
    }
    INVALID_ID_NUMBER: BadUserInput, "GB 11643 check digit" {
        IdNumberLength => "身份证号码应为18位",
        IdNumberDigits => "身份证号码前17位须为数字",
        IdNumberCheck => "身份证号码校验位不正确",
    }
    INVALID_PHONE: BadUserInput, "registration" {
        InvalidPhone => "手机号码应为11位大陆手机号",
    }
    INVALID_DATE: BadUserInput, "a future establishment or snapshot date, a malformed date" {
        EstablishedInFuture => "成立日期不能晚于今天",
        MalformedDate => "日期格式应为 YYYY-MM-DD",
        MalformedColumnDate { column: String } => "{column} 日期格式须为 YYYY-MM-DD",
        SnapshotInFuture { today: String } => "名录快照日期不能晚于今天（{today}）",
        EstablishedAfterSnapshot => "成立日期不能晚于名录快照日期",
        PublicityBeforeDecision => "公示截止日期不能早于决定日期",
    }
    USCC_REGISTERED: Conflict, "registration or verification of a code with a verified owner" {
        UsccRegistered => "该统一社会信用代码已在平台注册",
        UsccClaimed => "该统一社会信用代码已由通过实名认证的主体注册",
    }
    REGISTRY_CANCELLED: InvalidState, "the registry says 注销" {
        RegistryCancelled => "该主体在存续主体名录中已注销，不能注册",
    }
    REGISTRY_REVOKED: InvalidState, "the registry says 吊销" {
        RegistryRevoked => "该主体营业执照已被吊销，不能注册",
    }
    UNVERIFIED: InvalidState, "consents, demands, objections, authorized data before verification" {
        Unverified => "主体尚未通过实名认证，暂不能使用此功能",
    }
    REGISTRATION_CLOSED: InvalidState, "another registration of the code was verified" {
        RegistrationClosed => "该注册已关闭：同一统一社会信用代码的另一注册已通过实名认证",
    }
    ALREADY_VERIFIED: InvalidState, "verify or resubmit a verified subject" {
        AlreadyVerified => "该主体已通过实名认证",
    }
    NOT_PENDING: InvalidState, "rejecting a decided verification" {
        NotPending => "只能驳回待审核的实名认证",
    }

    // Natural persons.
    PERSON_REGISTERED: Conflict, "registerPerson with an ID number already registered" {
        PersonRegistered => "该身份证号码已注册，请直接登录",
    }
    NOT_A_PERSON: InvalidState, "attestIdentity on a subject that is not a natural person" {
        NotAPerson => "只能核验自然人的身份",
    }
    ERASURE_PENDING: InvalidState, "requestErasure while an earlier request waits" {
        ErasurePending => "已有待处理的删除申请，请等待处理结果",
    }
    ERASURE_DECIDED: InvalidState, "decideErasure on a decided request" {
        ErasureDecided => "该删除申请已处理",
    }
    SUBJECT_ERASED: InvalidState, "acting as, or issuing a report on, a person whose data was erased (a token issued before the erasure)" {
        SubjectErased => "该自然人的个人信息已按其申请删除，不能再办理业务或开具报告",
    }
    NOT_A_MARKET_SUBJECT: InvalidState, "resubmitVerification by a natural person (no USCC to match against the registry)" {
        NotAMarketSubject => "自然人没有统一社会信用代码，请到政务服务窗口或银行核验身份",
    }
    INVALID_REASON: BadUserInput, "rejectSubjectVerification, requestRenewal, requestErasure" {
        InvalidRejectionReason => "驳回理由应为2至500个字",
        InvalidErasureReason => "删除申请理由应为2至500个字",
        InvalidRenewalReason => "申请理由应为2至500个字",
    }
    CONCURRENT_UPDATE: Conflict, "a concurrent change of the same subject, product, record or renewal request" {
        SubjectChanged => "该主体已被他人修改，请刷新后重试",
        ProductChanged => "产品已被他人修改，请刷新后重试",
        RecordChanged => "该信用信息已被他人处理，请刷新后重试",
        RenewalChanged => "该申请已被他人处理，请刷新后重试",
    }

    // Imports (a row's `code` in `importJob.errors`).
    MISSING_FIELD: Row, "a required column is empty" {
        MissingField { column: String } => "缺少必填字段 {column}",
    }
    INVALID_ROW: Row, "an unreadable line" {
        NotGb18030 => "该行含有无法按 GB18030 解码的字节，请检查文件编码",
        NotUtf8 { hint: &'static str } => "该行不是合法的 UTF-8 文本；{hint}",
    }
    OUT_OF_JURISDICTION: Row, "a row outside the importer's jurisdiction, or another jurisdiction's record" {
        RegionOutOfJurisdiction { region: String } => "地区 {region} 不在本部门辖区内",
        UsccOutOfJurisdiction { uscc: String, county: String } => "{uscc} 的登记地 {county} 不在本部门辖区内",
        RecordOutOfJurisdiction { doc_number: String } => "文书号 {doc_number} 的信用信息由其他辖区归集，本部门不能更改",
    }
    DUPLICATE_USCC: Row, "a code twice in one snapshot under two names" {
        DuplicateUscc { uscc: String, first_line: u32 } => "重错码：统一社会信用代码 {uscc} 与第{first_line}行重复但名称不同",
    }
    CROSS_REGION_USCC: Row, "a code in another jurisdiction's latest snapshot" {
        CrossRegionUscc { uscc: String } => "重错码：统一社会信用代码 {uscc} 已在其他辖区的最新存续主体名录中",
    }
    TAX_IN_CREDIT_FILE: Row, "a TAX or INCOME_TAX row in a credit file" {
        TaxInCreditFile => "纳税信用请使用 tax 导入格式",
        IncomeTaxInCreditFile => "个人所得税信息只能凭本人授权码以 income_tax 格式导入",
    }
    GRANT_CODE_UNKNOWN: Row, "an income_tax row whose grant code no person issued" {
        GrantCodeUnknown => "授权码不存在：个人所得税信息须凭本人在平台签署的归集授权码导入",
    }
    GRANT_CODE_EXPIRED: Row, "an income_tax row under an authorization past its end (or not yet begun)" {
        GrantCodeExpired => "授权码已过期，本人须重新授权",
    }
    GRANT_CODE_REVOKED: Row, "an income_tax row under an authorization its grantor revoked" {
        GrantCodeRevoked => "本人已撤回该授权码，不能再归集其个人所得税信息",
    }
    GRANT_CODE_MISMATCH: Row, "an income_tax row whose ID number or name is not the grantor's" {
        GrantCodeMismatch => "身份证号码或姓名与授权人不一致",
    }
    DATE_IN_FUTURE: Row, "a loan_history loan_date or a tax snapshot_date after today" {
        LoanDateInFuture { today: String } => "loan_date 不能晚于今天（{today}）",
        SnapshotDateInFuture { today: String } => "snapshot_date 不能晚于今天（{today}）",
    }
    INVALID_LOAN_AMOUNT: Row, "a loan_history amount of 0" {
        LoanAmountNotPositive => "amount 须大于0",
    }
    INVALID_FIRST_LOAN: Row, "a loan_history first_loan other than 是/否" {
        InvalidFirstLoanFlag => "first_loan 须为“是”或“否”（或留空）",
    }
    INVALID_MONTHS: Row, "months_declared outside 0–12" {
        MonthsDeclaredRange => "months_declared 须为0至12的整数",
    }
    INVALID_YEAR: Row, "a future or implausible tax year" {
        YearNotNumber => "year 须为四位年份",
        YearOutOfRange { last: i32 } => "year 须在1990至{last}之间",
    }
    INVALID_MONEY: BadUserInput, "an amount that is not yuan with ≤ 2 decimals" {
        InvalidMoney { input: String } => "金额格式不正确：“{input}”，应为以元为单位、最多两位小数的数字，如1500000.00",
        InvalidColumnMoney { column: String } => "{column} 金额格式不正确",
        NegativeColumnMoney { column: String } => "{column} 不能为负数",
    }
    INVALID_TEXT: BadUserInput, "a title, reason or note of the wrong length" {
        ColumnTextTooLong { column: String, max: usize } => "{column} 不能超过{max}个字且不能含控制字符",
        ObjectionText { what: &'static str } => "{what}应为2至1000个字",
    }
    IMPORT_FAILED: BadUserInput, "a file that cannot be read to its end, or one over a bound; the job is FAILED and nothing of it is written" {
        ReadFailed => "读取文件失败",
        ReadFailedAt { line: u64 } => "读取文件失败（第{line}行）",
        WriteFailed => "写入数据库失败，导入已中止，文件的数据均未写入；请稍后重新导入",
        MissingColumns { columns: String } => "表头缺少必需列：{columns}",
        HeaderNotUtf8 { hint: &'static str } => "无法读取表头：表头不是合法的 UTF-8 文本；{hint}",
        LineTooLong { line: u64, kb: u64 } => "第{line}行附近有一行超过 {kb} KB：文件不是正常的数据文件，或单元格内容过长",
        OldOrEncryptedWorkbook => "不支持旧版 Excel（.xls）文件或设有打开密码的工作簿：请在 Excel 中另存为不加密的 .xlsx 或 CSV 后重新导入",
        UnreadableWorkbook => "无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿（.xlsx）；请在 Excel 中另存为 .xlsx 或 CSV 后重新导入",
        WorkbookFileTooLarge { mb: u64 } => "文件过大：XLSX 文件不能超过 {mb} MB",
        WorkbookTooManyParts { parts: usize, max: usize } => "XLSX 文件包含 {parts} 个部件，超过上限 {max}：文件已损坏或不是 Excel 工作簿",
        WorkbookPartTooLarge { name: String, mb: u64 } => "XLSX 文件的部件 {name} 解压后超过 {mb} MB：文件过大或已损坏；请拆分文件或另存为 CSV 后导入",
        WorkbookPartUnderstated { name: String, declared: u64 } => "XLSX 文件的部件 {name} 解压后大于文件目录所记的 {declared} 字节：文件已损坏或被篡改；请在 Excel 中另存为 .xlsx 或 CSV 后重新导入",
        WorkbookTooLarge { mb: u64 } => "XLSX 文件解压后超过 {mb} MB：请拆分文件或另存为 CSV 后导入",
        WorkbookLongMarkup { kb: u64 } => "XLSX 文件中有超长的单元格或标记（超过 {kb} KB）：单元格内容过长或文件不是 Excel 正常保存的工作簿",
        TooManySharedStrings { max: u64 } => "XLSX 文件的共享字符串超过 {max} 个：请拆分文件或另存为 CSV 后导入",
        BeyondXfd => "工作表中有位于 Excel 最后一列（XFD，第 16384 列）之后的单元格：文件不是 Excel 正常保存的工作簿",
        NoSheet => "XLSX 工作簿中没有工作表",
        SheetReadFailed { line: u64 } => "读取 XLSX 工作表失败（第{line}行附近）：文件可能已损坏",
        TooManyRows { rows: u64 } => "工作表超过 {rows} 行：请拆分文件后导入",
        CellTooLong { row: u64, kb: u64 } => "工作表第{row}行有单元格超过 {kb} KB",
        EmptyHeaderRow => "工作表第1行须为表头（列名），但第1行为空",
    }

    // Products.
    INVALID_LENGTH: BadUserInput, "a product name or description" {
        TextLength { label: &'static str, min: usize, max: usize, count: usize } => "{label}应为{min}至{max}个字符，当前为{count}个",
    }
    INVALID_CHARACTERS: BadUserInput, "control characters in product text" {
        NameControlCharacters => "产品名称不能包含换行等控制字符",
    }
    NOT_POSITIVE: BadUserInput, "a product amount or rate" {
        AmountNotPositive { label: &'static str } => "{label}必须大于0元",
        RateNotPositive { label: &'static str } => "{label}必须大于0%",
    }
    OUT_OF_RANGE: BadUserInput, "a product term or years in operation out of bounds" {
        TermOutOfRange { label: &'static str, max: u16, months: i32 } => "{label}应在1至{max}个月之间，收到{months}",
        YearsOutOfRange { max: i32, years: i32 } => "最低经营年限应在0至{max}年之间，收到{years}",
        DeclaredYearsOutOfRange { max: i32, years: i32 } => "连续申报个人所得税年数应在1至{max}年之间，收到{years}",
    }
    RANGE_ORDER: BadUserInput, "min above max" {
        AmountOrder { min: String, max: String } => "最低金额不能高于最高金额（{min}元 > {max}元）",
        TermOrder { min: u16, max: u16 } => "最短期限不能长于最长期限（{min}个月 > {max}个月）",
        RateOrder { min: String, max: String } => "最低年利率不能高于最高年利率（{min}% > {max}%）",
    }
    RATE_ABOVE_CEILING: BadUserInput, "a product rate over `products.max_rate_bp`" {
        RateAboveCeiling { label: &'static str, rate: String, ceiling: String } => "{label}{rate}%超过平台利率上限{ceiling}%",
    }
    DISCOUNT_TOO_LARGE: BadUserInput, "a trusted discount at or over the minimum rate" {
        DiscountTooLarge { discount: String, rate_min: String } => "守信优惠（{discount}个百分点）不能超过最低年利率{rate_min}%",
    }
    OUTSIDE_SERVICE_AREA: BadUserInput, "product regions outside the bank's area" {
        OutsideServiceArea { prefix: String, area: String } => "服务区域“{prefix}”不在本机构的服务范围“{area}”之内",
    }
    NOT_AUTHORIZED_CATEGORY: BadUserInput, "a public category where an authorized one is expected" {
        PublicCategoryConsent { label: &'static str } => "{label}属于公示信息，无需授权",
        PublicCategoryRequired { label: &'static str } => "“{label}”属于公示信息，银行无需授权即可查看，不能列为需授权的数据",
    }
    VERSION_MISMATCH: Conflict, "updateProduct with a stale expectedVersion" {
        VersionMismatch => "产品已被他人修改，请刷新后重试",
    }
    ARCHIVED: InvalidState, "updateProduct on an archived product" {
        Archived => "已下架归档的产品不能修改",
    }
    ILLEGAL_TRANSITION: InvalidState, "a product, record or response state machine refuses the step" {
        ProductArchived { action: &'static str } => "产品已归档，不能{action}",
        ProductInState { state: &'static str, action: &'static str } => "产品当前为“{state}”状态，不能{action}",
        ObjectionPending => "该信用信息已有异议正在处理",
        RecordClosed => "已修复或已撤销的信用信息不能提出异议",
        NotDisputed => "只能处理异议中的信用信息",
        AlreadyRepaired => "该信用信息已修复",
        RevokedNotRepairable => "已撤销的信用信息无需修复",
        ResponseRejected { action: &'static str } => "已拒绝该需求，不能再{action}",
        ResponseSuperseded { action: &'static str } => "该融资需求已结束，不能再{action}",
        ResponseDisbursed { action: &'static str } => "已放款，业务已办结，不能再{action}",
        AlreadyAccepted => "已受理该需求，不能重复受理",
        AlreadyRejected => "已拒绝该需求，不能重复拒绝",
        RejectAfterDisbursement => "已放款，不能再拒绝",
        AlreadyGranted => "已授信，不能重复授信",
        DisburseBeforeCredit => "须先授信才能放款",
        AlreadyDisbursed => "已放款，不能重复放款",
        ChooseBeforeCredit => "该银行尚未授信，不能选定",
        WithdrawClosed { status: &'static str } => "该融资需求已结束（{status}），不能撤回",
    }

    // Consents and credit.
    ONE_GRANTEE: BadUserInput, "grantConsent with both or neither" {
        OneGrantee => "须且只能指定被授权机构或融资需求之一",
    }
    GRANTEE_NOT_FOUND: BadUserInput, "grantConsent" {
        GranteeNotFound => "被授权机构不存在",
    }
    INVALID_GRANTEE: BadUserInput, "grantConsent" {
        InvalidGrantee => "只能授权给金融机构或主管部门",
    }
    DEMAND_NOT_FOUND: BadUserInput, "grantConsent to a demand not the subject's" {
        DemandNotFound => "融资需求不存在",
    }
    UNKNOWN_TEXT_VERSION: BadUserInput, "grantConsent or postDemand naming no known text" {
        UnknownTextVersion { current: String } => "授权书版本不存在，现行版本为“{current}”",
    }
    OUTDATED_TEXT_VERSION: BadUserInput, "grantConsent or postDemand signing an older consent text" {
        OutdatedTextVersion { version: String, current: String } => "授权书版本“{version}”已更新，请阅读并签署现行版本“{current}”",
    }
    INVALID_VALIDITY: BadUserInput, "a consent ending in the past or after a year" {
        ValidityPast => "授权截止时间须晚于当前时间",
        ValidityTooLong => "授权期限最长为一年",
    }
    ALREADY_RESOLVED: InvalidState, "resolveObjection twice" {
        AlreadyResolved => "该异议已处理",
    }

    // Demands.
    INVALID_AMOUNT: BadUserInput, "a demand, credit, disbursement or renewal amount" {
        DemandAmount => "融资金额须大于0且不超过10亿元",
        CreditAmount => "授信金额须大于0",
        DisbursementAmount => "放款金额须大于0且不超过授信金额",
        RenewalAmount => "续贷金额须大于0且不超过原贷款金额",
    }
    INVALID_TERM: BadUserInput, "a demand, credit or renewal term, a term filter" {
        DemandTerm => "融资期限须在1至360个月之间",
        CreditTerm => "授信期限须在1至360个月之间",
        RenewalTerm => "续贷期限须在1至360个月之间",
        TermFilter => "期限须为正整数",
    }
    INVALID_RATE: BadUserInput, "a malformed rate, a rate ceiling, a credit or renewal rate" {
        MalformedRate { input: String } => "利率格式不正确：“{input}”，应为0至100之间、最多两位小数的年化百分比，如3.85",
        MaxRate => "可接受的最高利率须大于0且不超过利率上限",
        CreditRate => "授信利率须大于0且不超过利率上限",
        RenewalRate => "续贷利率须大于0且不超过利率上限",
    }
    INVALID_FEE: BadUserInput, "grantCredit fees" {
        FeeAmount { n: usize } => "第{n}项费用的金额必须大于0元",
        FeePayee { n: usize } => "第{n}项费用的收费方应为1至100个字",
        TooManyFees { max: usize } => "每笔授信的费用最多{max}项",
        FeesExceedAmount { fees: String, amount: String } => "放款时扣收的费用与首年年费合计{fees}元，不能达到授信金额{amount}元",
        CostOverHundred => "含费用的年化综合融资成本超过100%，请核对费用",
    }
    INVALID_MULTIPLE: BadUserInput, "createProduct/updateProduct preCredit.multiple" {
        InvalidMultiple => "倍数须大于0且不超过50",
    }
    INVALID_FACTOR: BadUserInput, "createProduct/updateProduct preCredit.gradeFactors" {
        InvalidFactor => "系数须大于0且不超过1",
        FactorsForIncome => "按个人所得税测算的预授信不按纳税信用等级计算，请不要设置等级系数",
    }
    MIN_GRADE_NOT_RATED: BadUserInput, "a product whose minimum tax grade is NOT_RATED" {
        MinGradeNotRated => "最低纳税信用等级不能设为未参评；如接受未参评主体，请设置 acceptsNotRated",
    }
    DUPLICATE_GRADE: BadUserInput, "a pre-credit rule naming a grade twice" {
        DuplicateGrade => "每个纳税信用等级只能设置一次系数",
    }
    INVALID_PRE_CREDIT: Internal, "a stored pre-credit rule that does not read back" {
        InvalidPreCredit { stored: String } => "预授信规则格式不正确：{stored}",
    }
    NOT_DISBURSED: InvalidState, "requestRenewal on a loan not disbursed" {
        NotDisbursed => "只能对已放款的贷款申请续贷或展期",
    }
    RENEWAL_TOO_EARLY: InvalidState, "requestRenewal before the window opens" {
        RenewalTooEarly { window_days: i64, day: String } => "到期前{window_days}天起可申请续贷或展期（{day}起）",
    }
    LOAN_MATURED: InvalidState, "requestRenewal after maturity" {
        LoanMatured => "贷款已到期，不能再申请续贷或展期",
    }
    RENEWAL_PENDING: Conflict, "a second open request on one loan" {
        RenewalPending => "该贷款已有待审批的续贷或展期申请",
    }
    RENEWAL_DECIDED: InvalidState, "approveRenewal/rejectRenewal on a decided request" {
        RenewalDecided => "该申请已处理",
    }
    UNKNOWN_DEFINITIONS_VERSION: BadUserInput, "indicators with a definitionsVersion the platform does not have" {
        UnknownDefinitionsVersion { versions: String } => "指标口径版本应为 {versions}",
    }
    TOO_MANY_IDS: BadUserInput, "markNotificationsRead with more than 100 ids" {
        TooManyIds => "一次最多标记100条消息",
    }
    OFFER_ALREADY_CHOSEN: InvalidState, "acceptOffer twice, or grantCredit after the choice" {
        CreditAfterChoice => "企业已选定其他机构的授信，不能再授信",
        OfferAlreadyChosen => "已选定授信方案，不能再次选择",
    }
    OFFER_NOT_CHOSEN: InvalidState, "recordDisbursement by a bank not chosen" {
        OfferNotChosen => "企业已选定其他机构的授信，本机构不能放款",
    }
    INVALID_PURPOSE: BadUserInput, "postDemand" {
        InvalidPurpose => "资金用途应为2至500个字",
    }
    INVALID_EXPIRY: BadUserInput, "postDemand" {
        InvalidExpiry => "截止时间须在未来180天之内",
    }
    INVALID_NOTE: BadUserInput, "rejectDemand" {
        InvalidNote => "说明不能超过500个字",
    }
    INVALID_TIME: BadUserInput, "recordDisbursement" {
        InvalidDisbursementTime => "放款时间须在授信之后且不晚于当前时间",
    }
    PRODUCT_NOT_AVAILABLE: BadUserInput, "postDemand's targetProductIds" {
        ProductNotAvailable => "所选产品不存在或未上架",
    }
    PRODUCT_NOT_OWNED: BadUserInput, "grantCredit's productId" {
        ProductNotOwned => "只能选择本机构的产品",
    }
    DEMAND_CLOSED: InvalidState, "a response to a withdrawn, expired, unfunded or funded demand" {
        DemandClosed { status: &'static str } => "该融资需求已结束（{status}），不能再响应",
    }
    DEMAND_FULL: Conflict, "acceptDemand past `demands.max_holders`" {
        DemandFull { holders: usize, max_holders: usize } => "该融资需求已有{holders}家银行在对接，已达上限{max_holders}家，请稍后关注",
    }
    ALREADY_RESPONDED: InvalidState, "acceptDemand twice" {
        AlreadyResponded => "本机构已对该需求作出响应",
    }

    // Indicators.
    INVALID_PERIOD: BadUserInput, "from not before to" {
        InvalidPeriod => "统计截止日期须晚于起始日期（区间为[起始, 截止)）",
    }
    PERIOD_TOO_LONG: BadUserInput, "a period over ten years" {
        PeriodTooLong => "统计期间不能超过10年",
    }
    NO_LOWER_REGION: BadUserInput, "groupBy REGION under a town" {
        NoLowerRegion => "乡镇（街道）已是最低一级，不能再按地区分组",
    }
}
