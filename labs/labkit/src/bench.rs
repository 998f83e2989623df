//! The measurement method every timed experiment uses: interleaved rounds,
//! medians with their spread, paired speedups, physical ceilings, and a
//! check of the machine itself.
//!
//! # Why a method
//!
//! The labs run on laptops, CI runners and virtual machines whose cores are
//! shared with other programs, or with other guests of the same host. One run
//! of a CPU-bound experiment on such a machine can lose half a core for
//! seconds without the program doing anything differently. A single
//! measurement, or the fastest of three, then says more about the machine
//! than about the program. So:
//!
//! - **Interleaved rounds.** The variants of an experiment (A, B, C) run in
//!   rounds, A B C, A B C, ... (`--rounds N`, default 5): a slow stretch of the
//!   machine slows every variant of the round it falls in, not one variant.
//! - **Medians and spreads.** Each variant's row shows the median of its
//!   per-round wall times, with the fastest and the slowest round in brackets
//!   (`1.396 s (1.380–1.420)`); the JSON row carries every sample.
//! - **Paired speedups.** A speedup is computed round by round, from the two
//!   runs of the same round (which shared the machine's mood), and the row
//!   shows the median of those ratios with their min–max
//!   (`1.97x (1.93–2.00)`), see [`paired_speedups`].
//! - **Ceilings.** Every speedup states the most it can physically be
//!   ([`Ceiling`]: the cores for CPU-bound work, 1.0 for threads under a GIL,
//!   the largest share of the work for uneven jobs...), with a tolerance for
//!   noise, and its `efficiency` (speedup ÷ ceiling). A median speedup above
//!   ceiling × (1 + tolerance) is a bug in the experiment (an unfair baseline,
//!   work skipped, a wrong ceiling): the output says so, and the transcripts
//!   test fails on a committed one. (Not on a disturbed machine: a program
//!   that competes with others for too few cores gets a share that depends
//!   on how many threads it runs, so such a run cannot test a ceiling; the
//!   output says that instead.)
//! - **The machine measured too.** Before every round, a fixed register-only
//!   loop ([`calibrate`]) runs on one thread, then on one thread per core;
//!   `cores × t_one / t_all` is the number of cores the machine actually
//!   delivered then. The output's first lines say how the run was measured
//!   (rounds, cores, cores delivered, steal time from `/proc/stat` where it
//!   exists), and when the machine delivered less than 90 % of its cores they
//!   say in words that the machine, not the program, limited the run, and
//!   the JSON says `"disturbed": true`.
//!
//! # Converting an experiment
//!
//! Register each variant as a closure that does the work once and returns
//! its value; run the rounds with a check of every value; turn the run into
//! rows; state each speedup's baseline and ceiling; print.
//!
//! ```
//! use labkit::bench::{Bench, Ceiling};
//! # fn main() -> anyhow::Result<()> {
//! # let common = labkit::Common { rounds: 2, ..labkit::Common::default() };
//! let n = 1_000_000u64;
//! let work = |parts: u64| -> u64 {
//!     std::thread::scope(|s| {
//!         let handles: Vec<_> = (0..parts)
//!             .map(|_| s.spawn(move || (0..n / parts).fold(0u64, |a, i| a ^ i.rotate_left(7))))
//!             .collect();
//!         handles.into_iter().map(|h| { h.join().unwrap(); n / parts }).sum()
//!     })
//! };
//! let mut bench = Bench::new("sum", &common);
//! bench.variant("1 thread", || work(1));
//! bench.variant("2 threads", || work(2));
//! // Every value of every round is checked: a wrong one is an error, not a row.
//! let run = bench.run(|variant, counted: &u64| {
//!     anyhow::ensure!(*counted == n, "{variant} counted {counted} of {n}");
//!     Ok(())
//! })?;
//! let mut results = run.results_with(|measured, row| {
//!     row.with("counted", *measured.median_value());
//! });
//! results.paired_speedup("sum", "2 threads", "1 thread", &Ceiling::cores(2))?;
//! results.print(&common)?;
//! # Ok(())
//! # }
//! ```
//!
//! Rows from another source (a Python twin's per-round samples, measured in
//! interleaved rounds by `twinkit.py`) go in with
//! [`Results::push_samples`](crate::Results::push_samples) and get the same
//! statistics and speedups.
//!
//! # Why no statistics crate
//!
//! The statistics here are a median and a minimum and maximum over at most a
//! hundred samples: a sort and three lookups. The well-kept crates that do
//! statistics (`statrs`, `criterion`'s internals) bring much more than that
//! (distributions, linear algebra, plotting) and their own idea of what a
//! benchmark is; borrowing them would add compile time to every lab for ten
//! lines of arithmetic. What matters here is the *design* (interleaving,
//! pairing, ceilings, the machine check), which no crate provides.

