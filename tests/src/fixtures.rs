//! Fixture builders: valid codes, registry files and registrations.

use serde_json::{Value, json};
use xyd_domain::Uscc;

/// A valid USCC of `kind` ('1' enterprise, '2' individual business, '3' cooperative) in county
/// `county`, distinct per `n`.
pub fn uscc_in(county: &str, kind: char, n: u32) -> String {
    const SET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut org = String::new();
    let mut v = n as u64 + 7_777_777;
    for _ in 0..9 {
        org.insert(0, SET[(v % 31) as usize] as char);
        v /= 31;
    }
    Uscc::from_parts('9', kind, county, &org).expect("valid parts").as_str().to_string()
}

/// A valid enterprise USCC in 雷州市 (440882).
pub fn uscc(n: u32) -> String {
    uscc_in("440882", '1', n)
}

/// A valid 居民身份证号码 issued in `county`, born in the 1980s, distinct per `n` (up to 3,650,000).
pub fn id_number_in(county: &str, n: u32) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).expect("a date") + chrono::Days::new(u64::from(n % 3650));
    let first17 = format!("{county}{}{:03}", born.format("%Y%m%d"), n / 3650 % 1000);
    xyd_domain::IdNumber::complete(&first17).expect("valid parts").expose().to_string()
}

/// A valid 居民身份证号码 issued in 雷州市 (440882).
pub fn id_number(n: u32) -> String {
    id_number_in("440882", n)
}

/// The same code with its check character changed, so it fails validation.
pub fn broken(uscc: &str) -> String {
    let mut chars: Vec<char> = uscc.chars().collect();
    chars[17] = if chars[17] == '0' { '1' } else { '0' };
    chars.into_iter().collect()
}

/// A registry CSV built row by row.
pub struct RegistryCsv {
    text: String,
}

impl Default for RegistryCsv {
    fn default() -> Self {
        Self::new()
    }
}

impl RegistryCsv {
    pub fn new() -> Self {
        Self {
            text: "uscc,name,kind,region_code,industry_code,legal_rep_name,legal_rep_id_number,established_on,status,\
                   snapshot_date\n"
                .into(),
        }
    }

    /// Add an enterprise row in 雷州 with status 存续 on snapshot 2026-10-31.
    pub fn row(self, uscc: &str, name: &str, legal_rep: &str) -> Self {
        self.row_with(uscc, name, legal_rep, "440882100", "存续")
    }

    pub fn row_with(mut self, uscc: &str, name: &str, legal_rep: &str, region: &str, status: &str) -> Self {
        self.text.push_str(&format!(
            "{uscc},{name},企业,{region},C1391,{legal_rep},{LEGAL_REP_ID},2015-06-01,{status},2026-10-31\n"
        ));
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.text.clone().into_bytes()
    }
}

/// The legal representative's ID number that registry rows and registrations carry by default.
pub const LEGAL_REP_ID: &str = "11010519491231002X";

/// Variables of `registerSubject` for an enterprise of 雷州; change fields as needed.
pub fn registration(uscc: &str, name: &str, legal_rep: &str, email: &str) -> Value {
    json!({ "i": {
        "uscc": uscc, "name": name, "kind": "ENTERPRISE", "regionCode": "440882100", "industryCode": "C1391",
        "legalRepName": legal_rep, "legalRepIdNumber": LEGAL_REP_ID, "establishedOn": "2015-06-01",
        "email": email, "password": "Owner12345", "phone": "13800138000"
    }})
}

pub const REGISTER: &str = "mutation($i: RegisterSubjectInput!) { registerSubject(input: $i) {
    accessToken user { id role subject { id uscc verified verificationStatus verificationNote legalRepName legalRepIdNumber } } } }";

/// A valid product input for a bank serving 湛江 (4408); adjust fields as needed.
pub fn product_input(name: &str, description: &str) -> Value {
    json!({
        "name": name, "description": description, "productType": "CREDIT",
        "amountMin": "100000.00", "amountMax": "3000000.00", "termMonthsMin": 6, "termMonthsMax": 36,
        "rateMin": "3.45", "rateMax": "6.00", "subjectKinds": ["ENTERPRISE", "INDIVIDUAL_BUSINESS"],
        "regionPrefixes": ["4408"], "industryCodes": [], "requiresCleanRecord": true, "requiresVerified": true
    })
}

pub const CREATE_PRODUCT: &str = "mutation($i: ProductInput!) { createProduct(input: $i) { id status version } }";
pub const PUBLISH_PRODUCT: &str = "mutation($id: ID!) { publishProduct(id: $id) { id status version } }";

/// A credit CSV: rows of (uscc, category, doc number, title).
pub fn credit_csv(rows: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut text = String::from("uscc,category,source,doc_number,title,decided_at,valid_until\n");
    for (uscc, category, doc, title) in rows {
        text.push_str(&format!("{uscc},{category},雷州市市场监督管理局,{doc},{title},2025-03-01,\n"));
    }
    text.into_bytes()
}

/// A tax CSV: rows of (uscc, year, grade, tax paid).
pub fn tax_csv(rows: &[(&str, i32, &str, &str)]) -> Vec<u8> {
    let mut text = String::from("uscc,year,grade,tax_paid,vat_sales\n");
    for (uscc, year, grade, paid) in rows {
        text.push_str(&format!("{uscc},{year},{grade},{paid},\n"));
    }
    text.into_bytes()
}

pub const GRANT: &str =
    "mutation($i: GrantConsentInput!) { grantConsent(input: $i) { id active categories purpose textHash } }";

/// The consent text version grants must sign.
pub fn current_text_version() -> &'static str {
    &xinyidai::consents::texts::current().version
}

/// Variables of `grantConsent` to `grantee` for `categories` and `purpose`, valid for `seconds`.
pub fn grant(grantee: &str, categories: &[&str], purpose: &str, seconds: i64) -> Value {
    let until = chrono::Utc::now() + chrono::Duration::seconds(seconds);
    json!({ "i": { "granteeId": grantee, "categories": categories, "purpose": purpose,
                   "validUntil": until.to_rfc3339(), "textVersion": current_text_version() } })
}

pub const PROFILE: &str = "query($s: ID!, $p: AccessPurpose!) { creditProfile(subjectId: $s, purpose: $p) {
    subject { id restricted trusted } publicRecords { id category status title } tax { year grade taxPaid }
    authorizedRecords { id category title } } }";

pub const POST_DEMAND: &str = "mutation($i: PostDemandInput!) { postDemand(input: $i) { id status firstResponseDueAt
    subject { id } sharedCategories } }";

/// Variables of `postDemand`: 500,000 yuan for 12 months, credit or guarantee, sharing `share`.
pub fn demand_input(share: &[&str]) -> Value {
    json!({ "i": { "amount": "500000.00", "termMonths": 12, "purpose": "采购原材料，扩大食品加工产能",
                   "guaranteeTypes": ["CREDIT", "GUARANTEE"], "maxRate": "6.50", "shareWithResponders": share } })
}
