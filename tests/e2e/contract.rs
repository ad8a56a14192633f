//! Every type, field and enum value named in the shared GraphQL contract exists in our schema.

use std::collections::{BTreeMap, BTreeSet};

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

/// Names the contract has that are not built yet (the bureau indicators issue).
/// Contract names not built yet (none: every issue so far is in).
const NOT_YET: [&str; 0] = [];

fn names(sdl: &str) -> BTreeMap<String, BTreeSet<String>> {
    let doc = parse_schema(sdl).expect("valid SDL");
    let mut out = BTreeMap::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else { continue };
        let t = t.node;
        let members: BTreeSet<String> = match t.kind {
            TypeKind::Object(o) => o.fields.into_iter().map(|f| f.node.name.node.to_string()).collect(),
            TypeKind::InputObject(i) => i.fields.into_iter().map(|f| f.node.name.node.to_string()).collect(),
            TypeKind::Enum(e) => e.values.into_iter().map(|v| v.node.value.node.to_string()).collect(),
            _ => BTreeSet::new(),
        };
        out.insert(t.name.node.to_string(), members);
    }
    out
}

/// The contract files whose issues are resolved, and `persons.graphql`, whose issue is not yet but whose every
/// name is built (so none of them can go missing meanwhile).
const CONTRACTS: [&str; 4] = ["core.graphql", "journey.graphql", "desk.graphql", "persons.graphql"];

#[test]
fn every_contract_name_exists_in_the_schema() {
    // The run-time manifest dir: with a shared compile cache, the compile-time one may be another checkout.
    let root = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")), std::path::PathBuf::from);
    let ours = names(&xinyidai::schema::sdl());
    let mut missing = Vec::new();
    for file in CONTRACTS {
        let path = root.join("../../shared/contract").join(file);
        let Ok(contract) = std::fs::read_to_string(&path) else {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "the shared contract is missing at {}",
                path.display()
            );
            eprintln!("skipping: no shared contract at {}", path.display());
            return;
        };
        // `extend type X { … }` lists only the added members: each file is checked on its own.
        for (ty, members) in names(&contract) {
            match ours.get(&ty) {
                None => missing.push(format!("{file}: {ty}")),
                Some(have) => missing.extend(members.difference(have).map(|m| format!("{file}: {ty}.{m}"))),
            }
        }
    }
    missing.retain(|m| !NOT_YET.iter().any(|n| m.ends_with(n)));
    assert!(missing.is_empty(), "contract names missing from the schema: {missing:?}");
}
