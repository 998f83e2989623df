//! Result rows, speedups, and the ways a lab prints them.
//!
//! Every lab reports the same kind of thing: for one experiment, a few
//! variants (sequential, threads, rayon, ...) and what each cost. A [`Row`] is
//! one variant; [`Results`] collects rows, computes speedups and prints either
//! a table for people or, with `--json`, one JSON [`Document`] for programs
//! (`--json-out PATH` writes the same document from the run that prints the
//! table). Tables are printed as pipe tables because they read well in a
//! terminal and in the book, and because [`read_tables`] can parse them back.
//!
//! Rows measured with the method of [`crate::bench`] carry their per-round
//! `samples`; their table cells show the median with the fastest and slowest
//! round (`159.3 ms (155.0–170.2)`), and their speedups are paired
//! (`1.97x (1.93–2.00)`) with a baseline, a ceiling and an efficiency. A row
//! measured once prints as it always did.
//!
//! # The JSON document
//!
//! ```text
//! {
//!   "cores": 2,                      // what the operating system offers
//!   "rounds": 5,                     // the rest of the method: only for runs of labkit::bench
//!   "cores_delivered": 1.97,         // median of the per-round machine checks
//!   "cores_delivered_min": 1.91,
//!   "steal": 0.0,                    // fraction of CPU time stolen (null: not reported)
//!   "disturbed": false,              // cores_delivered < 90 % of cores
//!   "calibration": [{"one_thread_seconds": 0.021, "all_threads_seconds": 0.0213}, ...],
//!   "problems": [],                  // median speedups above ceiling + tolerance
//!   "sources": "fnv1a64:…",          // added by `xtask outputs` to a sidecar
//!   "rows": [{
//!     "experiment": "countdown", "variant": "2 threads, no GIL",
//!     "wall_seconds": 0.41,          // the median round's
//!     "speedup": 1.97, "speedup_min": 1.93, "speedup_max": 2.0,
//!     "baseline": "1 thread, no GIL",
//!     "ceiling": 2.0, "ceiling_tolerance": 0.05, "ceiling_rule": "…", "ceiling_core_bound": true,
//!     "efficiency": 0.985,
//!     "cpu_utilisation": 1.98,       // median of the per-round cpu ÷ wall
//!     "counted": 500000000,          // the experiment's own columns
//!     "samples": [0.41, 0.40, …],    // wall seconds per round
//!     "cpu_samples": [0.81, 0.80, …] // CPU seconds per round
//!   }]
//! }
//! ```

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::bench::{Calibration, Ceiling, Method, median, paired_speedups, spread};
use crate::cli::Common;
use crate::timing::{Measurement, format_duration};

/// One variant of one experiment and what it cost.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Row {
    /// The experiment (the lab's subcommand), e.g. `weather`.
    pub experiment: String,
    /// The way it was run, e.g. `sequential` or `2 threads`.
    pub variant: String,
    /// Wall-clock time in seconds (the median round's, when there are rounds).
    pub wall_seconds: f64,
    /// How many times faster than the baseline: the median of the per-round
    /// ratios for rows with samples, else baseline wall ÷ this row's wall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup: Option<f64>,
    /// The slowest and fastest per-round speedup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup_max: Option<f64>,
    /// The variant the speedup is measured against (paired speedups only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// The most the speedup can physically be ([`Ceiling`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling_tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling_rule: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling_core_bound: Option<bool>,
    /// Speedup ÷ ceiling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efficiency: Option<f64>,
    /// CPU time / wall time, when it was measured (the median round's ratio).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_utilisation: Option<f64>,
    /// Experiment-specific columns, in insertion order (e.g. `result`, `tasks`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// Wall seconds of each round, in round order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<Vec<f64>>,
    /// CPU seconds of each round, in round order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_samples: Option<Vec<f64>>,
}

impl Row {
    /// A row with a wall time and nothing else.
    pub fn new(experiment: &str, variant: &str, wall_seconds: f64) -> Row {
        Row {
            experiment: experiment.to_string(),
            variant: variant.to_string(),
            wall_seconds,
            speedup: None,
            speedup_min: None,
            speedup_max: None,
            baseline: None,
            ceiling: None,
            ceiling_tolerance: None,
            ceiling_rule: None,
            ceiling_core_bound: None,
            efficiency: None,
            cpu_utilisation: None,
            extra: Map::new(),
            samples: None,
            cpu_samples: None,
        }
    }

