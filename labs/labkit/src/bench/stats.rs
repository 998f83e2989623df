//! The statistics of the method: medians, spreads, paired speedups, and
//! the [`Ceiling`] a speedup cannot physically beat.

use std::fmt;

use anyhow::{Result, ensure};

/// The median and the extremes of some samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// The median of `values` (the mean of the two middle ones for an even
/// count). Panics on an empty slice or a NaN: every caller has samples.
pub fn median(values: &[f64]) -> f64 {
    assert!(!values.is_empty(), "the median of no samples");
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.partial_cmp(b).expect("samples are numbers"));
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

/// Median, minimum and maximum of `values` (not empty).
pub fn spread(values: &[f64]) -> Spread {
    Spread {
        median: median(values),
        min: values.iter().copied().fold(f64::INFINITY, f64::min),
        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    }
}

/// The speedup of `contender` over `baseline` from paired samples: for each
/// round, the baseline's wall time divided by the contender's, then the
/// median and extremes of those ratios. Both slices hold one wall time per
/// round, in round order, measured in the same interleaved rounds.
pub fn paired_speedups(baseline: &[f64], contender: &[f64]) -> Result<Spread> {
    ensure!(
        !baseline.is_empty() && baseline.len() == contender.len(),
        "paired speedups need the same number of rounds on both sides ({} and {})",
        baseline.len(),
        contender.len()
    );
    ensure!(
        contender.iter().all(|&t| t > 0.0) && baseline.iter().all(|&t| t >= 0.0),
        "a speedup needs positive wall times"
    );
    let ratios: Vec<f64> = baseline
        .iter()
        .zip(contender)
        .map(|(base, other)| base / other)
        .collect();
    Ok(spread(&ratios))
}

/// The most a speedup can physically be, why, and how much noise above it
/// is tolerated before the experiment is called wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Ceiling {
    /// The ceiling, as a speedup (2.0 for two cores).
    pub value: f64,
    /// The formula, in words, as the output's legend shows it.
    pub rule: String,
    /// The fraction above `value` still taken as noise (0.05 = 5 %).
    pub tolerance: f64,
    /// Whether this ceiling is the machine's cores (so that a machine that
    /// delivered fewer cores explains a lower speedup).
    pub core_bound: bool,
}

impl Ceiling {
    /// The tolerance used unless an experiment states another.
    pub const DEFAULT_TOLERANCE: f64 = 0.05;

    /// A ceiling from a formula the experiment states, with the default tolerance.
    pub fn new(value: f64, rule: impl Into<String>) -> Ceiling {
        Ceiling {
            value,
            rule: rule.into(),
            tolerance: Ceiling::DEFAULT_TOLERANCE,
            core_bound: false,
        }
    }

    /// CPU-bound work spread over `workers` threads or processes: at most
    /// min(workers, cores) times faster than one.
    pub fn cores(workers: usize) -> Ceiling {
        let cores = crate::os::cores();
        let value = workers.min(cores).max(1);
        Ceiling {
            core_bound: true,
            ..Ceiling::new(
                value as f64,
                format!("min({workers} workers, {cores} cores): CPU-bound work"),
            )
        }
    }

    /// Threads that must take turns (under a GIL, behind one lock): one at a time.
    pub fn one_at_a_time(why: impl Into<String>) -> Ceiling {
        Ceiling::new(1.0, why)
    }

    /// The same ceiling with another tolerance.
    pub fn with_tolerance(mut self, tolerance: f64) -> Ceiling {
        self.tolerance = tolerance;
        self
    }

    /// The highest median speedup still taken as noise.
    pub fn limit(&self) -> f64 {
        self.value * (1.0 + self.tolerance)
    }
}

impl fmt::Display for Spread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} ({:.2}–{:.2})", self.median, self.min, self.max)
    }
}
