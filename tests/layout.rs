//! The layout rules of the labs' sources (CONTRIBUTING.md, "Where things
//! go"), checked on the files as they are:
//!
//! - a source file of a lab (`labs/*/src/**/*.rs`, labkit included) has at
//!   most [`MAX_LINES`] lines, or says at its top why it is longer: a
//!   comment among its first [`REASON_WITHIN`] lines that contains
//!   "Long because", or "longer than" and "300" (any case), followed by the
//!   reason ("// Longer than 300 lines, for a reason: ...");
//! - every `unsafe` block in the labs, the book's tests and xtask has a
//!   `// SAFETY:` comment right above it (what clippy's
//!   `undocumented_unsafe_blocks` asks too; this test holds it in a plain
//!   `cargo test`).

use std::path::{Path, PathBuf};

/// The most lines a lab source file has without saying why.
const MAX_LINES: usize = 300;
/// How far from the top the reason must stand.
const REASON_WITHIN: usize = 30;
/// How many lines above an `unsafe` block its SAFETY comment may start.
const SAFETY_WITHIN: usize = 6;

/// Files over the limit that another change is about to fix, each with that
/// reason. An entry whose file no longer needs it is reported (not failed:
/// the fix may land in either order) so that it can be deleted.
const PENDING: &[(&str, &str)] = &[];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The labs' directories: `labs/<lab>`.
fn labs() -> Vec<PathBuf> {
    let mut labs: Vec<PathBuf> = std::fs::read_dir(root().join("labs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    labs.sort();
    labs
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with("//")
}

/// Does the top of `text` say why the file is long?
fn states_why_long(text: &str) -> bool {
    text.lines().take(REASON_WITHIN).any(|line| {
        let lower = line.to_lowercase();
        is_comment(line)
            && (lower.contains("long because")
                || (lower.contains("longer than") && lower.contains("300")))
    })
}

#[test]
fn long_lab_sources_say_why_at_their_top() {
    let mut unexplained = Vec::new();
    for lab in labs() {
        for file in rust_files(&lab.join("src")) {
            let text = std::fs::read_to_string(&file).unwrap();
            let lines = text.lines().count();
            let long_unexplained = lines > MAX_LINES && !states_why_long(&text);
            let pending = PENDING.iter().find(|(path, _)| *path == relative(&file));
            match (long_unexplained, pending) {
                (true, None) => unexplained.push(format!("{} ({lines} lines)", relative(&file))),
                (false, Some((path, _))) => {
                    eprintln!("{path} no longer needs its PENDING entry in tests/layout.rs")
                }
                _ => {}
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "lab sources over {MAX_LINES} lines that do not say why at their top \
         (split them, or write among the first {REASON_WITHIN} lines a comment \
         \"Longer than 300 lines, for a reason: ...\"):\n  {}",
        unexplained.join("\n  ")
    );
}

/// The lines of `text` that open an `unsafe` block without a SAFETY comment
/// in the lines just above (1-based line numbers).
fn undocumented_unsafe(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let opens_block = |line: &str| {
        let code = line.split("//").next().unwrap_or("");
        code.split("unsafe").skip(1).any(|rest| {
            rest.trim_start().starts_with('{')
                && !code.contains("\"unsafe")
                && !code.contains("unsafe_")
        })
    };
    (0..lines.len())
        .filter(|&i| !is_comment(lines[i]) && opens_block(lines[i]))
        .filter(|&i| {
            !lines[i.saturating_sub(SAFETY_WITHIN)..i]
                .iter()
                .any(|line| is_comment(line) && line.to_uppercase().contains("SAFETY:"))
        })
        .map(|i| i + 1)
        .collect()
}

#[test]
fn every_unsafe_block_says_why_it_is_sound() {
    let mut dirs: Vec<PathBuf> = labs()
        .iter()
        .flat_map(|lab| [lab.join("src"), lab.join("tests")])
        .collect();
    dirs.extend([root().join("tests"), root().join("xtask")]);
    let mut undocumented = Vec::new();
    // This file's own examples are strings, not blocks.
    let this_file = root().join(file!());
    for file in dirs.iter().flat_map(|dir| rust_files(dir)) {
        if file == this_file {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for line in undocumented_unsafe(&text) {
            undocumented.push(format!("{}:{line}", relative(&file)));
        }
    }
    assert!(
        undocumented.is_empty(),
        "unsafe blocks without a `// SAFETY:` comment just above them:\n  {}",
        undocumented.join("\n  ")
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    // The reason must be a comment near the top.
    assert!(states_why_long(
        "// Listing.\n//\n// Longer than 300 lines, for a reason: ...\n"
    ));
    assert!(states_why_long(
        "//! Long because the protocol and its tests share types.\n"
    ));
    assert!(!states_why_long("let longer_than = 300;\n"));
    let late = format!(
        "{}// Longer than 300 lines because ...\n",
        "\n".repeat(REASON_WITHIN)
    );
    assert!(!states_why_long(&late));
    // An unsafe block needs its SAFETY comment just above.
    let documented = "fn f() {\n    // SAFETY: nothing to uphold.\n    unsafe { g() };\n}\n";
    assert!(undocumented_unsafe(documented).is_empty());
    let bare = "fn f() {\n    let x = unsafe { g() };\n}\n";
    assert_eq!(undocumented_unsafe(bare), [2]);
    let far = format!(
        "// SAFETY: too far.\n{}unsafe {{ g() }};\n",
        "x();\n".repeat(SAFETY_WITHIN)
    );
    assert_eq!(undocumented_unsafe(&far), [SAFETY_WITHIN + 2]);
    // Not blocks: an unsafe fn, a lint name, a string.
    assert!(
        undocumented_unsafe(
            "unsafe fn f() {}\n#![deny(unsafe_op_in_unsafe_fn)]\nlet s = \"unsafe {\";\n"
        )
        .is_empty()
    );
}
