//! The report: every chapter's headline experiment, run at one `--scale`,
//! next to what the Python material reported for the same experiment.
//!
//! Each lab prints its results as JSON rows (`experiment`, `variant`,
//! `wall_seconds`, ...) with `--json`, so the report needs no knowledge of a
//! lab beyond the names in [`HEADLINES`]: which subcommand to run, which two
//! variants to compare, and what Python printed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use labkit::timing::format_duration;

/// One chapter's headline experiment.
#[derive(Debug, Clone, Copy)]
pub struct Headline {
    /// The chapter's title in the book.
    pub chapter: &'static str,
    /// The lab (package and binary) that runs it.
    pub lab: &'static str,
    /// The lab's arguments (the report adds `--scale` and `--json`).
    pub args: &'static [&'static str],
    /// What is compared, in a few words.
    pub what: &'static str,
    pub measure: Measure,
}

/// What the report reads from a headline's rows. Variants are found by
/// name: a row whose variant is exactly the text given, or else the first
/// row whose variant contains it (labs put sizes in some names, such as
/// "2 threads, GIL, 5.0 ms switch").
#[derive(Debug, Clone, Copy)]
pub enum Measure {
    /// How much faster `contender` is than `baseline`.
    Speedup {
        baseline: Baseline,
        contender: &'static str,
        python: Python,
    },
    /// The column `key` of the row `variant`, next to what Python printed.
    Value {
        variant: &'static str,
        key: &'static str,
        python: &'static str,
    },
}

/// What a speedup is measured against.
#[derive(Debug, Clone, Copy)]
pub enum Baseline {
    /// The wall time of another variant of the same run.
    Variant(&'static str),
    /// A duration column of the contender's own row: the waits it simulates,
    /// added up, which is what running them one after another would take.
    WaitsAddedUp(&'static str),
}

/// What the Python material reported for a headline.
#[derive(Debug, Clone, Copy)]
pub enum Python {
    /// Baseline and contender wall times, in seconds.
    Times(f64, f64),
    /// Only a speedup.
    Speedup(f64),
    /// No number for this experiment.
    Nothing,
}

/// Every chapter's headline, in the book's order.
pub const HEADLINES: &[Headline] = &[
    Headline {
        chapter: "Sequential baseline",
        lab: "baseline",
        args: &["logs"],
        what: "five log files, 1 s of device wait each, one after another",
        measure: Measure::Value {
            variant: "sequential",
            key: "wall_seconds",
            python: "5 s",
        },
    },
    Headline {
        chapter: "Threads for blocking I/O",
        lab: "io-threads",
        args: &["pool"],
        what: "the same 5 log files: one after another vs a pool of 5 threads",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("sequential"),
            contender: "pool of 5 workers",
            python: Python::Times(5.0, 1.0),
        },
    },
];

/// The report's outcome for one headline.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub chapter: String,
    pub command: String,
    pub what: String,
    pub python: String,
    pub python_speedup: Option<f64>,
    pub measured: String,
    pub speedup: Option<f64>,
    /// The wall time of the measured row (the contender's, for a speedup).
    pub wall_seconds: f64,
}

/// Where the binary of `lab` is: next to the running executable, where
/// Cargo puts every binary of the workspace it builds.
pub fn lab_binary(lab: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding this executable")?;
    let dir = exe.parent().context("this executable has no directory")?;
    Ok(dir.join(format!("{lab}{}", std::env::consts::EXE_SUFFIX)))
}

/// Checks that every lab the report runs has been built, naming the missing
/// ones and the command that builds them.
pub fn check_binaries(headlines: &[Headline]) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut found = Vec::new();
    for headline in headlines {
        let path = lab_binary(headline.lab)?;
        if path.exists() {
            found.push(path);
        } else if !missing.contains(&headline.lab) {
            missing.push(headline.lab);
        }
    }
    if missing.is_empty() {
        return Ok(found);
    }
    let exe = std::env::current_exe()?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let release = dir.file_name().is_some_and(|name| name == "release");
    let packages: String = missing.iter().map(|lab| format!(" -p {lab}")).collect();
    bail!(
        "the report runs every lab, and {} {} not built in {}: build {} with `cargo build{}{packages}` (or build the whole workspace)",
        if missing.len() == 1 {
            "this lab is"
        } else {
            "these labs are"
        },
        missing.join(", "),
        dir.display(),
        if missing.len() == 1 { "it" } else { "them" },
        if release { " --release" } else { "" },
    )
}

