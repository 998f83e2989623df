//! The report: every chapter's headline experiment, run at one `--scale`
//! by its own lab, with its CPython twin beside it where the lab has one,
//! next to what the Python material reported for the same experiment.
//!
//! Each lab prints its results as a JSON document (`--json`: the machine
//! facts, then rows with `experiment`, `variant`, `wall_seconds`, ...), so
//! the report needs no knowledge of a lab beyond the names in
//! [`HEADLINES`]. [`run`] runs the labs; [`compare`] puts a reader's run
//! beside the book's recorded one.
//!
//! Long because (a little over 300 lines) the types every part of the report shares, with
//! the one function that reads a figure from a lab's rows.

pub mod chart;
pub mod compare;
mod headlines;
pub mod run;
mod table;

pub use table::{tables, wrap};

pub use headlines::HEADLINES;

use anyhow::{Context, Result};
use labkit::Row;

/// One chapter's headline experiment.
#[derive(Debug, Clone, Copy)]
pub struct Headline {
    /// The chapter's title in the book.
    pub chapter: &'static str,
    /// The lab (package and binary) that runs it.
    pub lab: &'static str,
    /// The lab's arguments (the report adds `--scale`, `--rounds`, `--json`).
    pub args: &'static [&'static str],
    /// The `experiment` of the rows to read (a run may print several).
    pub experiment: &'static str,
    /// The lab runs at the report's scale times this: CPU-bound experiments
    /// need more work than a tenth of the Python sizes to be measured well.
    pub scale_factor: f64,
    /// A label of a few words for the tables and the chart.
    pub label: &'static str,
    /// What the report reads from the rows.
    pub measure: Measure,
    /// What the Python material reported for the same experiment.
    pub reported: Reported,
    /// The lab's CPython twin of this experiment, if it has one.
    pub twin: Option<Twin>,
    /// The transcript (in `labs/<lab>/outputs/`) whose recorded run this
    /// headline reads in the book: what `compare` reads the book's numbers
    /// from, and whose arguments it reruns.
    pub book: &'static str,
}

/// What the report reads from a run's rows. Variants are found by name: a
/// row whose variant is exactly the text given, or else the first row whose
/// variant starts with it (labs put sizes in some names, such as "2 threads,
/// GIL, 5.0 ms switch" or "process pool, 2 workers").
#[derive(Debug, Clone, Copy)]
pub enum Measure {
    /// How much faster `contender` is than `baseline` (the lab's paired
    /// speedup: the median of the per-round ratios).
    Speedup {
        baseline: &'static str,
        contender: &'static str,
    },
    /// Columns of the row `variant` (`wall_seconds` shown as a duration).
    Value {
        variant: &'static str,
        keys: &'static [&'static str],
    },
}

/// What the Python material reported, in its words.
#[derive(Debug, Clone, Copy)]
pub struct Reported {
    /// What the table shows: the material's figure (in English where the
    /// material is not), or "—" where it gives none.
    pub figure: &'static str,
    /// The file of `/work/shared/reference/` (the Python material) it is in.
    pub file: &'static str,
    /// The material's own words, each found verbatim in `file`.
    pub words: &'static [&'static str],
    /// Both wall times, in seconds, where the material printed both: the
    /// only case where the report shows a speedup for Python as reported.
    pub times: Option<(f64, f64)>,
}

impl Reported {
    /// The speedup the material's two times make, if it printed both.
    pub fn speedup(&self) -> Option<f64> {
        self.times.map(|(before, after)| before / after)
    }
}

/// A lab's CPython twin of a headline: its `python` experiment.
#[derive(Debug, Clone, Copy)]
pub struct Twin {
    /// The lab's arguments for the twin's run.
    pub args: &'static [&'static str],
    /// The twin runs at the report's scale times this.
    pub scale_factor: f64,
    /// The rows to read: those whose `experiment` starts with this.
    pub experiment: &'static str,
    pub measure: Measure,
    /// The twin's transcript in `labs/<lab>/outputs/`.
    pub book: &'static str,
}

impl Twin {
    /// The command as the report shows it.
    pub fn command(&self, lab: &str) -> String {
        format!("{lab} {}", self.args.join(" "))
    }
}

impl Headline {
    /// The `--scale` this headline's lab runs at in a report at `scale`.
    pub fn scale(&self, scale: f64) -> f64 {
        rounded(scale * self.scale_factor)
    }

    /// The command as the report shows it: lab and arguments.
    pub fn command(&self) -> String {
        format!("{} {}", self.lab, self.args.join(" "))
    }

    /// Is this headline's figure a speedup?
    pub fn is_speedup(&self) -> bool {
        matches!(self.measure, Measure::Speedup { .. })
    }
}

/// Rounded so that 0.1 x 4 prints as 0.4, not 0.4000000000000001.
pub fn rounded(scale: f64) -> f64 {
    (scale * 1e9).round() / 1e9
}

/// A median with its fastest–slowest spread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// What one run shows for a headline: a speedup, or the columns of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// As the table shows it: `4.99x`, `balance -120`, `502.6 ms`.
    pub text: String,
    /// The paired speedup and its spread, for a speedup.
    pub speedup: Option<Spread>,
    /// The measured row's wall time: median and the rounds' spread.
    pub wall: Spread,
    /// Is the speedup limited by the cores (the row's ceiling says so)?
    pub core_bound: bool,
    /// For a row of values: the values, compared as text.
    pub values: Option<String>,
}

