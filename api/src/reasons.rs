//! Every reason code the platform sends (`extensions.reason`, an import row's `code`), in one table with its
//! class (`extensions.code`), its meaning in Chinese and when it happens. `docs/errors.md` is generated from
//! it; a test fails when the code uses a reason the table lacks, when the table keeps one nothing uses, or
//! when the document is stale (`XYD_UPDATE_DOCS=1 cargo test -p xinyidai reasons` rewrites it).

/// One reason code.
pub struct Reason {
    /// Stable English code.
    pub code: &'static str,
    /// The `extensions.code` it comes with (`ROW` for a rejected import row).
    pub class: &'static str,
    /// What it means, in Chinese.
    pub message: &'static str,
    /// When it happens.
    pub when: &'static str,
}

const fn r(code: &'static str, class: &'static str, message: &'static str, when: &'static str) -> Reason {
    Reason { code, class, message, when }
}

/// The classes (`extensions.code`) and what a client does about each.
pub const CLASSES: [(&str, &str); 11] = [
    ("UNAUTHENTICATED", "no valid access token, or wrong credentials: sign in (again)"),
    ("FORBIDDEN", "signed in, but this caller may not do this (role, jurisdiction, ownership)"),
    ("NOT_FOUND", "no such thing, or not one the caller may know of"),
    ("BAD_USER_INPUT", "the request or an argument is invalid; `extensions.field` names the argument"),
    ("CONFLICT", "the state changed under the request (a duplicate, a concurrent edit): reload and retry"),
    ("INVALID_STATE", "the thing exists but its state does not allow this now"),
    ("CONSENT_REQUIRED", "authorized data without an active consent covering it (at the field's path)"),
    ("RATE_LIMITED", "too many attempts: wait (the answer is itself held back a moment)"),
    ("QUERY_TOO_EXPENSIVE", "the request costs more than the budget, or names several password operations"),
    ("TIMEOUT", "the server did not finish in time"),
    ("INTERNAL", "a fault on the server; the cause is logged, never sent"),
];

