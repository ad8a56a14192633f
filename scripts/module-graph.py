#!/usr/bin/env python3
"""The api crate's module import graph: its edges, the pairs of modules importing each other, and the edges
that run from a lower layer to a higher one (issue 26, section 4). Python 3 standard library only.

    scripts/module-graph.py [--files] [API_SRC]

API_SRC defaults to api/src beside this script's folder. --files also names, for each counted edge, the files
that make it.

How it counts
-------------
- A node is a top-level module of the crate: api/src/<name>.rs or api/src/<name>/. lib.rs (the crate root) is
  not a node.
- An edge A -> B (A != B) exists when a non-test file of A names the module B from the crate root: `crate::B`
  in a `use` or in any path (`crate::B::f()`, a type in an attribute), each item of a grouped
  `use crate::{B, C::x}`, a `super::` chain that climbs to the crate root, and a `crate::Name` that lib.rs
  re-exports from B (`pub use B::Name`). One edge however many times A names B.
- Not counted: comments and string literals, `#[cfg(test)]` items (inline test modules), files that are
  themselves a `#[cfg(test)] mod x;`, and names that are not modules (`crate::app`).
- A mutual pair is {A, B} with both A -> B and B -> A.
- An upward edge goes from a module to one placed higher in LAYERS below. Positions are a total order (the
  flattened list), so of a mutual pair exactly one edge is upward; the groups only make the list readable.

The layers, bottom first
------------------------
1. base: what needs no capability. `error` and `reasons` (codes), `crypto` (the field cipher, given its key as
   text), `config` (the typed configuration everything reads; it checks the data key with `crypto`),
   `metrics`, `regions`, `tags`, then `db` (the connection and its migrations).
2. graphql base: `graphql` (scalars, enums, error policy, limits) and `pagination` (connections; each node type
   names its own edge and connection, `pagination::Paged`), which every capability's GraphQL types use. The
   schema root that merges the capabilities is `schema`, at the top.
3. infrastructure: `jobs` (scheduling), `audit` (hash chains over rows; the chained tables are handed to it as
   `audit::ChainTables` by their owner), `outbox` (work after commit; start-up hands the relay its product
   projection) and `events` (the live-event bus, reached through the state; it carries notification rows,
   its one edge up): mechanisms the capabilities use, which should know none of them.
4. context: `state`, the request/app context every resolver and task takes. What it imports from a
   capability (services held as fields) counts as upward: the issue wants it smaller.
5. capabilities, in the order their dependencies mostly run: `auth` (the principal everyone checks),
   `institutions`, `subjects` (the parties), `products` (the catalogue), `notifications` (the inbox the
   workflows write to), `consents` (grants, and who holds a demand a consent is scoped to), `credit` (data
   read under consent), then the workflows — `demands`, `renewals` (over a demand's loan) —, then the
   bureau's `imports`, `indicators` (which read import jobs) and `reports`. Where two capabilities import
   each other the order says which edge is the one to remove; with the pairs left (the `User` view naming
   its institution and subject, a registration recomputing credit flags, a notification's demand, a
   consent's demand), no order has fewer upward edges among the capabilities.
6. root: `schema` (the merged Query, Mutation and Subscription roots), `startup` (connect → migrate → seal →
   bootstrap → tasks), `http` (the router and its extractors), `serve` (the process: binds, serves, shuts
   down).

A module found in API_SRC but missing here is an error (the list must stay complete); a name listed here but
absent (a planned module) is skipped.
"""

import pathlib
import re
import sys

LAYERS = [
    ("base", ["error", "reasons", "crypto", "config", "metrics", "regions", "tags", "db"]),
    ("graphql base", ["graphql", "pagination"]),
    ("infrastructure", ["jobs", "audit", "outbox", "events"]),
    ("context", ["state"]),
    (
        "capabilities",
        [
            "auth",
            "institutions",
            "subjects",
            "products",
            "notifications",
            "consents",
            "credit",
            "demands",
            "renewals",
            "imports",
            "indicators",
            "reports",
        ],
    ),
    ("root", ["schema", "startup", "http", "serve"]),
]


def blank(text):
    """`text` with every character but newlines turned into spaces (positions and line numbers stay)."""
    return re.sub(r"[^\n]", " ", text)


def strip_comments_and_strings(src):
    """The source with comments and the contents of string and char literals blanked out."""
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
        elif (m := re.match(r'b?r(#*)"', src[i : i + 40])) and (i == 0 or not re.match(r"\w", src[i - 1])):
            end = src.find('"' + m.group(1), i + len(m.group(0)))
            j = n if end < 0 else end + 1 + len(m.group(1))
        elif src[i] == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            j += 1
        elif src[i] == "'" and i + 1 < n and src[i + 1] == "\\":
            j = src.find("'", i + 2) + 1
        elif src[i] == "'" and i + 2 < n and src[i + 2] == "'":
            j = i + 3
        else:
            out.append(src[i])
            i += 1
            continue
        out.append(blank(src[i:j]))
        i = j
    return "".join(out)