/// Finds the row `variant` among `rows`: an exact name, else a prefix.
fn find<'a>(rows: &[&'a Row], variant: &str) -> Option<&'a Row> {
    rows.iter()
        .find(|row| row.variant == variant)
        .or_else(|| rows.iter().find(|row| row.variant.starts_with(variant)))
        .copied()
}

fn spread_of(row: &Row) -> Spread {
    let samples = row.samples.clone().unwrap_or_default();
    let min = samples.iter().copied().fold(row.wall_seconds, f64::min);
    let max = samples.iter().copied().fold(row.wall_seconds, f64::max);
    Spread {
        median: row.wall_seconds,
        min,
        max,
    }
}

/// Reads `measure` from `rows` (already narrowed to one experiment).
/// `what` names the run in errors.
pub fn figure(rows: &[&Row], measure: &Measure, what: &str) -> Result<Figure> {
    let missing = |variant: &str| {
        let names: Vec<String> = rows
            .iter()
            .map(|r| format!("'{} / {}'", r.experiment, r.variant))
            .collect();
        format!(
            "`{what}` printed no row for variant '{variant}' (it printed {})",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        )
    };
    match *measure {
        Measure::Speedup {
            baseline,
            contender,
        } => {
            let row = find(rows, contender).with_context(|| missing(contender))?;
            let base = find(rows, baseline).with_context(|| missing(baseline))?;
            let speedup = match (row.speedup, &row.baseline) {
                (Some(s), Some(b)) if *b == base.variant => Spread {
                    median: s,
                    min: row.speedup_min.unwrap_or(s),
                    max: row.speedup_max.unwrap_or(s),
                },
                // A row measured once: the ratio of the two walls.
                _ => {
                    let s = if row.wall_seconds > 0.0 {
                        base.wall_seconds / row.wall_seconds
                    } else {
                        0.0
                    };
                    Spread {
                        median: s,
                        min: s,
                        max: s,
                    }
                }
            };
            Ok(Figure {
                text: format!("{:.2}x", speedup.median),
                speedup: Some(speedup),
                wall: spread_of(row),
                core_bound: row.ceiling_core_bound.unwrap_or(false),
                values: None,
            })
        }
        Measure::Value { variant, keys } => {
            let row = find(rows, variant).with_context(|| missing(variant))?;
            let mut shown = Vec::new();
            let mut values = Vec::new();
            for key in keys {
                if *key == "wall_seconds" {
                    shown.push(secs(row.wall_seconds));
                    continue;
                }
                let value = row
                    .extra
                    .get(*key)
                    .with_context(|| format!("`{what}`: row '{variant}' has no '{key}'"))?;
                let value = match value {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                shown.push(format!("{key} {value}"));
                values.push(format!("{key} {value}"));
            }
            Ok(Figure {
                text: shown.join("; "),
                speedup: None,
                wall: spread_of(row),
                core_bound: false,
                values: (!values.is_empty()).then(|| values.join("; ")),
            })
        }
    }
}

/// The headline's figure from the rows of its own run.
pub fn rust_figure(headline: &Headline, rows: &[Row]) -> Result<Figure> {
    let rows: Vec<&Row> = rows
        .iter()
        .filter(|row| row.experiment == headline.experiment)
        .collect();
    figure(&rows, &headline.measure, &headline.command())
}

/// The twin's figures from the rows of the twin's run: the interpreters with
/// a GIL (the first found), and a free-threaded one with its GIL off, when
/// the run had one. `None` where the run printed no CPython row (no
/// interpreter on this machine).
pub fn twin_figures(
    headline: &Headline,
    twin: &Twin,
    rows: &[Row],
) -> Result<(Option<Figure>, Option<Figure>)> {
    let of = |gil_off: bool| -> Result<Option<Figure>> {
        let rows: Vec<&Row> = rows
            .iter()
            .filter(|row| row.experiment.starts_with(twin.experiment))
            .filter(|row| row.experiment.contains("GIL off") == gil_off)
            .collect();
        let wanted = match twin.measure {
            Measure::Speedup { contender, .. } => contender,
            Measure::Value { variant, .. } => variant,
        };
        if find(&rows, wanted).is_none() {
            return Ok(None);
        }
        figure(&rows, &twin.measure, &twin.command(headline.lab)).map(Some)
    };
    Ok((of(false)?, of(true)?))
}

/// A headline's outcome in one report.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub headline: Headline,
    /// The `--scale` the lab ran at.
    pub scale: f64,
    pub rust: Figure,
    /// CPython with its GIL, measured here; `None` without a twin or without
    /// an interpreter.
    pub cpython: Option<Figure>,
    /// A free-threaded CPython with its GIL off, measured here.
    pub free_threaded: Option<Figure>,
}

impl PartialEq for Headline {
    fn eq(&self, other: &Headline) -> bool {
        self.chapter == other.chapter && self.label == other.label
    }
}

pub fn secs(seconds: f64) -> String {
    labkit::timing::format_duration(std::time::Duration::from_secs_f64(seconds.max(0.0)))
}
