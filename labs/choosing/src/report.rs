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
    /// The `experiment` of the rows to read (a run may print several).
    pub experiment: &'static str,
    /// The lab runs at the report's scale times this: CPU-bound experiments
    /// need more work than a tenth of the Python sizes to be measured well.
    pub scale_factor: f64,
    /// What is compared, in a few words.
    pub what: &'static str,
    /// A label of a few words for the chart.
    pub label: &'static str,
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
    /// Columns of the row `variant` (`wall_seconds` shown as a duration),
    /// next to what Python printed.
    Value {
        variant: &'static str,
        keys: &'static [&'static str],
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

/// Every chapter's headline, in the book's order. Several may read the
/// same run (same lab, arguments and scale): the report runs it once.
pub const HEADLINES: &[Headline] = &[
    Headline {
        chapter: "Sequential baseline",
        lab: "baseline",
        args: &["logs"],
        experiment: "logs",
        scale_factor: 1.0,
        what: "five log files, 1 s of device wait each, one after another",
        label: "five logs, one after another",
        measure: Measure::Value {
            variant: "sequential",
            keys: &["wall_seconds"],
            python: "about 5 s",
        },
    },
    Headline {
        chapter: "Concurrency vs parallelism",
        lab: "parallelism",
        args: &["timeline"],
        experiment: "loaves",
        scale_factor: 4.0,
        what: "four loaves (knead, then bake): one after another vs interleaved on one thread",
        label: "loaves interleaved on one thread",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("sequential"),
            contender: "tokio, 1 thread",
            python: Python::Nothing,
        },
    },
    Headline {
        chapter: "Concurrency vs parallelism",
        lab: "parallelism",
        args: &["cpu-pair"],
        experiment: "cpu pair",
        scale_factor: 4.0,
        what: "two CPU-bound tasks: one after another vs two OS threads",
        label: "two CPU tasks on two threads",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("1 thread"),
            contender: "2 threads",
            python: Python::Nothing,
        },
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["countdown"],
        experiment: "countdown",
        scale_factor: 10.0,
        what: "a countdown: one thread vs two threads under a GIL",
        label: "countdown, two threads, GIL",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("1 thread, GIL"),
            contender: "2 threads, GIL",
            python: Python::Times(20.48, 20.52),
        },
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["countdown"],
        experiment: "countdown",
        scale_factor: 10.0,
        what: "the same countdown without a GIL: Python's 5 processes, Rust's 2 threads",
        label: "countdown without a GIL",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("1 thread, no GIL"),
            contender: "2 threads, no GIL",
            python: Python::Times(23.63, 4.44),
        },
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["fib"],
        experiment: "fib",
        scale_factor: 10.0,
        what: "fib(n) and fib(n+1): one thread vs two threads under a GIL",
        label: "fibs, two threads, GIL",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("1 thread, GIL"),
            contender: "2 threads, GIL",
            python: Python::Times(65.15, 66.11),
        },
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["fib"],
        experiment: "fib",
        scale_factor: 10.0,
        what: "the same fibs on two threads without a GIL",
        label: "fibs, two threads, no GIL",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("1 thread, no GIL"),
            contender: "2 threads, no GIL",
            python: Python::Nothing,
        },
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["io"],
        experiment: "io",
        scale_factor: 1.0,
        what: "ten waits of 1 s: one after another vs ten threads (the GIL released while waiting)",
        label: "ten waits on ten threads",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("sequential"),
            contender: "threads, GIL",
            python: Python::Times(10.01, 1.01),
        },
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["powersum"],
        experiment: "powersum",
        scale_factor: 2.0,
        what: "the power sum: sequential vs a pool of worker processes",
        label: "power sum, process pool",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("sequential"),
            contender: "process pool",
            python: Python::Speedup(1.77),
        },
    },
    Headline {
        chapter: "The GIL and its analogue",
        lab: "gil",
        args: &["powersum"],
        experiment: "powersum",
        scale_factor: 2.0,
        what: "the power sum: sequential vs rayon",
        label: "power sum, rayon",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("sequential"),
            contender: "rayon",
            python: Python::Nothing,
        },
    },
    Headline {
        chapter: "Race conditions",
        lab: "races",
        args: &["bank"],
        experiment: "bank",
        scale_factor: 1.0,
        what: "balance 100; withdrawals of 80, 70, 50 and 20 check, wait, then subtract",
        label: "bank race",
        measure: Measure::Value {
            variant: "all at once",
            keys: &["paid", "balance"],
            python: "paid 80, 70, 50, 20; balance -120",
        },
    },
    Headline {
        chapter: "Locks",
        lab: "locks",
        args: &["bank-locked"],
        experiment: "bank-locked",
        scale_factor: 1.0,
        what: "the same withdrawals with a lock around check-and-subtract",
        label: "bank with a lock",
        measure: Measure::Value {
            variant: "queue order",
            keys: &["paid", "balance"],
            python: "paid 80, 20; balance 0",
        },
    },
    Headline {
        chapter: "Locks",
        lab: "locks",
        args: &["hold-across-sleep"],
        experiment: "hold-across-sleep",
        scale_factor: 1.0,
        what: "a guard held across a wait vs dropped before it",
        label: "lock dropped before a wait",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("held across the wait"),
            contender: "dropped before the wait",
            python: Python::Nothing,
        },
    },
    Headline {
        chapter: "Deadlock",
        lab: "deadlock",
        args: &["timeout"],
        experiment: "timeout",
        scale_factor: 1.0,
        what: "two threads take two locks in opposite orders, with a timeout",
        label: "two locks with a timeout",
        measure: Measure::Value {
            variant: "give up",
            keys: &["finished", "gave up"],
            python: "thread 1 finishes; thread 2 gives up",
        },
    },
    Headline {
        chapter: "Exercise: dining philosophers",
        lab: "deadlock",
        args: &["philosophers", "--forks", "lower-first"],
        experiment: "philosophers",
        scale_factor: 1.0,
        what: "five philosophers, each takes the lower-numbered fork first",
        label: "philosophers, ordered forks",
        measure: Measure::Value {
            variant: "lower-numbered fork first",
            keys: &["meals"],
            python: "—",
        },
    },
    Headline {
        chapter: "Event loops",
        lab: "event-loop",
        args: &["weather"],
        experiment: "weather",
        scale_factor: 1.0,
        what: "five cities, 2 s per request: the waits added up vs tokio tasks",
        label: "weather, five cities",
        measure: Measure::Speedup {
            baseline: Baseline::WaitsAddedUp("waiting"),
            contender: "JoinSet",
            python: Python::Times(10.0, 2.0),
        },
    },
    Headline {
        chapter: "Event loops",
        lab: "event-loop",
        args: &["fetch"],
        experiment: "fetch",
        scale_factor: 10.0,
        what: "six pages from a local server: one after another vs tokio tasks",
        label: "fetch six pages",
        measure: Measure::Speedup {
            baseline: Baseline::Variant("in turn"),
            contender: "JoinSet",
            python: Python::Times(2.71, 0.62),
        },
    },
    Headline {
        chapter: "Threads for blocking I/O",
        lab: "io-threads",
        args: &["pool"],
        experiment: "pool",
        scale_factor: 1.0,
        what: "the baseline's five log files: one after another vs a pool of five threads",
        label: "five logs, thread pool",
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
    /// The headline's label for the chart.
    pub label: &'static str,
    /// The `--scale` the lab ran at.
    pub scale: f64,
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

/// Finds the binary of every lab the report runs. Labs not built yet are
/// built first when the report runs under Cargo (`cargo run -p choosing`
/// sets `CARGO` and `CARGO_MANIFEST_DIR`): one `cargo build` of the missing
/// labs, with the profile of this executable, announced on stderr. Run any
/// other way (or from a copy outside Cargo's target directory), it names
/// the missing labs and the command that builds them.
pub fn check_binaries(headlines: &[Headline]) -> Result<Vec<PathBuf>> {
    let missing = missing_labs(headlines)?;
    // Only where Cargo put this executable (target/debug or target/release)
    // does a build put the labs beside it.
    let in_profile_dir = binary_dir()?
        .file_name()
        .is_some_and(|name| name == "release" || name == "debug");
    if !missing.is_empty()
        && in_profile_dir
        && let Some(cargo) = std::env::var_os("CARGO")
        && let Some(workspace) = std::env::var_os("CARGO_MANIFEST_DIR")
    {
        build_labs(Path::new(&cargo), Path::new(&workspace), &missing)?;
    }
    let missing = missing_labs(headlines)?;
    if missing.is_empty() {
        return headlines.iter().map(|h| lab_binary(h.lab)).collect();
    }
    let (which, verb, pronoun) = if missing.len() == 1 {
        (format!("the {} lab", missing[0]), "is", "it")
    } else {
        (format!("the labs {}", missing.join(", ")), "are", "them")
    };
    bail!(
        "the report runs every lab, and {which} {verb} not built in {}: build {pronoun} with `{}` (or build the whole workspace)",
        binary_dir()?.display(),
        build_command(&missing).join(" "),
    )
}

/// The labs among the headlines whose binaries are not next to this one.
fn missing_labs(headlines: &[Headline]) -> Result<Vec<&'static str>> {
    let mut missing = Vec::new();
    for headline in headlines {
        if !lab_binary(headline.lab)?.exists() && !missing.contains(&headline.lab) {
            missing.push(headline.lab);
        }
    }
    Ok(missing)
}

