//! The machine check before each round: the calibration loop on one
//! thread and on every core ([`Calibration`]), steal time from `/proc/stat`,
//! and the [`Method`] facts a run reports.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::*;
use crate::results::Row;

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

pub(super) fn parse_steal(line: &str) -> Option<(u64, u64)> {
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
pub(super) fn steal_between(before: Option<(u64, u64)>, after: Option<(u64, u64)>) -> Option<f64> {
    let ((steal0, total0), (steal1, total1)) = (before?, after?);
    let total = total1.checked_sub(total0)?;
    Some(if total == 0 {
        0.0
    } else {
        steal1.saturating_sub(steal0) as f64 / total as f64
    })
}
