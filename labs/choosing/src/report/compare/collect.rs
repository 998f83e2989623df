//! Reading the book's recorded runs and rerunning them here.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use labkit::{Common, Document};

use super::super::run::{LabRun, python_facts, run_all};
use super::super::{HEADLINES, rust_figure, twin_figures};
use super::page::{Facts, html, page, pythons, summary};
use super::{Comparison, Machine, Verdict, reason, verdict};

/// The repository the book's sidecars are in (this lab's, as built).
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The book's recorded run of `file` in `lab`: its arguments (from the
/// lab's `transcripts.txt`, without `--scale`/`--rounds`), its scale, its
/// sidecar, and its rustc (from the transcript's stamp).
pub(super) struct Recorded {
    pub args: Vec<String>,
    pub scale: f64,
    pub document: Document,
    pub rustc: Option<String>,
}

fn recorded(lab: &str, file: &str) -> Result<Recorded> {
    let dir = repository().join("labs").join(lab);
    let spec = labkit::transcript::specs(&dir)?
        .into_iter()
        .find(|s| s.file == file)
        .with_context(|| format!("labs/{lab}/transcripts.txt has no line for {file}"))?;
    let mut args = Vec::new();
    let mut scale = 1.0;
    let mut iter = spec.args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--scale" => scale = iter.next().and_then(|s| s.parse().ok()).unwrap_or(1.0),
            "--rounds" => {
                iter.next();
            }
            _ => args.push(arg.clone()),
        }
    }
    let document = labkit::transcript::sidecar(&dir, file)?;
    let text = std::fs::read_to_string(dir.join("outputs").join(file)).unwrap_or_default();
    Ok(Recorded {
        args,
        scale,
        document,
        rustc: labkit::transcript::transcript_rustc(&text),
    })
}

/// `CPython 3.11.7` or `CPython 3.13.15t (GIL off)` from a twin row's
/// names; `CPython` where they carry no version.
pub(super) fn interpreter(figure_rows: &[&labkit::Row]) -> Option<String> {
    figure_rows.iter().find_map(|row| {
        let name = [&row.experiment, &row.variant]
            .into_iter()
            .find(|n| n.contains("CPython"))?;
        let from = name.find("CPython")?;
        let rest = &name[from..];
        let end = rest
            .find(" (measured")
            .or_else(|| rest.find(" against"))
            .or_else(|| rest.find(','))
            .unwrap_or(rest.len());
        Some(rest[..end].trim().to_string())
    })
}

fn twin_python(document: &Document, prefix: &str) -> Option<String> {
    let rows: Vec<&labkit::Row> = document
        .rows
        .iter()
        .filter(|r| r.experiment.starts_with(prefix) && !r.experiment.contains("GIL off"))
        .collect();
    interpreter(&rows)
}

/// The machine facts of the reader's side.
fn this_os() -> String {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{} {}", std::env::consts::OS, release.trim())
        .trim()
        .to_string()
}

