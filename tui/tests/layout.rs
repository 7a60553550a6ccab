//! The client's layout rules (issue 18), read from its sources: no import circle between modules
//! or between the top-level parts, `ui` names no feature, features never reach for the app, the
//! network, drawing or the terminal, and no file grows past 600 lines without saying why at its top.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path below the crate root (`["features", "meetings", "records"]`).
type Module = Vec<String>;

/// Each module and the modules it names.
type Edges = BTreeMap<Module, BTreeSet<Module>>;

/// A source file, its line count and its first lines.
type Source = (PathBuf, usize, String);

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("the client's sources are readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module a file holds.
fn module_of(root: &Path, file: &Path) -> Module {
    let rel = file
        .strip_prefix(root)
        .expect("under the root")
        .with_extension("");
    let mut m: Module = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if m.last().is_some_and(|s| s == "mod") {
        m.pop();
    }
    if m == ["lib"] || m == ["main"] {
        m.clear();
    }
    m
}

/// The source without comments and with string and character literals emptied, so only code
/// is read for paths.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !b
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && (next == Some('\\') || b.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\''); a lifetime has no closing quote.
            i += 2;
            while i < b.len() && b[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `a::{b, c::{d}}` as `a::b`, `a::c::d` (`self` in a group is the prefix itself).
fn expand(path: &str) -> Vec<String> {
    let path: String = path.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(open) = path.find('{') else {
        return vec![path];
    };
    let close = path.rfind('}').unwrap_or(path.len());
    let prefix = &path[..open];
    let (mut items, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for ch in path[open + 1..close].chars() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if ch == ',' && depth == 0 {
            items.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
    }
    items.push(cur);
    let mut out = Vec::new();
    for it in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if it == "self" || it.starts_with("self as ") {
            out.push(prefix.trim_end_matches("::").to_string());
        } else {
            out.extend(expand(&format!("{prefix}{it}")));
        }
    }
    out
}

/// The paths a module's code names: every `use` expanded, and every `a::b` in the code.
fn paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        let tail = &rest[at + 4..];
        rest = tail;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(end) = tail.find(';') {
            out.extend(
                expand(&tail[..end])
                    .into_iter()
                    .map(|p| p.split(" as ").next().unwrap_or("").trim().to_string()),
            );
        }
    }
    // Paths in the code itself: runs of identifiers joined by `::`.
    let chars: Vec<char> = code.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        if ident(chars[i]) && (i == 0 || !(ident(chars[i - 1]) || chars[i - 1] == ':')) {
            let start = i;
            let mut end = i;
            loop {
                while end < chars.len() && ident(chars[end]) {
                    end += 1;
                }
                if chars.get(end) == Some(&':')
                    && chars.get(end + 1) == Some(&':')
                    && chars.get(end + 2).is_some_and(|c| ident(*c))
                {
                    end += 2;
                } else {
                    break;
                }
            }
            let p: String = chars[start..end].iter().collect();
            if p.contains("::") {
                out.push(p);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The module `path`, named in `from`, points to (the longest module it starts with).
fn resolve(from: &Module, path: &str, modules: &BTreeSet<Module>) -> Option<Module> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut full: Module = match segs.first()? {
        &"crate" => Vec::new(),
        &"super" | &"self" => from.clone(),
        first => {
            // A path through a child module of this one (`popup::Popup` in `ui/mod.rs`).
            let mut child = from.clone();
            child.push((*first).to_string());
            if !modules.contains(&child) {
                return None;
            }
            from.clone()
        }
    };
    let mut rest = &segs[..];
    if matches!(segs[0], "crate" | "self") {
        rest = &segs[1..];
    }
    while let Some(&"super") = rest.first() {
        full.pop();
        rest = &rest[1..];
    }
    full.extend(rest.iter().map(|s| s.to_string()));
    (0..=full.len())
        .rev()
        .map(|n| full[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// The strongly connected groups of more than one node (each an import circle).
fn circles<N: Ord + Clone>(edges: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    // Two nodes are in one circle when each reaches the other.
    let reach = |from: &N| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for m in edges.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<N, BTreeSet<N>> = edges.keys().map(|n| (n.clone(), reach(n))).collect();
    let mut out: Vec<Vec<N>> = Vec::new();
    for (n, r) in &reached {
        if !r.contains(n) || out.iter().any(|c| c.contains(n)) {
            continue;
        }
        let group: Vec<N> = r
            .iter()
            .filter(|m| reached.get(*m).is_some_and(|back| back.contains(n)))
            .cloned()
            .collect();
        if group.len() > 1 {
            out.push(group);
        }
    }
    out
}

/// The module graph of the client: module → the modules it names.
fn graph() -> (Edges, Vec<Source>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut list = Vec::new();
    files(&root, &mut list);
    let modules: BTreeSet<Module> = list.iter().map(|f| module_of(&root, f)).collect();
    let mut edges: Edges = BTreeMap::new();
    let mut sources = Vec::new();
    for f in &list {
        let src = std::fs::read_to_string(f).expect("a readable source");
        let m = module_of(&root, f);
        let targets = edges.entry(m.clone()).or_default();
        for p in paths(&code_only(&src)) {
            if let Some(t) = resolve(&m, &p, &modules)
                && t != m
            {
                targets.insert(t);
            }
        }
        let head: String = src.lines().take(10).collect::<Vec<_>>().join("\n");
        sources.push((f.clone(), src.lines().count(), head));
    }
    (edges, sources)
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_import_circle_between_modules_or_between_parts() {
    let (edges, _) = graph();
    // A module and its own submodules are one unit: edges between them do not count.
    let modules: Edges = edges
        .iter()
        .map(|(a, bs)| {
            let bs = bs
                .iter()
                .filter(|b| !a.starts_with(b) && !b.starts_with(a))
                .cloned()
                .collect();
            (a.clone(), bs)
        })
        .collect();
    let found: Vec<Vec<String>> = circles(&modules)
        .iter()
        .map(|c| c.iter().map(name).collect())
        .collect();
    assert!(
        found.is_empty(),
        "import circles between modules: {found:?}"
    );

    let mut parts: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, bs) in &edges {
        for b in bs {
            if let (Some(x), Some(y)) = (a.first(), b.first())
                && x != y
            {
                parts.entry(x.clone()).or_default().insert(y.clone());
            }
        }
    }
    let found = circles(&parts);
    assert!(found.is_empty(), "import circles between parts: {found:?}");
}

#[test]
fn ui_names_no_feature_and_features_stay_above_the_app() {
    let (edges, _) = graph();
    let mut broken = Vec::new();
    for (a, bs) in &edges {
        for b in bs {
            let (from, to) = (a.first().map(String::as_str), b.first().map(String::as_str));
            let bad = matches!(
                (from, to),
                (
                    Some("ui"),
                    Some("features" | "app" | "net" | "view" | "term")
                ) | (Some("features"), Some("app" | "net" | "view" | "term"))
            );
            if bad {
                broken.push(format!("{} -> {}", name(a), name(b)));
            }
        }
    }
    assert!(broken.is_empty(), "imports against the layout: {broken:?}");
}

#[test]
fn no_file_over_600_lines_without_a_reason_at_its_top() {
    let (_, sources) = graph();
    let long: Vec<String> = sources
        .iter()
        .filter(|(_, lines, head)| *lines > 600 && !head.contains("over 600 lines"))
        .map(|(f, lines, _)| format!("{} ({lines})", f.display()))
        .collect();
    assert!(
        long.is_empty(),
        "files over 600 lines with no reason at the top: {long:?}"
    );
}

#[test]
fn the_reader_sees_what_a_file_imports() {
    // The checks above are only as good as the reading: a known edge of each kind must be found.
    let (edges, _) = graph();
    let has = |a: &str, b: &str| {
        let a: Module = a.split("::").map(String::from).collect();
        let b: Module = b.split("::").map(String::from).collect();
        edges.get(&a).is_some_and(|t| t.contains(&b))
    };
    // `use crate::…` in a grouped import.
    assert!(has(
        "features::meetings::records",
        "features::record_list::row"
    ));
    // A bare path through a child module (`popup::Popup` in `ui/mod.rs`).
    assert!(has("ui", "ui::popup"));
    // A path in the code, not in a `use`.
    assert!(has(
        "features::directory::records",
        "features::record_list::row"
    ));
    assert_eq!(
        expand("crate::a::{self, b, c::{d, e as f}}"),
        [
            "crate::a",
            "crate::a::b",
            "crate::a::c::d",
            "crate::a::c::e as f"
        ]
    );
    assert_eq!(
        code_only("let s = \"// a::b\"; // c::d\nx::y"),
        "let s = \"\"; \nx::y"
    );
}