use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use serde::{Deserialize, Serialize};

use crate::cli::Common;
use crate::results::{Results, Row};
use crate::timing::{Measurement, measure};

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

/// One machine check: the same fixed loop on one thread, then on one thread
/// per core, at the start of a round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Wall seconds of the loop on one thread.
    pub one_thread_seconds: f64,
    /// Wall seconds of the same loop on each of `cores` threads at once.
    pub all_threads_seconds: f64,
}

impl Calibration {
    /// How many cores the machine delivered: `cores × t_one / t_all`.
    pub fn cores_delivered(&self, cores: usize) -> f64 {
        if self.all_threads_seconds > 0.0 {
            cores as f64 * self.one_thread_seconds / self.all_threads_seconds
        } else {
            0.0
        }
    }
}

/// How a run was measured, and what the machine delivered meanwhile.
#[derive(Debug, Clone, PartialEq)]
pub struct Method {
    /// Interleaved rounds.
    pub rounds: usize,
    /// The cores the operating system offers this process.
    pub cores: usize,
    /// One machine check per round, in round order.
    pub calibrations: Vec<Calibration>,
    /// The fraction of all CPU time stolen by the hypervisor during the
    /// run (`/proc/stat`), where the system reports it.
    pub steal: Option<f64>,
}

impl Method {
    /// A run that delivered less than this fraction of its cores was
    /// limited by the machine.
    pub const DISTURBED_BELOW: f64 = 0.9;

    /// Cores delivered, per calibration: median and extremes.
    pub fn cores_delivered(&self) -> Option<Spread> {
        let delivered: Vec<f64> = self
            .calibrations
            .iter()
            .map(|c| c.cores_delivered(self.cores))
            .collect();
        (!delivered.is_empty()).then(|| spread(&delivered))
    }

    /// Did the machine deliver less than 90 % of its cores (median)?
    pub fn disturbed(&self) -> bool {
        self.cores > 1
            && self
                .cores_delivered()
                .is_some_and(|d| d.median < Method::DISTURBED_BELOW * self.cores as f64)
    }

