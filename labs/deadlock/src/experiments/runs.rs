//! `two-locks-runs` and `timeout-runs`: the programs of the forced
//! experiments with nothing staged, each run many times in a fresh child
//! process (the hidden `once` subcommand, `once.rs`), and the outcomes counted.
//!
//! The forced experiments show *what* can happen, every time. Left to
//! itself, a deadlock or a livelock is a matter of luck, and the honest way
//! to show luck is to roll the dice many times. The variants take turns run
//! by run (A B C, A B C, ...), so a slow moment of the machine hits them alike.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use clap::ValueEnum;
use labkit::timing::format_duration;
use labkit::{Common, Results};

use super::once::{ATTEMPTS, DEADLOCKED, FINISHED, Once, Program};
use super::{DEADLOCK_EXIT_CODE, print_by_experiment};

/// How long a thread holds its first lock before it asks for the second in
/// the runs with a pause (before `--scale`).
pub const PAUSE: Duration = Duration::from_millis(1);
/// A shorter pause, about what starting a thread takes.
pub const SHORT_PAUSE: Duration = Duration::from_micros(50);
/// How long the timeout programs wait for their second lock.
pub const TIMEOUT: Duration = Duration::from_millis(10);

/// How a timeout program can end: both finished, or who gave up.
/// (`1 gave up`: thread 1 gave up and thread 2 finished.)
pub const TIMEOUT_OUTCOMES: [&str; 4] = [FINISHED, "1 gave up", "2 gave up", "both gave up"];

/// A variant of a runs experiment: its name, its program and the pause.
struct Variant {
    name: String,
    program: Program,
    pause: Duration,
}

pub fn two_locks(common: &Common, runs: u32) -> Result<()> {
    let (short, pause) = (
        common.scale.duration(SHORT_PAUSE),
        common.scale.duration(PAUSE),
    );
    common.say("Thread 1 takes lock A then B, thread 2 B then A; no barrier, nothing staged.");
    common.say("Each holds its first lock for a pause before it asks for the second.");
    let variants = vec![
        variant(
            "opposite orders, no pause",
            Program::OppositeOrders,
            Duration::ZERO,
        ),
        variant(
            &format!("opposite orders, {}", format_duration(short)),
            Program::OppositeOrders,
            short,
        ),
        variant(
            &format!("opposite orders, {}", format_duration(pause)),
            Program::OppositeOrders,
            pause,
        ),
        variant(
            &format!("lock order, {}", format_duration(pause)),
            Program::LockOrder,
            pause,
        ),
    ];
    let tallies = run_all(common, &variants, runs, Duration::ZERO)?;
    let mut results = Results::new();
    for (variant, tally) in variants.iter().zip(&tallies) {
        let allowed: &[&str] = match variant.program {
            Program::LockOrder => &[FINISHED],
            _ => &[DEADLOCKED, FINISHED],
        };
        check_allowed(&variant.name, tally, allowed)?;
        common.say(format!(
            "{}: deadlocked in {} of {runs} runs.",
            variant.name,
            count(tally, DEADLOCKED)
        ));
        results
            .push("two-locks-runs", &variant.name, median_run(tally))
            .with(DEADLOCKED, count(tally, DEADLOCKED))
            .with(FINISHED, count(tally, FINISHED));
    }
    results.print(common)
}

