//! Request cost: every field costs something, a list multiplies what it selects by the page it asks for, the
//! fields that search, match, aggregate, import or hash passwords cost what they really do, and aliases add
//! up like any other field. A request over the budget is refused before execution (`QUERY_TOO_EXPENSIVE`,
//! naming the cost and the budget); so is a request with more than one Argon2-bearing mutation.

use std::cell::Cell;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, ServerResult, Value, Variables};
use xyd_reasons::Reason;

use self::Weight::{Of, Password};
use super::fields::{FieldType, SchemaFields};

/// What a list without a `first` argument is assumed to hold.
const UNPAGED_LIST: u64 = 10;
/// `first` when a paged field's default cannot be read.
const DEFAULT_PAGE: u64 = 20;

/// What one call of each root field costs, before what it selects: every Query and Mutation field is listed
/// (a test fails when one is missing), so a new field is weighed when it is added. A read of a row or a page is
/// 1 (its page multiplies what it selects); a write is at least 10; fields that search, match, aggregate, log
/// a read, hash a password, import a file or render a document cost what they really do. Aliases add up like any
/// other field: two `issueCreditReport` in one request are over the default budget.
const WEIGHTS: &[(&str, &str, Weight)] = &[
    ("Query", "me", Of(1)),
    ("Query", "subject", Of(1)),
    ("Query", "verificationQueue", Of(1)),
    ("Query", "importJob", Of(1)),
    ("Query", "products", Of(20)),
    ("Query", "product", Of(1)),
    ("Query", "myProducts", Of(1)),
    ("Query", "consentTexts", Of(1)),
    ("Query", "consentText", Of(1)),
    ("Query", "myConsents", Of(1)),
    // A logged read: a write to the access log's chain.
    ("Query", "creditProfile", Of(20)),
    ("Query", "creditRecords", Of(20)),
    ("Query", "dataAccessLog", Of(10)),
    ("Query", "objections", Of(1)),
    ("Query", "demand", Of(1)),
    ("Query", "matchProducts", Of(100)),
    ("Query", "opportunities", Of(100)),
    ("Query", "myDemands", Of(1)),
    ("Query", "indicators", Of(1000)),
    ("Query", "bankLeague", Of(300)),
    ("Query", "notifications", Of(1)),
    ("Query", "preCredit", Of(100)),
    ("Query", "renewals", Of(1)),
    ("Query", "verifyCreditReport", Of(5)),
    ("Query", "region", Of(1)),
    ("Query", "regions", Of(1)),
    ("Query", "taxCollectionAuthorizations", Of(1)),
    ("Query", "myDataExports", Of(1)),
    ("Query", "erasureRequests", Of(1)),
    // A page of loans, each with its computed 首贷 (two indexed lookups) and its demand, borrower and lender.
    ("Query", "loans", Of(20)),
    ("Mutation", "login", Password),
    ("Mutation", "refreshSession", Of(20)),
    ("Mutation", "logout", Of(10)),
    ("Mutation", "createInstitution", Password),
    ("Mutation", "updateInstitution", Of(20)),
    ("Mutation", "registerSubject", Password),
    ("Mutation", "registerPerson", Password),
    ("Mutation", "attestIdentity", Of(20)),
    ("Mutation", "authorizeTaxCollection", Of(20)),
    ("Mutation", "revokeTaxCollection", Of(20)),
    // Reads every table about the subject and zips it, in the background: a few per request at most.
    ("Mutation", "requestMyData", Of(1000)),
    ("Mutation", "requestErasure", Of(20)),
    ("Mutation", "decideErasure", Of(50)),
    ("Mutation", "resubmitVerification", Of(20)),
    ("Mutation", "verifySubject", Of(20)),
    ("Mutation", "rejectSubjectVerification", Of(20)),
    ("Mutation", "importRecords", Of(2000)),
    ("Mutation", "createProduct", Of(20)),
    ("Mutation", "updateProduct", Of(20)),
    ("Mutation", "publishProduct", Of(20)),
    ("Mutation", "suspendProduct", Of(20)),
    ("Mutation", "archiveProduct", Of(20)),
    ("Mutation", "grantConsent", Of(20)),
    ("Mutation", "revokeConsent", Of(20)),
    ("Mutation", "fileObjection", Of(20)),
    ("Mutation", "resolveObjection", Of(20)),
    ("Mutation", "repairRecord", Of(20)),
    ("Mutation", "postDemand", Of(50)),
    ("Mutation", "withdrawDemand", Of(20)),
    ("Mutation", "acceptDemand", Of(20)),
    ("Mutation", "rejectDemand", Of(20)),
    ("Mutation", "acceptOffer", Of(20)),
    ("Mutation", "grantCredit", Of(20)),
    ("Mutation", "recordDisbursement", Of(20)),
    ("Mutation", "markNotificationsRead", Of(10)),
    ("Mutation", "requestRenewal", Of(20)),
    ("Mutation", "approveRenewal", Of(20)),
    ("Mutation", "rejectRenewal", Of(20)),
    // Renders a PDF and stores it: one per request under the default budget.
    ("Mutation", "issueCreditReport", Of(2500)),
];