    /// Adds an experiment-specific column (shown in the table, a key in JSON).
    pub fn with(&mut self, key: &str, value: impl Into<Value>) -> &mut Row {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// The wall time as a `Duration`.
    pub fn wall(&self) -> Duration {
        Duration::from_secs_f64(self.wall_seconds)
    }

    /// The rounds this row was measured in (1 for a single measurement).
    pub fn rounds(&self) -> usize {
        self.samples.as_ref().map_or(1, Vec::len)
    }

    /// An experiment-specific column as a number (tests read columns such as
    /// `switches`); panics, naming the column, if it is missing.
    pub fn number(&self, key: &str) -> f64 {
        self.extra
            .get(key)
            .and_then(Value::as_f64)
            .unwrap_or_else(|| panic!("{} has no numeric '{key}' column", self.variant))
    }

    /// An experiment-specific column as text (tests read columns such as
    /// `outcome`); panics, naming the row and the column, if it is missing
    /// or not text.
    pub fn text(&self, key: &str) -> &str {
        self.extra
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_else(|| {
                panic!(
                    "{} / {} has no text '{key}' column",
                    self.experiment, self.variant
                )
            })
    }

    /// Every round's wall seconds, in round order; panics if the row was
    /// not measured in rounds.
    pub fn round_samples(&self) -> &[f64] {
        self.samples.as_deref().unwrap_or_else(|| {
            panic!(
                "{} / {} was not measured in rounds",
                self.experiment, self.variant
            )
        })
    }

    /// Is this row's median speedup above its ceiling plus tolerance?
    pub fn above_ceiling(&self) -> Option<String> {
        let (speedup, ceiling) = (self.speedup?, self.ceiling?);
        let tolerance = self.ceiling_tolerance.unwrap_or(0.0);
        (speedup > ceiling * (1.0 + tolerance)).then(|| {
            format!(
                "the median speedup of {} / {}, {speedup:.2}x, is above its ceiling {ceiling:.2}x + {:.0} %",
                self.experiment,
                self.variant,
                tolerance * 100.0
            )
        })
    }
}

/// The rows a lab run produced, in the order they were measured, and how
/// they were measured.
#[derive(Debug, Clone, Default)]
pub struct Results {
    rows: Vec<Row>,
    method: Option<Method>,
}

impl Results {
    pub fn new() -> Results {
        Results::default()
    }

    /// Results holding `rows`, measured by no particular method.
    pub fn from_rows(rows: Vec<Row>) -> Results {
        Results { rows, method: None }
    }

    /// Records a variant timed by wall clock only.
    pub fn push(&mut self, experiment: &str, variant: &str, wall: Duration) -> &mut Row {
        self.rows
            .push(Row::new(experiment, variant, wall.as_secs_f64()));
        self.rows.last_mut().expect("just pushed")
    }

    /// Records a variant with its wall and CPU time.
    pub fn push_measured(&mut self, experiment: &str, variant: &str, m: Measurement) -> &mut Row {
        let row = self.push(experiment, variant, m.wall);
        row.cpu_utilisation = Some(m.utilisation());
        row
    }

    /// Records a variant measured in rounds: `walls` holds its wall seconds
    /// per round and `cpus` (if measured) its CPU seconds per round, in
    /// round order. The row's wall time is the median; its `cpu` the median
    /// of the per-round ratios. This is how rows from outside come in (a
    /// Python twin's samples), and what [`crate::bench::Run::results`] uses.
    pub fn push_samples(
        &mut self,
        experiment: &str,
        variant: &str,
        walls: Vec<f64>,
        cpus: Option<Vec<f64>>,
    ) -> &mut Row {
        assert!(
            !walls.is_empty(),
            "{variant}: a row needs at least one sample"
        );
        let mut row = Row::new(experiment, variant, median(&walls));
        if let Some(cpus) = &cpus {
            let ratios: Vec<f64> = cpus
                .iter()
                .zip(&walls)
                .map(|(cpu, wall)| if *wall > 0.0 { cpu / wall } else { 0.0 })
                .collect();
            row.cpu_utilisation = Some(median(&ratios));
        }
        row.samples = Some(walls);
        row.cpu_samples = cpus;
        self.rows.push(row);
        self.rows.last_mut().expect("just pushed")
    }

    /// The speedup of `contender` over `baseline` (two variants of
    /// `experiment` measured in the same interleaved rounds): the median of
    /// the per-round ratios with their min and max, the `ceiling` it cannot
    /// physically beat, and the efficiency (speedup ÷ ceiling). Set on the
    /// contender's row.
    pub fn paired_speedup(
        &mut self,
        experiment: &str,
        contender: &str,
        baseline: &str,
        ceiling: &Ceiling,
    ) -> Result<()> {
        let samples = |variant: &str| -> Result<Vec<f64>> {
            let row = self
                .get(experiment, variant)
                .with_context(|| format!("no '{variant}' row in experiment '{experiment}'"))?;
            row.samples
                .clone()
                .with_context(|| format!("{experiment} / {variant} has no per-round samples"))
        };
        let speedup = paired_speedups(&samples(baseline)?, &samples(contender)?)
            .with_context(|| format!("{experiment}: {contender} against {baseline}"))?;
        let row = self
            .get_mut(experiment, contender)
            .expect("found just above");
        row.speedup = Some(speedup.median);
        row.speedup_min = Some(speedup.min);
        row.speedup_max = Some(speedup.max);
        row.baseline = Some(baseline.to_string());
        row.ceiling = Some(ceiling.value);
        row.ceiling_tolerance = Some(ceiling.tolerance);
        row.ceiling_rule = Some(ceiling.rule.clone());
        row.ceiling_core_bound = Some(ceiling.core_bound);
        row.efficiency = Some(speedup.median / ceiling.value);
        Ok(())
    }

