//! The built book in a real browser: `cargo test --test browser`.
//!
//! It needs Debian's `chromium` (`.ci/run` installs it), so the plain
//! `cargo test` leaves it out (`test = false` in Cargo.toml) and CI runs it
//! as a step of its own. It builds the HTML book into `target/browser-check/`
//! through the mdBook library, adds a probe script (`tests/browser/probe.js`)
//! as the first script of every page of that copy, and opens each page in
//! headless Chromium (`--dump-dom`, the probe's findings read back from the
//! DOM). Each page must load without a JavaScript error, every SVG a chapter
//! inlines must be drawn with a non-zero size, and Run buttons must appear on
//! exactly the snippets meant for the playground (plain `rust` blocks).
//! Set `CHROMIUM` to use another binary than `chromium`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mdbook_driver::MDBook;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// How long one page may take to load before the check gives up on it.
const PAGE_TIMEOUT: Duration = Duration::from_secs(120);

/// The Chromium to run: `$CHROMIUM`, or Debian's `chromium`.
fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into())
}

/// Builds the book into `out` and adds the probe to every page.
fn build_with_probe(out: &Path) -> Vec<PathBuf> {
    let _ = fs::remove_dir_all(out);
    let mut book = MDBook::load(root()).expect("loading the book");
    book.config.build.build_dir = out.to_path_buf();
    book.build().expect("building the book");
    fs::copy(
        root().join("tests/browser/probe.js"),
        out.join("probe-for-the-test.js"),
    )
    .unwrap();
    let mut pages = Vec::new();
    for entry in fs::read_dir(out).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // 404.html is for a web server (`<base href="/">`), not for file://.
        if !name.ends_with(".html") || name == "404.html" {
            continue;
        }
        let html = fs::read_to_string(&path).unwrap();
        let (head, rest) = html
            .split_once("<head>")
            .unwrap_or_else(|| panic!("{name} has no <head>"));
        let probed = format!("{head}<head><script src=\"probe-for-the-test.js\"></script>{rest}");
        fs::write(&path, probed).unwrap();
        pages.push(path);
    }
    pages.sort();
    pages
}

/// Opens `page` in headless Chromium and returns what the probe wrote.
fn probe(page: &Path, profile: &Path) -> Result<Value, String> {
    let _ = fs::remove_dir_all(profile);
    fs::create_dir_all(profile).unwrap();
    // The flags that work on these machines as root without a network; the
    // virtual time budget lets the page's timers (the probe's report) run
    // before the DOM is printed.
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--allow-file-access-from-files",
            "--window-size=1280,900",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| {
            format!(
                "cannot start `{}` ({err}): install Debian's chromium (`apt-get install chromium`) \
                 or set CHROMIUM to a Chromium binary",
                chromium()
            )
        })?;
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let errors = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > PAGE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = reader.join().unwrap();
    let log = errors.join().unwrap();
    let _ = fs::remove_dir_all(profile);
    let Some(status) = status else {
        return Err(format!("Chromium did not finish within {PAGE_TIMEOUT:?}"));
    };
    let Some(result) = dom
        .split_once("<pre id=\"probe-result\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(json, _)| {
            json.replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
    else {
        return Err(format!(
            "the probe wrote no result (Chromium {status}; the page's scripts may not have run):\n{}",
            log.lines().rev().take(15).collect::<Vec<_>>().join("\n")
        ));
    };
    serde_json::from_str(&result).map_err(|err| format!("the probe's result is not JSON: {err}"))
}

/// How many SVGs the chapter's markdown inlines (`{{#include ....svg}}`).
fn inlined_svgs(page: &Path) -> usize {
    let name = page.file_stem().unwrap().to_string_lossy();
    let markdown = fs::read_to_string(root().join("src").join(format!("{name}.md")));
    markdown.map_or(0, |text| {
        text.lines()
            .filter(|line| line.trim().starts_with("{{#include") && line.contains(".svg"))
            .count()
    })
}

/// Is a code block with these classes meant to get a Run button?
fn meant_for_the_playground(classes: &str) -> bool {
    let classes: Vec<&str> = classes.split_whitespace().collect();
    classes.contains(&"language-rust")
        && !["noplayground", "noplaypen", "ignore", "no_run"]
            .iter()
            .any(|c| classes.contains(c))
}

/// What is wrong with one page, as the probe saw it.
fn judge(page: &Path, result: &Value) -> Vec<String> {
    let name = page.file_name().unwrap().to_string_lossy().into_owned();
    let mut problems = Vec::new();
    for error in result["errors"].as_array().into_iter().flatten() {
        problems.push(format!("{name}: {}", error.as_str().unwrap_or_default()));
    }
    let svgs = result["svgs"].as_array().cloned().unwrap_or_default();
    for svg in &svgs {
        let (width, height) = (
            svg["width"].as_f64().unwrap_or(0.0),
            svg["height"].as_f64().unwrap_or(0.0),
        );
        if width < 1.0 || height < 1.0 || svg["view_box_width"].as_f64().unwrap_or(0.0) < 1.0 {
            problems.push(format!(
                "{name}: the SVG \"{}\" is drawn {width}x{height} (viewBox width {})",
                svg["label"].as_str().unwrap_or_default(),
                svg["view_box_width"]
            ));
        }
    }
    // print.html holds every chapter; the others hold their own.
    if name != "print.html" && svgs.len() < inlined_svgs(page) {
        problems.push(format!(
            "{name}: the chapter inlines {} SVGs, the browser drew {}",
            inlined_svgs(page),
            svgs.len()
        ));
    }
    for block in result["blocks"].as_array().into_iter().flatten() {
        let classes = block["classes"].as_str().unwrap_or_default();
        let shown = block["run_button"].as_bool().unwrap_or(false);
        let start = block["start"].as_str().unwrap_or_default();
        match (meant_for_the_playground(classes), shown) {
            (true, false) => problems.push(format!(
                "{name}: the block `{classes}` starting `{start}` is meant for the playground but \
                 shows no Run button (it names a crate the playground lacks: mark it \
                 `rust,noplayground`)"
            )),
            (false, true) => problems.push(format!(
                "{name}: the block `{classes}` starting `{start}` shows a Run button it must not have"
            )),
            _ => {}
        }
    }
    problems
}

#[test]
fn every_page_loads_in_chromium_without_errors() {
    let out = target_dir().join("browser-check").join("html");
    let pages = build_with_probe(&out);
    assert!(pages.len() > 10, "only {} pages were built", pages.len());
    let queue = Mutex::new(pages.clone());
    let problems = Mutex::new(Vec::new());
    let checked = Mutex::new(0usize);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for worker in 0..workers {
            let (queue, problems, checked) = (&queue, &problems, &checked);
            scope.spawn(move || {
                let profile = target_dir()
                    .join("browser-check")
                    .join(format!("profile-{}-{worker}", std::process::id()));
                loop {
                    let Some(page) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let found = match probe(&page, &profile) {
                        Ok(result) => judge(&page, &result),
                        Err(err) => vec![format!(
                            "{}: {err}",
                            page.file_name().unwrap().to_string_lossy()
                        )],
                    };
                    problems.lock().unwrap().extend(found);
                    *checked.lock().unwrap() += 1;
                }
            });
        }
    });
    let mut problems = problems.into_inner().unwrap();
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} problem(s) in the built book ({}):\n{}",
        problems.len(),
        out.display(),
        problems.join("\n")
    );
    assert_eq!(*checked.lock().unwrap(), pages.len());
    eprintln!("{} pages loaded in Chromium without a problem", pages.len());
}
