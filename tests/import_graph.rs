//! The import graph of the source, read from the files themselves: the rooms import one way
//! (`ARCHITECTURE.md`), and no files of the console import each other in a circle.
//!
//! A file "imports" another when a `use` or a path in its code names an item of the other file
//! (`crate::…`, `super::…`, or a name a `use` brought in, followed by `::`). Submodule
//! declarations (`mod x;`) are not imports: a folder's `mod.rs` owns its files without using them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A source file and the module path it defines (`src/console/dealers/tree.rs` is
/// `console::dealers::tree`; a `mod.rs` is its folder; `lib.rs` is the root).
struct Source {
    file: String,
    module: Vec<String>,
    text: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") && p != src.join("main.rs") {
                // main.rs is the binary's root: it uses the library as `dealerctl::`.
                out.push(source(&src, &p));
            }
        }
    }
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

fn source(src: &Path, p: &PathBuf) -> Source {
    let rel = p.strip_prefix(src).unwrap();
    let file = rel.to_string_lossy().replace('\\', "/");
    let mut module: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    if matches!(
        module.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        module.pop();
    }
    Source {
        file,
        module,
        text: strip_comments(&without_tests(&std::fs::read_to_string(p).unwrap())),
    }
}

/// The code before the unit tests (`mod tests` sits at the end of a file, and its `super` is
/// the file itself).
fn without_tests(text: &str) -> String {
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text.to_string(),
    }
}

/// The code without comments and string literals (a path in a doc comment imports nothing).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_str && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                kept.push(c);
            }
            prev = c;
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Every `use` declaration, expanded to whole paths (`a::{b, c::d}` is `a::b` and `a::c::d`).
fn use_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        rest = &rest[i + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(end) = rest.find(';') else { break };
        let decl: String = rest[..end].split_whitespace().collect();
        expand("", &decl, &mut out);
        rest = &rest[end..];
    }
    out
}

fn expand(prefix: &str, decl: &str, out: &mut Vec<String>) {
    match decl.find('{') {
        None => out.push(format!("{prefix}{decl}")),
        Some(open) => {
            let head = &decl[..open];
            let inner = &decl[open + 1..decl.rfind('}').unwrap()];
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&format!("{prefix}{head}"), &inner[start..i], out);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            if start < inner.len() {
                expand(&format!("{prefix}{head}"), &inner[start..], out);
            }
        }
    }
}

/// The paths written in the code: `crate::a::b`, `super::a`, and `x::y` for a name `x` that a
/// `use` brought in.
fn code_paths(text: &str, imported: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts = (c.is_ascii_alphabetic() || c == '_')
            && (i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len()
            && (bytes[j].is_alphanumeric()
                || bytes[j] == '_'
                || (bytes[j] == ':' && bytes.get(j + 1) == Some(&':'))
                || (bytes[j] == ':' && j > 0 && bytes[j - 1] == ':'))
        {
            j += 1;
        }
        let path: String = bytes[i..j].iter().collect();
        let path = path.trim_end_matches(':').to_string();
        // `a::b::{c, d}` is a `use` group: `use_paths` reads it whole.
        let group = bytes.get(j) == Some(&'{');
        if path.contains("::") && !group {
            let first = path.split("::").next().unwrap();
            if first == "crate" || first == "super" || first == "self" {
                out.push(path);
            } else if let Some(full) = imported.get(first) {
                out.push(format!("{full}{}", &path[first.len()..]));
            }
        }
        i = j.max(i + 1);
    }
    out
}

/// The file a path points into: the deepest module on the path that is a file of the source.
fn resolve(from: &[String], path: &str, files: &BTreeMap<Vec<String>, String>) -> Option<Target> {
    let mut segs = path.split("::").filter(|s| !s.is_empty()).peekable();
    let mut at: Vec<String> = match segs.peek().copied() {
        Some("crate") => {
            segs.next();
            vec![]
        }
        Some("super") | Some("self") => from.to_vec(),
        // An external crate or std.
        _ => return None,
    };
    // The module a file's own code lives in is the file's module; `super` is its parent.
    while let Some(s) = segs.peek().copied() {
        match s {
            "super" => {
                at.pop();
                segs.next();
            }
            "self" => {
                segs.next();
            }
            _ => break,
        }
    }
    let mut found = files.get(&at).cloned();
    let mut whole = true;
    for s in segs {
        at.push(s.to_string());
        match files.get(&at) {
            Some(f) => found = Some(f.clone()),
            None => {
                whole = false;
                break;
            }
        }
    }
    found.map(|file| Target { file, whole })
}

/// Where a path points: a file, and whether the path names that module itself (not an item in
/// it).
struct Target {
    file: String,
    whole: bool,
}