    /// The lines an output starts with. The second always starts with
    /// `Machine:` (the transcript check masks that line whole, since what
    /// the machine did differs from run to run).
    pub fn describe(&self, rows: &[Row]) -> Vec<String> {
        let rounds = self.rounds;
        let mut lines = vec![format!(
            "Measured in {rounds} interleaved round{} on {} core{}: medians, fastest–slowest round in brackets.",
            if rounds == 1 { "" } else { "s" },
            self.cores,
            if self.cores == 1 { "" } else { "s" },
        )];
        let steal = match self.steal {
            Some(steal) => format!("steal {:.1} %", steal * 100.0),
            None => "steal not reported".to_string(),
        };
        let Some(delivered) = self.cores_delivered() else {
            lines.push(format!("{MACHINE} not checked; {steal}."));
            return lines;
        };
        let checks = self.calibrations.len();
        if self.disturbed() {
            // Several short lines, each starting with the prefix, so that an
            // output cell stays narrow (the transcript check folds them into one).
            lines.push(format!(
                "{MACHINE} your machine gave this run {:.2} of its {} cores (lowest {:.2} of {checks} checks; {steal}),",
                delivered.median, self.cores, delivered.min
            ));
            let core_bound = rows.iter().any(|row| row.ceiling_core_bound == Some(true));
            lines.push(if core_bound {
                format!("{MACHINE} so the machine, not the program, limited the speedups.")
            } else {
                // Waiting needs no cores: too few of them slow a run down
                // only by the little computing it does.
                format!("{MACHINE} no speedup here needs the cores, so waiting runs are hardly affected.")
            });
            for row in rows
                .iter()
                .filter(|row| row.ceiling_core_bound == Some(true))
            {
                if let Some(speedup) = row.speedup {
                    lines.push(format!(
                        "{MACHINE} {} reached {:.2} of the cores delivered ({speedup:.2}x).",
                        row.variant,
                        speedup / delivered.median
                    ));
                }
            }
        } else {
            lines.push(format!(
                "{MACHINE} delivered {:.2} of {} cores (lowest {:.2} of {checks} checks); {steal}.",
                delivered.median, self.cores, delivered.min
            ));
        }
        lines
    }
}

/// How every line about what the machine delivered starts.
const MACHINE: &str = crate::transcript::MACHINE_PREFIX;

impl fmt::Display for Spread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} ({:.2}–{:.2})", self.median, self.min, self.max)
    }
}

/// Steps of the calibration loop: about 20 ms on one core of a 3 GHz machine.
pub const CALIBRATION_STEPS: u64 = 10_000_000;

// Kept on purpose (CONTRIBUTING.md, "Duplicates kept on purpose"): the parallelism
// lab's bakery kneads with this loop too (labs/parallelism/src/bakery.rs), inside
// the listing the book shows: the reader sees the work there, and labkit cannot
// depend on a lab.
/// The calibration loop: a chain of register-only arithmetic (xor, multiply,
/// rotate), each step depending on the last, so that nothing can be skipped,
/// vectorised or sped up by the memory system. Returns the final state.
pub fn knead(steps: u64) -> u64 {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for step in 0..steps {
        state = (state ^ step)
            .wrapping_mul(0x2545_F491_4F6C_DD1D)
            .rotate_left(17);
    }
    state
}

/// Runs [`knead`]`(steps)` on one thread, then on `cores` threads at once,
/// and times both (each on threads spawned for it, so both pay the same
/// start-up).
pub fn calibrate(cores: usize, steps: u64) -> Calibration {
    let time_on = |threads: usize| {
        let start = Instant::now();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| scope.spawn(move || std::hint::black_box(knead(steps))))
                .collect();
            for worker in workers {
                let _ = worker.join();
            }
        });
        start.elapsed().as_secs_f64()
    };
    Calibration {
        one_thread_seconds: time_on(1),
        all_threads_seconds: time_on(cores.max(1)),
    }
}

/// The CPU time counters of `/proc/stat`'s first line: (steal, total), in ticks.
pub fn read_steal() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    parse_steal(text.lines().next()?)
}

fn parse_steal(line: &str) -> Option<(u64, u64)> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    // user nice system idle iowait irq softirq steal guest guest_nice;
    // guest time is already counted in user time, so it is left out of the total.
    let numbers: Vec<u64> = fields.map(|f| f.parse().ok()).collect::<Option<_>>()?;
    let steal = *numbers.get(7)?;
    let total = numbers.iter().take(8).sum();
    Some((steal, total))
}

/// The steal fraction between two `/proc/stat` readings.
fn steal_between(before: Option<(u64, u64)>, after: Option<(u64, u64)>) -> Option<f64> {
    let ((steal0, total0), (steal1, total1)) = (before?, after?);
    let total = total1.checked_sub(total0)?;
    Some(if total == 0 {
        0.0
    } else {
        steal1.saturating_sub(steal0) as f64 / total as f64
    })
}

