// The book's appendix "The labs": one page per lab crate (and one for
// labkit), written from the lab itself so that nothing on it is typed.
//
// `cargo run -p xtask -- lab-pages` writes the pages into `src/`; the book's
// test (`tests/book.rs`, which includes this file with `#[path]`) makes them
// again in memory and fails when a committed page differs, naming the
// files a page is missing. So this file uses only `std` and `labkit`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// The appendix's index page, in `src/`.
pub const INDEX: &str = "labs.md";

/// The command that writes the pages.
pub const COMMAND: &str = "cargo run -p xtask -- lab-pages";

/// A page of the appendix: its file name in `src/` and its markdown.
pub struct Page {
    pub file: String,
    pub title: String,
    pub text: String,
    /// The lab's files the page shows whole, relative to the lab's directory.
    pub shows: Vec<String>,
}

/// The page of a lab in `src/`.
pub fn page_file(lab: &str) -> String {
    format!("lab-{lab}.md")
}

/// Every crate under `labs/` (labkit included), sorted by name.
pub fn labs(root: &Path) -> Vec<String> {
    let mut labs: Vec<String> = fs::read_dir(root.join("labs"))
        .map(|entries| {
            entries
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.join("Cargo.toml").exists())
                .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    labs.sort();
    labs
}

/// The lab's files a reader may want to read, relative to the lab's
/// directory: its manifest, everything under `src/` and `python/`, the
/// programs under `compile-fail/` and its tests. In reading order: the
/// manifest, `main.rs`, `lib.rs`, then the rest by path.
pub fn source_files(lab_dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, base, out);
            } else if shown_kind(&path).is_some() {
                let relative = path.strip_prefix(base).unwrap();
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut files = Vec::new();
    for dir in ["src", "python", "compile-fail", "tests"] {
        walk(&lab_dir.join(dir), lab_dir, &mut files);
    }
    let rank = |file: &str| match file {
        "src/main.rs" => 0,
        "src/lib.rs" => 1,
        _ if file.starts_with("src/") => 2,
        _ if file.starts_with("python/") => 3,
        _ if file.starts_with("compile-fail/") => 4,
        _ => 5,
    };
    files.sort_by(|a, b| (rank(a), a).cmp(&(rank(b), b)));
    files.insert(0, "Cargo.toml".to_string());
    files
}

/// The language of the code block that shows a file, or `None` for files
/// the page does not show (a `.stderr` recording, data).
///
/// Rust files are shown as `rs`, not `rust`: highlight.js colours `rs` as
/// Rust, while rustdoc (and so `mdbook test`) and mdBook's Run button only
/// take `rust` blocks. A lab's files are compiled and tested by the lab's
/// own `cargo test`, not as doctests.
pub fn shown_kind(path: &Path) -> Option<&'static str> {
    match path.extension()?.to_str()? {
        "rs" => Some("rs"),
        "py" => Some("python"),
        "toml" => Some("toml"),
        "sh" => Some("bash"),
        "md" => Some("markdown"),
        _ => None,
    }
}

/// `description` from a Cargo.toml.
fn description(manifest: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let value = line.trim().strip_prefix("description")?.trim_start();
        let value = value.strip_prefix('=')?.trim();
        Some(value.trim_matches('"').to_string())
    })
}

/// `(title, file)` of every chapter SUMMARY.md links, in order.
pub fn summary_entries(root: &Path) -> Vec<(String, String)> {
    let summary = fs::read_to_string(root.join("src/SUMMARY.md")).unwrap_or_default();
    summary
        .lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once('[')?;
            let (title, rest) = rest.split_once("](")?;
            let (file, _) = rest.split_once(')')?;
            (!file.is_empty()).then(|| (title.to_string(), file.to_string()))
        })
        .collect()
}

/// The chapters (title, file) whose markdown uses the lab's files or links
/// its page, the appendix excepted.
fn chapters_of(root: &Path, lab: &str) -> Vec<(String, String)> {
    let uses = format!("../labs/{lab}/");
    let links = format!("]({})", page_file(lab));
    summary_entries(root)
        .into_iter()
        .filter(|(_, file)| file != INDEX && !file.starts_with("lab-"))
        .filter(|(_, file)| {
            fs::read_to_string(root.join("src").join(file))
                .is_ok_and(|text| text.contains(&uses) || text.contains(&links))
        })
        .collect()
}