/// What a root field costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    /// This much.
    Of(u64),
    /// Computes an Argon2 hash (a login's check, a new account's hash): [`PASSWORD_COST`], and at most one such
    /// mutation per request, aliased or not.
    Password,
}

/// The cost of a field that computes an Argon2 hash.
const PASSWORD_COST: u64 = 200;

impl Weight {
    fn cost(self) -> u64 {
        match self {
            Weight::Of(cost) => cost,
            Weight::Password => PASSWORD_COST,
        }
    }
}

/// The weight of the field `name` of the root or object type `ty` (1 when it has none of its own).
fn weight(ty: &str, name: &str) -> Weight {
    WEIGHTS.iter().find(|(t, f, _)| *t == ty && *f == name).map_or(Of(1), |(_, _, w)| *w)
}

/// The cost limit (checked by the request gate, `graphql::gate`).
pub struct CostLimit {
    pub budget: u64,
}

impl CostLimit {
    /// `document` with `variables` within the budget, and with at most one Argon2-bearing mutation.
    pub fn check(
        &self,
        fields: &SchemaFields,
        document: &ExecutableDocument,
        variables: &Variables,
    ) -> ServerResult<()> {
        let walker = Walker { fields, document, variables, visits: Cell::new(0) };
        let mut cost = 0u64;
        for (_, operation) in document.operations.iter() {
            let root = match operation.node.ty {
                OperationType::Query => fields.query.as_str(),
                OperationType::Mutation => fields.mutation.as_str(),
                OperationType::Subscription => fields.subscription.as_str(),
            };
            let password_operations = walker
                .root_fields(&operation.node.selection_set.node)
                .iter()
                .filter(|name| weight("Mutation", name) == Password)
                .count();
            if operation.node.ty == OperationType::Mutation && password_operations > 1 {
                return Err(super::refused_request(&Reason::TooManyPasswordOperations, &[]));
            }
            cost = cost.saturating_add(walker.selection_cost(&operation.node.selection_set.node, root, None, 0));
        }
        if walker.visits.get() > MAX_VISITS {
            cost = u64::MAX;
        }
        if cost > self.budget {
            let details = [("cost", Value::from(cost)), ("budget", Value::from(self.budget))];
            return Err(super::refused_request(&Reason::OverBudget { cost, budget: self.budget }, &details));
        }
        Ok(())
    }
}

struct Walker<'a> {
    fields: &'a SchemaFields,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Selections visited: fragments spread into fragments multiply, so the walk itself is bounded.
    visits: Cell<u64>,
}

/// Nested selections deeper than this are not followed (validation, which runs later, refuses fragment
/// cycles; this bounds the walk before it).
const MAX_DEPTH: usize = 32;
/// Selections the walk visits at most; a document that needs more is refused as too expensive.
const MAX_VISITS: u64 = 100_000;

