//! A capability's tables are its own (issue 26 §2): a file of capability A never names `crate::B::entity` (or
//! `entities`) for another B. It calls B's functions (`demands::repo`, `SubjectRepo`, …) and names B's rows by
//! the aliases B exports (`SubjectRow`, `NotificationRow`, …). The scan follows every way such a path can be
//! spelt: from `crate::`, `super::super::` or `self::`, inside grouped imports (`crate::b::{X, entity as e}`),
//! through an imported module (`use crate::b; b::entity::…`), and a glob of a capability that has tables
//! (`use crate::b::*`). Test code is exempt: a test may set up any table. There is no exception today; one would
//! have to be listed here with its reason.
//!
//! The "capability" of a file is its top-level module (`credit/objections.rs` → `credit`, `events.rs` →
//! `events`), so the HTTP layer, `events` and the GraphQL root are held to the same rule.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The names of the modules that hold a capability's tables.
const TABLES: [&str; 2] = ["entity", "entities"];

/// The attribute whose item is test code.
const CFG_TEST: [&str; 7] = ["#", "[", "cfg", "(", "test", ")", "]"];

/// Rust source reduced to the tokens paths are made of: identifiers, `::` and single punctuation. Comments,
/// strings and character literals are dropped, so a path quoted in a doc or a message is not a use.
fn tokens(src: &str) -> Vec<String> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let rest = &c[i..];
        if rest.starts_with(&['/', '/']) {
            i += rest.iter().position(|&ch| ch == '\n').unwrap_or(rest.len());
        } else if rest.starts_with(&['/', '*']) {
            i += block_comment_len(rest);
        } else if let Some(n) = string_len(rest) {
            i += n;
        } else if c[i] == '\'' {
            i += quote_len(rest);
        } else if c[i].is_alphabetic() || c[i] == '_' {
            let n = rest.iter().position(|ch| !(ch.is_alphanumeric() || *ch == '_')).unwrap_or(rest.len());
            out.push(rest[..n].iter().collect());
            i += n;
        } else if rest.starts_with(&[':', ':']) {
            out.push("::".to_string());
            i += 2;
        } else {
            if !c[i].is_whitespace() {
                out.push(c[i].to_string());
            }
            i += 1;
        }
    }
    out
}