    /// Records how the rows were measured (done by [`crate::bench::Run::results`]).
    pub fn set_method(&mut self, method: Method) {
        self.method = Some(method);
    }

    /// How the rows were measured, if by [`crate::bench`].
    pub fn method(&self) -> Option<&Method> {
        self.method.as_ref()
    }

    /// Appends the rows of `other` (keeping this one's method, or taking
    /// `other`'s if this one has none).
    pub fn extend(&mut self, other: Results) {
        self.rows.extend(other.rows);
        if self.method.is_none() {
            self.method = other.method;
        }
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Finds a row by experiment and variant.
    pub fn get(&self, experiment: &str, variant: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.experiment == experiment && r.variant == variant)
    }

    /// Finds a row by experiment and variant, to add columns to it.
    pub fn get_mut(&mut self, experiment: &str, variant: &str) -> Option<&mut Row> {
        self.rows
            .iter_mut()
            .find(|r| r.experiment == experiment && r.variant == variant)
    }

    /// Every median speedup above its ceiling plus tolerance: bugs in the
    /// experiment, which the output and the JSON both name. A run on a
    /// disturbed machine has none: a program that shares too few cores with
    /// other programs gets a share of them that depends on how many threads
    /// it runs (two threads under one GIL can win more CPU time than one),
    /// so such a run cannot test a ceiling; [`Results::to_text`] still
    /// shows what went above.
    pub fn problems(&self) -> Vec<String> {
        if self.method.as_ref().is_some_and(Method::disturbed) {
            return Vec::new();
        }
        self.rows.iter().filter_map(Row::above_ceiling).collect()
    }

    /// The JSON document of these rows (what `--json` prints).
    pub fn document(&self) -> Document {
        Document {
            cores: self
                .method
                .as_ref()
                .map_or_else(crate::os::cores, |m| m.cores),
            method: self.method.clone(),
            sources: None,
            rows: self.rows.clone(),
        }
    }

    /// The document as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        self.document().to_json()
    }