/// `choosing compare`: reruns every headline's recorded run (and its twin's)
/// at the book's arguments times `--scale`, and writes `compare.md` and
/// `compare.html`.
pub fn run(common: &Common) -> Result<()> {
    let factor = common.scale.factor();
    let same_scale = (factor - 1.0).abs() < 1e-9;
    // The book's runs, and the reader's runs of the same arguments.
    let mut books: Vec<(Recorded, Option<Recorded>)> = Vec::new();
    let mut runs: Vec<LabRun> = Vec::new();
    for h in HEADLINES {
        let rust = recorded(h.lab, h.book)?;
        let twin = h.twin.map(|t| recorded(h.lab, t.book)).transpose()?;
        for r in std::iter::once(&rust).chain(twin.as_ref()) {
            runs.push(LabRun {
                lab: h.lab,
                args: r.args.clone(),
                scale: super::super::rounded(r.scale * factor),
            });
        }
        books.push((rust, twin));
    }
    let documents = run_all(&runs, common.rounds)?;
    let mut documents = documents.into_iter();
    let reader_rustc = labkit::transcript::running_rustc();
    let reader_os = this_os();
    let reader_python = python_facts("python3");
    let mut comparisons = Vec::new();
    let mut reader_twins: Vec<Document> = Vec::new();
    let mut reader_machines = Vec::new();
    let mut book_machines = Vec::new();
    for (h, (rust, twin)) in HEADLINES.iter().zip(&books) {
        let mut sides = vec![("Rust".to_string(), rust, None)];
        if let (Some(spec), Some(twin)) = (&h.twin, twin) {
            sides.push(("CPython".to_string(), twin, Some(spec)));
        }
        for (side, book, spec) in sides {
            let reader = documents.next().expect("one document per run");
            if spec.is_some() {
                reader_twins.push(reader.clone());
            }
            let mut book_machine = Machine::of(&book.document);
            book_machine.rustc = book.rustc.clone();
            let mut reader_machine = Machine::of(&reader);
            reader_machine.rustc = reader_rustc.clone();
            reader_machine.os = Some(reader_os.clone());
            book_machines.push(book_machine.clone());
            reader_machines.push(reader_machine.clone());
            let (book_figure, reader_figure) = match spec {
                None => (
                    rust_figure(h, &book.document.rows)?,
                    rust_figure(h, &reader.rows)?,
                ),
                Some(spec) => {
                    book_machine.python = twin_python(&book.document, spec.experiment);
                    reader_machine.python = twin_python(&reader, spec.experiment);
                    let book_figure = twin_figures(h, spec, &book.document.rows)?.0;
                    let reader_figure = twin_figures(h, spec, &reader.rows)?.0;
                    match (book_figure, reader_figure) {
                        (Some(b), Some(r)) => (b, r),
                        // No CPython on one side: nothing to compare.
                        _ => continue,
                    }
                }
            };
            let verdict = verdict(&book_figure, &reader_figure, same_scale);
            let core_bound = book_figure.core_bound || reader_figure.core_bound;
            comparisons.push(Comparison {
                headline: *h,
                side: match &reader_machine.python {
                    Some(python) if side == "CPython" => python.clone(),
                    _ => side,
                },
                reason: reason(
                    verdict,
                    core_bound,
                    same_scale,
                    &book_machine,
                    &reader_machine,
                ),
                book: book_figure,
                reader: reader_figure,
                verdict,
            });
        }
    }
    let facts = Facts {
        command: format!(
            "cargo run --release -p choosing -- compare --scale {} --rounds {}",
            common.scale, common.rounds
        ),
        same_scale,
        book: summary(
            &book_machines,
            books.iter().find_map(|(r, _)| r.rustc.clone()),
        ),
        book_python: pythons(
            books
                .iter()
                .filter_map(|(_, twin)| twin.as_ref().map(|t| &t.document)),
        ),
        reader: summary(&reader_machines, reader_rustc.clone()),
        reader_os,
        reader_python: match pythons(&reader_twins) {
            ran if ran.is_empty() => reader_python,
            ran => format!("{reader_python}; the twins ran {ran}"),
        },
    };
    let out_dir = labkit::transcript::output_dir("choosing");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let md = page(&facts, &comparisons);
    let md_path = out_dir.join("compare.md");
    std::fs::write(&md_path, &md).with_context(|| format!("writing {}", md_path.display()))?;
    let html_path = out_dir.join("compare.html");
    std::fs::write(&html_path, html(&facts, &comparisons))
        .with_context(|| format!("writing {}", html_path.display()))?;
    let outside = comparisons
        .iter()
        .filter(|c| {
            matches!(
                c.verdict,
                Verdict::Above | Verdict::Below | Verdict::Different
            )
        })
        .count();
    if comparisons.is_empty() {
        bail!("nothing was compared");
    }
    common.say(format!(
        "Compared {} figures of {} headline experiments with the book's: {} inside its spread or \
         the same, {outside} outside, {} not compared.",
        comparisons.len(),
        HEADLINES.len(),
        comparisons
            .iter()
            .filter(|c| matches!(c.verdict, Verdict::Inside | Verdict::Same))
            .count(),
        comparisons
            .iter()
            .filter(|c| c.verdict == Verdict::NotCompared)
            .count(),
    ));
    common.say("Wrote compare.md and compare.html.");
    Ok(())
}
