//! `deadlock`: the command line of the "Deadlock" chapter's lab.
//!
//! Exit status: 0 when the experiment finished, 1 on a runtime error (or
//! `detect` in a build without the `detect` feature), 2 on a bad argument,
//! and 3 when a watchdog or the detector found the threads deadlocked and
//! ended the process.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail, ensure};
use clap::{Parser, Subcommand, ValueEnum};
use deadlock::philosophers::{self, Table};
use deadlock::timeout::{self, Backoff, Outcome};
use deadlock::two_locks::{self, Board, NamedLock};
use deadlock::{ordered, two_locks::DEADLOCK_EXIT_CODE};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure};

/// Reproduce the Python material's deadlock in Rust, detect it, prevent it.
///
/// Experiments that deadlock never hang: a watchdog reports which thread
/// holds which lock and waits for which, then ends the program with exit
/// status 3. Delays are the Python material's unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "deadlock", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Thread 1 takes lock A then B, thread 2 takes B then A: a deadlock every
    /// time. The watchdog reports after 2 s and exits with status 3.
    TwoLocks,
    /// The same deadlock found by parking_lot's deadlock detector, exit status 3.
    /// Needs `--features detect` (it slows every parking_lot lock).
    Detect,
    /// Timeouts (try_lock_for): give up like the Python fix, then retry with
    /// the same back-off (a livelock) and with random back-off (jitter).
    Timeout {
        /// How long a thread waits for its second lock, in seconds (before --scale).
        #[arg(long, default_value = "2", value_name = "SECONDS", value_parser = positive_seconds)]
        timeout: Duration,
        /// How many attempts a retrying thread makes before it gives up.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
        attempts: u32,
    },
    /// Never deadlock by design: a global lock order, one lock for both
    /// accounts, or all or nothing.
    Ordered {
        /// Transfers each way, per strategy.
        #[arg(long = "transfers", id = "transfers", default_value_t = 1000,
              value_parser = clap::value_parser!(u32).range(1..))]
        rounds: u32,
    },
    /// The dining philosophers: left fork first deadlocks (the watchdog
    /// exits with status 3); lower-numbered fork first finishes.
    Philosophers {
        /// How many philosophers (and forks) at the table.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=64))]
        philosophers: u32,
        /// How many times each philosopher eats.
        #[arg(long = "meals", id = "meals", default_value_t = 100,
              value_parser = clap::value_parser!(u32).range(1..))]
        rounds: u32,
        /// Which fork each philosopher picks up first.
        #[arg(long, value_enum, default_value_t = Forks::LeftThenRight)]
        forks: Forks,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
enum Forks {
    /// The left fork, then the right one (deadlocks).
    LeftThenRight,
    /// The lower-numbered fork first (the exercise's solution).
    LowerFirst,
}

/// How long the watchdogs wait for a sign of life. Not scaled: it is not a
/// simulated delay but how long a loaded machine may pause a thread.
const WATCHDOG_PATIENCE: Duration = Duration::from_secs(2);
/// How long a philosopher takes to reach for the second fork, and to eat.
const REACH: Duration = Duration::from_millis(2);
const EAT: Duration = Duration::from_millis(2);
/// How long a transfer in `ordered` takes between its first lock and its second.
const TRANSFER_REACH: Duration = Duration::from_micros(100);
/// What each account starts with in `ordered`.
const START_BALANCE: i64 = 1_000_000;

fn positive_seconds(text: &str) -> Result<Duration> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("expected a number of seconds such as 2 or 0.5"))?;
    ensure!(
        seconds.is_finite() && seconds > 0.0,
        "the timeout must be more than 0 seconds, got {text}"
    );
    Ok(Duration::from_secs_f64(seconds))
}

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    match experiment {
        Experiment::TwoLocks => two_locks_deadlock(common, false),
        Experiment::Detect => two_locks_deadlock(common, true),
        Experiment::Timeout { timeout, attempts } => timeouts(common, timeout, attempts),
        Experiment::Ordered { rounds } => ordered(common, rounds),
        Experiment::Philosophers {
            philosophers,
            rounds,
            forks,
        } => dining(common, philosophers as usize, rounds, forks),
    }
}

