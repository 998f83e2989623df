//! `philosophers`: the dining philosophers. Left fork first deadlocks (the
//! watchdog ends the run); lower-numbered fork first finishes, timed with
//! the method, with how long each philosopher waited for forks.

use std::sync::Arc;
use std::time::Duration;

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

/// The table the philosophers eat at now (a fresh one every round).
type Current = Arc<Mutex<Arc<Table>>>;

/// A watchdog on the current table: if nobody eats for
/// [`WATCHDOG_PATIENCE`], it reports where each philosopher stands and ends
/// the process. Any fork order runs under it (the reader's own too).
fn watch(common: &Common, current: &Current) -> Watchdog {
    let (watched, shown) = (Arc::clone(current), Arc::clone(current));
    let json = common.json;
    start_watchdog(
        WATCHDOG_PATIENCE,
        move || watched.lock().meals().iter().map(|&m| u64::from(m)).sum(),
        move || {
            let table = Arc::clone(&shown.lock());
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
    let current = Arc::new(Mutex::new(Arc::clone(&table)));
    let watchdog = watch(common, &current);
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
    let current: Current = Arc::new(Mutex::new(Arc::new(Table::new(seats))));
    let watchdog = watch(common, &current);
    let mut bench = Bench::new("philosophers", common);
    let at_table = Arc::clone(&current);
    bench.variant(LOWER_FIRST, move || {
        let table = Arc::new(Table::new(seats));
        *at_table.lock() = Arc::clone(&table);
        philosophers::dine(&table, rounds, order, reach, eat);
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

/// The watchdog's words for the meals so far: "every philosopher had eaten
/// 3 time(s)" when the counts agree, else every count in seat order.
pub fn meals_so_far(meals: &[u32]) -> String {
    match meals.split_first() {
        Some((first, rest)) if rest.iter().all(|m| m == first) => {
            format!("every philosopher had eaten {first} time(s)")
        }
        _ => format!("the philosophers had eaten {meals:?} time(s), seat by seat"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_says_what_each_one_ate() {
        assert_eq!(
            meals_so_far(&[0; 5]),
            "every philosopher had eaten 0 time(s)"
        );
        assert_eq!(
            meals_so_far(&[3, 2, 3]),
            "the philosophers had eaten [3, 2, 3] time(s), seat by seat"
        );
    }
}
