//! `philosophers`: the dining philosophers. Left fork first deadlocks (the
//! watchdog ends the run); lower-numbered fork first finishes, timed with
//! the method, with how long each philosopher waited for forks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use clap::ValueEnum;
use deadlock::philosophers::{self, ForkOrder, Table};
use deadlock::watchdog::{Watchdog, start_watchdog};
use labkit::Common;
use labkit::bench::Bench;
use labkit::timing::format_duration;
use parking_lot::Mutex;

use super::{WATCHDOG_PATIENCE, deadlock_exit, print_by_experiment};

/// How long a philosopher takes to reach for the second fork, and to eat.
pub const REACH: Duration = Duration::from_millis(2);
pub const EAT: Duration = Duration::from_millis(2);

/// The row the choosing report reads.
pub const LOWER_FIRST: &str = "lower-numbered fork first";

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum Forks {
    /// The left fork, then the right one (deadlocks).
    LeftThenRight,
    /// The lower-numbered fork first (the exercise's solution).
    LowerFirst,
}

pub fn run(common: &Common, seats: usize, rounds: u32, forks: Forks) -> Result<()> {
    let (reach, eat) = (common.scale.duration(REACH), common.scale.duration(EAT));
    let name = match forks {
        Forks::LeftThenRight => "left fork first",
        Forks::LowerFirst => LOWER_FIRST,
    };
    common.say(format!(
        "{seats} philosophers eat {rounds} times each, {name}."
    ));
    common.say(format!(
        "Reaching for the second fork takes {}, eating {}.",
        format_duration(reach),
        format_duration(eat)
    ));
    match forks {
        Forks::LeftThenRight => deadlocking(common, seats, rounds, reach, eat),
        Forks::LowerFirst => ordered(common, seats, rounds, reach, eat),
    }
}

/// The table the philosophers eat at now (a fresh one every round of the
/// measurement), and whether they are eating: between rounds the method
/// checks the machine, which is no reason for the watchdog to call for help.
struct AtTable {
    table: Mutex<Arc<Table>>,
    dining: AtomicBool,
    clock: Instant,
}

impl AtTable {
    fn new(table: Arc<Table>, dining: bool) -> Arc<AtTable> {
        Arc::new(AtTable {
            table: Mutex::new(table),
            dining: AtomicBool::new(dining),
            clock: Instant::now(),
        })
    }

    /// The watchdog's sign of life: the meals eaten at the table, or, while
    /// nobody is dining, the clock (which always moves).
    fn progress(&self) -> u64 {
        if self.dining.load(Ordering::SeqCst) {
            self.table
                .lock()
                .meals()
                .iter()
                .map(|&m| u64::from(m))
                .sum()
        } else {
            (1 << 63) | self.clock.elapsed().as_millis() as u64
        }
    }
}

/// A watchdog on the current table: if nobody eats for
/// [`WATCHDOG_PATIENCE`] while they dine, it reports where each philosopher
/// stands and ends the process. Any fork order runs under it (the reader's
/// own too).
fn watch(common: &Common, at: &Arc<AtTable>) -> Watchdog {
    let (watched, shown) = (Arc::clone(at), Arc::clone(at));
    let json = common.json;
    start_watchdog(
        WATCHDOG_PATIENCE,
        move || watched.progress(),
        move || {
            let table = Arc::clone(&shown.table.lock());
            let summary = format!(
                "nobody ate for {:.1} s; {}:",
                WATCHDOG_PATIENCE.as_secs_f64(),
                meals_so_far(&table.meals())
            );
            deadlock_exit(json, "watchdog", &summary, &[], &table.standings())
        },
    )
}

/// Left fork first: runs until the watchdog finds nobody eating any more.
fn deadlocking(
    common: &Common,
    seats: usize,
    rounds: u32,
    reach: Duration,
    eat: Duration,
) -> Result<()> {
    let table = Arc::new(Table::new(seats));
    let watchdog = watch(common, &AtTable::new(Arc::clone(&table), true));
    philosophers::dine(&table, rounds, philosophers::left_then_right, reach, eat);
    watchdog.finish();
    // Left to chance, every round can also go well: say so rather than fail.
    common.say(format!(
        "No deadlock this time: {}.",
        meals_so_far(&table.meals())
    ));
    Ok(())
}

/// Lower-numbered fork first: every round of every philosopher finishes.
fn ordered(
    common: &Common,
    seats: usize,
    rounds: u32,
    reach: Duration,
    eat: Duration,
) -> Result<()> {
    let order: ForkOrder = philosophers::lower_first;
    let at = AtTable::new(Arc::new(Table::new(seats)), false);
    let watchdog = watch(common, &at);
    let mut bench = Bench::new("philosophers", common);
    bench.variant(LOWER_FIRST, move || {
        let table = Arc::new(Table::new(seats));
        *at.table.lock() = Arc::clone(&table);
        at.dining.store(true, Ordering::SeqCst);
        philosophers::dine(&table, rounds, order, reach, eat);
        at.dining.store(false, Ordering::SeqCst);
        (table.meals(), table.waited())
    });
    let run = bench.run(|_, (meals, _): &(Vec<u32>, Vec<Duration>)| {
        ensure!(
            meals.iter().all(|&m| m == rounds),
            "not every philosopher ate {rounds} times: {meals:?}"
        );
        Ok(())
    })?;
    watchdog.finish();
    let mut results = run.results_with(|measured, row| {
        let (meals, _) = measured.median_value();
        // Counted by the philosophers, every round checked above.
        row.with("meals", meals.iter().map(|&m| u64::from(m)).sum::<u64>());
    });
    let measured = &run.measured[0];
    for seat in 0..seats {
        let waits = measured
            .values
            .iter()
            .map(|(_, waited)| waited[seat].as_secs_f64())
            .collect();
        results.push_samples(WAITING, &format!("philosopher {seat}"), waits, None);
    }
    print_by_experiment(&results, common)
}

/// The experiment of the rows that say how long each philosopher waited
/// for forks in all (the `wall` column is that wait).
pub const WAITING: &str = "time each philosopher spent waiting for forks (wall)";

/// The watchdog's words for the meals so far, seat by seat (the same shape
/// whoever had eaten what).
pub fn meals_so_far(meals: &[u32]) -> String {
    format!("meals so far, seat by seat: {meals:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_says_what_each_one_ate() {
        assert_eq!(
            meals_so_far(&[0; 3]),
            "meals so far, seat by seat: [0, 0, 0]"
        );
    }

    #[test]
    fn the_watchdog_sees_time_pass_between_rounds() {
        let at = AtTable::new(Arc::new(Table::new(2)), false);
        let before = at.progress();
        std::thread::sleep(Duration::from_millis(5));
        assert_ne!(at.progress(), before, "idle: the clock moves");
        at.dining.store(true, Ordering::SeqCst);
        assert_eq!(at.progress(), 0, "dining: the meals, none yet");
    }
}