/// Runs one headline experiment at `scale` and reads its outcome.
pub fn run_headline(
    headline: &Headline,
    bin: &Path,
    scale: f64,
    scratch: &Path,
) -> Result<Outcome> {
    let mut args: Vec<String> = headline.args.iter().map(|a| a.to_string()).collect();
    args.extend(["--scale".into(), scale.to_string(), "--json".into()]);
    let command = format!("{} {}", headline.lab, headline.args.join(" "));
    let out = labkit::transcript::run_bounded(
        bin,
        &args,
        &[(labkit::transcript::OUTPUT_DIR_ENV, scratch)],
        Duration::from_secs(300),
    )?;
    if out.code != Some(0) {
        bail!(
            "`{} {}` failed ({}): {}",
            headline.lab,
            args.join(" "),
            out.code
                .map_or("killed".to_string(), |c| format!("exit status {c}")),
            out.stderr.trim()
        );
    }
    let rows: Vec<Value> = serde_json::from_str(&out.stdout)
        .with_context(|| format!("`{command} --json` did not print a JSON array of rows"))?;
    let row = |variant: &str| -> Result<&Value> {
        let named = |row: &&Value| row["variant"].as_str().unwrap_or("").to_string();
        rows.iter()
            .find(|row| named(row) == variant)
            .or_else(|| rows.iter().find(|row| named(row).contains(variant)))
            .with_context(|| {
                let names: Vec<String> = rows.iter().map(|r| r["variant"].to_string()).collect();
                format!(
                    "`{command}` printed no row for variant '{variant}' (it printed {})",
                    names.join(", ")
                )
            })
    };
    let wall = |row: &Value| -> Result<f64> {
        row["wall_seconds"]
            .as_f64()
            .with_context(|| format!("`{command}`: a row has no wall_seconds: {row}"))
    };
    let (python, python_speedup, measured, speedup, wall_seconds) = match headline.measure {
        Measure::Speedup {
            baseline,
            contender,
            python,
        } => {
            let contender = row(contender)?;
            let fast = wall(contender)?;
            let base = match baseline {
                Baseline::Variant(variant) => wall(row(variant)?)?,
                Baseline::WaitsAddedUp(key) => contender[key]
                    .as_str()
                    .and_then(labkit::timing::parse_duration)
                    .with_context(|| format!("`{command}`: no duration in column '{key}'"))?
                    .as_secs_f64(),
            };
            let (python, python_speedup) = match python {
                Python::Times(b, c) => (format!("{b:.2} s → {c:.2} s"), Some(b / c)),
                Python::Speedup(x) => ("—".to_string(), Some(x)),
                Python::Nothing => ("—".to_string(), None),
            };
            (
                python,
                python_speedup,
                format!("{} → {}", secs(base), secs(fast)),
                Some(if fast > 0.0 { base / fast } else { 0.0 }),
                fast,
            )
        }
        Measure::Value {
            variant,
            key,
            python,
        } => {
            let row = row(variant)?;
            let value = &row[key];
            let shown = match (key, value.as_f64()) {
                ("wall_seconds", Some(seconds)) => secs(seconds),
                _ if value.is_null() => bail!("`{command}`: row '{variant}' has no '{key}'"),
                _ => value.as_str().map_or(value.to_string(), String::from),
            };
            (python.to_string(), None, shown, None, wall(row)?)
        }
    };
    Ok(Outcome {
        chapter: headline.chapter.to_string(),
        command,
        what: headline.what.to_string(),
        python,
        python_speedup,
        measured,
        speedup,
        wall_seconds,
    })
}

