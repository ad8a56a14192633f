//! Request cost: every field costs something, a list multiplies what it selects by the page it asks for, the
//! fields that search, match, aggregate, import or hash passwords cost what they really do, and aliases add
//! up like any other field. A request over the budget is refused before execution (`QUERY_TOO_EXPENSIVE`,
//! naming the cost and the budget); so is a request with more than one Argon2-bearing mutation.

use std::cell::Cell;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, ServerResult, Value, Variables};
use xyd_reasons::Reason;

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
const WEIGHTS: &[(&str, &str, u64)] = &[
    ("Query", "me", 1),
    ("Query", "subject", 1),
    ("Query", "verificationQueue", 1),
    ("Query", "importJob", 1),
    ("Query", "products", 20),
    ("Query", "product", 1),
    ("Query", "myProducts", 1),
    ("Query", "consentTexts", 1),
    ("Query", "consentText", 1),
    ("Query", "myConsents", 1),
    // A logged read: a write to the access log's chain.
    ("Query", "creditProfile", 20),
    ("Query", "creditRecords", 20),
    ("Query", "dataAccessLog", 10),
    ("Query", "objections", 1),
    ("Query", "demand", 1),
    ("Query", "matchProducts", 100),
    ("Query", "opportunities", 100),
    ("Query", "myDemands", 1),
    ("Query", "indicators", 1000),
    ("Query", "bankLeague", 300),
    ("Query", "notifications", 1),
    ("Query", "preCredit", 100),
    ("Query", "renewals", 1),
    ("Query", "verifyCreditReport", 5),
    ("Query", "region", 1),
    ("Query", "regions", 1),
    ("Query", "taxCollectionAuthorizations", 1),
    ("Query", "myDataExports", 1),
    ("Query", "erasureRequests", 1),
    ("Mutation", "login", 200),
    ("Mutation", "refreshSession", 20),
    ("Mutation", "logout", 10),
    ("Mutation", "createInstitution", 200),
    ("Mutation", "registerSubject", 200),
    ("Mutation", "registerPerson", 200),
    ("Mutation", "attestIdentity", 20),
    ("Mutation", "authorizeTaxCollection", 20),
    ("Mutation", "revokeTaxCollection", 20),
    // Reads every table about the subject and zips it, in the background: a few per request at most.
    ("Mutation", "requestMyData", 1000),
    ("Mutation", "requestErasure", 20),
    ("Mutation", "decideErasure", 50),
    ("Mutation", "resubmitVerification", 20),
    ("Mutation", "verifySubject", 20),
    ("Mutation", "rejectSubjectVerification", 20),
    ("Mutation", "importRecords", 2000),
    ("Mutation", "createProduct", 20),
    ("Mutation", "updateProduct", 20),
    ("Mutation", "publishProduct", 20),
    ("Mutation", "suspendProduct", 20),
    ("Mutation", "archiveProduct", 20),
    ("Mutation", "grantConsent", 20),
    ("Mutation", "revokeConsent", 20),
    ("Mutation", "fileObjection", 20),
    ("Mutation", "resolveObjection", 20),
    ("Mutation", "repairRecord", 20),
    ("Mutation", "postDemand", 50),
    ("Mutation", "withdrawDemand", 20),
    ("Mutation", "acceptDemand", 20),
    ("Mutation", "rejectDemand", 20),
    ("Mutation", "acceptOffer", 20),
    ("Mutation", "grantCredit", 20),
    ("Mutation", "recordDisbursement", 20),
    ("Mutation", "markNotificationsRead", 10),
    ("Mutation", "requestRenewal", 20),
    ("Mutation", "approveRenewal", 20),
    ("Mutation", "rejectRenewal", 20),
    // Renders a PDF and stores it: one per request under the default budget.
    ("Mutation", "issueCreditReport", 2500),
];

/// Mutations that compute an Argon2 hash: at most one per request.
const PASSWORD_MUTATIONS: [&str; 4] = ["login", "registerSubject", "registerPerson", "createInstitution"];

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
                .filter(|name| PASSWORD_MUTATIONS.contains(&name.as_str()))
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
            let weight = WEIGHTS.iter().find(|(t, f, _)| *t == ty && *f == name).map_or(1, |(_, _, w)| *w);
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
}