type Work<'a, T> = Box<dyn FnMut() -> T + 'a>;

/// The variants of one experiment, to be run in interleaved rounds.
pub struct Bench<'a, T> {
    experiment: String,
    rounds: usize,
    cores: usize,
    variants: Vec<(String, Work<'a, T>)>,
    calibrate: Box<dyn FnMut(usize) -> Calibration + 'a>,
}

impl<'a, T> Bench<'a, T> {
    /// An experiment run with the command line's `--rounds`.
    pub fn new(experiment: &str, common: &Common) -> Bench<'a, T> {
        Bench::with_rounds(experiment, common.rounds as usize)
    }

    /// An experiment run in `rounds` rounds (at least one).
    pub fn with_rounds(experiment: &str, rounds: usize) -> Bench<'a, T> {
        Bench {
            experiment: experiment.to_string(),
            rounds: rounds.max(1),
            cores: crate::os::cores(),
            variants: Vec::new(),
            calibrate: Box::new(|cores| calibrate(cores, CALIBRATION_STEPS)),
        }
    }

    /// Adds a variant: `work` does the experiment's work once and returns
    /// its value (checked every round by [`Bench::run`]'s check). Variants
    /// run in the order they were added, once per round.
    pub fn variant(&mut self, name: &str, work: impl FnMut() -> T + 'a) -> &mut Bench<'a, T> {
        self.variants.push((name.to_string(), Box::new(work)));
        self
    }

    /// Replaces the machine check (tests feed it fixed numbers).
    pub fn calibrate_with(
        &mut self,
        calibrate: impl FnMut(usize) -> Calibration + 'a,
    ) -> &mut Bench<'a, T> {
        self.calibrate = Box::new(calibrate);
        self
    }

    /// Runs every round: a machine check, then each variant once, in order.
    /// `check(variant, value)` is called on every value of every round; an
    /// `Err` stops the run and becomes the lab's error, naming the variant
    /// and the round.
    pub fn run(mut self, check: impl Fn(&str, &T) -> Result<()>) -> Result<Run<T>> {
        if self.variants.is_empty() {
            bail!("{}: no variant to measure", self.experiment);
        }
        let mut measured: Vec<Measured<T>> = self
            .variants
            .iter()
            .map(|(name, _)| Measured {
                variant: name.clone(),
                samples: Vec::with_capacity(self.rounds),
                values: Vec::with_capacity(self.rounds),
            })
            .collect();
        let mut calibrations = Vec::with_capacity(self.rounds);
        let steal_before = read_steal();
        for round in 0..self.rounds {
            calibrations.push((self.calibrate)(self.cores));
            for ((name, work), into) in self.variants.iter_mut().zip(&mut measured) {
                let (value, cost) = measure(&mut *work);
                check(name, &value).with_context(|| {
                    format!(
                        "{}, {name}, round {} of {}",
                        self.experiment,
                        round + 1,
                        self.rounds
                    )
                })?;
                into.samples.push(cost);
                into.values.push(value);
            }
        }
        let steal = steal_between(steal_before, read_steal());
        Ok(Run {
            experiment: self.experiment,
            method: Method {
                rounds: self.rounds,
                cores: self.cores,
                calibrations,
                steal,
            },
            measured,
        })
    }
}

/// One variant's rounds: what each cost and what each returned.
#[derive(Debug, Clone)]
pub struct Measured<T> {
    pub variant: String,
    /// Wall and CPU time, one per round.
    pub samples: Vec<Measurement>,
    /// The work's value, one per round.
    pub values: Vec<T>,
}

impl<T> Measured<T> {
    /// Wall seconds per round.
    pub fn walls(&self) -> Vec<f64> {
        self.samples.iter().map(|m| m.wall.as_secs_f64()).collect()
    }