impl Walker<'_> {
    /// The names of the fields selected at the root, through fragments, aliases counted as separate fields.
    fn root_fields(&self, set: &SelectionSet) -> Vec<String> {
        let mut names = Vec::new();
        self.each_field(set, 0, &mut |field| names.push(field.name.node.to_string()));
        names
    }

    fn each_field(&self, set: &SelectionSet, depth: usize, f: &mut dyn FnMut(&async_graphql::parser::types::Field)) {
        if depth > MAX_DEPTH {
            return;
        }
        for item in &set.items {
            self.visits.set(self.visits.get() + 1);
            if self.visits.get() > MAX_VISITS {
                return;
            }
            match &item.node {
                Selection::Field(field) => f(&field.node),
                Selection::InlineFragment(inline) => self.each_field(&inline.node.selection_set.node, depth + 1, f),
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self.document.fragments.get(&spread.node.fragment_name.node) {
                        self.each_field(&fragment.node.selection_set.node, depth + 1, f);
                    }
                }
            }
        }
    }

    /// The cost of `set` selected on type `ty`. `page` is the size a paged parent asked for, which every list
    /// right below it holds (a connection's `nodes` and `edges` alike).
    fn selection_cost(&self, set: &SelectionSet, ty: &str, page: Option<u64>, depth: usize) -> u64 {
        let mut cost = 0u64;
        self.each_field(set, depth, &mut |field| {
            let name = field.name.node.as_str();
            if name.starts_with("__") {
                cost = cost.saturating_add(1);
                return;
            }
            let meta = self.fields.get(ty, name);
            let weight = weight(ty, name).cost();
            let Some(meta) = meta else {
                cost = cost.saturating_add(weight);
                return;
            };
            let child = meta.named.as_str();
            let first = self.first_of(field, meta);
            let (multiplier, child_page) = match (first, meta.list) {
                (Some(first), true) => (first, None),
                (Some(first), false) => (1, Some(first)),
                (None, true) => (page.unwrap_or(UNPAGED_LIST), None),
                (None, false) => (1, None),
            };
            let below = if field.selection_set.node.items.is_empty() {
                0
            } else {
                self.selection_cost(&field.selection_set.node, child, child_page, depth + 1)
            };
            cost = cost.saturating_add(weight.saturating_add(multiplier.saturating_mul(below)));
        });
        cost
    }

    /// The `first` argument of a paged field: given (literal or variable) or its declared default.
    fn first_of(&self, field: &async_graphql::parser::types::Field, meta: &FieldType) -> Option<u64> {
        let declared = meta.first?;
        let given = field.arguments.iter().find(|(n, _)| n.node.as_str() == "first").map(|(_, v)| &v.node);
        let value =
            given.and_then(|v| v.clone().into_const_with(|var: Name| self.variables.get(&var).cloned().ok_or(())).ok());
        let number = match value {
            Some(Value::Number(n)) => n.as_u64(),
            _ => declared,
        };
        Some(number.unwrap_or(DEFAULT_PAGE).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Query and Mutation field has a weight, and every weight names a field that exists.
    #[tokio::test]
    async fn every_root_field_is_weighed() {
        let schema = crate::schema::build_schema(&crate::config::LimitsConfig::default(), true).finish();
        let query = "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }";
        let answer = schema.execute(query).await.data.into_json().unwrap_or_default();
        let mut fields = Vec::new();
        for (root, key) in [("Query", "queryType"), ("Mutation", "mutationType")] {
            let listed = answer["__schema"][key]["fields"].as_array().cloned().unwrap_or_default();
            fields.extend(listed.iter().filter_map(|f| f["name"].as_str()).map(|name| (root, name.to_string())));
        }
        assert!(fields.len() > 40, "the roots were read: {answer}");
        let missing: Vec<String> = fields
            .iter()
            .filter(|(root, name)| !WEIGHTS.iter().any(|(t, f, _)| t == root && f == name))
            .map(|(root, name)| format!("{root}.{name}"))
            .collect();
        assert!(missing.is_empty(), "add a weight to graphql::cost::WEIGHTS for {missing:?}");
        for (ty, field, _) in WEIGHTS {
            assert!(fields.iter().any(|(t, f)| t == ty && f == field), "WEIGHTS names {ty}.{field}, which is gone");
        }
    }

    /// Where Argon2 runs, with its count of calls and the mutation it serves (`None`: not reachable through
    /// GraphQL).
    const HASHERS: [(&str, usize, Option<&str>); 6] = [
        ("api/src/auth/sessions.rs", 1, Some("login")),
        ("api/src/subjects/register.rs", 1, Some("registerSubject")),
        ("api/src/subjects/person.rs", 1, Some("registerPerson")),
        ("api/src/institutions/create.rs", 1, Some("createInstitution")),
        ("api/src/auth/bootstrap.rs", 1, None),
        ("cli/src/demo/enterprise.rs", 1, None),
    ];

    /// Every place that computes an Argon2 hash serves a mutation weighed as `Password`, and every such mutation
    /// has one: a new hashing field fails here until it is weighed (and limited to one per request).
    #[test]
    fn every_password_hash_is_weighed_as_one() {
        let found = crate::source_scan::calls(&["api/src", "cli/src"], &["password::hash(", "password::verify("]);
        let listed = HASHERS.iter().map(|(file, n, _)| (file.to_string(), *n)).collect();
        assert_eq!(found, listed, "a new caller of auth::password is listed in HASHERS with the mutation it serves");
        let served: Vec<&str> = HASHERS.iter().filter_map(|(_, _, field)| *field).collect();
        for field in &served {
            assert_eq!(weight("Mutation", field), Password, "{field} computes an Argon2 hash: weigh it Password");
        }
        for (_, field, w) in WEIGHTS.iter().filter(|(_, _, w)| *w == Password) {
            assert!(served.contains(field), "{field} is weighed Password ({w:?}) but computes no hash");
        }
    }
}
