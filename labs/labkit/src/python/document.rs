//! What a twin prints: its JSON [`Document`] and the [`TwinRow`]s in it,
//! and the rows of several one-round runs put together.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::*;

/// One variant a twin measured: a sample per round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwinRow {
    pub experiment: String,
    pub variant: String,
    /// Wall seconds of each round, in round order.
    pub samples: Vec<f64>,
    /// CPU seconds of the whole process (all its threads) in each round.
    pub cpu_samples: Vec<f64>,
    /// When each round of this variant started, in seconds since the
    /// experiment began: shows the rounds were interleaved.
    pub started: Vec<f64>,
    /// The twin's own columns: a single value when the twin declared it with
    /// the variant, a list (one value per round) when the work reported it.
    #[serde(flatten)]
    pub columns: Map<String, Value>,
}

impl TwinRow {
    /// The wall time of each round.
    pub fn wall(&self) -> Vec<Duration> {
        self.samples
            .iter()
            .map(|s| Duration::from_secs_f64(*s))
            .collect()
    }

    /// The CPU time of each round.
    pub fn cpu(&self) -> Vec<Duration> {
        self.cpu_samples
            .iter()
            .map(|s| Duration::from_secs_f64(*s))
            .collect()
    }
}

/// The document a twin prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub interpreter: Facts,
    pub rounds: usize,
    pub scale: f64,
    pub rows: Vec<TwinRow>,
}

impl Document {
    /// Parses and checks a twin's output: every row has one sample per
    /// round, times are finite and not negative, and within each experiment
    /// the variants ran interleaved (round 1 of every variant, in order, then
    /// round 2, ...).
    pub fn parse(text: &str) -> Result<Document, String> {
        let document: Document = serde_json::from_str(text.trim()).map_err(|err| {
            let start: String = text.trim().chars().take(80).collect();
            format!("its output is not a twinkit document ({err}): {start:?}")
        })?;
        document.check()?;
        Ok(document)
    }

    fn check(&self) -> Result<(), String> {
        if self.rounds == 0 {
            return Err("it ran 0 rounds".into());
        }
        if self.rows.is_empty() {
            return Err("it measured no variant".into());
        }
        for row in &self.rows {
            let name = format!("{}/{}", row.experiment, row.variant);
            for (what, values) in [
                ("samples", &row.samples),
                ("cpu_samples", &row.cpu_samples),
                ("started", &row.started),
            ] {
                if values.len() != self.rounds {
                    return Err(format!(
                        "{name} has {} {what} for {} rounds",
                        values.len(),
                        self.rounds
                    ));
                }
                if let Some(bad) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                    return Err(format!("{name} has a {what} value of {bad}"));
                }
            }
        }
        for experiment in self.experiments() {
            let rows: Vec<&TwinRow> = self
                .rows
                .iter()
                .filter(|r| r.experiment == experiment)
                .collect();
            let order = (0..self.rounds).flat_map(|round| rows.iter().map(move |r| (round, *r)));
            let mut previous: Option<(f64, String)> = None;
            for (round, row) in order {
                let start = row.started[round];
                if let Some((before, what)) = &previous
                    && start < *before
                {
                    return Err(format!(
                        "{experiment}: round {} of {} started before {what}: \
                         the rounds were not interleaved",
                        round + 1,
                        row.variant
                    ));
                }
                previous = Some((start, format!("round {} of {}", round + 1, row.variant)));
            }
        }
        Ok(())
    }

    /// The experiments, in the order the twin ran them.
    pub fn experiments(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for row in &self.rows {
            if !seen.contains(&row.experiment.as_str()) {
                seen.push(row.experiment.as_str());
            }
        }
        seen
    }

    /// The row of one variant.
    pub fn row(&self, experiment: &str, variant: &str) -> Option<&TwinRow> {
        self.rows
            .iter()
            .find(|r| r.experiment == experiment && r.variant == variant)
    }
}

/// A twin's rows gathered from several runs of one round each: for a lab
/// that starts the twin once per round of its own [`crate::Bench`], so that
/// the CPython rounds interleave with the Rust ones (A B C, A B C, ...) and
/// share their machine checks. Each returned row has one sample per
/// document, in document order; a column the twin reports per round (a
/// list) is concatenated, a single-valued one is taken from the first
/// document. Fails if the documents do not all hold the same rows, one
/// round each.
pub(super) fn rows_over_rounds(documents: &[Document]) -> Result<Vec<TwinRow>, String> {
    let first = documents.first().ok_or("no document to gather rows from")?;
    let names = |document: &Document| -> Vec<(String, String)> {
        document
            .rows
            .iter()
            .map(|r| (r.experiment.clone(), r.variant.clone()))
            .collect()
    };
    let mut rows = first.rows.clone();
    for row in &mut rows {
        row.samples.clear();
        row.cpu_samples.clear();
        row.started.clear();
        for value in row.columns.values_mut() {
            if value.is_array() {
                *value = Value::Array(Vec::new());
            }
        }
    }
    for (index, document) in documents.iter().enumerate() {
        if document.rounds != 1 {
            return Err(format!(
                "run {} of the twin measured {} rounds, not 1",
                index + 1,
                document.rounds
            ));
        }
        if names(document) != names(first) {
            return Err(format!(
                "run {} of the twin measured other rows than the first",
                index + 1
            ));
        }
        for (into, from) in rows.iter_mut().zip(&document.rows) {
            into.samples.extend(&from.samples);
            into.cpu_samples.extend(&from.cpu_samples);
            into.started.extend(&from.started);
            for (key, value) in into.columns.iter_mut() {
                if let (Value::Array(all), Some(Value::Array(more))) =
                    (value, from.columns.get(key))
                {
                    all.extend(more.iter().cloned());
                }
            }
        }
    }
    Ok(rows)
}
