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

use std::time::Duration;

use anyhow::{Context, Result};

use crate::bench::{Ceiling, Method, median, paired_speedups};
use crate::timing::Measurement;

mod document;
mod pipe;
mod row;
#[cfg(test)]
mod tests;
mod text;

pub use document::{Document, rows_of};
pub use pipe::{Table, read_tables, table};
pub use row::Row;
pub use text::{BUG_PREFIX, DISTURBED_PREFIX, WIDTH, wrapped};

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
}