    /// What a lab prints without `--json`: the method's lines (for rows
    /// measured with [`crate::bench`]), the table, the ceilings' legend and
    /// any ceiling problem.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if let Some(method) = &self.method {
            for line in method.describe(&self.rows) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out.push_str(&self.to_table());
        let mut legend: Vec<String> = Vec::new();
        for row in &self.rows {
            if let (Some(ceiling), Some(rule)) = (row.ceiling, &row.ceiling_rule) {
                let line = format!(
                    "ceiling {ceiling:.2}x: {rule} (tolerance {:.0} %)",
                    row.ceiling_tolerance.unwrap_or(0.0) * 100.0
                );
                if !legend.contains(&line) {
                    legend.push(line);
                }
            }
        }
        for line in legend {
            out.push_str(&line);
            out.push('\n');
        }
        for problem in self.problems() {
            out.push_str(&wrapped(&format!(
                "{BUG_PREFIX} {problem}: a speedup cannot beat its ceiling, so the baseline or the work is wrong."
            )));
        }
        if self.method.as_ref().is_some_and(Method::disturbed) {
            for above in self.rows.iter().filter_map(Row::above_ceiling) {
                out.push_str(&wrapped(&format!(
                    "{DISTURBED_PREFIX} {above}; the program shared too few cores with other programs, so this run cannot test its ceiling."
                )));
            }
        }
        out
    }

    /// The rows as pipe tables (what a lab prints without `--json`).
    ///
    /// Rows measured once print as one table, with a `speedup` column if
    /// the experiment has one. Rows with paired speedups (measured in
    /// rounds) print as two tables, so that an output cell stays within
    /// about 100 columns: the times (wall with its spread, cpu and the
    /// experiment's own columns), then the speedups (each with its baseline,
    /// ceiling and efficiency).
    pub fn to_table(&self) -> String {
        let mut extra_keys: Vec<&str> = Vec::new();
        for row in &self.rows {
            for key in row.extra.keys() {
                if !extra_keys.contains(&key.as_str()) {
                    extra_keys.push(key);
                }
            }
        }
        let several = self
            .rows
            .iter()
            .any(|r| r.experiment != self.rows[0].experiment);
        let has = |f: fn(&Row) -> bool| self.rows.iter().any(f);
        let paired = has(|r| r.baseline.is_some());
        let has_speedup = has(|r| r.speedup.is_some());
        let has_cpu = has(|r| r.cpu_utilisation.is_some());

        let mut header: Vec<String> = Vec::new();
        if several {
            header.push("experiment".into());
        }
        header.push("variant".into());
        header.push("wall".into());
        if has_speedup && !paired {
            header.push("speedup".into());
        }
        if has_cpu {
            header.push("cpu".into());
        }
        header.extend(extra_keys.iter().map(|k| k.to_string()));

        let body = self.rows.iter().map(|row| {
            let mut cells = Vec::new();
            if several {
                cells.push(row.experiment.clone());
            }
            cells.push(row.variant.clone());
            cells.push(wall_cell(row));
            if has_speedup && !paired {
                cells.push(speedup_cell(row));
            }
            if has_cpu {
                cells.push(
                    row.cpu_utilisation
                        .map_or(String::new(), |u| format!("{u:.2}")),
                );
            }
            for key in &extra_keys {
                cells.push(row.extra.get(*key).map_or(String::new(), format_value));
            }
            cells
        });
        let mut out = table(&header, body);
        if paired {
            out.push('\n');
            out.push_str(&self.speedup_table(several));
        }
        out
    }

    /// The second table of a measured run: one row per paired speedup.
    fn speedup_table(&self, several: bool) -> String {
        let mut header: Vec<&str> = Vec::new();
        if several {
            header.push("experiment");
        }
        header.extend(["variant", "over", "speedup", "ceiling", "efficiency"]);
        let body = self
            .rows
            .iter()
            .filter(|row| row.speedup.is_some())
            .map(|row| {
                let mut cells = Vec::new();
                if several {
                    cells.push(row.experiment.clone());
                }
                cells.push(row.variant.clone());
                cells.push(row.baseline.clone().unwrap_or_default());
                cells.push(speedup_cell(row));
                cells.push(row.ceiling.map_or(String::new(), |c| format!("{c:.2}x")));
                cells.push(row.efficiency.map_or(String::new(), |e| format!("{e:.2}")));
                cells
            });
        table(&header, body)
    }

    /// Prints the rows the way the command line asked for (the text, or
    /// with `--json` the JSON document), and with `--json-out PATH` also
    /// writes the document to PATH.
    pub fn print(&self, common: &Common) -> Result<()> {
        if common.json {
            println!("{}", self.to_json());
        } else {
            print!("{}", self.to_text());
        }
        if let Some(path) = &common.json_out {
            self.document().write(path)?;
        }
        Ok(())
    }

    /// Like [`Results::to_text`], with one table per experiment, each under
    /// a line naming it (so no table needs an `experiment` column, and wide
    /// results stay narrow). [`crate::transcript::check_rendering`] accepts it.
    pub fn to_text_by_experiment(&self) -> String {
        let mut experiments: Vec<&str> = Vec::new();
        for row in &self.rows {
            if !experiments.contains(&row.experiment.as_str()) {
                experiments.push(&row.experiment);
            }
        }
        if experiments.len() < 2 {
            return self.to_text();
        }
        // The method's lines first, the legend and problems last: the text of
        // the whole, with its one table replaced by one table per experiment.
        let whole = self.to_text();
        let table = self.to_table();
        let (before, after) = whole.split_once(&table).unwrap_or((&whole, ""));
        let mut out = before.to_string();
        for experiment in experiments {
            let rows = self.rows.iter().filter(|r| r.experiment == experiment);
            out.push('\n');
            out.push_str(experiment);
            out.push('\n');
            out.push_str(&Results::from_rows(rows.cloned().collect()).to_table());
        }
        out.push_str(after);
        out
    }

    /// [`Results::print`] with [`Results::to_text_by_experiment`] as the text.
    pub fn print_by_experiment(&self, common: &Common) -> Result<()> {
        if common.json {
            println!("{}", self.to_json());
        } else {
            print!("{}", self.to_text_by_experiment());
        }
        if let Some(path) = &common.json_out {
            self.document().write(path)?;
        }
        Ok(())
    }
}

impl Results {
    /// Like [`Results::to_text`], but with one table per experiment (in the
    /// order the experiments first appear, each after a line naming its
    /// experiment, a blank line between them)
    /// instead of one table with an `experiment` column: narrower tables
    /// for a run that measures several experiments, and each table only
    /// has the columns its own rows use. The transcript check accepts this
    /// rendering ([`crate::transcript::check_rendering`]).
    pub fn to_text_per_experiment(&self) -> String {
        let mut experiments: Vec<&str> = Vec::new();
        for row in &self.rows {
            if !experiments.contains(&row.experiment.as_str()) {
                experiments.push(&row.experiment);
            }
        }
        let text = self.to_text();
        if experiments.len() < 2 {
            return text;
        }
        let tables: Vec<String> = experiments
            .iter()
            .map(|experiment| {
                let rows = self.rows.iter().filter(|r| r.experiment == *experiment);
                let table = Results::from_rows(rows.cloned().collect()).to_table();
                format!("{experiment}:\n{table}")
            })
            .collect();
        text.replacen(&self.to_table(), &tables.join("\n"), 1)
    }

