//! Request depth: one rule for how deep a request may nest; a request over it is refused before execution, as a
//! request error (BAD_USER_INPUT, with `depth` and `limit`; 400 for `application/graphql-response+json`).
//!
//! Ordinary fields count one level each, at most `limits.query_depth` (12) deep, through fragments.
//!
//! Where introspection is answered, a `__schema` or `__type` selection counts one level and what it selects is
//! measured instead by graphql-js's own rule (`MaxIntrospectionDepthRule`, graphql-js 16.9 and later): the
//! type lists `fields`, `inputFields`, `interfaces` and `possibleTypes` nest fewer than three deep. Why not
//! the depth limit: every client's standard introspection query (graphql-js, graphql-core, GraphiQL) unwraps
//! a type such as `[[T!]!]!` by asking for `ofType` nine levels deep, fifteen levels in all, which a limit
//! meant for business data must not have to allow; and what makes introspection expensive is not nesting but
//! those four lists, each of which fans out over the schema again (`ofType` is one type, `args` and
//! `enumValues` end in leaves). Measuring them bounds an introspection answer to a few schema copies whatever
//! the nesting, which the parser bounds in any case (`limit_recursive_depth`); the request cost counts an
//! introspection field as one (`graphql::cost`), this rule being its bound. Where introspection is off,
//! `__schema` and `__type` are ordinary fields here (they answer null).
//!
//! async-graphql's own `limit_depth` cannot make this exception, so it is not used.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Value};
use xyd_reasons::Reason;

/// The introspection lists that fan out over the schema again, and how deep they may nest (graphql-js's
/// `MAX_LISTS_DEPTH`: a depth of 3 is refused).
const TYPE_LISTS: [&str; 4] = ["fields", "inputFields", "interfaces", "possibleTypes"];
const MAX_TYPE_LISTS: usize = 2;

/// The depth limit (checked by the request gate, `graphql::gate`).
pub struct DepthLimit {
    /// `limits.query_depth`.
    pub max: usize,
    /// Whether the schema answers introspection (`build_schema`'s `introspection`).
    pub introspection: bool,
}

impl DepthLimit {
    /// Every operation of `document` within the rule.
    pub fn check(&self, document: &ExecutableDocument) -> ServerResult<()> {
        let mut walker = Walker { document, introspection: self.introspection, fragments: HashMap::new() };
        for (_, operation) in document.operations.iter() {
            let reach = walker.reach(&operation.node.selection_set.node, false);
            if reach.depth > self.max {
                return Err(refusal(Reason::TooDeep { depth: reach.depth, limit: self.max }, reach.depth, self.max));
            }
            if reach.type_lists > MAX_TYPE_LISTS {
                let reason = Reason::IntrospectionTooDeep { depth: reach.type_lists, limit: MAX_TYPE_LISTS };
                return Err(refusal(reason, reach.type_lists, MAX_TYPE_LISTS));
            }
        }
        Ok(())
    }
}

fn refusal(reason: Reason, depth: usize, limit: usize) -> ServerError {
    super::refused_request(&reason, &[("depth", Value::from(depth)), ("limit", Value::from(limit))])
}

/// How far a selection set reaches below itself.
#[derive(Clone, Copy, Default)]
struct Reach {
    /// Ordinary fields nested.
    depth: usize,
    /// Introspection type lists nested.
    type_lists: usize,
}

