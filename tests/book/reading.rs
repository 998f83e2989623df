//! The reading path, checked (issues 14, 15 and 17): what a reader sees in a
//! code cell, a Python cell, an output cell and a self-check, and the fixed
//! pages other chapters link to. CONTRIBUTING.md, "In the markdown", states
//! the rules; each test here fails with the file, the line and the fix.
//!
//! Longer than the project's usual 300 lines: each rule keeps its list of
//! allowed exceptions next to it (what a reviewer reads together), and the
//! few functions that reproduce what mdBook 0.5.4 puts in a code block are
//! shared by all of them.
//!
//! Exceptions are explicit: an entry `Why::Because` gives its reason; a long
//! code cell's reason must also be written in its chapter, which the test
//! checks. A test fails on an entry that no longer matches anything, so the
//! lists only hold exceptions that are still needed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::{
    Chapter, Chunk, Fence, Include, chunks, fences, includes_in, is_rust, lab_pages,
    markdown_files, root,
};

/// The most lines a code cell shows (issue 15).
pub const MAX_CELL_LINES: usize = 40;
/// The widest line an output cell shows, in characters: what the book's
/// default page width holds without scrolling sideways (issue 15, item 7).
pub const MAX_OUTPUT_COLUMNS: usize = 100;
/// Where the exception lists live, for the messages.
const HERE: &str = "tests/book/reading.rs";