def closing_brace(text, opening):
    """The index of the brace that closes the one at `opening`."""
    depth = 0
    for j in range(opening, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(text) - 1


def item_end(text, start):
    """The end of the item starting at `start`: its closing brace, or its `;` if it has no body."""
    k = start
    while k < len(text) and text[k] not in "{;":
        k += 1
    return closing_brace(text, k) if k < len(text) and text[k] == "{" else k


def without_tests(text):
    """`text` with every `#[cfg(test)]` item blanked out; also the names of the test modules it declares."""
    test_files = set()
    for m in re.finditer(r"#\[cfg\(test\)\]", text):
        end = item_end(text, m.end())
        declared = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text[m.end() : end + 1])
        if declared:
            test_files.add(declared.group(1))
        text = text[: m.start()] + blank(text[m.start() : end + 1]) + text[end + 1 :]
    return text, test_files


def first_segments(group):
    """The first path segment of each item of a `{...}` use group's inside (`a, b::c, d::{e, f}`)."""
    items, depth, current = [], 0, []
    for ch in group:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [m.group(1) for item in items if (m := re.match(r"\s*(\w+)", item))]


def root_names(text, depth_at):
    """The names used right after the crate root in `text`, with the position of each use: after `crate::` or
    `$crate::`, and after a `super::` chain as long as the module depth at that point."""
    for m in re.finditer(r"\bcrate::|(?<![\w:])((?:super::)+)", text):
        if m.group(1) and m.group(1).count("super::") != depth_at(m.start()):
            continue
        rest = text[m.end() :]
        if rest.startswith("{"):
            close = closing_brace(text, m.end())
            for name in first_segments(text[m.end() + 1 : close]):
                yield name, m.start()
        elif name := re.match(r"\w+", rest):
            yield name.group(0), m.start()


def module_path(src_root, path):
    """The module path of a file below `src_root`: api/src/a/b.rs and api/src/a/b/mod.rs are [a, b]."""
    parts = list(path.relative_to(src_root).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts.pop()
    return parts


def test_file_paths(path, names):
    """The files that test modules `names`, declared in `path`, live in."""
    folder = path.parent if path.name in ("mod.rs", "lib.rs", "main.rs") else path.with_suffix("")
    return {p for name in names for p in (folder / f"{name}.rs", folder / name / "mod.rs")}


def reexports(lib_text):
    """`crate::Name` → the module lib.rs re-exports it from (`pub use state::AppState;`)."""
    found = {}
    for m in re.finditer(r"\bpub\s+use\s+(\w+)::(\{[^}]*\}|\w+)", lib_text):
        names = first_segments(m.group(2)[1:-1]) if m.group(2).startswith("{") else [m.group(2)]
        for name in names:
            found[name] = m.group(1)
    return found


def graph(src_root):
    """The modules of the crate at `src_root` and its edges: {(a, b): set of files of a that name b}."""
    modules = {p.stem for p in src_root.glob("*.rs") if p.stem not in ("lib", "main")}
    modules |= {p.name for p in src_root.iterdir() if p.is_dir() and any(p.rglob("*.rs"))}
    texts, skipped = {}, set()
    for path in sorted(src_root.rglob("*.rs")):
        text, tests = without_tests(strip_comments_and_strings(path.read_text(encoding="utf-8")))
        texts[path] = text
        skipped |= test_file_paths(path, tests)
    lib = src_root / "lib.rs"
    aliases = reexports(texts.get(lib, ""))
    edges = {}
    for path, text in texts.items():
        parts = module_path(src_root, path)
        if path in skipped or not parts:
            continue
        inline = [(m.start(), closing_brace(text, m.end() - 1)) for m in re.finditer(r"\bmod\s+\w+\s*\{", text)]

        def depth_at(pos, base=len(parts), inline=inline):
            return base + sum(start < pos < end for start, end in inline)

        for name, _ in root_names(text, depth_at):
            target = name if name in modules else aliases.get(name)
            if target and target != parts[0]:
                edges.setdefault((parts[0], target), set()).add(str(path.relative_to(src_root)))
    return modules, edges


def main(argv):
    show_files = "--files" in argv
    args = [a for a in argv if a != "--files"]
    src_root = pathlib.Path(args[0]) if args else pathlib.Path(__file__).resolve().parent.parent / "api" / "src"
    modules, edges = graph(src_root)
    order = [m for _, group in LAYERS for m in group if m in modules]
    unplaced = sorted(modules - set(order))
    if unplaced:
        sys.exit(f"modules missing from LAYERS in {__file__}: {', '.join(unplaced)}")
    rank = {m: i for i, m in enumerate(order)}
    group_of = {m: g for g, group in LAYERS for m in group}

    def files(edge):
        return f"  ({', '.join(sorted(edges[edge]))})" if show_files else ""

    def ranked(edge):
        return rank[edge[0]], rank[edge[1]]

    mutual = sorted({tuple(sorted(e, key=rank.get)) for e in edges if (e[1], e[0]) in edges}, key=ranked)
    upward = sorted((e for e in edges if rank[e[0]] < rank[e[1]]), key=ranked)

    print(f"{len(modules)} modules, {len(edges)} edges")
    print(f"\n{len(mutual)} mutual pairs (lower <-> higher):")
    for a, b in mutual:
        print(f"  {a} <-> {b}")
    print(f"\n{len(upward)} upward edges (lower -> higher):")
    for a, b in upward:
        print(f"  {a} ({group_of[a]}) -> {b} ({group_of[b]}){files((a, b))}")
    by_source = {}
    for a, _ in upward:
        by_source[a] = by_source.get(a, 0) + 1
    worst = sorted(by_source.items(), key=lambda kv: (-kv[1], rank[kv[0]]))
    print("\nupward edges by source: " + ", ".join(f"{m} {n}" for m, n in worst))


if __name__ == "__main__":
    main(sys.argv[1:])