    /// [`Results::print`] with [`Results::to_text_per_experiment`] as the text.
    pub fn print_per_experiment(&self, common: &Common) -> Result<()> {
        if common.json {
            println!("{}", self.to_json());
        } else {
            print!("{}", self.to_text_per_experiment());
        }
        if let Some(path) = &common.json_out {
            self.document().write(path)?;
        }
        Ok(())
    }
}

/// How a line naming a ceiling violation starts (the transcript check leaves
/// such lines out of its comparison: they come and go with the noise of a
/// small rerun; the committed sidecars are checked for them instead).
pub const BUG_PREFIX: &str = "Bug in this experiment:";

/// How a line naming a speedup above its ceiling in a run on a disturbed
/// machine starts (left out of the transcript comparison like [`BUG_PREFIX`]).
pub const DISTURBED_PREFIX: &str = "Above its ceiling on a disturbed machine:";

/// The widest line a lab prints, so that an output cell reads without
/// scrolling at the book's default width.
pub const WIDTH: usize = 100;

/// `text` broken at spaces into lines of at most [`WIDTH`] characters, the
/// lines after the first indented by two spaces (the transcript check drops
/// such a continuation together with the line it continues), each ending
/// with a newline.
pub fn wrapped(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.trim().is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// `159.3 ms`, or `159.3 ms (155.0–170.2)` for a row with several samples.
fn wall_cell(row: &Row) -> String {
    match &row.samples {
        Some(samples) if samples.len() > 1 => {
            let s = spread(samples);
            let formatted = format_duration(row.wall());
            let (median, unit) = split_unit(&formatted);
            let decimals = median.split_once('.').map_or(0, |(_, d)| d.len());
            let scale = match unit {
                "s" => 1.0,
                "ms" => 1e3,
                "µs" => 1e6,
                _ => 1e9,
            };
            format!(
                "{median} {unit} ({:.decimals$}–{:.decimals$})",
                s.min * scale,
                s.max * scale
            )
        }
        _ => format_duration(row.wall()),
    }
}

fn split_unit(text: &str) -> (&str, &str) {
    text.split_once(' ').unwrap_or((text, ""))
}

/// `1.97x`, or `1.97x (1.93–2.00)` for a paired speedup.
fn speedup_cell(row: &Row) -> String {
    match (row.speedup, row.speedup_min, row.speedup_max) {
        (Some(s), Some(low), Some(high)) => format!("{s:.2}x ({low:.2}–{high:.2})"),
        (Some(s), _, _) => format!("{s:.2}x"),
        _ => String::new(),
    }
}

/// The JSON document a lab prints with `--json` and writes with
/// `--json-out`: the machine and method facts, then the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The cores the operating system offered.
    pub cores: usize,
    /// How the rows were measured, for runs of [`crate::bench`].
    pub method: Option<Method>,
    /// The digest of the lab's sources the sidecar was made from (written
    /// by `xtask outputs`, see [`crate::transcript::source_digest`]).
    pub sources: Option<String>,
    pub rows: Vec<Row>,
}

#[derive(Serialize, Deserialize)]
struct DocumentJson {
    cores: usize,
    #[serde(default)]
    rounds: Option<usize>,
    #[serde(default)]
    steal: Option<f64>,
    #[serde(default)]
    calibration: Vec<Calibration>,
    #[serde(default)]
    sources: Option<String>,
    rows: Vec<Row>,
}

impl Document {
    /// The document as pretty-printed JSON, keys in a fixed order.
    pub fn to_json(&self) -> String {
        let mut map = Map::new();
        map.insert("cores".into(), self.cores.into());
        if let Some(method) = &self.method {
            map.insert("rounds".into(), method.rounds.into());
            let delivered = method.cores_delivered();
            map.insert("cores_delivered".into(), delivered.map(|d| d.median).into());
            map.insert(
                "cores_delivered_min".into(),
                delivered.map(|d| d.min).into(),
            );
            map.insert("steal".into(), method.steal.into());
            map.insert("disturbed".into(), method.disturbed().into());
            map.insert(
                "calibration".into(),
                serde_json::to_value(&method.calibrations).expect("numbers"),
            );
            map.insert("problems".into(), self.results().problems().into());
        }
        if let Some(sources) = &self.sources {
            map.insert("sources".into(), sources.clone().into());
        }
        map.insert(
            "rows".into(),
            serde_json::to_value(&self.rows).expect("rows are always serialisable"),
        );
        serde_json::to_string_pretty(&Value::Object(map)).expect("a JSON value")
    }