/// The length of the (possibly nested) block comment `s` starts with.
fn block_comment_len(s: &[char]) -> usize {
    let (mut depth, mut i) = (0, 0);
    while i < s.len() {
        if s[i..].starts_with(&['/', '*']) {
            (depth, i) = (depth + 1, i + 2);
        } else if s[i..].starts_with(&['*', '/']) {
            (depth, i) = (depth - 1, i + 2);
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    s.len()
}

/// The length of the string literal (`"…"`, `b"…"`, `r#"…"#`, …) `s` starts with, if it starts with one.
fn string_len(s: &[char]) -> Option<usize> {
    let mut i = usize::from(matches!(s.first(), Some('b' | 'c')));
    let raw = s.get(i) == Some(&'r');
    i += usize::from(raw);
    let hashes = s[i..].iter().take_while(|&&ch| ch == '#').count();
    i += hashes;
    if s.get(i) != Some(&'"') || (!raw && hashes > 0) {
        return None;
    }
    i += 1;
    while i < s.len() {
        if !raw && s[i] == '\\' {
            i += 2;
        } else if s[i] == '"' && s[i + 1..].iter().take_while(|&&ch| ch == '#').count() >= hashes {
            return Some(i + 1 + hashes);
        } else {
            i += 1;
        }
    }
    Some(s.len())
}

/// The length of the character literal `s` starts with, or 1 for a lifetime's quote.
fn quote_len(s: &[char]) -> usize {
    if s.get(1) == Some(&'\\') {
        // An escape is at least two characters, and may be an escaped quote: the closing one comes after.
        s.get(3..).and_then(|r| r.iter().position(|&ch| ch == '\'')).map_or(s.len(), |n| n + 4)
    } else if s.get(2) == Some(&'\'') {
        3
    } else {
        1
    }
}

fn at(t: &[String], i: usize) -> &str {
    t.get(i).map_or("", String::as_str)
}

fn is_ident(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// The tokens outside `#[cfg(test)]` items, and the names of the out-of-line modules declared under it.
fn without_tests(t: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut kept, mut test_modules) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < t.len() {
        if !t[i..].iter().map(String::as_str).take(CFG_TEST.len()).eq(CFG_TEST) {
            kept.push(t[i].clone());
            i += 1;
            continue;
        }
        let start = i + CFG_TEST.len();
        let mut j = start;
        while j < t.len() && t[j] != ";" && t[j] != "{" {
            j += 1;
        }
        if at(t, j) == ";" && j >= 2 && t[j - 2] == "mod" {
            test_modules.push(t[j - 1].clone());
        }
        let mut depth = 0;
        while j < t.len() {
            depth += i32::from(t[j] == "{") - i32::from(t[j] == "}");
            j += 1;
            if depth == 0 {
                break;
            }
        }
        i = j;
    }
    (kept, test_modules)
}

/// One path spelt at a place: its segments as written, and the name it binds when it is imported.
struct Spelt {
    segments: Vec<String>,
    binds: String,
}

/// Every path the path or use-tree at `t[i..]` spells, each prefixed with `prefix`; returns where it ends.
fn walk(t: &[String], mut i: usize, mut prefix: Vec<String>, out: &mut Vec<Spelt>) -> usize {
    loop {
        if at(t, i) == "{" {
            i += 1;
            while !matches!(at(t, i), "}" | "") {
                i = if at(t, i) == "," { i + 1 } else { walk(t, i, prefix.clone(), out).max(i + 1) };
            }
            return i + 1;
        }
        if !is_ident(at(t, i)) && at(t, i) != "*" {
            break;
        }
        prefix.push(t[i].clone());
        i += 1;
        if at(t, i) != "::" {
            break;
        }
        i += 1;
    }
    let binds = if at(t, i) == "as" {
        i += 2;
        t[i - 1].clone()
    } else {
        let named = prefix.iter().rev().find(|s| s.as_str() != "self");
        named.cloned().unwrap_or_default()
    };
    out.push(Spelt { segments: prefix, binds });
    i
}

/// `path` from the crate root, read in module `here` with the imported modules `aliases`.
fn absolute(path: &[String], here: &[String], aliases: &HashMap<String, Vec<String>>) -> Option<Vec<String>> {
    match path.first()?.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "self" | "super" => {
            let mut abs = here.to_vec();
            let lead = path.iter().take_while(|s| matches!(s.as_str(), "self" | "super")).collect::<Vec<_>>();
            for s in &lead {
                if s.as_str() == "super" {
                    abs.pop();
                }
            }
            abs.extend_from_slice(&path[lead.len()..]);
            Some(abs)
        }
        name => aliases.get(name).map(|target| [target.as_slice(), &path[1..]].concat()),
    }
}

/// Every path, from the crate root, spelt in `t` (test code removed) of the file that is module `module`.
fn paths(t: &[String], module: &[String]) -> Vec<Vec<String>> {
    let (mut found, mut aliases) = (Vec::new(), HashMap::new());
    let (mut inline, mut depth, mut opening) = (Vec::<(String, i32)>::new(), 0, None);
    let mut i = 0;
    while i < t.len() {
        let here: Vec<String> = module.iter().cloned().chain(inline.iter().map(|(m, _)| m.clone())).collect();
        let starts = at(t, i.wrapping_sub(1)) != "::"
            && (matches!(t[i].as_str(), "crate" | "self" | "super") || aliases.contains_key(&t[i]));
        if starts {
            let mut spelt = Vec::new();
            i = walk(t, i, Vec::new(), &mut spelt).max(i + 1);
            for s in spelt {
                let Some(abs) = absolute(&s.segments, &here, &aliases) else { continue };
                if abs.len() == 1 {
                    aliases.insert(s.binds, abs.clone());
                }
                found.push(abs);
            }
            continue;
        }
        match t[i].as_str() {
            "mod" if at(t, i + 2) == "{" => opening = Some(t[i + 1].clone()),
            "{" => {
                depth += 1;
                inline.extend(opening.take().map(|m| (m, depth)));
            }
            "}" => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The paths in `src` (the file that is module `module`) into another capability's tables, where `tabled`
/// lists the capabilities that have tables.
fn foreign(src: &str, module: &[String], tabled: &BTreeSet<String>) -> Vec<String> {
    let owner = module.first().map_or("", String::as_str);
    let (kept, _) = without_tests(&tokens(src));
    paths(&kept, module)
        .into_iter()
        .filter(|p| p.len() >= 2 && p[0] != owner)
        .filter(|p| TABLES.contains(&p[1].as_str()) || (p[1] == "*" && tabled.contains(&p[0])))
        .map(|p| format!("crate::{}", p.join("::")))
        .collect()
}

/// The module path of the source file `rel` (relative to `src/`): `credit/mod.rs` → `credit`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut m: Vec<String> = rel.with_extension("").iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if matches!(m.last().map(String::as_str), Some("mod" | "lib")) {
        m.pop();
    }
    m
}

/// Every `.rs` file of this crate's sources, with its module path.
fn sources(root: &Path) -> Vec<(Vec<String>, String)> {
    crate::source_scan::rust_files(root, root).into_iter().map(|(rel, text)| (module_of(&rel), text)).collect()
}

#[test]
fn no_capability_names_another_capabilitys_tables() {
    let files = sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let tabled: BTreeSet<String> = files
        .iter()
        .filter(|(m, _)| m.len() == 2 && TABLES.contains(&m[1].as_str()))
        .map(|(m, _)| m[0].clone())
        .collect();
    assert!(tabled.len() >= 10, "the scan found the capabilities' entity modules: {tabled:?}");
    let test_only: Vec<Vec<String>> = files
        .iter()
        .flat_map(|(m, src)| without_tests(&tokens(src)).1.into_iter().map(|name| [m.clone(), vec![name]].concat()))
        .collect();
    let mut found = Vec::new();
    for (module, src) in &files {
        if test_only.iter().any(|t| module.starts_with(t)) {
            continue;
        }
        found.extend(foreign(src, module, &tabled).into_iter().map(|p| format!("{}: {p}", module.join("::"))));
    }
    assert!(found.is_empty(), "call the owning capability's functions instead:\n{}", found.join("\n"));
}

#[test]
fn every_spelling_of_another_capabilitys_tables_is_found() {
    let here = module_of(Path::new("demands/post.rs"));
    let tabled = BTreeSet::from(["products".to_string(), "demands".to_string()]);
    for src in [
        "use crate::products::entity;",
        "fn f() { crate::products::entity::Entity::find() }",
        "use crate::products::{ProductRepo,\n    entity as product_entity};",
        "use crate::{products::{entity::Model}};",
        "use super::super::products::entity::Model;",
        "use crate::products; fn f() -> products::entity::Model {}",
        "use crate::products as p; fn f() -> p::entity::Model {}",
        "use crate::products::*;",
        "use crate::auth::entities::user;",
        "mod inner { use super::super::super::products::entity; }",
    ] {
        assert_eq!(foreign(src, &here, &tabled).len(), 1, "{src}");
    }
}

#[test]
fn own_tables_test_code_comments_and_strings_pass() {
    let here = module_of(Path::new("demands/post.rs"));
    let tabled = BTreeSet::from(["products".to_string(), "demands".to_string()]);
    for src in [
        "use super::entity::demand;",
        "use crate::demands::entity::{demand, response};",
        "use crate::products::{ProductRepo, ProductRow};",
        "use crate::products::entity_docs;",
        "use crate::error::*;",
        "// crate::products::entity",
        "/* crate::products::entity /* nested */ crate::products::entity */",
        r#"const S: &str = "crate::products::entity"; const R: &str = r"crate::products::entity";"#,
        "fn f<'a>(c: char) -> bool { c == '\"' } use crate::products::ProductRepo;",
        "#[cfg(test)]\nmod tests { use crate::products::entity; }",
        "pub(crate) fn f(&self) -> Self { self.g() }",
    ] {
        assert!(foreign(src, &here, &tabled).is_empty(), "{src}");
    }
}

#[test]
fn a_module_declared_for_tests_only_is_named() {
    let (kept, test_modules) = without_tests(&tokens("mod a;\n#[cfg(test)]\nmod layering;\nmod b;"));
    assert_eq!(test_modules, ["layering"]);
    assert_eq!(kept.join(" "), "mod a ; mod b ;");
}
