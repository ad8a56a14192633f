//! The SDL printed by `xinyidai schema`, snapshot-tested so any change to the API is reviewed.

#[test]
fn the_sdl_matches_its_snapshot() {
    insta::assert_snapshot!("schema", xinyidai::schema::sdl());
}

/// The rules of `graphql-schema-linter` the schema keeps: everything described (GraphiQL's docs pane is where
/// an integrator learns the API) and connections per the Relay spec. Sorting rules are off.
const LINT_RULES: [&str; 8] = [
    "types-have-descriptions",
    "fields-have-descriptions",
    "enum-values-have-descriptions",
    "input-object-values-have-descriptions",
    "arguments-have-descriptions",
    "relay-connection-types-spec",
    "relay-connection-arguments-spec",
    "relay-page-info-spec",
];

#[test]
fn the_schema_is_described_and_its_connections_follow_relay() {
    let Some(tools) = xyd_tests::npm_tools() else { return };
    let linter = tools.join("node_modules/.bin/graphql-schema-linter");
    let sdl = std::env::temp_dir().join(format!("xyd-schema-{}.graphql", std::process::id()));
    std::fs::write(&sdl, xinyidai::schema::sdl()).unwrap();
    let out = std::process::Command::new(linter).arg("--rules").arg(LINT_RULES.join(",")).arg(&sdl).output().unwrap();
    std::fs::remove_file(&sdl).ok();
    assert!(
        out.status.success(),
        "graphql-schema-linter:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
