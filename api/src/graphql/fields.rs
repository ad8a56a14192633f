//! The schema's fields as the request cost needs them: for each object and interface type, each field's type
//! (its named type, whether a list) and, for a paged field, its `first` argument's default. Read once from the
//! schema's own SDL, so it cannot disagree with what the schema serves.

use std::collections::HashMap;

use async_graphql::parser::types::{BaseType, FieldDefinition, Type, TypeKind, TypeSystemDefinition};
use async_graphql::{Positioned, Value};

/// One field of one type.
pub struct FieldType {
    /// The type it returns, lists and non-null stripped.
    pub named: String,
    pub list: bool,
    /// `Some` for a paged field (one with a `first` argument): its declared default, if any.
    pub first: Option<Option<u64>>,
}

/// The fields of a schema's object and interface types, and the names of its roots.
pub struct SchemaFields {
    types: HashMap<String, HashMap<String, FieldType>>,
    pub query: String,
    pub mutation: String,
    pub subscription: String,
}

impl SchemaFields {
    /// Read from `sdl`, the schema's SDL (`Schema::sdl`). An SDL that does not parse yields no fields: every
    /// field then costs its weight alone (the tests read the real one).
    pub fn from_sdl(sdl: &str) -> Self {
        let mut fields = Self {
            types: HashMap::new(),
            query: "Query".into(),
            mutation: "Mutation".into(),
            subscription: "Subscription".into(),
        };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            tracing::error!("the schema's SDL does not parse: request costs count weights only");
            return fields;
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let roots = schema.node;
                    let name = |root: Option<Positioned<async_graphql::Name>>, default: &mut String| {
                        if let Some(root) = root {
                            *default = root.node.to_string();
                        }
                    };
                    name(roots.query, &mut fields.query);
                    name(roots.mutation, &mut fields.mutation);
                    name(roots.subscription, &mut fields.subscription);
                }
                TypeSystemDefinition::Type(ty) => {
                    let declared = match ty.node.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    let of_type = fields.types.entry(ty.node.name.node.to_string()).or_default();
                    for field in declared {
                        of_type.insert(field.node.name.node.to_string(), field_type(&field.node));
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        fields
    }

    /// Field `name` of type `ty`, if both exist.
    pub fn get(&self, ty: &str, name: &str) -> Option<&FieldType> {
        self.types.get(ty)?.get(name)
    }
}

fn field_type(field: &FieldDefinition) -> FieldType {
    let first = field.arguments.iter().find(|a| a.node.name.node == "first").map(|a| {
        a.node.default_value.as_ref().and_then(|d| match &d.node {
            Value::Number(n) => n.as_u64(),
            _ => None,
        })
    });
    FieldType { named: named(&field.ty.node).to_string(), list: matches!(field.ty.node.base, BaseType::List(_)), first }
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_are_read_from_the_schema_itself() {
        let fields = SchemaFields::from_sdl(&crate::schema::sdl());
        assert_eq!((fields.query.as_str(), fields.mutation.as_str()), ("Query", "Mutation"));
        let products = fields.get("Query", "products").expect("Query.products");
        assert_eq!(
            (products.named.as_str(), products.list, products.first),
            ("ProductConnection", false, Some(Some(20)))
        );
        let nodes = fields.get("ProductConnection", "nodes").expect("ProductConnection.nodes");
        assert_eq!((nodes.named.as_str(), nodes.list, nodes.first), ("LoanProduct", true, None));
        assert!(fields.get("LoanProduct", "bank").is_some_and(|f| f.named == "Institution" && !f.list));
        assert!(fields.get("LoanProduct", "noSuchField").is_none());
    }
}