/// Why a cell may break a rule.
#[derive(Clone, Copy)]
enum Why {
    /// Allowed for good, for this reason. For a long code cell the chapter
    /// states it in these very words (case and line breaks aside), so that the reader
    /// knows it too.
    Because(&'static str),
}

/// A cell allowed to break a rule: the chapter (a file in `src/`), the
/// included file as the chapter writes it (`../labs/gil/src/gil.rs:lock`),
/// and why.
struct Allowed {
    chapter: &'static str,
    include: &'static str,
    why: Why,
}

/// Code cells longer than [`MAX_CELL_LINES`]: none today. An entry needs
/// `Why::Because`, said in the chapter.
const LONG_CELLS: &[Allowed] = &[];

/// Transcripts with lines wider than [`MAX_OUTPUT_COLUMNS`]: only the labs'
/// `--help` on their appendix pages. `*` matches any run of characters.
const WIDE_OUTPUTS: &[Allowed] = &[Allowed {
    chapter: "lab-*.md",
    include: "../labs/*/outputs/help.txt",
    why: Why::Because(
        "the appendix's lab pages record each lab's --help as clap prints it: a reference \
             to look an option up in, not a cell of a chapter's reading path",
    ),
}];

/// Chapters listed in SUMMARY.md (not the introduction, not the appendix)
/// with fewer than three self-checks: none today. (`include` unused.)
const CHECKS_TO_ADD: &[Allowed] = &[];

/// Chapters that still show Python typed into the markdown rather than an
/// included, tested file: none today. (`include` unused.)
const PASTED_PYTHON: &[Allowed] = &[];

/// The fixed pages (primer, async primer, map), which other chapters link by these exact names:
/// (file, title, the SUMMARY entry it comes right before (`None`: in the
/// appendix), its sections as written).
const FIXED_PAGES: &[(&str, &str, Option<&str>, &[&str])] = &[
    (
        "primer.md",
        "Rust's tools: threads, guards, atomics",
        Some("gil.md"),
        &[
            "## Threads: spawn and scope",
            "## Sharing: Arc",
            "## Mutex and its guard",
            "## Atomics and orderings",
            "## Barrier",
            "## Channels",
        ],
    ),
    (
        "async-primer.md",
        "Futures: an async primer",
        Some("event-loops.md"),
        &[
            "## A future is a value",
            "## Poll, Pending, Ready and the Waker",
            "## Why Pin",
            "## block_on and #[tokio::main]",
            "## Cancellation is drop",
        ],
    ),
    ("map.md", "From Python to Rust: a map", None, &[]),
];

/// The ids mdBook gives the fixed pages' sections (checked in the built book).
pub const FIXED_IDS: &[(&str, &[&str])] = &[
    (
        "primer.html",
        &[
            "threads-spawn-and-scope",
            "sharing-arc",
            "mutex-and-its-guard",
            "atomics-and-orderings",
            "barrier",
            "channels",
        ],
    ),
    (
        "async-primer.html",
        &[
            "a-future-is-a-value",
            "poll-pending-ready-and-the-waker",
            "why-pin",
            "block_on-and-tokiomain",
            "cancellation-is-drop",
        ],
    ),
];

/// The generated appendix pages, which show lab files whole.
fn is_lab_page(file: &str) -> bool {
    file == lab_pages::INDEX || file.starts_with("lab-")
}

/// The first word of a code block's info string: `rust,noplayground` → `rust`.
fn language(info: &str) -> &str {
    info.split([',', ' ', '{']).next().unwrap_or_default()
}

fn is_python(info: &str) -> bool {
    matches!(language(info), "python" | "py" | "python3")
}

/// The directive as the chapter writes it: `path` or `path:anchor`.
fn target(include: &Include) -> String {
    match &include.anchor {
        Some(anchor) => format!("{}:{anchor}", include.path),
        None => include.path.clone(),
    }
}

/// `src/<file>:<line>`, where a message points.
fn place(fence: &Fence) -> String {
    format!("src/{}:{}", fence.chapter, fence.line)
}

/// The file a chapter's path names, relative to the repository (`labs/...`).
fn repo_path(include: &Include) -> String {
    include.path.trim_start_matches("../").to_string()
}

// ---------------------------------------------------------------------------
// What mdBook 0.5.4 shows: its `links` preprocessor (`take_lines.rs`) and the
// HTML renderer's hidden lines (`hide_lines.rs`), reproduced.

/// The name on `line` after `marker` (`ANCHOR:` or `ANCHOR_END:`), as
/// mdBook's regex `ANCHOR:\s*([\w_-]+)` reads it (first match on the line).
fn anchor_on<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.match_indices(marker).find_map(|(at, _)| {
        let rest = line[at + marker.len()..].trim_start();
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// `{{#include file:anchor}}`: the lines of the first `anchor` region, less
/// every line holding another anchor's comment.
fn anchored(text: &str, anchor: &str) -> String {
    let mut kept = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside {
            match anchor_on(line, "ANCHOR_END:") {
                Some(name) if name == anchor => break,
                Some(_) => {}
                None if anchor_on(line, "ANCHOR:").is_none() => kept.push(line),
                None => {}
            }
        } else if anchor_on(line, "ANCHOR:") == Some(anchor) {
            inside = true;
        }
    }
    kept.join("\n")
}

/// `{{#rustdoc_include file:anchor}}`: the whole file, every line outside
/// the `anchor` regions prefixed with `# ` (hidden), anchor comments dropped.
fn rustdoc_anchored(text: &str, anchor: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if inside {
            match anchor_on(line, "ANCHOR_END:") {
                Some(name) if name == anchor => inside = false,
                Some(_) => {}
                None if anchor_on(line, "ANCHOR:").is_none() => out.push(line.to_string()),
                None => {}
            }
        } else if let Some(name) = anchor_on(line, "ANCHOR:") {
            inside = name == anchor;
        } else if anchor_on(line, "ANCHOR_END:").is_none() {
            out.push(format!("# {line}"));
        }
    }
    out.join("\n")
}

/// What mdBook puts in place of `include`, or `None` for a missing file.
fn expand(include: &Include) -> Option<String> {
    let text = fs::read_to_string(include.file()).ok()?;
    Some(match (&include.anchor, include.kind.as_str()) {
        (None, _) => text.lines().collect::<Vec<_>>().join("\n"),
        (Some(anchor), "rustdoc_include") => rustdoc_anchored(&text, anchor),
        (Some(anchor), _) => anchored(&text, anchor),
    })
}

/// In a Rust block the renderer hides a line whose first non-blank
/// character is `#` followed by a space or by nothing (`##` shows a `#`).
fn hidden_in_rust(line: &str) -> bool {
    line.trim_start()
        .strip_prefix('#')
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// The include a block's body consists of, when it is one directive on a
/// line of its own and nothing but blank lines around it.
fn sole_include(fence: &Fence) -> Option<Include> {
    let lines: Vec<&str> = fence
        .body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let [line] = lines[..] else { return None };
    let mut found = includes_in(&fence.chapter, line);
    (found.len() == 1 && line.starts_with("{{#") && line.ends_with("}}")).then(|| found.remove(0))
}

/// The lines a reader sees in `fence`, each include expanded (a missing
/// file shows its directive, as mdBook leaves it).
fn shown_lines(fence: &Fence) -> Vec<String> {
    let rust = is_rust(&fence.info);
    let mut shown = Vec::new();
    for line in fence.body.lines() {
        let expanded = includes_in(&fence.chapter, line)
            .first()
            .filter(|_| line.trim().starts_with("{{#") && line.trim().ends_with("}}"))
            .and_then(expand);
        match expanded {
            Some(text) => shown.extend(text.lines().map(String::from)),
            None => shown.push(line.to_string()),
        }
    }
    shown.retain(|line| !(rust && hidden_in_rust(line)));
    shown
}

/// Is `include` a file a lab's run recorded, in `labs/<lab>/outputs/`?
fn is_transcript(include: &Include) -> bool {
    let path = repo_path(include);
    let parts: Vec<&str> = path.split('/').collect();
    parts.len() >= 4 && parts[0] == "labs" && parts[2] == "outputs"
}

/// Is `include` a recording: a file in `labs/<lab>/outputs/`, or the
/// compiler's error as trybuild stored it (a `.stderr` in a lab)?
fn is_recording(include: &Include) -> bool {
    is_transcript(include)
        || (repo_path(include).starts_with("labs/") && include.path.ends_with(".stderr"))
}

/// Does `pattern` match `text`, where `*` in the pattern matches any run of characters?
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (head.len()..=text.len())
                    .filter(|&at| text.is_char_boundary(at))
                    .any(|at| glob(tail, &text[at..]))
        }
    }
}

