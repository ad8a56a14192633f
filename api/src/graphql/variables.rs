//! Whether a request's variable values are certainly valid for its operation's declared variable types, read
//! from the schema's own SDL. The gate runs a document that async-graphql has already validated once in its
//! fast mode (`ValidationMode::Fast`, which skips the rules) only when this says yes: the only rule whose
//! outcome depends on more than the document's text is the one that checks variable values against the
//! arguments they feed, and the declared types are exactly those arguments' types (the strict validation that
//! passed checked that). A "no" is not a refusal: the request then runs the strict validation, which words
//! the error itself. So this errs on the side of "no": anything it does not know (a `@oneOf` input, a scalar
//! it has no rule for, a negative `Int`) is a no.

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationDefinition, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{ScalarType, Value as ConstValue, Variables};

use super::scalars::{GqlDate, GqlDateTime, GqlMoney, GqlRate};

/// The input types of a schema: its input objects and enums (scalars by name, `scalar_rule`).
#[derive(Default)]
pub struct InputTypes {
    objects: HashMap<String, InputObject>,
    enums: HashMap<String, HashSet<String>>,
}

struct InputObject {
    /// Each field's type and whether it has a default.
    fields: HashMap<String, (Type, bool)>,
    /// A `@oneOf` input (never checked here).
    one_of: bool,
}

impl InputTypes {
    /// Read from `sdl`, the schema's SDL. One that does not parse knows no type: every request then takes the
    /// strict validation.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut types = Self::default();
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else { return types };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else { continue };
            let ty = ty.node;
            let name = ty.name.node.to_string();
            match ty.kind {
                TypeKind::InputObject(object) => {
                    let fields = object.fields.into_iter().map(|f| {
                        let f = f.node;
                        (f.name.node.to_string(), (f.ty.node, f.default_value.is_some()))
                    });
                    let one_of = ty.directives.iter().any(|d| d.node.name.node == "oneOf");
                    types.objects.insert(name, InputObject { fields: fields.collect(), one_of });
                }
                TypeKind::Enum(e) => {
                    types.enums.insert(name, e.values.into_iter().map(|v| v.node.value.node.to_string()).collect());
                }
                _ => {}
            }
        }
        types
    }

    /// Whether `variables` are certainly valid for the operation of `document` named `operation` (or its only
    /// one): every declared variable given a value of its type, or left out where that is allowed.
    pub fn certainly_valid(
        &self,
        document: &ExecutableDocument,
        operation: Option<&str>,
        variables: &Variables,
    ) -> bool {
        let Some(operation) = select(document, operation) else { return false };
        operation.variable_definitions.iter().all(|definition| {
            let definition = &definition.node;
            match variables.get(&definition.name.node) {
                Some(value) => self.valid(&definition.var_type.node, value),
                None => definition.var_type.node.nullable || definition.default_value.is_some(),
            }
        })
    }

    fn valid(&self, ty: &Type, value: &ConstValue) -> bool {
        if let ConstValue::Null = value {
            return ty.nullable;
        }
        match &ty.base {
            BaseType::List(item) => match value {
                ConstValue::List(items) => items.iter().all(|v| self.valid(item, v)),
                single => self.valid(item, single),
            },
            BaseType::Named(name) => self.valid_named(name, value),
        }
    }

    fn valid_named(&self, name: &str, value: &ConstValue) -> bool {
        if let Some(object) = self.objects.get(name) {
            let ConstValue::Object(given) = value else { return false };
            return !object.one_of
                && given.keys().all(|key| object.fields.contains_key(key.as_str()))
                && object.fields.iter().all(|(field, (ty, has_default))| match given.get(field.as_str()) {
                    Some(v) => self.valid(ty, v),
                    None => ty.nullable || *has_default,
                });
        }
        if let Some(values) = self.enums.get(name) {
            return match value {
                ConstValue::String(v) => values.contains(v.as_str()),
                ConstValue::Enum(v) => values.contains(v.as_str()),
                _ => false,
            };
        }
        scalar_rule(name).is_some_and(|valid| valid(value))
    }
}

/// The operation a request runs: the one named, or the document's only one.
fn select<'a>(document: &'a ExecutableDocument, name: Option<&str>) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), None) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).map(|o| &o.node),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|o| &o.node)
        }
        _ => None,
    }
}

