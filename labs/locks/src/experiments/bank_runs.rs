//! `bank-runs`: the locked bank with nothing forced, run many times, each
//! run a fresh process (the `once` subcommand), next to the same table in
//! the races lab: the outcomes collapse to those the lock allows.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Common, Results};
use locks::bank_locked::{self, Order};
use races::account::Account;
use races::outcomes;
use races::runs::{self, Once};

use super::list;

/// The pauses of the races lab's `bank-runs`, here taken holding the lock.
const PAUSES: [Duration; 3] = [
    Duration::ZERO,
    Duration::from_micros(20),
    Duration::from_millis(10),
];

pub fn run(common: &Common, account: &Account, runs: u32) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let pauses: Vec<Duration> = PAUSES.iter().map(|&p| common.scale.duration(p)).collect();
    let longest = pauses.iter().max().copied().unwrap_or_default();
    let watchdog = runs::watchdog(longest * amounts.len() as u32);
    common.say(format!(
        "Balance {opening}; {} withdrawn with a lock, all released at once; nothing forces an order.",
        list(amounts)
    ));
    common.say(format!(
        "{runs} runs of each program, each a fresh process (killed after {}).",
        format_duration(watchdog)
    ));
    let variants: Vec<(String, Vec<String>)> = pauses
        .iter()
        .map(|pause| {
            let name = if pause.is_zero() {
                "lock, no pause".to_string()
            } else {
                format!("lock, pause {}", format_duration(*pause))
            };
            (name, once_args(account, *pause))
        })
        .collect();
    let tallies = runs::run_children(&std::env::current_exe()?, &variants, runs, watchdog)?;
    let allowed: BTreeSet<i64> = bank_locked::possible_outcomes(opening, amounts)
        .iter()
        .map(|o| o.balance)
        .collect();
    let mut results = Results::new();
    for tally in &tallies {
        let outcomes = tally.outcomes();
        let strange: BTreeSet<i64> = outcomes
            .iter()
            .copied()
            .filter(|b| !allowed.contains(b))
            .collect();
        ensure!(
            strange.is_empty(),
            "{} ended at {strange:?}, which no queue order gives",
            tally.variant
        );
        common.say(format!(
            "{}: overdrawn in {} of {} runs; final balances seen: {}.",
            tally.variant,
            tally.count(|b| b < 0),
            tally.runs.len(),
            tally.counts().len()
        ));
        results
            .push_samples("bank-runs", &tally.variant, tally.seconds(), None)
            .with("runs", tally.runs.len())
            .with("overdrawn", tally.count(|b| b < 0))
            .with("balances seen", tally.counts().len());
    }
    common.say(
        "Runs per final balance (a row for each balance some interleaving of the racy bank gives):",
    );
    let racy = outcomes::check_then_act(opening, amounts);
    common.say(runs::histogram("balance", &racy, &tallies).trim_end());
    Ok(results)
}

fn once_args(account: &Account, pause: Duration) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "once".into(),
        "--pause-ns".into(),
        pause.as_nanos().to_string(),
    ];
    args.extend(account.args());
    args
}

/// The hidden `once` subcommand: one unstaged run, one JSON line.
pub fn once(account: &Account, pause_ns: u64) -> Result<()> {
    let started = Instant::now();
    let (_, balance) = bank_locked::all_at_once(
        account.balance,
        &account.amounts,
        Duration::from_nanos(pause_ns),
        Order::Free,
        &|_| {},
    );
    Once {
        outcome: balance,
        seconds: started.elapsed().as_secs_f64(),
    }
    .print();
    Ok(())
}
