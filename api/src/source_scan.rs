//! For tests that hold a rule to one place: they read the workspace's own sources and fail when a new place
//! escapes the rule (a region parsed from text without the table of divisions, consented data read without the
//! consent rule, another capability's tables named).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The workspace root (the parent of this crate).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// Every `.rs` file under `dir`, with its path relative to `root` and its text.
pub fn rust_files(root: &Path, dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(root, &path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path.strip_prefix(root).unwrap().to_path_buf(), text));
        }
    }
    out
}

/// Per file of the workspace directories `dirs` that has any, how many calls of `calls` (each written as
/// `name(` or `path::name(`) its code makes outside its unit tests; a definition (`fn name(`) is no call.
pub fn calls(dirs: &[&str], calls: &[&str]) -> BTreeMap<String, usize> {
    let root = workspace();
    let mut found = BTreeMap::new();
    for dir in dirs {
        for (relative, text) in rust_files(&root, &root.join(dir)) {
            // Unit tests build their values from literals (a test-only file says so at its top).
            let code = text.split("#[cfg(test)]").next().unwrap().split("#![cfg(test)]").next().unwrap();
            let n: usize =
                calls.iter().map(|call| code.matches(call).count() - code.matches(&format!("fn {call}")).count()).sum();
            if n > 0 {
                found.insert(relative.to_string_lossy().replace('\\', "/"), n);
            }
        }
    }
    found
}
