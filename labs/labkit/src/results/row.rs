//! One [`Row`]: a variant of an experiment, what it cost, and how tests
//! read its columns back.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