fn chapter_links(chapters: &[(String, String)]) -> String {
    let links: Vec<String> = chapters
        .iter()
        .map(|(title, file)| format!("[{title}]({file})"))
        .collect();
    match links.len() {
        0 => "no chapter yet".to_string(),
        1 => links[0].clone(),
        n => format!("{} and {}", links[..n - 1].join(", "), links[n - 1]),
    }
}

/// The files a lab's page shows, each under a heading of its own.
fn source_section(lab: &str, files: &[String], out: &mut String) {
    for file in files {
        let language = shown_kind(Path::new(file)).expect("source_files lists shown files only");
        let _ = writeln!(out, "### `{file}`\n");
        // A markdown file has code fences of its own: a longer fence holds them.
        let fence = if language == "markdown" {
            "````"
        } else {
            "```"
        };
        let _ = writeln!(
            out,
            "{fence}{language}\n{{{{#include ../labs/{lab}/{file}}}}}\n{fence}\n"
        );
    }
}

/// Fails when a shown file holds text mdBook would expand.
fn check_includable(root: &Path, lab: &str, files: &[String]) -> Result<(), String> {
    for file in files {
        let text = fs::read_to_string(root.join("labs").join(lab).join(file))
            .map_err(|err| format!("labs/{lab}/{file}: {err}"))?;
        if text.contains("{{#") {
            return Err(format!(
                "labs/{lab}/{file} contains `{{{{#`, which mdBook would expand as a directive when \
                 the lab's page includes the file: reword that text"
            ));
        }
    }
    Ok(())
}

