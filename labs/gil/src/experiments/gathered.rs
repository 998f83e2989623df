//! The rows of a side-by-side run (`twins.rs`), gathered: each Rust
//! variant as the bench measured it and each twin's rows as the twin
//! measured itself, every round's samples and columns together, ready to
//! become rows of the lab's results.

use labkit::Results;
use labkit::bench::Run;
use labkit::python::Document;
use serde_json::{Map, Value};

use super::twins::{Interpreter, Outcome};

/// One row of a side-by-side run, its rounds gathered: a Rust variant as
/// the bench measured it, or a twin's row as the twin measured itself.
#[derive(Debug, Clone)]
pub struct Gathered {
    /// `countdown: CPython 3.11.7` for a twin (its experiment, then the
    /// interpreter's label); the experiment given for a Rust variant.
    pub experiment: String,
    pub variant: String,
    pub samples: Vec<f64>,
    pub cpu_samples: Vec<f64>,
    /// Each column reported, one value per round (a column a twin declared
    /// once is repeated).
    pub columns: Map<String, Value>,
}

impl Gathered {
    /// Adds the row to `results`, and returns it to add columns to.
    pub fn push<'r>(&self, results: &'r mut Results) -> &'r mut labkit::Row {
        results.push_samples(
            &self.experiment,
            &self.variant,
            self.samples.clone(),
            Some(self.cpu_samples.clone()),
        )
    }

    /// Appends one round's columns: a list (what a twin reports per round)
    /// is appended value by value, a single value (a twin's declared column,
    /// or a Rust variant's) as one.
    fn add_round(&mut self, columns: &Map<String, Value>) {
        for (key, value) in columns {
            let column = self
                .columns
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(values) = column {
                match value {
                    Value::Array(per_round) => values.extend(per_round.iter().cloned()),
                    single => values.push(single.clone()),
                }
            }
        }
    }

    /// The values of a column, one per round.
    pub fn values(&self, column: &str) -> &[Value] {
        match self.columns.get(column) {
            Some(Value::Array(values)) => values,
            _ => &[],
        }
    }

    /// The round whose wall time is the median one (the lower middle one
    /// for an even number of rounds).
    pub fn median_round(&self) -> usize {
        let mut order: Vec<usize> = (0..self.samples.len()).collect();
        order.sort_by(|&a, &b| self.samples[a].total_cmp(&self.samples[b]));
        order
            .get(self.samples.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or(0)
    }

    /// The numbers of a column, one per round.
    pub fn numbers(&self, column: &str) -> Vec<f64> {
        match self.columns.get(column) {
            Some(Value::Array(values)) => values.iter().filter_map(Value::as_f64).collect(),
            _ => Vec::new(),
        }
    }
}

/// The rows of a finished side-by-side run, in the order the variants were
/// added: the Rust variants (named `experiment|variant`) and each twin's
/// rows (variants named `twin@interpreter`).
pub fn gather(run: &Run<Outcome>, interpreters: &[Interpreter]) -> Vec<Gathered> {
    let mut gathered = Vec::new();
    for measured in &run.measured {
        if let Some((experiment, variant)) = measured.variant.split_once('|') {
            let mut rounds = Gathered {
                experiment: experiment.to_string(),
                variant: variant.to_string(),
                samples: measured.walls(),
                cpu_samples: measured
                    .samples
                    .iter()
                    .map(|m| m.cpu.as_secs_f64())
                    .collect(),
                columns: Map::new(),
            };
            for value in &measured.values {
                if let Outcome::Rust(Ok(columns)) = value {
                    rounds.add_round(columns);
                }
            }
            gathered.push(rounds);
            continue;
        }
        let Some((_, name)) = measured.variant.split_once('@') else {
            continue;
        };
        let label = interpreters
            .iter()
            .find(|i| i.name == name)
            .map_or_else(|| name.to_string(), Interpreter::label);
        let documents: Vec<&Document> = measured
            .values
            .iter()
            .filter_map(Outcome::document)
            .collect();
        let Some(first) = documents.first() else {
            continue;
        };
        for (index, row) in first.rows.iter().enumerate() {
            let mut rounds = Gathered {
                experiment: format!("{}: {label}", row.experiment),
                variant: row.variant.clone(),
                samples: Vec::new(),
                cpu_samples: Vec::new(),
                columns: Map::new(),
            };
            for document in &documents {
                let Some(round) = document.rows.get(index) else {
                    continue;
                };
                rounds.samples.extend(&round.samples);
                rounds.cpu_samples.extend(&round.cpu_samples);
                rounds.add_round(&round.columns);
            }
            gathered.push(rounds);
        }
    }
    gathered
}

/// A Results with `run`'s method and no rows yet.
pub fn results_of(run: &Run<Outcome>) -> Results {
    let mut results = Results::new();
    results.set_method(run.method.clone());
    results
}