    /// The round whose wall time is the median one (the lower of the two
    /// middle rounds for an even count): the round to draw a timeline from.
    pub fn median_round(&self) -> usize {
        let mut order: Vec<usize> = (0..self.samples.len()).collect();
        order.sort_by_key(|&i| self.samples[i].wall);
        order[(order.len() - 1) / 2]
    }

    /// The value of the median round.
    pub fn median_value(&self) -> &T {
        &self.values[self.median_round()]
    }

    /// The median wall time.
    pub fn median_wall(&self) -> Duration {
        Duration::from_secs_f64(median(&self.walls()))
    }
}

/// What [`Bench::run`] measured.
#[derive(Debug, Clone)]
pub struct Run<T> {
    pub experiment: String,
    pub method: Method,
    /// One entry per variant, in the order they were added.
    pub measured: Vec<Measured<T>>,
}

impl<T> Run<T> {
    /// The rounds of `variant`.
    pub fn get(&self, variant: &str) -> Option<&Measured<T>> {
        self.measured.iter().find(|m| m.variant == variant)
    }

    /// One row per variant (median wall, samples, cpu), with the method.
    pub fn results(&self) -> Results {
        self.results_with(|_, _| {})
    }

    /// Like [`Run::results`], letting `columns` add each row's own columns
    /// from its variant's values.
    pub fn results_with(&self, mut columns: impl FnMut(&Measured<T>, &mut Row)) -> Results {
        let mut results = Results::new();
        results.set_method(self.method.clone());
        for measured in &self.measured {
            let cpus = measured
                .samples
                .iter()
                .map(|m| m.cpu.as_secs_f64())
                .collect();
            let row = results.push_samples(
                &self.experiment,
                &measured.variant,
                measured.walls(),
                Some(cpus),
            );
            columns(measured, row);
        }
        results
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn medians_and_spreads_of_fixed_samples() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
        let s = spread(&[0.5, 0.2, 0.9, 0.4, 0.3]);
        assert_eq!((s.median, s.min, s.max), (0.4, 0.2, 0.9));
    }

    #[test]
    fn speedups_pair_rounds_rather_than_medians() {
        // Round 2 was slow for both variants: paired, it still reads 2x.
        let one = [1.0, 3.0, 1.1];
        let two = [0.5, 1.5, 0.55];
        let s = paired_speedups(&one, &two).unwrap();
        assert!((s.median - 2.0).abs() < 1e-12 && (s.min - 2.0).abs() < 1e-12);
        // Unpaired medians would have said 1.1 / 0.55 = 2.0 too, but here they differ:
        let s = paired_speedups(&[1.0, 2.0, 4.0], &[1.0, 0.5, 4.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (1.0, 1.0, 4.0));
        assert!(paired_speedups(&[1.0], &[1.0, 2.0]).is_err());
        assert!(paired_speedups(&[], &[]).is_err());
        assert!(paired_speedups(&[1.0], &[0.0]).is_err());
    }

    fn fixed(one: f64, all: f64) -> Calibration {
        Calibration {
            one_thread_seconds: one,
            all_threads_seconds: all,
        }
    }

    #[test]
    fn variants_run_interleaved_round_by_round() {
        let order = RefCell::new(Vec::new());
        let mut bench = Bench::with_rounds("order", 3);
        bench.calibrate_with(|_| {
            order.borrow_mut().push("calibrate");
            fixed(1.0, 1.0)
        });
        for name in ["A", "B", "C"] {
            let order = &order;
            bench.variant(name, move || {
                order.borrow_mut().push(name);
                name.len()
            });
        }
        let run = bench.run(|_, len| {
            ensure!(*len == 1);
            Ok(())
        });
        let run = run.unwrap();
        let expected = ["calibrate", "A", "B", "C"].repeat(3);
        assert_eq!(*order.borrow(), expected);
        assert_eq!(run.measured.len(), 3);
        assert!(run.measured.iter().all(|m| m.samples.len() == 3));
        assert_eq!(run.method.calibrations.len(), 3);
    }

    #[test]
    fn a_wrong_value_is_an_error_naming_variant_and_round() {
        let mut calls = 0;
        let mut bench = Bench::with_rounds("count", 4);
        bench.calibrate_with(|_| fixed(1.0, 1.0));
        bench.variant("flaky", || {
            calls += 1;
            calls
        });
        let err = bench
            .run(|variant, value| {
                ensure!(*value < 3, "{variant} counted {value}");
                Ok(())
            })
            .unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("count, flaky, round 3 of 4"), "{message}");
        assert!(message.contains("flaky counted 3"), "{message}");
    }