fn lab_page(root: &Path, lab: &str) -> Result<Page, String> {
    let lab_dir = root.join("labs").join(lab);
    let manifest = fs::read_to_string(lab_dir.join("Cargo.toml"))
        .map_err(|err| format!("labs/{lab}/Cargo.toml: {err}"))?;
    let what = description(&manifest)
        .ok_or_else(|| format!("labs/{lab}/Cargo.toml has no `description`"))?;
    let files = source_files(&lab_dir);
    check_includable(root, lab, &files)?;
    let chapters = chapters_of(root, lab);
    let tests: Vec<&String> = files.iter().filter(|f| f.starts_with("tests/")).collect();
    let mut out = String::new();
    let title = if lab == "labkit" {
        "The labkit support crate".to_string()
    } else {
        format!("The {lab} lab")
    };
    let _ = writeln!(out, "# {title}\n");
    let _ = writeln!(
        out,
        "<!-- Written by `{COMMAND}` from labs/{lab}/: change the lab, then rerun it. -->\n"
    );
    // "Lab for the chapter 'X': what" reads better as "what" plus links.
    let what = match what.split_once("': ") {
        Some((_, rest)) if what.starts_with("Lab for the chapter '") => rest.to_string(),
        _ => what,
    };
    let mut first = what.chars();
    let what: String = first
        .next()
        .map(|c| c.to_uppercase().chain(first).collect())
        .unwrap_or_default();
    let _ = writeln!(out, "{what}.\n");
    if lab == "labkit" {
        let _ = writeln!(
            out,
            "Every lab depends on it; the chapters that show its code are {}. \
             It is a library, not a program: it has no experiments of its own.\n",
            chapter_links(&chapters)
        );
    } else {
        let _ = writeln!(
            out,
            "The lab of {}. Its code is the folder `labs/{lab}/` of the repository; \
             every file of it is shown whole at the end of this page.\n",
            chapter_links(&chapters)
        );
        let specs =
            labkit::transcript::specs(&lab_dir).map_err(|err| format!("labs/{lab}: {err:#}"))?;
        if !specs
            .iter()
            .any(|s| s.file == "help.txt" && s.args == ["--help"])
        {
            return Err(format!(
                "labs/{lab}/transcripts.txt has no line `help.txt: --help` (its page shows the \
                 lab's --help as recorded): add it and run `cargo run -p xtask -- outputs --lab {lab} --only help`"
            ));
        }
        let _ = writeln!(out, "## Experiments\n");
        let _ = writeln!(
            out,
            "Each experiment is a subcommand. What `--help` prints (recorded by running the \
             lab, like every output in this book):\n"
        );
        let _ = writeln!(
            out,
            "```text\n{{{{#include ../labs/{lab}/outputs/help.txt}}}}\n```\n"
        );
        let _ = writeln!(out, "## Reproduce the outputs of its chapter\n");
        let _ = writeln!(
            out,
            "From the repository's root, each command below prints one output the book shows \
             (the list is `labs/{lab}/transcripts.txt`; `cargo run -p xtask -- outputs --lab {lab}` \
             reruns them all and rewrites `labs/{lab}/outputs/`). Add `--scale 0.1` for a quick \
             run at a tenth of the sizes.\n"
        );
        let _ = writeln!(out, "| output | command |\n| --- | --- |");
        for spec in specs.iter().filter(|s| s.file != "help.txt") {
            let command =
                labkit::transcript::command_line_with_features(lab, &spec.features, &spec.args);
            let command = command.trim_start_matches("$ ");
            let _ = writeln!(out, "| `outputs/{}` | `{command}` |", spec.file);
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Its tests\n");
    let names: Vec<String> = tests
        .iter()
        .map(|t| format!("`{}`", t.trim_start_matches("tests/")))
        .collect();
    let _ = writeln!(
        out,
        "The files below are not run by the book's snippet test (which runs only the listings \
         the chapters include): the lab's own build compiles them and `cargo test -p {lab}` tests \
         them{}. `cargo test` at the repository's root runs both.\n",
        if names.is_empty() {
            " (its unit tests live in its source files)".to_string()
        } else {
            format!(" (its unit tests, and {} in `tests/`)", names.join(", "))
        }
    );
    let _ = writeln!(out, "## Source files\n");
    source_section(lab, &files, &mut out);
    Ok(Page {
        file: page_file(lab),
        title,
        text: out.trim_end().to_string() + "\n",
        shows: files,
    })
}

/// Every page of the appendix: the index first, then one per lab.
pub fn pages(root: &Path) -> Result<Vec<Page>, String> {
    let mut lab_pages = Vec::new();
    for lab in labs(root) {
        lab_pages.push(lab_page(root, &lab)?);
    }
    let mut index = String::new();
    let _ = writeln!(index, "# The labs\n");
    let _ = writeln!(
        index,
        "<!-- Written by `{COMMAND}`: change the labs, then rerun it. -->\n"
    );
    let _ = writeln!(
        index,
        "Every chapter is backed by a lab: a small Rust program in the repository's `labs/` \
         folder whose experiments print the outputs the chapter shows. Each page below shows a \
         lab's experiments, the commands that reproduce its chapter's outputs and every file of \
         it, whole. Run the commands from the root of a clone of the repository.\n"
    );
    let _ = writeln!(index, "| lab | chapter |\n| --- | --- |");
    for (lab, page) in labs(root).iter().zip(&lab_pages) {
        let chapters = chapters_of(root, lab);
        let _ = writeln!(
            index,
            "| [{lab}]({}) | {} |",
            page.file,
            if lab == "labkit" {
                "the support crate every lab shares".to_string()
            } else {
                chapter_links(&chapters)
            }
        );
    }
    let mut pages = vec![Page {
        file: INDEX.to_string(),
        title: "The labs".to_string(),
        text: index,
        shows: Vec::new(),
    }];
    pages.extend(lab_pages);
    Ok(pages)
}

/// The lines SUMMARY.md needs for the appendix.
pub fn summary_lines(pages: &[Page]) -> String {
    let mut lines = String::new();
    for page in pages {
        let indent = if page.file == INDEX { "" } else { "    " };
        let _ = writeln!(lines, "{indent}- [{}]({})", page.title, page.file);
    }
    lines
}
