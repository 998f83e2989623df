//! The book's own tests: what `mdbook build` and `mdbook test` would not catch.
//!
//! mdBook 0.5 only *logs* a missing `{{#include}}` file (and leaves the raw
//! directive in the page), silently renders an empty snippet for a missing
//! anchor, and through the library prints nothing at all unless a tracing
//! subscriber is installed. So this file checks the book's sources itself,
//! builds the book through `mdbook-driver` with every warning captured, and
//! runs every snippet the way `mdbook test` does, against a private
//! directory of freshly built libraries (see [`snippet_libraries`]).

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use mdbook_driver::MDBook;

// The reading path's checks: short cells, self-checks, Python cells, narrow
// outputs and the fixed pages (issues 14, 15 and 17).
#[path = "book/reading.rs"]
mod reading;

// The generator of the appendix "The labs", shared with `xtask lab-pages`.
#[allow(dead_code)]
#[path = "../xtask/src/lab_pages.rs"]
mod lab_pages;

/// The repository root (this package's manifest directory).
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Cargo's target directory, where the tests keep their scratch files.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// A chapter of the book: its path under `src/` and its markdown.
struct Chapter {
    file: String,
    text: String,
}

/// Every markdown file under `src/` (the book keeps `src/` flat).
fn markdown_files() -> Vec<Chapter> {
    let mut chapters: Vec<Chapter> = fs::read_dir(root().join("src"))
        .expect("src/ exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| Chapter {
            file: path.file_name().unwrap().to_string_lossy().into_owned(),
            text: fs::read_to_string(&path).unwrap(),
        })
        .collect();
    chapters.sort_by(|a, b| a.file.cmp(&b.file));
    chapters
}

/// The chapter files `SUMMARY.md` links (draft entries `[Title]()` have none).
fn summary_chapters() -> Vec<String> {
    let summary = fs::read_to_string(root().join("src/SUMMARY.md")).unwrap();
    links(&summary)
        .into_iter()
        .filter(|target| target.ends_with(".md"))
        .collect()
}

/// Every lab crate except the support crate.
fn labs() -> Vec<String> {
    let mut labs: Vec<String> = fs::read_dir(root().join("labs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("Cargo.toml").exists())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|name| name != "labkit")
        .collect();
    labs.sort();
    labs
}

/// One `{{#include}}` or `{{#rustdoc_include}}` directive found in a chapter.
#[derive(Debug)]
struct Include {
    chapter: String,
    kind: String,
    path: String,
    anchor: Option<String>,
}

impl Include {
    /// The included file on disk (paths are relative to the chapter, in `src/`).
    fn file(&self) -> PathBuf {
        root().join("src").join(&self.path)
    }
}

fn includes(chapter: &Chapter) -> Vec<Include> {
    includes_in(&chapter.file, &chapter.text)
}

/// The `{{#include}}` and `{{#rustdoc_include}}` directives in `text`, a
/// part of the chapter `file` (the body of one of its code blocks, say).
fn includes_in(file: &str, text: &str) -> Vec<Include> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{#") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("}}") else { break };
        let directive = after[..end].trim();
        rest = &after[end..];
        let Some((kind, argument)) = directive.split_once(char::is_whitespace) else {
            continue;
        };
        if kind != "include" && kind != "rustdoc_include" {
            continue;
        }
        let argument = argument.trim();
        let (path, anchor) = match argument.split_once(':') {
            Some((path, anchor)) => (path, Some(anchor.to_string())),
            None => (argument, None),
        };
        found.push(Include {
            chapter: file.to_string(),
            kind: kind.to_string(),
            path: path.to_string(),
            anchor,
        });
    }
    found
}

/// Markdown link targets `[text](target)` in `text`.
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(')') else { break };
        let target = after[..end].trim();
        if !target.is_empty() && !target.contains(char::is_whitespace) {
            found.push(target.to_string());
        }
        rest = &after[end..];
    }
    found
}

/// A fenced code block: its info string and its body.
struct Fence {
    chapter: String,
    line: usize,
    info: String,
    body: String,
}

fn fences(chapter: &Chapter) -> Vec<Fence> {
    chunks(chapter)
        .into_iter()
        .filter_map(|chunk| match chunk {
            Chunk::Fence(fence) => Some(fence),
            Chunk::Line { .. } => None,
        })
        .collect()
}

/// A piece of a chapter: a fenced code block whole, or any other line.
enum Chunk {
    Line { number: usize, text: String },
    Fence(Fence),
}