    /// Reads a document back (a sidecar, or what `--json` printed).
    pub fn from_json(text: &str) -> Result<Document> {
        let json: DocumentJson = serde_json::from_str(text)
            .context("expected a JSON document with \"cores\" and \"rows\"")?;
        let method = json.rounds.map(|rounds| Method {
            rounds,
            cores: json.cores,
            calibrations: json.calibration,
            steal: json.steal,
        });
        Ok(Document {
            cores: json.cores,
            method,
            sources: json.sources,
            rows: json.rows,
        })
    }

    /// Reads a document from a file.
    pub fn read(path: &Path) -> Result<Document> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Document::from_json(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Writes the document to a file.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = self.to_json();
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// The rows and method as [`Results`], to render them again.
    pub fn results(&self) -> Results {
        Results {
            rows: self.rows.clone(),
            method: self.method.clone(),
        }
    }

    /// Was the machine limited during the run (see [`Method::disturbed`])?
    pub fn disturbed(&self) -> bool {
        self.method.as_ref().is_some_and(Method::disturbed)
    }

    /// The row `variant` (of `experiment`, when given). Panics naming the
    /// row if there is none: for claims tests.
    pub fn row(&self, experiment: Option<&str>, variant: &str) -> &Row {
        self.rows
            .iter()
            .find(|r| r.variant == variant && experiment.is_none_or(|e| r.experiment == e))
            .unwrap_or_else(|| {
                let names: Vec<String> = self
                    .rows
                    .iter()
                    .map(|r| format!("{} / {}", r.experiment, r.variant))
                    .collect();
                panic!(
                    "no row {experiment:?} / {variant} (rows: {})",
                    names.join(", ")
                )
            })
    }
}

/// Checks that `rows` have the keys every lab promises; a helper for
/// readers of other labs' JSON (the `choosing` report).
pub fn rows_of(text: &str) -> Result<Vec<Value>> {
    let document: Value = serde_json::from_str(text).context("not JSON")?;
    match document.get("rows") {
        Some(Value::Array(rows)) => Ok(rows.clone()),
        _ => bail!("a JSON document without \"rows\""),
    }
}

fn format_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.3}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// Renders a pipe table with aligned columns. Numbers are right-aligned,
/// text is left-aligned. Usable for any table a lab prints, not only results.
pub fn table(header: &[impl AsRef<str>], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let header: Vec<String> = header.iter().map(|h| h.as_ref().to_string()).collect();
    let rows: Vec<Vec<String>> = rows.into_iter().collect();
    let columns = header.len();
    let width = |i: usize| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .chain(std::iter::once(&header[i]))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..columns).map(width).collect();
    let numeric = |cell: &str| is_number(cell);
    let line = |cells: &[String]| {
        let mut out = String::from("|");
        for (i, w) in widths.iter().enumerate() {
            let cell = cells.get(i).map_or("", String::as_str);
            if numeric(cell) && i > 0 {
                out.push_str(&format!(" {cell:>w$} |"));
            } else {
                out.push_str(&format!(" {cell:<w$} |"));
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&header);
    out.push('|');
    for w in &widths {
        out.push_str(&"-".repeat(w + 2));
        out.push('|');
    }
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
    }
    out
}

/// Is `cell` a number, possibly with a unit (`6.004 s`, `1.96x`, `42 %`)?
/// Such cells are right-aligned; text such as `2 threads` is not a number.
fn is_number(cell: &str) -> bool {
    let cell = without_range(cell);
    const UNITS: [&str; 11] = [
        " s", " ms", " µs", " ns", "x", " %", "%", " B", " KiB", " MiB", " GiB",
    ];
    let bare = UNITS
        .iter()
        .find_map(|unit| cell.strip_suffix(unit))
        .unwrap_or(cell);
    !bare.is_empty() && bare.replace(['_', ','], "").parse::<f64>().is_ok()
}

/// A cell without its bracketed range: `1.97x (1.93–2.00)` is `1.97x`.
/// (Only a bracket that holds a number, a dash and a number is a range.)
fn without_range(cell: &str) -> &str {
    if let Some((value, rest)) = cell.split_once(" (")
        && let Some(range) = rest.strip_suffix(')')
        && let Some((low, high)) = range.split_once('–')
        && low.parse::<f64>().is_ok()
        && high.parse::<f64>().is_ok()
    {
        value
    } else {
        cell
    }
}

/// A pipe table read back from text: its header and its rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The cell in `column` of the first row whose first cell is `key`... or
    /// whose `variant` cell is `key`, when the table has a `variant` column.
    pub fn cell(&self, key: &str, column: &str) -> Option<&str> {
        let col = self.header.iter().position(|h| h == column)?;
        let key_col = self.header.iter().position(|h| h == "variant").unwrap_or(0);
        let row = self
            .rows
            .iter()
            .find(|r| r.get(key_col).is_some_and(|c| c == key))?;
        row.get(col).map(String::as_str)
    }
}