/// Every reason code, by class.
pub const REASONS: &[Reason] = &[
    // Requests as a whole.
    r("INVALID_JSON", "BAD_USER_INPUT", "请求体不是合法的 GraphQL JSON 请求", "the body is not a GraphQL JSON request"),
    r(
        "UNSUPPORTED_MEDIA_TYPE",
        "BAD_USER_INPUT",
        "请求须为 application/json 或 multipart/form-data",
        "another content type (415)",
    ),
    r("PAYLOAD_TOO_LARGE", "BAD_USER_INPUT", "请求体过大", "a body or upload over its limit (413)"),
    r("BODY_TIMEOUT", "BAD_USER_INPUT", "请求体接收超时", "the body did not arrive within its deadline (408)"),
    r("INVALID_MULTIPART", "BAD_USER_INPUT", "文件上传请求格式不正确", "a malformed multipart upload"),
    r("GET_NOT_ALLOWED", "BAD_USER_INPUT", "变更和订阅须使用 POST 请求", "a mutation or subscription over GET (405)"),
    r("BATCH_NOT_SUPPORTED", "BAD_USER_INPUT", "不支持批量请求", "a JSON array of operations"),
    r("SUBSCRIPTIONS_ONLY", "BAD_USER_INPUT", "WebSocket 仅用于订阅", "a query or mutation over the WebSocket"),
    r(
        "OVER_BUDGET",
        "QUERY_TOO_EXPENSIVE",
        "请求代价超过上限",
        "fields × pages (aliases included) over `limits.query_cost`",
    ),
    r(
        "TOO_MANY_PASSWORD_OPERATIONS",
        "QUERY_TOO_EXPENSIVE",
        "每个请求最多包含一个登录、注册或设置密码的操作",
        "two or more of login, registerSubject, createInstitution",
    ),
    r("INVALID_QUERY", "BAD_USER_INPUT", "查询参数不正确", "the export endpoint's query string, a GraphQL GET's"),
    r("REQUIRED", "BAD_USER_INPUT", "缺少必填项", "a required argument or field is empty"),
    r("INVALID_ID", "BAD_USER_INPUT", "ID 格式不正确", "an ID argument that is not a UUID"),
    r("INVALID_PAGE_SIZE", "BAD_USER_INPUT", "first 须在1到100之间", "`first` out of range"),
    r("INVALID_CURSOR", "BAD_USER_INPUT", "分页游标无效", "an `after` cursor not issued for this list and page size"),
    r("INVALID_ENUM", "BAD_USER_INPUT", "取值不在允许范围内", "an unknown vocabulary value"),
    r("INVALID_FORMAT", "BAD_USER_INPUT", "导出格式须为 csv 或 xlsx", "an unknown export format"),
    // Accounts and institutions.
    r("INVALID_EMAIL", "BAD_USER_INPUT", "邮箱格式不正确", "registration, institution staff, login"),
    r("WEAK_PASSWORD", "BAD_USER_INPUT", "密码强度不足", "registration, institution staff"),
    r("EMAIL_TAKEN", "CONFLICT", "该邮箱已注册", "an email already in use"),
    r("INVALID_NAME", "BAD_USER_INPUT", "名称不符合要求", "a subject or institution name"),
    r("INSTITUTION_EXISTS", "CONFLICT", "同名机构已存在", "createInstitution with a name in use"),
    // Market subjects.
    r("INVALID_USCC", "BAD_USER_INPUT", "统一社会信用代码无效", "fails GB 32100-2015, or its county code is unknown"),
    r("KIND_MISMATCH", "BAD_USER_INPUT", "主体类型与统一社会信用代码第2位不一致", "registration, registry rows"),
    r(
        "INVALID_REGION_CODE",
        "BAD_USER_INPUT",
        "行政区划代码不正确",
        "a region code or prefix of no accepted shape; a city's or province's code where a county or town is needed",
    ),
    r(
        "UNKNOWN_REGION",
        "BAD_USER_INPUT",
        "行政区划代码在2023年统计用区划代码中不存在",
        "a code in neither form (2/4/6/9 digits cut to its level, or 6-digit GB/T 2260) that the edition holds: \
         registrations, registry rows, institutions, products' regions and filters, indicator filters, regions(parentCode)",
    ),
    r("REGION_MISMATCH", "BAD_USER_INPUT", "所在地区与名录或登记机关辖区不一致", "registration's regionCode"),
    r("INVALID_INDUSTRY_CODE", "BAD_USER_INPUT", "行业代码不正确", "GB/T 4754-2017"),
    r("INVALID_PERSON_NAME", "BAD_USER_INPUT", "姓名应为2至30个字", "legal representative"),
    r("INVALID_ID_NUMBER", "BAD_USER_INPUT", "身份证号码不正确", "GB 11643 check digit"),
    r("INVALID_PHONE", "BAD_USER_INPUT", "手机号码不正确", "registration"),
    r("INVALID_DATE", "BAD_USER_INPUT", "日期不正确", "a future establishment or snapshot date, a malformed date"),
    r(
        "USCC_REGISTERED",
        "CONFLICT",
        "该统一社会信用代码已有通过实名认证的主体",
        "registration or verification of a code with a verified owner",
    ),
    r("REGISTRY_CANCELLED", "INVALID_STATE", "该主体已注销，不能注册", "the registry says 注销"),
    r("REGISTRY_REVOKED", "INVALID_STATE", "该主体营业执照已被吊销，不能注册", "the registry says 吊销"),
    r(
        "UNVERIFIED",
        "INVALID_STATE",
        "主体尚未通过实名认证",
        "consents, demands, objections, authorized data before verification",
    ),
    r("REGISTRATION_CLOSED", "INVALID_STATE", "该注册已关闭", "another registration of the code was verified"),
    r("ALREADY_VERIFIED", "INVALID_STATE", "该主体已通过实名认证", "verify or resubmit a verified subject"),
    r("NOT_PENDING", "INVALID_STATE", "只能驳回待审核的实名认证", "rejecting a decided verification"),
    r("INVALID_REASON", "BAD_USER_INPUT", "驳回理由应为2至500个字", "rejectSubjectVerification"),
    r(
        "CONCURRENT_UPDATE",
        "CONFLICT",
        "已被他人修改，请刷新后重试",
        "a concurrent change of the same subject, product or record",
    ),
    // Imports (a row's `code` in `importJob.errors`).
    r("MISSING_FIELD", "ROW", "缺少必填字段", "a required column is empty"),
    r("INVALID_ROW", "ROW", "该行不是合法的 UTF-8 CSV", "an unreadable line"),
    r(
        "OUT_OF_JURISDICTION",
        "ROW",
        "不在本部门辖区内",
        "a row outside the importer's jurisdiction, or another jurisdiction's record",
    ),
    r("DUPLICATE_USCC", "ROW", "重错码：同一代码名称不同", "a code twice in one snapshot under two names"),
    r("CROSS_REGION_USCC", "ROW", "重错码：代码已在其他辖区名录中", "a code in another jurisdiction's latest snapshot"),
    r("TAX_IN_CREDIT_FILE", "ROW", "纳税信息须使用纳税文件导入", "a TAX row in a credit file"),
    r("INVALID_YEAR", "ROW", "纳税年度不正确", "a future or implausible tax year"),
    r("INVALID_MONEY", "BAD_USER_INPUT", "金额格式不正确", "an amount that is not yuan with ≤ 2 decimals"),
    r("INVALID_TEXT", "BAD_USER_INPUT", "文字长度不符合要求", "a title, reason or note of the wrong length"),
    r("IMPORT_FAILED", "BAD_USER_INPUT", "导入失败", "an unreadable file or header; the job is FAILED"),
    // Products.
    r("INVALID_LENGTH", "BAD_USER_INPUT", "长度不符合要求", "a product name or description"),
    r("INVALID_CHARACTERS", "BAD_USER_INPUT", "包含不允许的字符", "control characters in product text"),
    r("NOT_POSITIVE", "BAD_USER_INPUT", "须大于0", "a product amount or term"),
    r("OUT_OF_RANGE", "BAD_USER_INPUT", "超出允许范围", "a product term or rate out of bounds"),
    r("RANGE_ORDER", "BAD_USER_INPUT", "下限不能高于上限", "min above max"),
    r("RATE_ABOVE_CEILING", "BAD_USER_INPUT", "利率超过上限", "a product rate over `products.max_rate_bp`"),
    r("DISCOUNT_TOO_LARGE", "BAD_USER_INPUT", "优惠幅度过大", "a trusted discount at or over the minimum rate"),
    r(
        "OUTSIDE_SERVICE_AREA",
        "BAD_USER_INPUT",
        "服务地区超出本机构服务区域",
        "product regions outside the bank's area",
    ),
    r(
        "NOT_AUTHORIZED_CATEGORY",
        "BAD_USER_INPUT",
        "只能选择需授权的数据类别",
        "a public category where an authorized one is expected",
    ),
    r("VERSION_MISMATCH", "CONFLICT", "产品已被他人修改", "updateProduct with a stale expectedVersion"),
    r("ARCHIVED", "INVALID_STATE", "已下架归档的产品不能修改", "updateProduct on an archived product"),
    r(
        "ILLEGAL_TRANSITION",
        "INVALID_STATE",
        "当前状态下不能进行此操作",
        "a product, record or response state machine refuses the step",
    ),
    // Consents and credit.
    r("ONE_GRANTEE", "BAD_USER_INPUT", "须且只能指定被授权机构或融资需求之一", "grantConsent with both or neither"),
    r("GRANTEE_NOT_FOUND", "BAD_USER_INPUT", "被授权机构不存在", "grantConsent"),
    r("INVALID_GRANTEE", "BAD_USER_INPUT", "只能授权给金融机构或主管部门", "grantConsent"),
    r("DEMAND_NOT_FOUND", "BAD_USER_INPUT", "融资需求不存在", "grantConsent to a demand not the subject's"),
    r("UNKNOWN_TEXT_VERSION", "BAD_USER_INPUT", "授权书版本不存在", "grantConsent or postDemand naming no known text"),
    r(
        "OUTDATED_TEXT_VERSION",
        "BAD_USER_INPUT",
        "授权书版本已更新，请签署现行版本",
        "grantConsent or postDemand signing an older consent text",
    ),
    r("INVALID_VALIDITY", "BAD_USER_INPUT", "授权期限不正确", "a consent ending in the past or after a year"),
    r("ALREADY_RESOLVED", "INVALID_STATE", "该异议已处理", "resolveObjection twice"),
    // Demands.
    r("INVALID_AMOUNT", "BAD_USER_INPUT", "金额不正确", "a demand, credit or disbursement amount"),
    r("INVALID_TERM", "BAD_USER_INPUT", "期限不正确", "a demand or credit term"),
    r("INVALID_RATE", "BAD_USER_INPUT", "利率不正确", "a rate ceiling or credit rate"),
    r("INVALID_MULTIPLE", "BAD_USER_INPUT", "倍数须大于0且不超过50", "createProduct/updateProduct preCredit.multiple"),
    r("INVALID_FACTOR", "BAD_USER_INPUT", "系数须大于0且不超过1", "createProduct/updateProduct preCredit.gradeFactors"),
    r(
        "DUPLICATE_GRADE",
        "BAD_USER_INPUT",
        "每个纳税信用等级只能设置一次系数",
        "a pre-credit rule naming a grade twice",
    ),
    r("INVALID_PRE_CREDIT", "INTERNAL", "预授信规则格式不正确", "a stored pre-credit rule that does not read back"),
    r("NOT_DISBURSED", "INVALID_STATE", "只能对已放款的贷款申请续贷或展期", "requestRenewal on a loan not disbursed"),
    r("RENEWAL_TOO_EARLY", "INVALID_STATE", "到期前90天起可申请续贷或展期", "requestRenewal before the window opens"),
    r("LOAN_MATURED", "INVALID_STATE", "贷款已到期，不能再申请续贷或展期", "requestRenewal after maturity"),
    r("RENEWAL_PENDING", "CONFLICT", "该贷款已有待审批的续贷或展期申请", "a second open request on one loan"),
    r("RENEWAL_DECIDED", "INVALID_STATE", "该申请已处理", "approveRenewal/rejectRenewal on a decided request"),
    r(
        "UNKNOWN_DEFINITIONS_VERSION",
        "BAD_USER_INPUT",
        "指标口径版本应为 v1 或 v2",
        "indicators with a definitionsVersion other than v1 or v2",
    ),
    r("TOO_MANY_IDS", "BAD_USER_INPUT", "一次最多标记100条消息", "markNotificationsRead with more than 100 ids"),
    r("OFFER_ALREADY_CHOSEN", "INVALID_STATE", "已选定授信方案", "acceptOffer twice, or grantCredit after the choice"),
    r("OFFER_NOT_CHOSEN", "INVALID_STATE", "企业已选定其他机构的授信", "recordDisbursement by a bank not chosen"),
    r("INVALID_PURPOSE", "BAD_USER_INPUT", "资金用途应为2至500个字", "postDemand"),
    r("INVALID_EXPIRY", "BAD_USER_INPUT", "截止时间须在未来180天之内", "postDemand"),
    r("INVALID_NOTE", "BAD_USER_INPUT", "说明不能超过500个字", "rejectDemand"),
    r("INVALID_TIME", "BAD_USER_INPUT", "放款时间不正确", "recordDisbursement"),
    r("PRODUCT_NOT_AVAILABLE", "BAD_USER_INPUT", "所选产品不存在或未上架", "postDemand's targetProductIds"),
    r("PRODUCT_NOT_OWNED", "BAD_USER_INPUT", "只能选择本机构的产品", "grantCredit's productId"),
    r(
        "DEMAND_CLOSED",
        "INVALID_STATE",
        "该融资需求已关闭",
        "a response to a withdrawn, expired, unfunded or funded demand",
    ),
    r("DEMAND_FULL", "CONFLICT", "该需求已有足够银行在对接", "acceptDemand past `demands.max_holders`"),
    r("ALREADY_RESPONDED", "INVALID_STATE", "本机构已对该需求作出响应", "acceptDemand twice"),
    // Indicators.
    r("INVALID_PERIOD", "BAD_USER_INPUT", "统计期间不正确", "from not before to"),
    r("PERIOD_TOO_LONG", "BAD_USER_INPUT", "统计期间不能超过10年", "a period over ten years"),
    r("NO_LOWER_REGION", "BAD_USER_INPUT", "乡镇以下不能再分组", "groupBy REGION under a town"),
];