/// The import graph: file → files it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let sources = sources();
    let files: BTreeMap<Vec<String>, String> = sources
        .iter()
        .map(|s| (s.module.clone(), s.file.clone()))
        .collect();
    let mut g = BTreeMap::new();
    for s in &sources {
        let uses = use_paths(&s.text);
        let mut imported = BTreeMap::new();
        for u in &uses {
            let full = match u.split("::").next() {
                Some("super") | Some("self") => {
                    // Made absolute so that code paths through the name resolve the same way.
                    let mut at = s.module.clone();
                    let mut rest = u.split("::").peekable();
                    while let Some(seg) = rest.peek().copied() {
                        match seg {
                            "super" => {
                                at.pop();
                            }
                            "self" => {}
                            _ => break,
                        }
                        rest.next();
                    }
                    let tail: Vec<&str> = rest.collect();
                    let mut parts = vec!["crate".to_string()];
                    parts.extend(at);
                    parts.extend(tail.iter().map(|t| t.to_string()));
                    parts.join("::")
                }
                _ => u.clone(),
            };
            let name = full.rsplit("::").next().unwrap_or("").to_string();
            let alias = match u.split_once(" as ") {
                Some((_, a)) => a.to_string(),
                None => name,
            };
            if alias != "*" && alias != "self" {
                imported.insert(alias, full.clone());
            }
        }
        let mut to = BTreeSet::new();
        // A `use` that names a module only brings its name in: the code's paths through that
        // name say which of its files are used.
        let named_items = uses.iter().filter_map(|u| {
            let t = resolve(&s.module, u, &files)?;
            (!t.whole).then_some(t.file)
        });
        let code = code_paths(&s.text, &imported)
            .into_iter()
            .filter_map(|p| resolve(&s.module, &p, &files).map(|t| t.file));
        for f in named_items.chain(code) {
            if f != s.file {
                to.insert(f);
            }
        }
        g.insert(s.file.clone(), to);
    }
    g
}

/// The strongly connected components with more than one file (Tarjan).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(st: &mut State<'a>, v: &'a str) {
        st.index.insert(v, st.next);
        st.low.insert(v, st.next);
        st.next += 1;
        st.stack.push(v);
        st.on.insert(v);
        for w in st.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !st.index.contains_key(w) {
                visit(st, w);
                let lw = st.low[w];
                let lv = st.low[v];
                st.low.insert(v, lv.min(lw));
            } else if st.on.contains(w) {
                let iw = st.index[w];
                let lv = st.low[v];
                st.low.insert(v, lv.min(iw));
            }
        }
        if st.low[v] == st.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = st.stack.pop() {
                st.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                st.out.push(comp);
            }
        }
    }
    let mut st = State {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in g.keys() {
        if !st.index.contains_key(v.as_str()) {
            visit(&mut st, v);
        }
    }
    st.out
}

#[test]
fn the_console_has_no_import_circles() {
    let g = graph();
    let console: BTreeMap<String, BTreeSet<String>> = g
        .into_iter()
        .filter(|(f, _)| f.starts_with("console/"))
        .map(|(f, to)| {
            let to = to
                .into_iter()
                .filter(|t| t.starts_with("console/"))
                .collect();
            (f, to)
        })
        .collect();
    // The scan sees the console's real imports (a broken scan would find none and pass).
    assert!(console["console/app/mod.rs"].contains("console/dealers/tree.rs"));
    assert!(console["console/dealers/keys.rs"].contains("console/app/mod.rs"));
    let found = circles(&console);
    let edges: Vec<String> = found
        .iter()
        .flatten()
        .flat_map(|f| {
            console[f]
                .iter()
                .filter(|t| found.iter().flatten().any(|x| x == *t))
                .map(move |t| format!("{f} -> {t}"))
        })
        .collect();
    assert!(
        found.is_empty(),
        "files of the console import each other in a circle: {edges:#?}"
    );
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    g.insert("d".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(circles(&g), vec![vec!["a", "b", "c"]]);
}

#[test]
fn the_rooms_import_one_way() {
    // model ← domain ← server; model ← client ← console and cli (the console may use domain's
    // rules); the verbs' grammar is shared by the console and the cli and uses nothing else.
    let allowed: &[(&str, &[&str])] = &[
        ("model/", &["model/"]),
        ("verbs/", &["verbs/"]),
        (
            "cli/",
            &[
                "model/",
                "client/",
                "cli/",
                "verbs/",
                "config.rs",
                "credentials.rs",
            ],
        ),
        ("domain/", &["model/", "domain/"]),
        ("server/", &["model/", "domain/", "server/"]),
        ("client/", &["model/", "client/"]),
        (
            "console/",
            &[
                "model/",
                "domain/",
                "client/",
                "console/",
                "verbs/",
                "config.rs",
                "credentials.rs",
            ],
        ),
    ];
    let g = graph();
    assert!(!g["console/app/mod.rs"].is_empty());
    for (file, to) in &g {
        let Some((room, may)) = allowed.iter().find(|(r, _)| file.starts_with(r)) else {
            continue;
        };
        for t in to {
            assert!(
                may.iter().any(|m| t.starts_with(m)),
                "{file} (room {room}) imports {t}, which its room may not use"
            );
        }
    }
}
