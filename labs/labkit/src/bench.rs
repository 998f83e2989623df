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

use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::cli::Common;
use crate::results::{Results, Row};
use crate::timing::{Measurement, measure};

mod machine;
use machine::steal_between;
mod stats;
#[cfg(test)]
mod tests;

pub use machine::{CALIBRATION_STEPS, Calibration, Method, calibrate, knead, read_steal};
pub use stats::{Ceiling, Spread, median, paired_speedups, spread};

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