/// Finds every pipe table in `text` (header line, `|---|` rule, rows).
pub fn read_tables(text: &str) -> Vec<Table> {
    let split = |line: &str| -> Vec<String> {
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        inner.split('|').map(|c| c.trim().to_string()).collect()
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut tables = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let is_rule = lines[i + 1].starts_with("|-");
        if lines[i].starts_with('|') && is_rule {
            let header = split(lines[i]);
            let mut rows = Vec::new();
            let mut j = i + 2;
            while j < lines.len() && lines[j].starts_with('|') {
                rows.push(split(lines[j]));
                j += 1;
            }
            tables.push(Table { header, rows });
            i = j;
        } else {
            i += 1;
        }
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::Ceiling;

    #[test]
    fn per_experiment_text_has_one_table_per_experiment_and_checks_as_a_rendering() {
        let mut results = Results::new();
        results
            .push("weather", "Rust", Duration::from_secs(6))
            .with("requests", 3);
        results.push("powersum", "Rust", Duration::from_millis(120));
        results.push("powersum", "CPython", Duration::from_secs(3));
        let text = results.to_text_per_experiment();
        let tables = read_tables(&text);
        assert_eq!(tables.len(), 2, "{text}");
        assert_eq!(tables[0].header, ["variant", "wall", "requests"]);
        assert_eq!(tables[1].header, ["variant", "wall"]);
        assert_eq!(tables[1].rows.len(), 2);
        assert!(text.contains("weather:\n| variant"), "{text}");
        assert!(text.contains("\n\npowersum:\n| variant"), "{text}");
        crate::transcript::check_rendering(&text, &results.document()).unwrap();
        // One experiment: the same as to_text.
        let one = Results::from_rows(results.rows()[1..].to_vec());
        assert_eq!(one.to_text_per_experiment(), one.to_text());
    }

    fn sample() -> Results {
        let mut results = Results::new();
        results.push("weather", "sequential", Duration::from_secs(6));
        results
            .push("weather", "5 threads", Duration::from_secs(2))
            .with("cities", 5);
        results.get_mut("weather", "sequential").unwrap().speedup = Some(1.0);
        results.get_mut("weather", "5 threads").unwrap().speedup = Some(3.0);
        results
    }

    #[test]
    fn json_rows_carry_the_required_keys() {
        let rows = rows_of(&sample().to_json()).unwrap();
        for row in &rows {
            for key in ["experiment", "variant", "wall_seconds", "speedup"] {
                assert!(row.get(key).is_some(), "{key} missing from {row}");
            }
        }
        assert_eq!(rows[1]["cities"], 5);
    }

    #[test]
    fn numbers_are_told_from_text() {
        for number in ["6.004 s", "12.3 µs", "1.96x", "42", "-120", "1,000", "3 %"] {
            assert!(is_number(number), "{number}");
        }
        for text in ["2 threads", "sequential", "10 waits on 10 threads", "", "x"] {
            assert!(!is_number(text), "{text}");
        }
    }

    #[test]
    fn tables_read_back_what_was_printed() {
        let text = format!("narration\n{}\nmore narration\n", sample().to_table());
        let tables = read_tables(&text);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!(t.header, ["variant", "wall", "speedup", "cities"]);
        assert_eq!(t.cell("5 threads", "wall"), Some("2.000 s"));
        assert_eq!(t.cell("sequential", "speedup"), Some("1.00x"));
        assert_eq!(t.cell("5 threads", "cities"), Some("5"));
        assert_eq!(t.cell("5 threads", "speedup"), Some("3.00x"));
        assert_eq!(t.cell("other", "wall"), None);
    }

    fn measured() -> Results {
        let mut results = Results::new();
        results.set_method(Method {
            rounds: 3,
            cores: 2,
            calibrations: vec![
                Calibration {
                    one_thread_seconds: 0.02,
                    all_threads_seconds: 0.0202,
                };
                3
            ],
            steal: Some(0.001),
        });
        results.push_samples(
            "sum",
            "1 thread",
            vec![1.0, 1.2, 1.1],
            Some(vec![1.0, 1.2, 1.1]),
        );
        results
            .push_samples(
                "sum",
                "2 threads",
                vec![0.51, 0.62, 0.55],
                Some(vec![1.0, 1.2, 1.1]),
            )
            .with("counted", 100);
        results
            .paired_speedup(
                "sum",
                "2 threads",
                "1 thread",
                &Ceiling::new(2.0, "two cores"),
            )
            .unwrap();
        results
    }

    #[test]
    fn rows_with_rounds_show_medians_spreads_and_paired_speedups() {
        let results = measured();
        let row = results.get("sum", "2 threads").unwrap();
        assert_eq!(row.wall_seconds, 0.55);
        // Per-round ratios 1/0.51, 1.2/0.62, 1.1/0.55: median 1.96, min 1.94, max 2.0.
        assert!((row.speedup.unwrap() - 1.0 / 0.51).abs() < 1e-12);
        assert!((row.speedup_min.unwrap() - 1.2 / 0.62).abs() < 1e-12);
        assert_eq!(row.speedup_max, Some(2.0));
        assert_eq!(row.baseline.as_deref(), Some("1 thread"));
        assert!((row.efficiency.unwrap() - 0.5 / 0.51).abs() < 1e-12);
        // cpu: the median of the per-round cpu ÷ wall ratios.
        assert!((row.cpu_utilisation.unwrap() - 1.0 / 0.51).abs() < 1e-12);
        let text = results.to_text();
        assert!(
            text.starts_with("Measured in 3 interleaved rounds on 2 cores"),
            "{text}"
        );
        assert!(
            text.contains("\nMachine: delivered 1.98 of 2 cores"),
            "{text}"
        );
        let tables = read_tables(&text);
        let (t, s) = (&tables[0], &tables[1]);
        assert_eq!(t.cell("1 thread", "wall"), Some("1.100 s (1.000–1.200)"));
        assert_eq!(t.cell("2 threads", "wall"), Some("550.0 ms (510.0–620.0)"));
        assert_eq!(s.cell("2 threads", "speedup"), Some("1.96x (1.94–2.00)"));
        assert_eq!(s.cell("2 threads", "over"), Some("1 thread"));
        assert_eq!(s.cell("2 threads", "ceiling"), Some("2.00x"));
        assert_eq!(s.cell("1 thread", "speedup"), None);
        for line in text.lines() {
            assert!(line.chars().count() <= WIDTH, "wider than {WIDTH}: {line}");
        }
        assert!(
            text.contains("ceiling 2.00x: two cores (tolerance 5 %)"),
            "{text}"
        );
        assert!(!text.contains(BUG_PREFIX));
        assert!(is_number("1.96x (1.94–2.00)") && is_number("550.0 ms (510.0–620.0)"));
    }

    #[test]
    fn long_lines_wrap_with_indented_continuations() {
        let text = format!("{BUG_PREFIX} {}", "word ".repeat(60));
        let wrapped_text = wrapped(text.trim());
        let lines: Vec<&str> = wrapped_text.lines().collect();
        assert!(lines.len() > 2, "{lines:?}");
        assert!(lines[0].starts_with(BUG_PREFIX));
        assert!(
            lines[1..]
                .iter()
                .all(|l| l.starts_with("  ") && !l.starts_with("   "))
        );
        assert!(lines.iter().all(|l| l.chars().count() <= WIDTH));
        assert_eq!(wrapped("short"), "short\n");
    }

    #[test]
    fn a_speedup_above_its_ceiling_is_called_a_bug() {
        let mut results = measured();
        results
            .paired_speedup(
                "sum",
                "2 threads",
                "1 thread",
                &Ceiling::one_at_a_time("one GIL"),
            )
            .unwrap();
        let problems = results.problems();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("sum / 2 threads, 1.96x, is above its ceiling 1.00x + 5 %"));
        assert!(results.to_text().contains(BUG_PREFIX));
        let json: Value = serde_json::from_str(&results.to_json()).unwrap();
        assert_eq!(json["problems"].as_array().unwrap().len(), 1);
        // On a disturbed machine it is not called a bug, but still shown.
        let mut disturbed = results.clone();
        let mut method = disturbed.method().unwrap().clone();
        for c in &mut method.calibrations {
            c.all_threads_seconds = 2.0 * c.one_thread_seconds;
        }
        disturbed.set_method(method);
        assert!(disturbed.problems().is_empty());
        let text = disturbed.to_text();
        assert!(
            !text.contains(BUG_PREFIX) && text.contains(DISTURBED_PREFIX),
            "{text}"
        );
        // Within the tolerance is noise, not a bug.
        let lenient = Ceiling::new(1.9, "noisy").with_tolerance(0.05);
        results
            .paired_speedup("sum", "2 threads", "1 thread", &lenient)
            .unwrap();
        assert!(results.problems().is_empty());
    }

    #[test]
    fn the_document_renders_back_to_the_same_text() {
        for results in [measured(), sample()] {
            let json = results.to_json();
            let back = Document::from_json(&json).unwrap();
            assert_eq!(back.rows, results.rows());
            assert_eq!(back.results().to_text(), results.to_text());
        }
        let json: Value = serde_json::from_str(&measured().to_json()).unwrap();
        for key in [
            "cores",
            "rounds",
            "cores_delivered",
            "cores_delivered_min",
            "steal",
            "disturbed",
            "calibration",
            "rows",
        ] {
            assert!(json.get(key).is_some(), "{key} missing");
        }
        assert_eq!(json["disturbed"], false);
        assert_eq!(json["rows"][1]["samples"].as_array().unwrap().len(), 3);
        // A run measured once says nothing about rounds.
        let once: Value = serde_json::from_str(&sample().to_json()).unwrap();
        assert!(once.get("rounds").is_none() && once["cores"].as_u64().unwrap() >= 1);
    }
}