/// `docs/errors.md`.
pub fn render_markdown() -> String {
    let mut out = String::from(
        "# Error codes\n\nGenerated from `api/src/reasons.rs` (a test keeps them equal). Every GraphQL error carries \
         `extensions.code` (its class); most also carry `extensions.reason`, and a rejected import row a `code` \
         (the codes of value parsing — `INVALID_USCC`, `INVALID_DATE`, … — name rejected rows too).\n\n\
         ## Classes (`extensions.code`)\n\n| code | meaning |\n|---|---|\n",
    );
    for (code, meaning) in CLASSES {
        out.push_str(&format!("| `{code}` | {meaning} |\n"));
    }
    out.push_str("\n## Reasons (`extensions.reason`, an import row's `code`)\n\n| reason | class | message | when |\n|---|---|---|---|\n");
    for reason in REASONS {
        out.push_str(&format!("| `{}` | {} | {} | {} |\n", reason.code, reason.class, reason.message, reason.when));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::*;

    /// Calls that take a reason code as their first upper-case string literal.
    const CARRIERS: [&str; 8] = [
        "bad_input(",
        "invalid_state(",
        "conflict(",
        "RowError::new(",
        "invalid(",
        "refusal(",
        "\"reason\", ",
        "StatusCode::",
    ];

    /// The crate's directory at run time (a shared compile cache may hold a binary built in another checkout).
    fn root() -> PathBuf {
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
    }

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("reasons.rs") {
                out.push(path);
            }
        }
    }

    /// The non-test code of the server and the domain.
    fn code() -> Vec<String> {
        let root = root();
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        sources(&root.join("../domain/src"), &mut files);
        sources(&root.join("../divisions/src"), &mut files);
        files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).unwrap();
                text.split("#[cfg(test)]").next().unwrap_or_default().to_string()
            })
            .collect()
    }

    /// The first `"UPPER_SNAKE"` literal after `at`, within the call (before a `;`).
    fn literal_after(text: &str, at: usize) -> Option<&str> {
        let mut end = text.len().min(at + 200);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let rest = &text[at..end];
        let rest = &rest[..rest.find(';').unwrap_or(rest.len())];
        let mut parts = rest.split('"');
        parts.next();
        parts.step_by(2).find(|s| s.len() > 3 && s.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
    }

    #[test]
    fn the_table_holds_every_reason_the_code_uses_and_no_other() {
        let sources = code();
        let table: BTreeSet<&str> = REASONS.iter().map(|r| r.code).collect();
        assert_eq!(table.len(), REASONS.len(), "a reason listed twice");
        let classes: BTreeSet<&str> = CLASSES.iter().map(|(c, _)| *c).collect();
        let mut used = BTreeSet::new();
        for text in &sources {
            for carrier in CARRIERS {
                for (at, _) in text.match_indices(carrier) {
                    if let Some(code) = literal_after(text, at + carrier.len()) {
                        used.insert(code.to_string());
                    }
                }
            }
        }
        let missing: Vec<&String> =
            used.iter().filter(|c| !table.contains(c.as_str()) && !classes.contains(c.as_str())).collect();
        assert!(missing.is_empty(), "reasons used but not in api/src/reasons.rs: {missing:?}");
        let unused: Vec<&&str> =
            table.iter().filter(|c| !sources.iter().any(|t| t.contains(&format!("\"{c}\"")))).collect();
        assert!(unused.is_empty(), "reasons in the table that nothing uses: {unused:?}");
        for reason in REASONS {
            assert!(classes.contains(reason.class) || reason.class == "ROW", "{}: unknown class", reason.code);
        }
    }

    #[test]
    fn docs_errors_md_is_generated_from_the_table() {
        let path = root().join("../docs/errors.md");
        let rendered = render_markdown();
        if std::env::var("XYD_UPDATE_DOCS").as_deref() == Ok("1") {
            std::fs::write(&path, &rendered).unwrap();
        }
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(written == rendered, "docs/errors.md is stale: XYD_UPDATE_DOCS=1 cargo test -p xinyidai reasons");
    }
}