fn binary_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding this executable")?;
    Ok(exe.parent().unwrap_or(Path::new(".")).to_path_buf())
}

/// `cargo build [--release] -p <lab>...`, with this executable's profile.
fn build_command(labs: &[&str]) -> Vec<String> {
    let release = binary_dir().is_ok_and(|dir| dir.file_name().is_some_and(|n| n == "release"));
    let mut command = vec!["cargo".to_string(), "build".to_string()];
    if release {
        command.push("--release".into());
    }
    for lab in labs {
        command.extend(["-p".to_string(), lab.to_string()]);
    }
    command
}

/// Builds `labs` with `cargo` in the workspace, Cargo's progress on stderr.
fn build_labs(cargo: &Path, workspace: &Path, labs: &[&str]) -> Result<()> {
    let command = build_command(labs);
    eprintln!(
        "The report runs every lab; building the {} not built yet: {}",
        if labs.len() == 1 { "one" } else { "ones" },
        command.join(" ")
    );
    let status = std::process::Command::new(cargo)
        .args(&command[1..])
        .current_dir(workspace)
        .stdin(std::process::Stdio::null())
        .status()
        .with_context(|| format!("running {}", command.join(" ")))?;
    if !status.success() {
        bail!("`{}` failed ({status})", command.join(" "));
    }
    Ok(())
}

