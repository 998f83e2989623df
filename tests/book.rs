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
    let mut found = Vec::new();
    let mut rest = chapter.text.as_str();
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
            chapter: chapter.file.clone(),
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
                found.push(Fence {
                    chapter: chapter.file.clone(),
                    line: start,
                    info,
                    body,
                });
            }
            Some((_, _, _, body)) => {
                body.push_str(line);
                body.push('\n');
            }
            None => {}
        }
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
fn relative_links_point_at_files_that_exist() {
    let mut problems = Vec::new();
    for chapter in markdown_files() {
        for target in links(&chapter.text) {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let path = target.split('#').next().unwrap();
            if !root().join("src").join(path).exists() {
                problems.push(format!("{}: link to {target}: no such file", chapter.file));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_chapter_links_its_lab_and_every_lab_is_linked() {
    let chapters = markdown_files();
    let linked = |chapter: &Chapter| -> BTreeSet<String> {
        links(&chapter.text)
            .iter()
            .filter_map(|t| t.strip_prefix("../labs/"))
            .filter_map(|t| t.split('/').next())
            .map(String::from)
            .collect()
    };
    let mut problems = Vec::new();
    for file in summary_chapters() {
        if file == "introduction.md" {
            continue;
        }
        let Some(chapter) = chapters.iter().find(|c| c.file == file) else {
            problems.push(format!("SUMMARY.md lists {file}, which does not exist"));
            continue;
        };
        if linked(chapter).is_empty() {
            problems.push(format!(
                "{file} links no lab (add `[labs/<lab>](../labs/<lab>/src/main.rs)` to its \"Run it yourself\")"
            ));
        }
    }
    let all_linked: BTreeSet<String> = chapters.iter().flat_map(linked).collect();
    for lab in labs() {
        if !all_linked.contains(&lab) {
            problems.push(format!("labs/{lab} is linked by no chapter"));
        }
    }
    for lab in &all_linked {
        if !root().join("labs").join(lab).join("Cargo.toml").exists() {
            problems.push(format!("a chapter links labs/{lab}, which is not a lab"));
        }
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
fn the_book_builds_without_warnings() {
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

    let mut pages = 0;
    for entry in fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            pages += 1;
            let html = fs::read_to_string(&path).unwrap();
            assert!(
                !html.contains("{{#"),
                "{} holds an unexpanded {{{{#...}}}} directive",
                path.display()
            );
        }
    }
    assert!(
        pages >= summary_chapters().len(),
        "only {pages} pages were written"
    );
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
    let mut crates = BTreeSet::new();
    for chapter in markdown_files() {
        for include in includes(&chapter)
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

/// A fingerprint of a directory of libraries: every file's name, size and
/// modification time (Cargo rewrites a library whenever it rebuilds it).
fn libraries_fingerprint(libs: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut files: Vec<(String, u64, Option<std::time::SystemTime>)> = fs::read_dir(libs)
        .unwrap()
        .flatten()
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
    let fingerprint = libraries_fingerprint(&libs);
    let compiler = compiler_version();
    let mut stale: Vec<(String, String)> = Vec::new();
    for file in summary_chapters() {
        let Some(chapter) = markdown_files().into_iter().find(|c| c.file == file) else {
            continue;
        };
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
