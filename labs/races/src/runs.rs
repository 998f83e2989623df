//! Distributions: one unstaged program run many times, each run a fresh
//! child process bounded by a watchdog, and the outcomes counted.
//!
//! The forced reproductions (barriers, turns) show *what* can go wrong,
//! every time. A race left to itself is a matter of luck, and the only
//! honest way to show luck is to roll the dice many times: a lab runs itself
//! with a hidden `once` subcommand, which does one run of one program and
//! prints one line ([`Once`]), and tallies what the runs printed. The
//! variants take turns run by run (A B C, A B C, ...), so a slow moment of
//! the machine hits them alike. Used by the `races` and `locks` labs.
//!
//! Not a listing: the book does not show this module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use serde::{Deserialize, Serialize};

/// What one run of a program printed: its outcome (a final balance, a
/// number of lost updates) and how long the work took inside the child
/// (not counting the process's start).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Once {
    pub outcome: i64,
    pub seconds: f64,
}

impl Once {
    /// Prints the line a `once` run ends with.
    pub fn print(&self) {
        println!(
            "{}",
            serde_json::to_string(self).expect("two numbers serialise")
        );
    }
}

/// The runs of one variant.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub variant: String,
    pub runs: Vec<Once>,
}

impl Tally {
    /// Outcome → how many runs ended with it.
    pub fn counts(&self) -> BTreeMap<i64, usize> {
        let mut counts = BTreeMap::new();
        for run in &self.runs {
            *counts.entry(run.outcome).or_default() += 1;
        }
        counts
    }

    /// How many runs ended with an outcome for which `pick` is true.
    pub fn count(&self, pick: impl Fn(i64) -> bool) -> usize {
        self.runs.iter().filter(|r| pick(r.outcome)).count()
    }

    pub fn outcomes(&self) -> Vec<i64> {
        self.runs.iter().map(|r| r.outcome).collect()
    }

    pub fn seconds(&self) -> Vec<f64> {
        self.runs.iter().map(|r| r.seconds).collect()
    }
}

/// Runs `exe` with each variant's arguments `runs` times, variant after
/// variant within each run, every run a child process killed if it has not
/// finished within `watchdog` (`labkit::process::runs_of`). A run that times
/// out or fails is an error naming the variant and the run: nothing these
/// programs do may hang.
pub fn run_children(
    exe: &Path,
    variants: &[(String, Vec<String>)],
    runs: u32,
    watchdog: Duration,
) -> Result<Vec<Tally>> {
    let tallies = labkit::process::runs_of::<Once>(exe, variants, runs, watchdog, &[0])?;
    Ok(variants
        .iter()
        .zip(tallies)
        .map(|((name, _), runs)| Tally {
            variant: name.clone(),
            runs,
        })
        .collect())
}

/// How long a watchdog lets one run take: generous, since a run does
/// milliseconds of work, and never below 5 s (a debug build on a busy
/// machine starts slowly).
pub fn watchdog(work: Duration) -> Duration {
    (work * 20).max(Duration::from_secs(5))
}

/// A table of outcomes: one row for every outcome in `possible` (so the
/// table has the same rows in every run, whatever luck did), plus any
/// outcome seen that is not in it, one column of run counts per tally.
pub fn histogram(what: &str, possible: &BTreeSet<i64>, tallies: &[Tally]) -> String {
    let mut keys = possible.clone();
    for tally in tallies {
        keys.extend(tally.outcomes());
    }
    let counts: Vec<BTreeMap<i64, usize>> = tallies.iter().map(Tally::counts).collect();
    let mut header = vec![what.to_string()];
    header.extend(tallies.iter().map(|t| t.variant.clone()));
    let rows = keys.iter().map(|key| {
        let mut row = vec![key.to_string()];
        row.extend(
            counts
                .iter()
                .map(|c| c.get(key).copied().unwrap_or(0).to_string()),
        );
        row
    });
    labkit::results::table(&header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(variant: &str, outcomes: &[i64]) -> Tally {
        Tally {
            variant: variant.into(),
            runs: outcomes
                .iter()
                .map(|&outcome| Once {
                    outcome,
                    seconds: 0.001,
                })
                .collect(),
        }
    }

    #[test]
    fn a_histogram_has_a_row_for_every_possible_outcome() {
        let racy = tally("racy", &[-120, -120, 0]);
        let fixed = tally("fixed", &[0, 10, 0]);
        let text = histogram(
            "balance",
            &BTreeSet::from([-120, 0, 10, 30]),
            &[racy, fixed],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[2..],
            [
                "| -120    |    2 |     0 |",
                "| 0       |    1 |     2 |",
                "| 10      |    0 |     1 |",
                "| 30      |    0 |     0 |",
            ],
            "{text}"
        );
    }

    #[test]
    fn counts_count() {
        let t = tally("x", &[3, 1, 3]);
        assert_eq!(t.counts(), BTreeMap::from([(1, 1), (3, 2)]));
        assert_eq!(t.count(|o| o > 1), 2);
    }

    #[test]
    fn a_child_that_hangs_is_killed_and_named() {
        let variants = vec![("sleeper".to_string(), vec!["5".to_string()])];
        let err =
            run_children(Path::new("sleep"), &variants, 1, Duration::from_millis(100)).unwrap_err();
        assert!(
            format!("{err:#}").contains("sleeper, run 1 of 1 did not finish"),
            "{err:#}"
        );
    }
}