/// Prints the report lines of a deadlock (as JSON with `--json`) and ends
/// the process with exit status 3.
fn deadlock_exit(json: bool, who: &str, summary: &str, lines: &[String]) -> ! {
    if json {
        let report = serde_json::json!({
            "deadlock": true,
            "found_by": who,
            "summary": summary,
            "standings": lines,
        });
        println!("{report:#}");
    } else {
        println!("{who}: {summary}");
        for line in lines {
            println!("  {line}");
        }
        println!("{who}: deadlock; ending the process (exit status {DEADLOCK_EXIT_CODE})");
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    std::process::exit(DEADLOCK_EXIT_CODE)
}

fn two_locks_deadlock(common: Common, detect: bool) -> Result<()> {
    if detect && !cfg!(feature = "detect") {
        common.say("This build has no deadlock detector: parking_lot's `deadlock_detection`");
        common.say("feature is off, because turning it on slows every parking_lot lock in");
        common.say("the build (Cargo unifies features across a workspace). Run it with:");
        common.say("  cargo run --release -p deadlock --features detect -- detect");
        bail!("this build has no deadlock detector (build with `--features detect`)");
    }
    common.say("Thread 1 takes lock A then lock B; thread 2 takes lock B then lock A.");
    common.say("A barrier makes both hold their first lock before asking for the second.");
    let board = Board::new();
    let lock_a = NamedLock::new("lock A", &board);
    let lock_b = NamedLock::new("lock B", &board);
    let json = common.json;
    if detect {
        start_detector(&board, json);
    }
    let _watchdog = two_locks::start_watchdog(Arc::clone(&board), WATCHDOG_PATIENCE, move |b| {
        if !json {
            for line in b.log() {
                println!("  {line}");
            }
        }
        let summary = format!(
            "no lock changed hands for {:.1} s; the threads stand like this:",
            WATCHDOG_PATIENCE.as_secs_f64()
        );
        deadlock_exit(json, "watchdog", &summary, &b.standings())
    });
    two_locks::opposite_orders(&board, &lock_a, &lock_b);
    bail!("the threads finished, which the barrier should have made impossible")
}

#[cfg(feature = "detect")]
fn start_detector(board: &Arc<Board>, json: bool) {
    let shown = Arc::clone(board);
    two_locks::start_detector(
        Arc::clone(board),
        Duration::from_millis(100),
        move |cycles| {
            if !json {
                for line in shown.log() {
                    println!("  {line}");
                }
            }
            let summary = format!(
                "parking_lot found {} cycle(s) of threads waiting for each other:",
                cycles.len()
            );
            let lines: Vec<String> = cycles.into_iter().flatten().collect();
            deadlock_exit(json, "detector", &summary, &lines)
        },
    );
}

#[cfg(not(feature = "detect"))]
fn start_detector(_: &Arc<Board>, _: bool) {
    unreachable!("`detect` returns early in a build without the feature")
}

fn timeouts(common: Common, timeout: Duration, attempts: u32) -> Result<()> {
    let timeout = common.scale.duration(timeout);
    common.say(format!(
        "Thread 1 wants lock A then B, thread 2 lock B then A; each waits at most {} for its second lock.",
        format_duration(timeout)
    ));
    common.say(format!(
        "Giving up: thread 2 asks for its second lock first, thread 1 {} later.",
        format_duration(timeout / 2)
    ));
    common.say(format!(
        "Retrying threads make up to {attempts} attempts, stepping through time slots together."
    ));
    let (lock_a, lock_b) = (parking_lot::Mutex::new(()), parking_lot::Mutex::new(()));
    let mut results = Results::new();

    let (outcomes, cost) = measure(|| timeout::give_up_after_timeout(&lock_a, &lock_b, timeout));
    let count = |wanted: Outcome| outcomes.iter().filter(|&&o| o == wanted).count();
    results
        .push_measured("timeout", "give up (Python's fix)", cost)
        .with("finished", count(Outcome::Finished))
        .with("gave up", count(Outcome::GaveUp))
        .with("attempts", outcomes.len())
        .with("who finished", who_finished(outcomes));

    let variants = [
        ("retry, same back-off", [Backoff::Same; 2]),
        (
            "retry, random back-off",
            timeout::JITTER_SEEDS.map(Backoff::Jitter),
        ),
    ];
    for (name, backoff) in variants {
        let (retries, cost) =
            measure(|| timeout::retry_in_lockstep(&lock_a, &lock_b, timeout, attempts, backoff));
        let count = |wanted: Outcome| retries.iter().filter(|r| r.outcome == wanted).count();
        results
            .push_measured("timeout", name, cost)
            .with("finished", count(Outcome::Finished))
            .with("gave up", count(Outcome::GaveUp))
            .with("attempts", retries.iter().map(|r| r.attempts).sum::<u32>())
            .with("who finished", who_finished(retries.map(|r| r.outcome)));
    }
    results.print(&common)?;
    Ok(())
}

/// "thread 1", "thread 1, thread 2" or "nobody".
fn who_finished(outcomes: [Outcome; 2]) -> String {
    let names: Vec<String> = (1..)
        .zip(outcomes)
        .filter(|&(_, outcome)| outcome == Outcome::Finished)
        .map(|(number, _)| format!("thread {number}"))
        .collect();
    if names.is_empty() {
        "nobody".to_string()
    } else {
        names.join(", ")
    }
}

fn ordered(common: Common, rounds: u32) -> Result<()> {
    common.say(format!(
        "Two threads move 1 unit between accounts A and B, {rounds} times each, in opposite directions."
    ));
    let reach = common.scale.duration(TRANSFER_REACH);
    common.say(format!(
        "Every round starts for both at once; a transfer takes {} between its first lock and its second.",
        format_duration(reach)
    ));
    let mut results = Results::new();
    for (name, strategy) in ordered::STRATEGIES {
        let (end, cost) = measure(|| strategy(rounds, reach, START_BALANCE));
        let (a, b) = (end.balance_a, end.balance_b);
        ensure!(
            (a, b) == (START_BALANCE, START_BALANCE),
            "{name}: the balances ended at A = {a}, B = {b}"
        );
        ensure!(
            end.transfers == 2 * u64::from(rounds),
            "{name}: the threads made {} transfers, not {}",
            end.transfers,
            2 * u64::from(rounds)
        );
        results
            .push_measured("ordered", name, cost)
            .with("transfers", end.transfers)
            .with("balances kept", "yes")
            .with("retries", end.retries);
    }
    results.print(&common)?;
    Ok(())
}

fn dining(common: Common, seats: usize, rounds: u32, forks: Forks) -> Result<()> {
    let (order, name): (philosophers::ForkOrder, &str) = match forks {
        Forks::LeftThenRight => (philosophers::left_then_right, "left fork first"),
        Forks::LowerFirst => (philosophers::lower_first, "lower-numbered fork first"),
    };
    let (reach, eat) = (common.scale.duration(REACH), common.scale.duration(EAT));
    common.say(format!(
        "{seats} philosophers eat {rounds} times each, {name}; reaching for the second fork takes {}, eating {}.",
        format_duration(reach),
        format_duration(eat)
    ));
    let table = Arc::new(Table::new(seats));
    let json = common.json;
    let finished = philosophers::start_watchdog(Arc::clone(&table), WATCHDOG_PATIENCE, move |t| {
        let summary = format!(
            "nobody ate for {:.1} s; {}:",
            WATCHDOG_PATIENCE.as_secs_f64(),
            philosophers::meals_so_far(&t.meals())
        );
        deadlock_exit(json, "watchdog", &summary, &t.standings())
    });
    let ((), cost) = measure(|| philosophers::dine(&table, rounds, order, reach, eat));
    finished.store(true, std::sync::atomic::Ordering::SeqCst);
    let meals = table.meals();
    ensure!(
        meals.iter().all(|&m| m == rounds),
        "not every philosopher ate {rounds} times: {meals:?}"
    );
    let mut results = Results::new();
    results
        .push_measured("philosophers", name, cost)
        .with("philosophers", seats)
        // Counted by the philosophers; all equal, as checked above.
        .with("meals each", meals.iter().copied().min().unwrap_or(0))
        .with("meals", meals.iter().map(|&m| u64::from(m)).sum::<u64>());
    results.print(&common)?;
    Ok(())
}