impl Headline {
    /// The `--scale` this headline's lab runs at in a report at `scale`.
    pub fn scale(&self, scale: f64) -> f64 {
        // Rounded so that 0.1 x 4 prints as 0.4, not 0.4000000000000001.
        ((scale * self.scale_factor) * 1e9).round() / 1e9
    }

    /// The command as the report shows it: lab and arguments.
    pub fn command(&self) -> String {
        format!("{} {}", self.lab, self.args.join(" "))
    }
}

/// Runs a lab with `--scale scale --rounds rounds --json` and returns the
/// rows it printed. Files the lab writes (SVGs) go to `scratch`, not to the
/// book's outputs.
pub fn run_lab(
    bin: &Path,
    headline: &Headline,
    scale: f64,
    rounds: u32,
    scratch: &Path,
) -> Result<Vec<Value>> {
    let mut args: Vec<String> = headline.args.iter().map(|a| a.to_string()).collect();
    args.extend(["--scale".into(), scale.to_string()]);
    args.extend(["--rounds".into(), rounds.to_string(), "--json".into()]);
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
    labkit::results::rows_of(&out.stdout).with_context(|| {
        format!(
            "`{} --json` did not print a JSON document with rows",
            headline.command()
        )
    })
}

/// Reads a headline's outcome from the rows its lab printed at `scale`.
pub fn read_outcome(headline: &Headline, rows: &[Value], scale: f64) -> Result<Outcome> {
    let command = headline.command();
    let rows: Vec<&Value> = rows
        .iter()
        .filter(|row| row["experiment"] == headline.experiment)
        .collect();
    let row = |variant: &str| -> Result<&Value> {
        let named = |row: &&&Value| row["variant"].as_str().unwrap_or("").to_string();
        rows.iter()
            .find(|row| named(row) == variant)
            .or_else(|| rows.iter().find(|row| named(row).contains(variant)))
            .copied()
            .with_context(|| {
                let names: Vec<String> = rows.iter().map(|r| r["variant"].to_string()).collect();
                format!(
                    "`{command}` printed no '{}' row for variant '{variant}' (it printed {})",
                    headline.experiment,
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
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
            // A row measured in rounds carries its paired speedup and the
            // variant it was measured against: use it when that is ours.
            let paired = match baseline {
                Baseline::Variant(variant) => contender["baseline"]
                    .as_str()
                    .filter(|b| *b == variant || b.contains(variant))
                    .and(contender["speedup"].as_f64()),
                Baseline::WaitsAddedUp(_) => None,
            };
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
                Python::Speedup(x) => ("(a speedup only)".to_string(), Some(x)),
                Python::Nothing => ("—".to_string(), None),
            };
            (
                python,
                python_speedup,
                format!("{} → {}", secs(base), secs(fast)),
                Some(paired.unwrap_or(if fast > 0.0 { base / fast } else { 0.0 })),
                fast,
            )
        }
        Measure::Value {
            variant,
            keys,
            python,
        } => {
            let row = row(variant)?;
            let mut shown = Vec::new();
            for key in keys {
                let value = &row[*key];
                shown.push(match (*key, value) {
                    ("wall_seconds", Value::Number(n)) => secs(n.as_f64().unwrap_or(0.0)),
                    (_, Value::Null) => bail!("`{command}`: row '{variant}' has no '{key}'"),
                    (_, Value::String(text)) => format!("{key} {text}"),
                    (_, other) => format!("{key} {other}"),
                });
            }
            (python.to_string(), None, shown.join("; "), None, wall(row)?)
        }
    };
    Ok(Outcome {
        chapter: headline.chapter.to_string(),
        label: headline.label,
        scale,
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
            o.scale.to_string(),
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
            "scale",
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
    let (label_width, plot_width, row_height, top) = (220.0, 440.0, 44.0, 40.0);
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
            r##"<text x="{}" y="{}" text-anchor="end">{}</text><text x="{}" y="{}" text-anchor="end" font-size="10" fill="#666">{}</text>"##,
            label_width - 8.0,
            y + 12.0,
            escape(outcome.label),
            label_width - 8.0,
            y + 25.0,
            escape(&outcome.chapter)
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