    #[test]
    fn a_machine_that_gives_too_few_cores_is_called_disturbed() {
        let method = |pairs: &[(f64, f64)]| Method {
            rounds: pairs.len(),
            cores: 2,
            calibrations: pairs.iter().map(|&(o, a)| fixed(o, a)).collect(),
            steal: Some(0.0),
        };
        // 2 × 0.020 / 0.0202 ≈ 1.98 cores: fine.
        let quiet = method(&[(0.020, 0.0202), (0.020, 0.0205), (0.020, 0.036)]);
        assert!(!quiet.disturbed());
        let d = quiet.cores_delivered().unwrap();
        assert!((d.median - 1.951).abs() < 0.01 && (d.min - 1.111).abs() < 0.01);
        assert!(quiet.describe(&[])[1].starts_with("Machine: delivered 1.95 of 2 cores"));
        // A host that took a core away most of the time: 1.1 cores.
        let busy = method(&[(0.020, 0.0364), (0.020, 0.0364), (0.020, 0.0202)]);
        assert!(busy.disturbed());
        let mut row = Row::new("x", "2 threads", 0.1);
        row.speedup = Some(1.08);
        row.ceiling_core_bound = Some(true);
        let lines = busy.describe(&[row]);
        assert!(
            lines[1..].iter().all(|l| l.starts_with("Machine: ")),
            "{lines:?}"
        );
        let line = lines[1..].join(" ");
        assert!(
            line.contains("your machine gave this run 1.10 of its 2 cores"),
            "{line}"
        );
        assert!(
            line.contains("2 threads reached 0.98 of the cores delivered (1.08x)"),
            "{line}"
        );
        let waiting = busy.describe(&[Row::new("x", "5 threads", 0.1)]).join(" ");
        assert!(
            waiting.contains("no speedup here needs the cores"),
            "{waiting}"
        );
        assert!(!waiting.contains("limited the speedups"), "{waiting}");
        // One core is never disturbed: there is nothing to share.
        let single = Method { cores: 1, ..busy };
        assert!(!single.disturbed());
    }

    #[test]
    fn steal_is_read_from_the_cpu_line() {
        let line = "cpu  23768 4818 16493 107428 898 0 87 19 5 0";
        assert_eq!(
            parse_steal(line),
            Some((19, 23768 + 4818 + 16493 + 107428 + 898 + 87 + 19))
        );
        assert_eq!(parse_steal("cpu0 1 2 3 4 5 6 7 8"), None);
        assert_eq!(parse_steal("cpu 1 2"), None);
        let fraction = steal_between(Some((10, 1000)), Some((20, 1100))).unwrap();
        assert!((fraction - 0.1).abs() < 1e-12);
        assert_eq!(steal_between(None, Some((1, 2))), None);
    }

    #[test]
    fn ceilings_have_a_tolerance() {
        let c = Ceiling::new(1.618, "fib(n+1) is 62 % of the work").with_tolerance(0.1);
        assert!((c.limit() - 1.7798).abs() < 1e-9);
        assert!(Ceiling::cores(64).value <= crate::os::cores() as f64);
        assert_eq!(Ceiling::cores(1).value, 1.0);
    }
}