fn secs(seconds: f64) -> String {
    format_duration(Duration::from_secs_f64(seconds.max(0.0)))
}

/// The summary as a markdown table.
pub fn markdown(outcomes: &[Outcome]) -> String {
    let speedup = |s: Option<f64>| s.map_or("—".to_string(), |s| format!("{s:.2}x"));
    let rows = outcomes.iter().map(|o| {
        vec![
            o.chapter.clone(),
            format!("`{}`", o.command),
            o.what.clone(),
            o.python.clone(),
            speedup(o.python_speedup),
            o.measured.clone(),
            speedup(o.speedup),
        ]
    });
    labkit::results::table(
        &[
            "chapter",
            "run",
            "what",
            "Python reported",
            "Python speedup",
            "measured here",
            "speedup here",
        ],
        rows,
    )
}

/// A horizontal bar chart of the speedups: Python's reported one (grey) and
/// this machine's (orange) for each headline that has a speedup.
///
/// Written for inlining in the book: no XML prologue and no blank lines.
pub fn svg(outcomes: &[Outcome]) -> String {
    let bars: Vec<&Outcome> = outcomes.iter().filter(|o| o.speedup.is_some()).collect();
    let largest = bars
        .iter()
        .flat_map(|o| [o.speedup, o.python_speedup])
        .flatten()
        .fold(2.0_f64, f64::max);
    let (label_width, plot_width, row_height, top) = (260.0, 420.0, 44.0, 40.0);
    let width = label_width + plot_width + 70.0;
    let height = top + row_height * bars.len() as f64 + 30.0;
    let x = |speedup: f64| label_width + plot_width * (speedup / (largest * 1.05));
    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12" role="img" aria-label="Speedups: Python reported vs measured here">"##
    );
    let _ = writeln!(
        out,
        r##"<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>"##
    );
    let _ = writeln!(
        out,
        r##"<rect x="{label_width}" y="10" width="12" height="12" fill="#9e9e9e"/><text x="{}" y="20">Python, as reported</text>"##,
        label_width + 16.0
    );
    let _ = writeln!(
        out,
        r##"<rect x="{}" y="10" width="12" height="12" fill="#e07b39"/><text x="{}" y="20">Rust, measured here</text>"##,
        label_width + 160.0,
        label_width + 176.0
    );
    for (i, outcome) in bars.iter().enumerate() {
        let y = top + row_height * i as f64;
        let _ = writeln!(
            out,
            r##"<text x="{}" y="{}" text-anchor="end">{}</text>"##,
            label_width - 8.0,
            y + 16.0,
            escape(&format!("{}: {}", outcome.chapter, outcome.command))
        );
        for (offset, value, colour) in [
            (0.0, outcome.python_speedup, "#9e9e9e"),
            (15.0, outcome.speedup, "#e07b39"),
        ] {
            let Some(value) = value else {
                let _ = writeln!(
                    out,
                    r##"<text x="{}" y="{}" fill="#777">no Python number</text>"##,
                    label_width + 4.0,
                    y + offset + 11.0
                );
                continue;
            };
            let _ = writeln!(
                out,
                r##"<rect x="{label_width}" y="{}" width="{:.1}" height="13" fill="{colour}"/><text x="{:.1}" y="{}">{value:.2}x</text>"##,
                y + offset,
                (x(value) - label_width).max(1.0),
                x(value) + 4.0,
                y + offset + 11.0
            );
        }
    }
    let one = x(1.0);
    let bottom = top + row_height * bars.len() as f64;
    let _ = writeln!(
        out,
        r##"<line x1="{one:.1}" y1="{}" x2="{one:.1}" y2="{bottom}" stroke="#333" stroke-dasharray="4 3"/><text x="{one:.1}" y="{}" text-anchor="middle">1x: no gain</text>"##,
        top - 6.0,
        bottom + 16.0
    );
    out.push_str("</svg>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