impl Reach {
    fn max(self, other: Reach) -> Reach {
        Reach { depth: self.depth.max(other.depth), type_lists: self.type_lists.max(other.type_lists) }
    }
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    introspection: bool,
    /// Each fragment's reach, by name and whether it is spread inside introspection; `None` while it is being
    /// measured (a cycle, which the parser's recursion limit refuses anyway). Remembered because fragments
    /// spread twice into fragments spread twice would otherwise be walked exponentially often.
    fragments: HashMap<(&'a str, bool), Option<Reach>>,
}

impl<'a> Walker<'a> {
    /// The reach of `set`, `inside` an answered introspection selection or not.
    fn reach(&mut self, set: &'a SelectionSet, inside: bool) -> Reach {
        let mut reach = Reach::default();
        for item in &set.items {
            let below = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let children = &field.node.selection_set.node;
                    if inside {
                        let lists = usize::from(TYPE_LISTS.contains(&name));
                        let below = self.reach(children, true);
                        Reach { depth: 0, type_lists: below.type_lists + lists }
                    } else if self.introspection && (name == "__schema" || name == "__type") {
                        Reach { depth: 1, type_lists: self.reach(children, true).type_lists }
                    } else {
                        let below = self.reach(children, false);
                        Reach { depth: below.depth + 1, type_lists: below.type_lists }
                    }
                }
                Selection::InlineFragment(fragment) => self.reach(&fragment.node.selection_set.node, inside),
                Selection::FragmentSpread(spread) => self.fragment(spread.node.fragment_name.node.as_str(), inside),
            };
            reach = reach.max(below);
        }
        reach
    }

    fn fragment(&mut self, name: &'a str, inside: bool) -> Reach {
        if let Some(known) = self.fragments.get(&(name, inside)) {
            return known.unwrap_or_default();
        }
        let Some(fragment) = self.document.fragments.get(name) else { return Reach::default() };
        self.fragments.insert((name, inside), None);
        let reach = self.reach(&fragment.node.selection_set.node, inside);
        self.fragments.insert((name, inside), Some(reach));
        reach
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn check(query: &str, introspection: bool) -> Result<(), String> {
        let document = parse_query(query).map_err(|e| e.to_string())?;
        DepthLimit { max: 12, introspection }.check(&document).map_err(|e| e.message)
    }

    /// `{ institution { … { id } } }`: `levels` fields, the last `id`.
    fn nested(levels: usize) -> String {
        format!("{}{{ id }}{}", "{ institution ".repeat(levels - 1), " }".repeat(levels - 1))
    }

    #[test]
    fn ordinary_fields_nest_at_most_the_limit() {
        assert_eq!(check(&format!("{{ me {} }}", nested(11)), true), Ok(()));
        let refused = check(&format!("{{ me {} }}", nested(12)), true).unwrap_err();
        assert!(refused.contains("13") && refused.contains("12"), "{refused}");
        assert!(check(&format!("{{ me {} }}", nested(12)), false).is_err());
    }

    #[test]
    fn fragments_count_as_the_fields_they_spread() {
        let fragment = |levels| format!("{{ me {{ ...A }} }} fragment A on User {}", nested(levels));
        assert_eq!(check(&fragment(11), true), Ok(()));
        assert!(check(&fragment(12), true).is_err());
        let twice = "{ me { ...A } } fragment A on User { institution { ...B ...B } } fragment B on Institution { id }";
        assert_eq!(check(twice, true), Ok(()));
    }

    /// graphql-js's TypeRef: `ofType` nine deep.
    const TYPE_REF: &str = "{ __schema { types { fields { args { type { kind ofType { ofType { ofType { ofType {
        ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } }";

    #[test]
    fn introspection_nests_as_deep_as_clients_ask_where_it_is_answered() {
        assert_eq!(check(TYPE_REF, true), Ok(()));
        assert!(check(TYPE_REF, false).is_err(), "where introspection is off, the depth limit applies");
    }

    #[test]
    fn introspection_type_lists_nest_fewer_than_three_deep() {
        let two = "{ __type(name: \"Query\") { fields { type { fields { name } } } } }";
        assert_eq!(check(two, true), Ok(()));
        let three = "{ __type(name: \"Query\") { fields { type { fields { type { fields { name } } } } } } }";
        assert!(check(three, true).unwrap_err().contains("内省"));
        let through_fragments = "{ __schema { types { ...T } } } fragment T on __Type { fields { type { ...U } } }
            fragment U on __Type { possibleTypes { interfaces { name } } }";
        assert!(check(through_fragments, true).is_err());
    }

    #[test]
    fn a_field_named_like_an_introspection_list_outside_introspection_is_ordinary() {
        assert_eq!(check("{ a { fields { b { fields { c { fields { d } } } } } } }", true), Ok(()));
    }
}