/// The rule strict validation applies to a value of scalar `name`, for the scalars known here (`Upload` is
/// not: a request with a file takes the strict validation). Built-in `Int` stands for several Rust types in
/// async-graphql, some unsigned: only a non-negative `i32` is certain.
fn scalar_rule(name: &str) -> Option<fn(&ConstValue) -> bool> {
    Some(match name {
        "Int" => |v| matches!(v, ConstValue::Number(n) if n.as_u64().is_some_and(|n| n <= i32::MAX as u64)),
        "Float" => |v| matches!(v, ConstValue::Number(_)),
        "String" | "ID" => |v| matches!(v, ConstValue::String(_)),
        "Boolean" => |v| matches!(v, ConstValue::Boolean(_)),
        "Money" => <GqlMoney as ScalarType>::is_valid,
        "Rate" => <GqlRate as ScalarType>::is_valid,
        "Date" => <GqlDate as ScalarType>::is_valid,
        "DateTime" => <GqlDateTime as ScalarType>::is_valid,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use serde_json::json;

    use super::*;

    fn types() -> InputTypes {
        InputTypes::from_sdl(&crate::schema::sdl())
    }

    fn check(query: &str, variables: serde_json::Value) -> bool {
        let document = parse_query(query).unwrap();
        types().certainly_valid(&document, None, &Variables::from_json(variables))
    }

    const SEARCH: &str = "query($f: ProductFilter, $a: Money, $n: Int!) \
        { products(filter: $f, first: $n) { totalCount } regions(parentCode: null) { code } m: products(filter: {amount: $a}) { totalCount } }";

    #[test]
    fn values_of_their_declared_types_are_certain() {
        assert!(check(SEARCH, json!({"n": 20})));
        assert!(check(SEARCH, json!({"a": "100000.00", "n": 20})));
        let filter =
            json!({"subjectKind": "INDIVIDUAL_BUSINESS", "regionCode": "440882105", "productTypes": ["CREDIT"]});
        assert!(check(SEARCH, json!({"f": filter, "n": 1})));
        assert!(check(SEARCH, json!({"f": {"productTypes": "CREDIT"}, "n": 1})), "a single value for a list");
        assert!(check(SEARCH, json!({"f": null, "a": null, "n": 1})));
    }

    #[test]
    fn anything_strict_validation_might_refuse_is_not() {
        for variables in [
            json!({}),
            json!({"n": null}),
            json!({"n": "20"}),
            json!({"n": -1}),
            json!({"n": 1.5}),
            json!({"n": 3_000_000_000u64}),
            json!({"n": 1, "f": {"subjectKind": "NOBODY"}}),
            json!({"n": 1, "f": {"unknownField": 1}}),
            json!({"n": 1, "f": "INDIVIDUAL_BUSINESS"}),
            json!({"n": 1, "f": {"regionCode": 440882105}}),
            json!({"n": 1, "f": {"productTypes": ["NOT_A_TYPE"]}}),
        ] {
            assert!(!check(SEARCH, variables.clone()), "{variables}");
        }
    }

    #[test]
    fn a_required_variable_left_out_or_null_is_not() {
        let query = "query($id: ID!) { product(id: $id) { id } }";
        assert!(check(query, json!({"id": "x"})));
        assert!(!check(query, json!({})));
        assert!(!check(query, json!({"id": null})));
        assert!(check("query($id: ID! = \"x\") { product(id: $id) { id } }", json!({})));
    }

    #[test]
    fn an_operation_it_cannot_pick_is_not() {
        let document = parse_query("query A { __typename } query B { __typename }").unwrap();
        let types = types();
        assert!(!types.certainly_valid(&document, None, &Variables::default()));
        assert!(types.certainly_valid(&document, Some("A"), &Variables::default()));
        assert!(!types.certainly_valid(&document, Some("C"), &Variables::default()));
    }

    #[test]
    fn every_scalar_of_the_schema_but_uploads_has_a_rule() {
        let sdl = async_graphql::parser::parse_schema(crate::schema::sdl()).unwrap();
        let mut without: Vec<String> = (sdl.definitions.into_iter())
            .filter_map(|d| match d {
                TypeSystemDefinition::Type(t) if matches!(t.node.kind, TypeKind::Scalar) => {
                    Some(t.node.name.node.to_string())
                }
                _ => None,
            })
            .filter(|s| scalar_rule(s).is_none())
            .collect();
        without.sort();
        assert_eq!(without, ["Upload"], "a new scalar needs its rule here, or every request using it is slower");
    }
}