/// The entry of `list` that allows the cell `include` (as written) of `chapter`.
fn allowed<'a>(list: &'a [Allowed], chapter: &str, include: &str) -> Option<&'a Allowed> {
    list.iter()
        .find(|a| glob(a.chapter, chapter) && glob(a.include, include))
}

/// Text in lower case with every run of whitespace made one space
/// (markdown wraps lines; a sentence may start with the reason).
fn squeezed(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Checks the entries of `list`: an entry that allowed nothing this run
/// (`used` holds the `(chapter, include)` of the entries that did) is
/// stale; with `chapter_says`, a `Because` must be said in its chapter.
fn check_allowed(
    list: &[Allowed],
    list_name: &str,
    used: &BTreeSet<(&str, &str)>,
    stale_means: &str,
    chapter_says: bool,
) -> Vec<String> {
    let chapters = markdown_files();
    let mut problems = Vec::new();
    for entry in list {
        let key = (entry.chapter, entry.include);
        let what = if entry.include.is_empty() {
            format!("src/{}", entry.chapter)
        } else {
            format!("src/{} {}", entry.chapter, entry.include)
        };
        if !used.contains(&key) {
            problems.push(format!(
                "{HERE}: {list_name} lists {what}, which {stale_means}: delete the entry"
            ));
            continue;
        }
        if let (Why::Because(reason), true) = (entry.why, chapter_says) {
            let says = chapters
                .iter()
                .find(|c| c.file == entry.chapter)
                .is_some_and(|c| squeezed(&c.text).contains(&squeezed(reason)));
            if !says {
                problems.push(format!(
                    "src/{}: {list_name} in {HERE} allows {} because \"{reason}\"; the chapter must say \
                     that to the reader too, in those words (near the cell)",
                    entry.chapter, entry.include
                ));
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------
// 1. Short code cells (issue 15).

#[test]
fn code_cells_show_at_most_forty_lines() {
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    let mut cells = 0;
    for chapter in markdown_files().iter().filter(|c| !is_lab_page(&c.file)) {
        for fence in fences(chapter) {
            if !is_rust(&fence.info) && !is_python(&fence.info) {
                continue;
            }
            cells += 1;
            let shown = shown_lines(&fence).len();
            if shown <= MAX_CELL_LINES {
                continue;
            }
            let include = sole_include(&fence);
            let written = include.as_ref().map(target).unwrap_or_default();
            if let Some(entry) = allowed(LONG_CELLS, &chapter.file, &written) {
                used.insert((entry.chapter, entry.include));
                continue;
            }
            let how = match &include {
                Some(Include {
                    anchor: Some(anchor),
                    ..
                }) => format!(
                    "in {}, keep between `ANCHOR: {anchor}` and `ANCHOR_END: {anchor}` only what the \
                     section teaches: move harness, error plumbing and formatting outside the anchors \
                     (or into labkit), or cut it into two anchors with an output cell between them",
                    include.as_ref().map(repo_path).unwrap_or_default()
                ),
                Some(include) => format!(
                    "it includes {} whole: put `ANCHOR:`/`ANCHOR_END:` comments around the part the \
                     section teaches and include that anchor",
                    repo_path(include)
                ),
                None => "show one included anchor of a lab file instead".to_string(),
            };
            problems.push(format!(
                "{}: the code cell {} shows {shown} lines; a cell shows at most {MAX_CELL_LINES}: {how}. \
                 If the length is the lesson, add the cell to LONG_CELLS in {HERE} with \
                 `Why::Because(\"the reason\")` and say the reason in the chapter.",
                place(&fence),
                fence.body.trim()
            ));
        }
    }
    assert!(cells > 0, "no Rust or Python cell found in src/");
    problems.extend(check_allowed(
        LONG_CELLS,
        "LONG_CELLS",
        &used,
        &format!("no longer shows more than {MAX_CELL_LINES} lines (or no longer exists)"),
        true,
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// 2. Predict, then reveal (issue 17).

/// A well-formed self-check: where it opens and the recording it reveals.
struct SelfCheck {
    recording: String,
}

const CHECK_OPEN: &str = r#"<details class="check">"#;

fn blank(chunk: &Chunk) -> bool {
    matches!(chunk, Chunk::Line { text, .. } if text.trim().is_empty())
}

fn line_text(chunk: &Chunk) -> Option<&str> {
    match chunk {
        Chunk::Line { text, .. } => Some(text.trim()),
        Chunk::Fence(_) => None,
    }
}

/// Every self-check of `chapter`, and what is wrong with the malformed ones.
fn self_checks(chapter: &Chapter) -> (Vec<SelfCheck>, Vec<String>) {
    let chunks = chunks(chapter);
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let Chunk::Line { number, text } = chunk else {
            continue;
        };
        let at = format!("src/{}:{number}", chapter.file);
        let text = text.trim();
        if text.starts_with("<details") && text.contains("check") && text != CHECK_OPEN {
            problems.push(format!(
                "{at}: write a self-check's opening tag exactly `{CHECK_OPEN}`, on a line of its own"
            ));
        } else if text == CHECK_OPEN {
            match self_check(&chunks, i) {
                Ok(check) => checks.push(check),
                Err(problem) => problems.push(format!("{at}: {problem}")),
            }
        } else if text.starts_with("**Predict.**") {
            // The question's paragraph, then blank lines, then the check.
            let after = chunks[i + 1..]
                .iter()
                .skip_while(|c| line_text(c).is_some_and(|t| !t.is_empty() && t != CHECK_OPEN))
                .find(|c| !blank(c));
            if after.and_then(line_text) != Some(CHECK_OPEN) {
                problems.push(format!(
                    "{at}: a **Predict.** question must be followed by its `{CHECK_OPEN}` block \
                     (CONTRIBUTING.md, \"Predict, then reveal\")"
                ));
            }
        }
    }
    (checks, problems)
}

/// Reads the self-check that opens at `chunks[open]`.
fn self_check(chunks: &[Chunk], open: usize) -> Result<SelfCheck, String> {
    let shape = "(CONTRIBUTING.md, \"Predict, then reveal\", shows the shape)";
    // Before: the paragraph of the question, starting `**Predict.**`.
    let mut start = None;
    for chunk in chunks[..open].iter().rev().skip_while(|c| blank(c)) {
        match line_text(chunk) {
            Some(text) if !text.is_empty() => start = Some(text),
            _ => break,
        }
    }
    if !start.is_some_and(|text| text.starts_with("**Predict.**")) {
        return Err(format!(
            "a self-check comes right after its question, a paragraph starting `**Predict.**` {shape}"
        ));
    }
    // Then `<summary>…</summary>` and a blank line.
    let mut rest = chunks[open + 1..].iter();
    let summary = rest.next().and_then(line_text).unwrap_or_default();
    if !(summary.starts_with("<summary>")
        && summary.ends_with("</summary>")
        && summary.len() > "<summary></summary>".len())
    {
        return Err(format!(
            "the line after `{CHECK_OPEN}` is its `<summary>Reveal the measured answer</summary>`, \
             on one line {shape}"
        ));
    }
    if !rest.next().is_some_and(blank) {
        return Err(
            "leave a blank line after `</summary>`: without it the recording's code block is not \
             read as markdown and shows as raw text"
                .to_string(),
        );
    }
    // Then the recording: a code block holding one include of it.
    let recording = match rest.by_ref().find(|c| !blank(c)) {
        Some(Chunk::Fence(fence)) => {
            let include = sole_include(fence).filter(|i| i.kind == "include");
            let Some(include) = include.filter(is_recording) else {
                return Err(format!(
                    "the revealed code block must hold exactly one `{{{{#include ../labs/<lab>/outputs/<file>}}}}` \
                     (a transcript) or the `{{{{#include}}}}` of a trybuild `.stderr`, nothing else; it holds: {}",
                    fence.body.trim()
                ));
            };
            match expand(&include) {
                None => {
                    return Err(format!(
                        "the recording {} does not exist",
                        repo_path(&include)
                    ));
                }
                Some(text) if text.trim().is_empty() => {
                    return Err(format!(
                        "the recording {} shows nothing (a missing anchor?)",
                        target(&include)
                    ));
                }
                Some(_) => repo_path(&include),
            }
        }
        Some(Chunk::Line { text, .. }) if text.trim() == "</details>" => {
            return Err(
                "the self-check reveals nothing: add the recording and a paragraph of why".into(),
            );
        }
        Some(Chunk::Line { text, .. }) => {
            return Err(format!(
                "the first thing a self-check reveals is typed text (\"{}\"): reveal the recorded \
                 answer first, a code block with one `{{{{#include}}}}` of a transcript in \
                 `labs/<lab>/outputs/` or of a trybuild `.stderr`, then the paragraph of why {shape}",
                text.trim()
            ));
        }
        None => return Err(format!("no `</details>` closes the self-check {shape}")),
    };
    // Then at least one paragraph of why, and `</details>`.
    let mut prose = 0;
    for chunk in rest {
        match line_text(chunk) {
            Some("</details>") if prose > 0 => return Ok(SelfCheck { recording }),
            Some("</details>") => {
                return Err(format!(
                    "after the recording {recording}, write at least one paragraph of why before \
                     `</details>` {shape}"
                ));
            }
            Some(CHECK_OPEN) => break,
            Some(text) if !text.is_empty() && !text.starts_with('<') => prose += 1,
            _ => {}
        }
    }
    Err(format!("no `</details>` closes the self-check {shape}"))
}

/// `(file, in the appendix)` of every page SUMMARY.md lists, in order.
fn summary_pages() -> Vec<(String, bool)> {
    let summary = fs::read_to_string(root().join("src/SUMMARY.md")).unwrap();
    let mut appendix = false;
    let mut pages = Vec::new();
    for line in summary.lines() {
        if line.trim() == "# Appendix" {
            appendix = true;
        }
        let file = line
            .split_once("](")
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(file, _)| file.trim());
        if let Some(file) = file.filter(|f| f.ends_with(".md")) {
            pages.push((file.to_string(), appendix));
        }
    }
    pages
}

#[test]
fn every_self_check_reveals_a_recording_then_says_why() {
    let mut problems = Vec::new();
    for chapter in markdown_files() {
        problems.extend(self_checks(&chapter).1);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_chapter_has_at_least_three_self_checks() {
    let chapters = markdown_files();
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    for (file, appendix) in summary_pages() {
        if appendix || file == "introduction.md" {
            continue;
        }
        let Some(chapter) = chapters.iter().find(|c| c.file == file) else {
            continue; // the build test says SUMMARY.md names a missing file
        };
        let (checks, _) = self_checks(chapter);
        if checks.len() >= 3 {
            continue;
        }
        if let Some(entry) = allowed(CHECKS_TO_ADD, &file, "") {
            used.insert((entry.chapter, entry.include));
            continue;
        }
        let shown: Vec<&str> = checks.iter().map(|c| c.recording.as_str()).collect();
        problems.push(format!(
            "src/{file} has {} well-formed self-check{} ({}); every chapter has at least three: \
             add `**Predict.**` questions with their `{CHECK_OPEN}` blocks where a Python \
             programmer's intuition fails, each revealing a transcript of the chapter's lab \
             (CONTRIBUTING.md, \"Predict, then reveal\")",
            checks.len(),
            if checks.len() == 1 { "" } else { "s" },
            if shown.is_empty() {
                "none".to_string()
            } else {
                format!("revealing {}", shown.join(", "))
            },
        ));
    }
    problems.extend(check_allowed(
        CHECKS_TO_ADD,
        "CHECKS_TO_ADD",
        &used,
        "has its three self-checks now (or is no chapter of SUMMARY.md)",
        false,
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// 3. Python shown is Python run (issues 14 and 15).

/// Every file a lab embeds with `include_str!("...")` in a Rust file under
/// its `src/` or `tests/`: canonical path → the Rust files that embed it.
fn embedded_files() -> BTreeMap<PathBuf, Vec<String>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut rust_files = Vec::new();
    for lab in lab_pages::labs(root()) {
        for dir in ["src", "tests"] {
            walk(&root().join("labs").join(&lab).join(dir), &mut rust_files);
        }
    }
    let mut embedded: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    for file in rust_files {
        let text = fs::read_to_string(&file).unwrap_or_default();
        // Comments do not run anything: drop `//` lines before looking.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for (at, _) in code.match_indices("include_str!(") {
            let rest = code[at + "include_str!(".len()..].trim_start();
            let Some(literal) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) else {
                continue;
            };
            let target = file.parent().unwrap().join(literal);
            if let Ok(target) = target.canonicalize() {
                let by = file.strip_prefix(root()).unwrap_or(&file);
                embedded
                    .entry(target)
                    .or_default()
                    .push(by.display().to_string());
            }
        }
    }
    embedded
}

/// `labs/<lab>/python/<...>.py` → `<lab>`, for a path as a chapter writes it.
fn python_lab(include: &Include) -> Option<String> {
    let path = repo_path(include);
    let parts: Vec<&str> = path.split('/').collect();
    (parts.len() >= 4 && parts[0] == "labs" && parts[2] == "python" && path.ends_with(".py"))
        .then(|| parts[1].to_string())
}

#[test]
fn python_cells_are_included_files_a_test_runs() {
    let embedded = embedded_files();
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    let mut cells = 0;
    for chapter in markdown_files() {
        for fence in fences(&chapter) {
            let at = place(&fence);
            if !is_python(&fence.info) {
                for include in includes_in(&fence.chapter, &fence.body) {
                    if include.path.ends_with(".py") {
                        problems.push(format!(
                            "{at}: {} is Python: show it in a ```python block",
                            include.path
                        ));
                    }
                }
                continue;
            }
            cells += 1;
            let Some(include) = sole_include(&fence) else {
                if let Some(entry) = allowed(PASTED_PYTHON, &chapter.file, "") {
                    used.insert((entry.chapter, entry.include));
                    continue;
                }
                problems.push(format!(
                    "{at}: a python block holds exactly one `{{{{#include ../labs/<lab>/python/<file>.py:anchor}}}}` \
                     and nothing else, so that the Python the reader sees is Python a test runs: move \
                     this code into labs/<lab>/python/, cut it with `# ANCHOR: name` / `# ANCHOR_END: name`, \
                     run it from a test, and include the anchor"
                ));
                continue;
            };
            let Some(lab) = python_lab(&include) else {
                problems.push(format!(
                    "{at}: {} is not a file in labs/<lab>/python/: Python the book shows lives there",
                    include.path
                ));
                continue;
            };
            if include.kind != "include" {
                problems.push(format!(
                    "{at}: {{{{#rustdoc_include}}}} prefixes the lines it hides with `# `, which Python \
                     shows as comments: use {{{{#include {}}}}}",
                    target(&include)
                ));
            }
            match expand(&include) {
                None => {
                    problems.push(format!("{at}: {} does not exist", repo_path(&include)));
                    continue;
                }
                Some(text) if text.trim().is_empty() => problems.push(format!(
                    "{at}: {{{{#include {}}}}} shows nothing: {} has no `# ANCHOR: {}` … \
                     `# ANCHOR_END: {}` region (mdBook shows an empty cell without a word)",
                    target(&include),
                    repo_path(&include),
                    include.anchor.as_deref().unwrap_or_default(),
                    include.anchor.as_deref().unwrap_or_default(),
                )),
                Some(_) => {}
            }
            let file = include.file().canonicalize().unwrap();
            if !embedded.contains_key(&file) {
                let name = file.file_name().unwrap().to_string_lossy();
                problems.push(format!(
                    "{at}: no test runs {}: embed it with `include_str!(\"../python/{name}\")` in the \
                     lab test that runs it (labs/{lab}/tests/, through `labkit::python::run_twin`), or in \
                     the lab's code of an experiment that labs/{lab}/transcripts.txt records (the \
                     transcripts test reruns every one); CONTRIBUTING.md, \"Python cells\"",
                    repo_path(&include)
                ));
            }
        }
    }
    assert!(cells > 0, "no python block found in src/");
    problems.extend(check_allowed(
        PASTED_PYTHON,
        "PASTED_PYTHON",
        &used,
        "shows no typed Python any more",
        false,
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// 4. Narrow output cells (issue 15, item 7).

#[test]
fn output_cells_fit_the_page_width() {
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    let mut cells = 0;
    for chapter in markdown_files() {
        for fence in fences(&chapter) {
            if is_rust(&fence.info) || is_python(&fence.info) {
                continue;
            }
            for include in includes_in(&fence.chapter, &fence.body) {
                if !is_transcript(&include) {
                    continue;
                }
                let Some(text) = expand(&include) else {
                    continue; // the include test names the missing file
                };
                cells += 1;
                let wide: Vec<(usize, usize)> = text
                    .lines()
                    .enumerate()
                    .map(|(n, line)| (n + 1, line.chars().count()))
                    .filter(|&(_, width)| width > MAX_OUTPUT_COLUMNS)
                    .collect();
                if wide.is_empty() {
                    continue;
                }
                if let Some(entry) = allowed(WIDE_OUTPUTS, &chapter.file, &target(&include)) {
                    used.insert((entry.chapter, entry.include));
                    continue;
                }
                let (line, width) = wide.iter().max_by_key(|(_, w)| *w).copied().unwrap();
                let lab = repo_path(&include)
                    .split('/')
                    .nth(1)
                    .unwrap_or("X")
                    .to_string();
                let mut hints = String::new();
                if include.anchor.is_none() && wide[0].0 == 1 {
                    hints.push_str(
                        " Line 1 is the header `xtask outputs` writes (the command, then the \
                         machine): a shorter command narrows it.",
                    );
                }
                let lines: Vec<&str> = text.lines().collect();
                if wide.iter().any(|&(n, _)| lines[n - 1].starts_with('|')) {
                    hints.push_str(
                        " Its wide rows are a table `labkit::results::table` lays out \
                         (labs/labkit/src/results.rs, every lab's tables): narrowing the layout \
                         there narrows them all.",
                    );
                }
                problems.push(format!(
                    "{}: {} has {} line{} wider than {MAX_OUTPUT_COLUMNS} characters (the widest, line {line} \
                     of the {}, {width}): a reader scrolls sideways. Make the lab print it narrower \
                     (split the table, shorter headings, fewer columns) and regenerate it \
                     (`cargo run -p xtask -- outputs --lab {lab}`), or add it to WIDE_OUTPUTS in {HERE} \
                     with `Why::Because(\"the reason\")`.{hints}",
                    place(&fence),
                    repo_path(&include),
                    wide.len(),
                    if wide.len() == 1 { "" } else { "s" },
                    if include.anchor.is_some() { "cell" } else { "file" },
                ));
            }
        }
    }
    assert!(cells > 0, "no output cell found in src/");
    problems.extend(check_allowed(
        WIDE_OUTPUTS,
        "WIDE_OUTPUTS",
        &used,
        &format!("has no line over {MAX_OUTPUT_COLUMNS} characters now (or is shown no more)"),
        false,
    ));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// 5. The pages other chapters link by fixed names (PLAN.md, "Fixed names").

#[test]
fn the_fixed_pages_are_listed_titled_and_sectioned_as_other_chapters_link_them() {
    let summary = summary_pages();
    let entries = lab_pages::summary_entries(root());
    let introduction = fs::read_to_string(root().join("src/introduction.md")).unwrap_or_default();
    let mut problems = Vec::new();
    for &(file, title, before, sections) in FIXED_PAGES {
        let Ok(text) = fs::read_to_string(root().join("src").join(file)) else {
            continue; // not written yet
        };
        let listed = summary.iter().position(|(f, _)| f == file);
        match (listed, before) {
            (None, Some(next)) => problems.push(format!(
                "src/{file} exists and src/SUMMARY.md does not list it: add `- [{title}]({file})` \
                 right before the entry of {next}"
            )),
            (None, None) => problems.push(format!(
                "src/{file} exists and src/SUMMARY.md does not list it: add `- [{title}]({file})` \
                 under `# Appendix`"
            )),
            (Some(at), Some(next))
                if summary.get(at + 1).map(|(f, _)| f.as_str()) != Some(next) =>
            {
                problems.push(format!(
                    "src/SUMMARY.md lists {file} before {}; it belongs right before {next}",
                    summary.get(at + 1).map_or("nothing", |(f, _)| f.as_str())
                ))
            }
            (Some(at), None) if !summary[at].1 => problems.push(format!(
                "src/SUMMARY.md lists {file} among the chapters; it belongs under `# Appendix`"
            )),
            _ => {}
        }
        if listed.is_some() && !entries.iter().any(|(t, f)| f == file && t == title) {
            problems.push(format!(
                "src/SUMMARY.md must title {file} exactly \"{title}\" (other chapters name it so)"
            ));
        }
        if !text.lines().any(|l| l.trim() == format!("# {title}")) {
            problems.push(format!("src/{file} must open with the heading `# {title}`"));
        }
        for section in sections {
            if !text.lines().any(|l| l.trim_end() == *section) {
                problems.push(format!(
                    "src/{file} has no heading `{section}`: other chapters link its id (PLAN.md, \
                     \"Fixed names\"); write it exactly so"
                ));
            }
        }
        if !introduction.contains(&format!("]({file}")) {
            problems.push(format!(
                "src/introduction.md does not link {file}: the introduction points the reader to \
                 \"{title}\" (issue 15); add a link `[{title}]({file})`"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

mod mdbook_behaviour {
    //! The reproduction of mdBook's include and hiding rules, on the cases
    //! its own tests use.
    use super::*;

    #[test]
    fn anchored_includes_drop_nested_anchor_lines_and_stop_at_the_end() {
        let text = "a\n// ANCHOR: x\nb\n// ANCHOR: y\nc\n// ANCHOR_END: y\n// ANCHOR_END: x\nd";
        assert_eq!(anchored(text, "x"), "b\nc");
        assert_eq!(anchored(text, "y"), "c");
        assert_eq!(anchored(text, "missing"), "");
    }

    #[test]
    fn rustdoc_includes_hide_what_is_outside_the_anchor() {
        let text = "a\n// ANCHOR: x\nb\n// ANCHOR_END: x\nd";
        assert_eq!(rustdoc_anchored(text, "x"), "# a\nb\n# d");
        let shown = rustdoc_anchored(text, "x");
        let visible: Vec<&str> = shown.lines().filter(|l| !hidden_in_rust(l)).collect();
        assert_eq!(visible, ["b"]);
    }

    #[test]
    fn rust_blocks_hide_hash_space_and_lone_hash_only() {
        assert!(hidden_in_rust("# let x = 1;"));
        assert!(hidden_in_rust("    #"));
        assert!(!hidden_in_rust("#[derive(Debug)]"));
        assert!(!hidden_in_rust("## shown as one hash"));
        assert!(!hidden_in_rust("#![allow(unused)]"));
    }

    #[test]
    fn anchor_names_end_where_mdbook_regex_ends_them() {
        assert_eq!(anchor_on("// ANCHOR: name here", "ANCHOR:"), Some("name"));
        assert_eq!(anchor_on("# ANCHOR_END: twin", "ANCHOR_END:"), Some("twin"));
        assert_eq!(anchor_on("// ANCHOR_END: twin", "ANCHOR:"), None);
        assert_eq!(anchor_on("// ANCHOR:", "ANCHOR:"), None);
    }
}
