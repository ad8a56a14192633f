//! The SDL printed by `xinyidai schema`, snapshot-tested so any change to the API is reviewed.

#[test]
fn the_sdl_matches_its_snapshot() {
    insta::assert_snapshot!("schema", xinyidai::graphql::sdl());
}