/// The chapter cut into fenced code blocks and the lines between them (so
/// that a check reading the prose never reads inside a code block).
fn chunks(chapter: &Chapter) -> Vec<Chunk> {
    let mut found = Vec::new();
    let mut open: Option<(String, usize, String, String)> = None; // (marker, line, info, body)
    for (number, line) in chapter.text.lines().enumerate() {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        match &mut open {
            None if marker.len() >= 3 => {
                let info = trimmed[marker.len()..].trim().to_string();
                open = Some((marker, number + 1, info, String::new()));
            }
            Some((open_marker, _, _, _))
                if marker.len() >= open_marker.len()
                    && marker.starts_with(open_marker.as_str())
                    && trimmed[marker.len()..].trim().is_empty() =>
            {
                let (_, start, info, body) = open.take().unwrap();
                found.push(Chunk::Fence(Fence {
                    chapter: chapter.file.clone(),
                    line: start,
                    info,
                    body,
                }));
            }
            Some((_, _, _, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => found.push(Chunk::Line {
                number: number + 1,
                text: line.to_string(),
            }),
        }
    }
    // A block left open runs to the end of the chapter, as in CommonMark.
    if let Some((_, start, info, body)) = open {
        found.push(Chunk::Fence(Fence {
            chapter: chapter.file.clone(),
            line: start,
            info,
            body,
        }));
    }
    found
}

/// Does rustdoc (and so `mdbook test`) treat a block with this info string as Rust?
fn is_rust(info: &str) -> bool {
    const RUSTDOC_ATTRIBUTES: [&str; 9] = [
        "ignore",
        "should_panic",
        "no_run",
        "compile_fail",
        "noplayground",
        "editable",
        "mdbook-runnable",
        "test_harness",
        "allow_fail",
    ];
    let tokens: Vec<&str> = info
        .split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    tokens.is_empty()
        || tokens
            .iter()
            .all(|t| *t == "rust" || RUSTDOC_ATTRIBUTES.contains(t) || t.starts_with("edition"))
}

#[test]
fn every_include_names_an_existing_file_and_anchor() {
    let mut problems = Vec::new();
    let mut count = 0;
    for chapter in markdown_files() {
        for include in includes(&chapter) {
            count += 1;
            let shown = match &include.anchor {
                Some(anchor) => format!("{}:{anchor}", include.path),
                None => include.path.clone(),
            };
            let where_ = format!("{}: {{{{#{} {shown}}}}}", include.chapter, include.kind);
            let Ok(text) = fs::read_to_string(include.file()) else {
                problems.push(format!("{where_}: no such file"));
                continue;
            };
            let Some(anchor) = &include.anchor else {
                continue;
            };
            if anchor.chars().next().is_some_and(|c| c.is_ascii_digit()) || anchor.starts_with(':')
            {
                problems.push(format!(
                    "{where_}: line numbers go stale; use a named anchor"
                ));
                continue;
            }
            let has = |marker: &str| {
                text.lines().any(|line| {
                    line.split_once(marker)
                        .is_some_and(|(_, name)| name.trim() == anchor)
                })
            };
            if !has("ANCHOR:") {
                problems.push(format!("{where_}: no `ANCHOR: {anchor}` line"));
            }
            if !has("ANCHOR_END:") {
                problems.push(format!("{where_}: no `ANCHOR_END: {anchor}` line"));
            }
        }
    }
    assert!(count > 0, "the book includes nothing at all");
    assert!(
        problems.is_empty(),
        "broken includes:\n{}",
        problems.join("\n")
    );
}

#[test]
fn rust_blocks_are_includes_not_pasted_code() {
    let mut problems = Vec::new();
    for chapter in markdown_files() {
        for fence in fences(&chapter) {
            let place = format!("{}:{}", fence.chapter, fence.line);
            if fence.info.is_empty() {
                problems.push(format!(
                    "{place}: a block with no language is tested as Rust; label it (text, console, rust...)"
                ));
                continue;
            }
            if !is_rust(&fence.info) {
                continue;
            }
            if fence.info.split(',').any(|t| t.trim() == "ignore") {
                problems.push(format!("{place}: `ignore` shows the reader untested code"));
            }
            let lines: Vec<&str> = fence
                .body
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect();
            let one_include = lines.len() == 1
                && (lines[0].trim().starts_with("{{#include ")
                    || lines[0].trim().starts_with("{{#rustdoc_include "))
                && lines[0].trim().ends_with("}}");
            if !one_include {
                problems.push(format!(
                    "{place}: a Rust block must hold exactly one {{{{#include}}}} of a lab file, not pasted code"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn shown_outputs_are_transcripts_the_labs_make() {
    let mut problems = Vec::new();
    for chapter in markdown_files() {
        for include in includes(&chapter) {
            let Some(rest) = include.path.strip_prefix("../labs/") else {
                continue;
            };
            let parts: Vec<&str> = rest.split('/').collect();
            if parts.len() != 3 || parts[1] != "outputs" || !parts[2].ends_with(".txt") {
                continue;
            }
            let (lab, file) = (parts[0], parts[2]);
            let lab_dir = root().join("labs").join(lab);
            match labkit::transcript::specs(&lab_dir) {
                Ok(specs) if specs.iter().any(|s| s.file == file) => {}
                Ok(_) => problems.push(format!(
                    "{}: shows {}, which labs/{lab}/transcripts.txt does not list",
                    chapter.file, include.path
                )),
                Err(err) => problems.push(format!("{}: {err:#}", chapter.file)),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn relative_links_point_at_files_inside_the_book() {
    let mut problems = Vec::new();
    for chapter in markdown_files() {
        for target in links(&chapter.text) {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let path = target.split('#').next().unwrap();
            if let Some(rest) = path.strip_prefix("../labs/") {
                let lab = rest.split('/').next().unwrap_or_default();
                problems.push(format!(
                    "{}: link to {target} leaves the book (a reader of the rendered book gets a 404): \
                     link the lab's page, {}, or name the file in `code`",
                    chapter.file,
                    lab_pages::page_file(lab)
                ));
            } else if path.starts_with("../") || path.starts_with('/') {
                problems.push(format!(
                    "{}: link to {target} leaves the book (a reader of the rendered book gets a 404)",
                    chapter.file
                ));
            } else if !root().join("src").join(path).exists() {
                problems.push(format!("{}: link to {target}: no such file", chapter.file));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The chapters: what SUMMARY.md lists before its `# Appendix` part (the
/// map and the labs' pages are reference pages, not chapters with a lab).
fn chapters_proper() -> Vec<String> {
    let summary = fs::read_to_string(root().join("src/SUMMARY.md")).unwrap();
    let chapters = summary.split("\n# Appendix").next().unwrap_or(&summary);
    links(chapters)
        .into_iter()
        .filter(|target| target.ends_with(".md"))
        .filter(|file| file != lab_pages::INDEX && !file.starts_with("lab-"))
        .collect()
}

#[test]
fn every_chapter_links_its_lab_and_every_lab_is_linked() {
    let chapters = markdown_files();
    let linked = |chapter: &Chapter| -> BTreeSet<String> {
        links(&chapter.text)
            .iter()
            .filter_map(|t| t.strip_prefix("lab-"))
            .filter_map(|t| t.split('#').next()?.strip_suffix(".md"))
            .map(String::from)
            .collect()
    };
    let mut problems = Vec::new();
    for file in chapters_proper() {
        if file == "introduction.md" {
            continue;
        }
        let Some(chapter) = chapters.iter().find(|c| c.file == file) else {
            problems.push(format!("SUMMARY.md lists {file}, which does not exist"));
            continue;
        };
        if linked(chapter).is_empty() {
            problems.push(format!(
                "{file} links no lab (add `[the <lab> lab](lab-<lab>.md)` to its \"Run it yourself\")"
            ));
        }
    }
    let all_linked: BTreeSet<String> = chapters
        .iter()
        .filter(|c| chapters_proper().contains(&c.file))
        .flat_map(linked)
        .collect();
    for lab in labs() {
        if !all_linked.contains(&lab) {
            problems.push(format!("labs/{lab} is linked by no chapter"));
        }
    }
    for lab in &all_linked {
        if !root().join("labs").join(lab).join("Cargo.toml").exists() {
            problems.push(format!(
                "a chapter links lab-{lab}.md, and labs/{lab} is not a lab"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Files under a lab's `src/` (sub-folders included) and `python/`.
fn lab_sources(lab: &str) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let relative = path.strip_prefix(base).unwrap();
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let lab_dir = root().join("labs").join(lab);
    let mut files = Vec::new();
    for dir in ["src", "python"] {
        walk(&lab_dir.join(dir), &lab_dir, &mut files);
    }
    files.sort();
    files
}

#[test]
fn every_lab_has_a_page_that_shows_every_file_of_it() {
    let mut problems = Vec::new();
    let run = lab_pages::COMMAND;
    for lab in lab_pages::labs(root()) {
        let page = lab_pages::page_file(&lab);
        let Ok(text) = fs::read_to_string(root().join("src").join(&page)) else {
            problems.push(format!(
                "labs/{lab} has no page: run `{run}` (it writes src/{page}) and commit it"
            ));
            continue;
        };
        for file in lab_sources(&lab) {
            let include = format!("{{{{#include ../labs/{lab}/{file}}}}}");
            if !text.contains(&include) {
                let language = lab_pages::shown_kind(Path::new(&file));
                problems.push(match language {
                    Some(language) => format!(
                        "src/{page} does not show labs/{lab}/{file}: run `{run}`, which adds to its \
                         \"Source files\" the heading `### `{file}`` and the block\n```{language}\n{include}\n```\n\
                         then commit src/{page}"
                    ),
                    None => format!(
                        "labs/{lab}/{file} is neither Rust, Python, TOML, shell nor markdown: the lab pages show only \
                         those (move data files out of src/ and python/, or teach \
                         xtask/src/lab_pages.rs `shown_kind` to show it)"
                    ),
                });
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_lab_pages_are_those_xtask_writes_and_summary_lists_them() {
    let run = lab_pages::COMMAND;
    let pages = lab_pages::pages(root()).unwrap_or_else(|err| panic!("{err}"));
    let mut problems = Vec::new();
    for page in &pages {
        let path = root().join("src").join(&page.file);
        match fs::read_to_string(&path) {
            Ok(text) if text == page.text => {}
            Ok(text) => {
                let missing: Vec<&str> = page
                    .shows
                    .iter()
                    .filter(|file| !text.contains(&format!("/{file}}}}}")))
                    .map(String::as_str)
                    .collect();
                problems.push(if missing.is_empty() {
                    format!(
                        "src/{} differs from what `{run}` writes: rerun it and commit the page",
                        page.file
                    )
                } else {
                    format!(
                        "src/{} does not show {}: rerun `{run}` and commit the page",
                        page.file,
                        missing.join(", ")
                    )
                });
            }
            Err(_) => problems.push(format!(
                "src/{} is missing: run `{run}` and commit it",
                page.file
            )),
        }
    }
    let summary = fs::read_to_string(root().join("src/SUMMARY.md")).unwrap();
    let wanted = lab_pages::summary_lines(&pages);
    if !summary.contains(&wanted) {
        problems.push(format!(
            "src/SUMMARY.md must list the appendix, after the part title `# Appendix`, as:\n{wanted}"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Collects everything mdBook logs at WARN or above while `work` runs.
fn capture_warnings<T>(work: impl FnOnce() -> T) -> (T, String) {
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let value = tracing::subscriber::with_default(subscriber, work);
    let log = String::from_utf8_lossy(&sink.0.lock().unwrap()).into_owned();
    (value, log)
}

#[test]
fn the_book_builds_without_warnings_and_every_link_in_it_resolves() {
    let out = target_dir().join("book-test").join("html");
    let _ = fs::remove_dir_all(&out);
    let (result, warnings) = capture_warnings(|| {
        let mut book = MDBook::load(root())?;
        assert!(
            !book.config.build.create_missing,
            "book.toml must set create-missing = false"
        );
        book.config.build.build_dir = out.clone();
        book.build()
    });
    result.unwrap_or_else(|err| panic!("the book does not build: {err:#}\n{warnings}"));
    assert!(warnings.trim().is_empty(), "mdBook warned:\n{warnings}");
    let problems = built_book::check(&out, &summary_entries(), &markdown_files());
    assert!(
        problems.is_empty(),
        "the built book ({}) has problems:\n{}",
        out.display(),
        problems.join("\n")
    );
}

/// `(title, file)` of every page SUMMARY.md links.
fn summary_entries() -> Vec<(String, String)> {
    lab_pages::summary_entries(root())
}

/// Checks on the HTML mdBook wrote: what a reader of the rendered book gets.
mod built_book {
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::path::{Component, Path, PathBuf};

    use super::{Chapter, includes};

    /// Every problem found in the book built into `out`.
    pub fn check(out: &Path, summary: &[(String, String)], chapters: &[Chapter]) -> Vec<String> {
        let mut problems = Vec::new();
        let pages = html_pages(out);
        if pages.len() < summary.len() {
            problems.push(format!(
                "only {} pages were written for {} entries of SUMMARY.md",
                pages.len(),
                summary.len()
            ));
        }
        let ids: BTreeMap<PathBuf, BTreeSet<String>> = pages
            .iter()
            .map(|(path, html)| (path.clone(), attribute_values(html, "id").collect()))
            .collect();
        for (path, html) in &pages {
            let page = path.strip_prefix(out).unwrap().display().to_string();
            if html.contains("{{#") {
                problems.push(format!(
                    "{page}: holds an unexpanded {{{{#...}}}} directive"
                ));
            }
            // 404.html is served by a web server for any missing path, with
            // `<base href="/">`: its links resolve against the site's root.
            if page == "404.html" {
                continue;
            }
            let mut targets: Vec<String> = attribute_values(html, "href")
                .chain(attribute_values(html, "src"))
                .collect();
            // The search index is loaded by a path the page sets in a script.
            if let Some(rest) = html.split("path_to_searchindex_js = \"").nth(1) {
                targets.push(rest.split('"').next().unwrap_or_default().to_string());
            }
            for target in targets {
                if let Some(problem) = check_target(out, path, &target, &ids) {
                    problems.push(format!("{page}: {problem}"));
                }
            }
        }
        problems.extend(check_svgs(out, chapters));
        problems.extend(check_self_checks(&pages, out));
        problems.extend(check_fixed_ids(out, &ids));
        problems.extend(check_search(out, summary));
        problems.dedup(); // a page links a missing file in two places, say
        problems
    }

    /// Every `.html` file under `out` with its text.
    fn html_pages(out: &Path) -> Vec<(PathBuf, String)> {
        let mut pages = Vec::new();
        let mut dirs = vec![out.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "html") {
                    let html = fs::read_to_string(&path).unwrap();
                    pages.push((path, html));
                }
            }
        }
        pages.sort();
        pages
    }

    /// The values of every `name="..."` attribute in `html`.
    fn attribute_values(html: &str, name: &str) -> std::vec::IntoIter<String> {
        let pattern = format!(" {name}=\"");
        html.match_indices(&pattern)
            .filter_map(|(start, _)| {
                let rest = &html[start + pattern.len()..];
                rest.find('"').map(|end| unescape(&rest[..end]))
            })
            .collect::<Vec<_>>()
            .into_iter()
    }

    fn unescape(value: &str) -> String {
        value
            .replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
    }

    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut decoded = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%'
                && i + 2 < bytes.len()
                && let Some(byte) = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                decoded.push(byte);
                i += 3;
                continue;
            }
            decoded.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&decoded).into_owned()
    }

    /// Why a link from `page` to `target` fails a reader, if it does.
    fn check_target(
        out: &Path,
        page: &Path,
        target: &str,
        ids: &BTreeMap<PathBuf, BTreeSet<String>>,
    ) -> Option<String> {
        let external = ["http:", "https:", "mailto:", "javascript:", "data:", "//"];
        if target.is_empty() || external.iter().any(|p| target.starts_with(p)) {
            return None;
        }
        let (path, fragment) = match target.split_once('#') {
            Some((path, fragment)) => (path, Some(fragment)),
            None => (target, None),
        };
        let path = path.split('?').next().unwrap_or_default();
        let file = if path.is_empty() {
            page.to_path_buf()
        } else {
            let mut file = page.parent().unwrap().to_path_buf();
            for component in Path::new(&percent_decode(path)).components() {
                match component {
                    Component::ParentDir => {
                        file.pop();
                    }
                    Component::Normal(name) => file.push(name),
                    _ => return Some(format!("link to {target}: an absolute path")),
                }
            }
            file
        };
        if !file.starts_with(out) {
            return Some(format!("link to {target} leaves the built book"));
        }
        let file = if file.is_dir() {
            file.join("index.html")
        } else {
            file
        };
        if !file.exists() {
            return Some(format!("link to {target}: no such file in the built book"));
        }
        match fragment {
            Some(fragment) if !fragment.is_empty() => {
                let fragment = percent_decode(fragment);
                match ids.get(&file) {
                    Some(ids) if ids.contains(&fragment) => None,
                    Some(_) => Some(format!(
                        "link to {target}: {} has no id \"{fragment}\"",
                        file.strip_prefix(out).unwrap().display()
                    )),
                    None => None, // not a page (an SVG or a script): no ids to check
                }
            }
            _ => None,
        }
    }

    /// In the built page, the first thing a self-check reveals is the
    /// recording's code block: what a reader sees after opening the box.
    fn check_self_checks(pages: &[(PathBuf, String)], out: &Path) -> Vec<String> {
        let open = r#"<details class="check">"#;
        let mut problems = Vec::new();
        for (path, html) in pages {
            let page = path.strip_prefix(out).unwrap().display();
            for (at, _) in html.match_indices(open) {
                let revealed = html[at..]
                    .split_once("</summary>")
                    .map(|(_, rest)| rest.trim_start());
                if !revealed.is_some_and(|rest| rest.starts_with("<pre")) {
                    let start: String = revealed.unwrap_or_default().chars().take(60).collect();
                    problems.push(format!(
                        "{page}: a self-check's revealed part does not start with the recording's code \
                         block but with {start:?} (in the markdown: `<summary>…</summary>` on one line, \
                         a blank line, then the fenced block with its {{{{#include}}}})"
                    ));
                }
            }
        }
        problems
    }

    /// The section ids other chapters link in the pages PLAN.md fixes
    /// (`primer.html#barrier`...), in the pages that exist.
    fn check_fixed_ids(out: &Path, ids: &BTreeMap<PathBuf, BTreeSet<String>>) -> Vec<String> {
        let mut problems = Vec::new();
        for (page, wanted) in crate::reading::FIXED_IDS {
            let Some(found) = ids.get(&out.join(page)) else {
                continue; // not written yet
            };
            for id in *wanted {
                if !found.contains(*id) {
                    problems.push(format!(
                        "{page} has no id \"{id}\", which other chapters link (`{}#{id}`): write its \
                         heading as PLAN.md, \"Fixed names\", gives it",
                        page.replace(".html", ".md")
                    ));
                }
            }
        }
        problems
    }

    /// Every SVG a chapter inlines with `{{#include ....svg}}` is in its page:
    /// the same `viewBox` and every text label of the picture.
    fn check_svgs(out: &Path, chapters: &[Chapter]) -> Vec<String> {
        let mut problems = Vec::new();
        for chapter in chapters {
            let page = out.join(chapter.file.replace(".md", ".html"));
            let Ok(html) = fs::read_to_string(&page) else {
                continue; // a file SUMMARY.md does not list
            };
            for include in includes(chapter)
                .into_iter()
                .filter(|i| i.path.ends_with(".svg"))
            {
                let Ok(svg) = fs::read_to_string(include.file()) else {
                    problems.push(format!("{}: {} is missing", chapter.file, include.path));
                    continue;
                };
                let view_box = attribute_values(&svg, "viewBox").next();
                let Some(view_box) = view_box else {
                    problems.push(format!("{}: {} has no viewBox", chapter.file, include.path));
                    continue;
                };
                // mdBook writes attribute names in lower case (`viewbox`);
                // a browser's HTML parser restores SVG's `viewBox`.
                if !html
                    .to_ascii_lowercase()
                    .contains(&format!("viewbox=\"{view_box}\""))
                {
                    problems.push(format!(
                        "{}: no <svg viewBox=\"{view_box}\"> from {} in the page",
                        chapter.file, include.path
                    ));
                }
                for label in svg.split("</text>").filter_map(|t| t.rsplit('>').next()) {
                    if !label.trim().is_empty() && !html.contains(&format!(">{label}</text>")) {
                        problems.push(format!(
                            "{}: the label \"{label}\" of {} is not in the page",
                            chapter.file, include.path
                        ));
                        break;
                    }
                }
            }
        }
        problems
    }

    /// The search index mdBook writes (`searchindex-*.js`, a JSON document
    /// in a JavaScript string) has a document for every page SUMMARY.md lists,
    /// under the page's title: what the reader's search box looks up.
    fn check_search(out: &Path, summary: &[(String, String)]) -> Vec<String> {
        let Some(script) = fs::read_dir(out).unwrap().flatten().find(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("searchindex") && name.ends_with(".js")
        }) else {
            return vec!["no searchindex-*.js: the book has no search".to_string()];
        };
        let script = fs::read_to_string(script.path()).unwrap();
        let Some(literal) = script
            .split_once("JSON.parse('")
            .and_then(|(_, rest)| rest.rsplit_once("')"))
            .map(|(literal, _)| literal)
        else {
            return vec!["the search index is not a JSON.parse('...') script".to_string()];
        };
        // Undo the JavaScript string escapes mdBook adds (\\ and \').
        let mut json = String::with_capacity(literal.len());
        let mut chars = literal.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                json.extend(chars.next());
            } else {
                json.push(c);
            }
        }
        let index: serde_json::Value = match serde_json::from_str(&json) {
            Ok(index) => index,
            Err(err) => return vec![format!("the search index is not JSON: {err}")],
        };
        let urls = index["doc_urls"].as_array().cloned().unwrap_or_default();
        let docs = &index["index"]["documentStore"]["docs"];
        let mut problems = Vec::new();
        for (title, file) in summary {
            let html = file.replace(".md", ".html");
            let found = urls.iter().enumerate().any(|(number, url)| {
                let url = url.as_str().unwrap_or_default();
                let doc = &docs[number.to_string()];
                url.split('#').next() == Some(html.as_str())
                    && doc["breadcrumbs"]
                        .as_str()
                        .is_some_and(|crumbs| crumbs.contains(title.as_str()))
            });
            if !found {
                problems.push(format!(
                    "the search index has no document of {html} under the title \"{title}\""
                ));
            }
        }
        problems
    }
}

/// Collects, into a private directory, exactly the libraries of the
/// workspace's own test build: every rlib and proc-macro of the build graph
/// of a plain `cargo test`, hard-linked (or copied) from `target/debug/deps`.
///
/// `mdbook test -L target/debug/deps` fails with E0464 ("multiple candidates
/// for rlib dependency") as soon as that directory holds two builds of a
/// crate a snippet names (after `cargo clippy`, a feature change or an
/// upgrade). The nested `cargo test --no-run --message-format=json` names
/// the exact files of the current build: after the outer `cargo test` has
/// built the workspace it compiles nothing (the outer cargo releases its
/// lock once its build is done), and its feature set is that of the outer
/// build (dev-dependencies included, such as tokio's `test-util`), so the
/// snippets run against the very libraries the labs' tests use, built once.
fn snippet_libraries() -> PathBuf {
    // Private to this run: two `cargo test` runs at once must not empty each
    // other's directory. `publish_libraries` later moves it to book-libs.
    let libs = target_dir().join(format!("book-libs-run-{}", std::process::id()));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root())
        .args([
            "test",
            "--no-run",
            "--workspace",
            "--quiet",
            "--message-format=json",
        ])
        .output()
        .expect("running cargo test --no-run for the snippets' libraries");
    assert!(
        output.status.success(),
        "building the snippets' crates failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = fs::remove_dir_all(&libs);
    fs::create_dir_all(&libs).unwrap();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        for file in message["filenames"].as_array().into_iter().flatten() {
            let file = Path::new(file.as_str().unwrap_or_default());
            let name = file.file_name().unwrap().to_string_lossy();
            // Libraries, and proc-macro crates (shared objects) for derives and `#[tokio::main]`.
            let is_library = [".rlib", ".so", ".dylib", ".dll"]
                .iter()
                .any(|ext| name.ends_with(ext));
            let link = libs.join(file.file_name().unwrap());
            if is_library && !link.exists() && fs::hard_link(file, &link).is_err() {
                fs::copy(file, &link).unwrap();
            }
        }
    }
    libs
}

/// Crate names that included files bring in with `extern crate NAME;`.
fn crates_snippets_name() -> BTreeSet<String> {
    crates_named(&markdown_files())
}

/// Crate names that the files these chapters `{{#rustdoc_include}}` bring
/// in with `extern crate NAME;`.
fn crates_named(chapters: &[Chapter]) -> BTreeSet<String> {
    let mut crates = BTreeSet::new();
    for chapter in chapters {
        for include in includes(chapter)
            .iter()
            .filter(|i| i.kind == "rustdoc_include")
        {
            let text = fs::read_to_string(include.file()).unwrap_or_default();
            for line in text.lines() {
                if let Some(rest) = line.trim().strip_prefix("extern crate ") {
                    let name = rest
                        .trim_end_matches(';')
                        .split_whitespace()
                        .next()
                        .unwrap_or("");
                    if !name.is_empty() && name != "std" && name != "core" && name != "alloc" {
                        crates.insert(name.to_string());
                    }
                }
            }
        }
    }
    crates
}

/// What a chapter's snippets depend on: its markdown, every file it
/// includes, the libraries they link (names, sizes, modification times),
/// the compiler and book.toml. Equal keys mean an equal `rustdoc --test` run.
fn snippet_key(chapter: &Chapter, libraries: u64, compiler: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    chapter.text.hash(&mut hasher);
    for include in includes(chapter) {
        include.path.hash(&mut hasher);
        fs::read(include.file())
            .unwrap_or_default()
            .hash(&mut hasher);
    }
    libraries.hash(&mut hasher);
    compiler.hash(&mut hasher);
    fs::read(root().join("book.toml"))
        .unwrap_or_default()
        .hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// A fingerprint of the libraries of the crates a chapter names: each file's
/// name, size and modification time. Cargo rewrites a library whenever it
/// rebuilds it, and rebuilds it whenever one of its dependencies changed,
/// so the named crates' libraries stand for everything they link.
fn libraries_fingerprint(libs: &Path, crates: &BTreeSet<String>) -> u64 {
    use std::hash::{Hash, Hasher};
    let named = |file: &str| {
        crates.iter().any(|name| {
            file == format!("lib{name}.rlib")
                || (file.starts_with(&format!("lib{name}-")) && file.ends_with(".rlib"))
        })
    };
    let mut files: Vec<(String, u64, Option<std::time::SystemTime>)> = fs::read_dir(libs)
        .unwrap()
        .flatten()
        .filter(|entry| named(&entry.file_name().to_string_lossy()))
        .map(|entry| {
            let meta = entry.metadata().unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                meta.len(),
                meta.modified().ok(),
            )
        })
        .collect();
    files.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    files.hash(&mut hasher);
    hasher.finish()
}

/// `rustc -vV`: the compiler (and so rustdoc) the snippets are tested with.
fn compiler_version() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc)
        .arg("-vV")
        .output()
        .expect("running rustc -vV");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn every_snippet_compiles_and_runs_as_mdbook_test_runs_it() {
    let crates = crates_snippets_name();
    // The toolchain's sysroot ships some crates of its own (`libc`, `cfg_if`,
    // ...) as private dependencies of std; `-L` cannot tell them from ours.
    let sysroot = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "target-libdir"])
        .output()
        .expect("running rustc --print target-libdir");
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    let shipped: Vec<String> = fs::read_dir(&sysroot)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    for name in &crates {
        let prefix = format!("lib{name}-");
        assert!(
            !shipped
                .iter()
                .any(|f| f.starts_with(&prefix) && f.ends_with(".rlib")),
            "a snippet names `extern crate {name};`, but the toolchain's sysroot ({}) has a `{name}` too, \
             so rustdoc cannot choose (E0464): reach it through labkit instead",
            sysroot.display()
        );
    }
    let libs = if crates.is_empty() {
        let empty = target_dir().join("book-libs-empty");
        fs::create_dir_all(&empty).unwrap();
        empty
    } else {
        snippet_libraries()
    };
    // A crate a snippet names must be there exactly once, or rustdoc cannot
    // choose (E0464). The crates they depend on may be there more than once:
    // rustc picks those by the hash the naming crate recorded.
    let files: Vec<String> = fs::read_dir(&libs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for name in &crates {
        // Cargo names an uplifted library without a hash (`libbaseline.rlib`).
        let count = files
            .iter()
            .filter(|f| {
                *f == &format!("lib{name}.rlib")
                    || (f.starts_with(&format!("lib{name}-")) && f.ends_with(".rlib"))
            })
            .count();
        assert_eq!(count, 1, "{count} builds of `{name}` in {}", libs.display());
    }

    // Chapters whose snippets, libraries and compiler are those of a run
    // that passed are not run again (the keys live in target/).
    let passed_dir = target_dir().join("book-snippets-passed");
    fs::create_dir_all(&passed_dir).unwrap();
    let compiler = compiler_version();
    let mut stale: Vec<(String, String)> = Vec::new();
    for file in summary_chapters() {
        let Some(chapter) = markdown_files().into_iter().find(|c| c.file == file) else {
            continue;
        };
        let fingerprint =
            libraries_fingerprint(&libs, &crates_named(std::slice::from_ref(&chapter)));
        let key = snippet_key(&chapter, fingerprint, &compiler);
        if fs::read_to_string(passed_dir.join(&file)).ok().as_deref() != Some(key.as_str()) {
            stale.push((file, key));
        }
    }

    // Each chapter is one `rustdoc --test`; run as many at once as there are cores.
    let queue = Mutex::new(stale);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let Some((file, key)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let (result, warnings) = capture_warnings(|| {
                        let mut book = MDBook::load(root())?;
                        book.test_chapter(vec![libs.to_str().unwrap()], Some(&file))
                    });
                    match result {
                        Ok(()) => fs::write(passed_dir.join(&file), key).unwrap(),
                        Err(err) => {
                            let _ = fs::remove_file(passed_dir.join(&file));
                            failures
                                .lock()
                                .unwrap()
                                .push(format!("{file}: {err:#}\n{warnings}"));
                        }
                    }
                }
            });
        }
    });
    let published = publish_libraries(&libs);
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "mdbook test failed (rustdoc's output is above):\n{}",
        failures.join("\n")
    );
    published.expect("publishing target/book-libs");
}

/// Replaces `target/book-libs` (the directory the README tells readers to
/// pass to `mdbook test -L`) with this run's libraries, and removes the
/// run's private directory.
fn publish_libraries(run_libs: &Path) -> std::io::Result<()> {
    if !run_libs.starts_with(target_dir()) || !run_libs.to_string_lossy().contains("book-libs-run-")
    {
        return Ok(()); // the empty directory of a book that names no crate
    }
    let public = target_dir().join("book-libs");
    let staging = target_dir().join(format!("book-libs-old-{}", std::process::id()));
    // Another run may publish at the same moment; either result is a
    // complete directory from one build, so losing that race is fine.
    let _ = fs::rename(&public, &staging);
    if fs::rename(run_libs, &public).is_err() {
        fs::remove_dir_all(run_libs)?;
    }
    let _ = fs::remove_dir_all(&staging);
    Ok(())
}

#[test]
fn the_outputs_name_one_compiler_and_rust_version_is_its_version() {
    // Every transcript's stamp (the line after its command) names `rustc X.Y.Z (...)`.
    let mut compilers: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for lab in lab_pages::labs(root()) {
        let outputs = root().join("labs").join(&lab).join("outputs");
        for entry in fs::read_dir(&outputs).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            if let Some(rustc) = labkit::transcript::transcript_rustc(&text) {
                compilers.entry(rustc).or_default().push(format!(
                    "labs/{lab}/outputs/{}",
                    entry.file_name().to_string_lossy()
                ));
            }
        }
    }
    assert!(!compilers.is_empty(), "no transcript names its compiler");
    assert_eq!(
        compilers.len(),
        1,
        "the transcripts were made with different compilers; regenerate them all with one \
         (`cargo run -p xtask -- outputs`):\n{}",
        compilers
            .iter()
            .map(|(rustc, files)| format!("{rustc}: {} files, such as {}", files.len(), files[0]))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let rustc = compilers.keys().next().unwrap();
    let version = rustc.split_whitespace().nth(1).unwrap_or_default();
    let major_minor: Vec<&str> = version.split('.').take(2).collect();
    let wanted = format!("rust-version = \"{}\"", major_minor.join("."));
    let manifest = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(
        manifest.lines().any(|line| line.trim() == wanted),
        "the outputs were made with {rustc}: the workspace's Cargo.toml must say `{wanted}` \
         under [workspace.package] (the README's \"Toolchain\" says what it means)"
    );
}