pub fn timeouts(common: &Common, runs: u32) -> Result<()> {
    let (pause, wait) = (common.scale.duration(PAUSE), common.scale.duration(TIMEOUT));
    common.say(format!(
        "Thread 1 takes lock A then B, thread 2 B then A; each holds its first lock {}",
        format_duration(pause)
    ));
    common.say(format!(
        "and waits at most {} for its second. Nothing staged: no barrier, no stagger.",
        format_duration(wait)
    ));
    common.say(format!(
        "Retrying threads make up to {ATTEMPTS} attempts, backing off one timeout (same) or 1 to 4 (random)."
    ));
    common.say("Outcomes: both finished, thread 1 or thread 2 gave up (the other finished), or both gave up.");
    let variants = vec![
        variant("give up", Program::GiveUp, pause),
        variant("retry, same back-off", Program::RetrySame, pause),
        variant("retry, random back-off", Program::RetryJitter, pause),
    ];
    let tallies = run_all(common, &variants, runs, wait)?;
    let mut results = Results::new();
    for (variant, tally) in variants.iter().zip(&tallies) {
        check_allowed(&variant.name, tally, &TIMEOUT_OUTCOMES)?;
        let row = results.push("timeout-runs", &variant.name, median_run(tally));
        for outcome in TIMEOUT_OUTCOMES {
            row.with(outcome, count(tally, outcome));
        }
        let attempts: Vec<u32> = tally.iter().map(|run| run.attempts).collect();
        row.with("attempts", spread_of(&attempts));
    }
    print_by_experiment(&results, common)
}

fn variant(name: &str, program: Program, pause: Duration) -> Variant {
    Variant {
        name: name.to_string(),
        program,
        pause,
    }
}

/// Runs every variant `runs` times, taking turns, each run a child process
/// killed if it has not ended within a limit (nothing here may hang: a
/// deadlocked child ends itself as soon as it sees the cycle).
fn run_all(
    common: &Common,
    variants: &[Variant],
    runs: u32,
    wait: Duration,
) -> Result<Vec<Vec<Once>>> {
    let exe = std::env::current_exe().context("finding the lab's own program")?;
    let longest = variants.iter().map(|v| v.pause).max().unwrap_or_default();
    let nominal = (longest + wait * 5) * ATTEMPTS;
    let limit = (nominal * 20).max(Duration::from_secs(10));
    common.say(format!(
        "{runs} runs of each, each run a fresh process (killed if it takes over {}).",
        format_duration(limit)
    ));
    let args: Vec<(String, Vec<String>)> = variants
        .iter()
        .map(|v| (v.name.clone(), once_args(v.program, v.pause, wait)))
        .collect();
    let ok = [0, DEADLOCK_EXIT_CODE];
    labkit::process::runs_of(&exe, &args, runs, limit, &ok)
}

fn once_args(program: Program, pause: Duration, wait: Duration) -> Vec<String> {
    let program = program.to_possible_value().expect("no variant is skipped");
    vec![
        "once".into(),
        "--program".into(),
        program.get_name().into(),
        "--pause-ns".into(),
        pause.as_nanos().to_string(),
        "--timeout-ns".into(),
        wait.as_nanos().to_string(),
    ]
}

fn check_allowed(name: &str, tally: &[Once], allowed: &[&str]) -> Result<()> {
    for run in tally {
        ensure!(
            allowed.contains(&run.outcome.as_str()),
            "{name}: a run ended \"{}\", which this program cannot do (it can: {})",
            run.outcome,
            allowed.join(", ")
        );
    }
    Ok(())
}

fn count(tally: &[Once], outcome: &str) -> usize {
    tally.iter().filter(|run| run.outcome == outcome).count()
}

/// How long the median run's work took (the `wall` column): for a
/// deadlocked run, until the watcher saw the cycle.
fn median_run(tally: &[Once]) -> Duration {
    let seconds: Vec<f64> = tally.iter().map(|run| run.seconds).collect();
    Duration::from_secs_f64(labkit::bench::median(&seconds))
}

/// `3 (2–9)`: median, fewest, most; `2 (2–2)` when every run made the same
/// attempts (one shape, whatever the runs did, for the transcript check).
fn spread_of(attempts: &[u32]) -> String {
    let mut sorted = attempts.to_vec();
    sorted.sort_unstable();
    let (low, high) = (sorted[0], sorted[sorted.len() - 1]);
    let median = sorted[(sorted.len() - 1) / 2];
    format!("{median} ({low}–{high})")
}
