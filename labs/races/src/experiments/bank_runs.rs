//! `bank-runs` and `exercise`: the bank with nothing forced, run many
//! times, each run a fresh process; the outcomes counted against every
//! outcome the program allows.

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Common, Results};
use races::account::Account;
use races::outcomes;
use races::runs::{self, Tally};

use super::list;
use super::once::Withdraw;

/// The pauses between check and act the racy bank is run with, before
/// --scale: none at all, a short one, and one far longer than it takes
/// to start the customers' threads.
pub const PAUSES: [Duration; 3] = [
    Duration::ZERO,
    Duration::from_micros(20),
    Duration::from_millis(10),
];

pub fn run(common: &Common, account: &Account, runs: u32) -> Result<Results> {
    let mut programs: Vec<(String, Withdraw, Duration)> = PAUSES
        .iter()
        .map(|&full| {
            let pause = common.scale.duration(full);
            let name = if pause.is_zero() {
                "no pause".to_string()
            } else {
                format!("pause {}", format_duration(pause))
            };
            (name, Withdraw::CheckThenAct, pause)
        })
        .collect();
    programs.push(("fetch_update".into(), Withdraw::FetchUpdate, Duration::ZERO));
    distribution(common, account, runs, "bank-runs", &programs)
}

/// The exercise's solution, run like the others: it never overdraws.
pub fn exercise(common: &Common, account: &Account, runs: u32) -> Result<Results> {
    let programs = [(
        "compare_exchange".to_string(),
        Withdraw::CompareExchange,
        Duration::ZERO,
    )];
    distribution(common, account, runs, "exercise", &programs)
}

fn distribution(
    common: &Common,
    account: &Account,
    runs: u32,
    experiment: &str,
    programs: &[(String, Withdraw, Duration)],
) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let longest = programs.iter().map(|p| p.2).max().unwrap_or_default();
    let watchdog = runs::watchdog(longest);
    common.say(format!(
        "Balance {opening}; customers withdraw {}, all released at once; nothing forces an order.",
        list(amounts.iter().copied())
    ));
    common.say(format!(
        "{runs} runs of each program, each a fresh process (killed after {}).",
        format_duration(watchdog)
    ));
    let variants: Vec<(String, Vec<String>)> = programs
        .iter()
        .map(|(name, withdraw, pause)| (name.clone(), withdraw.args(account, *pause)))
        .collect();
    let tallies = runs::run_children(&std::env::current_exe()?, &variants, runs, watchdog)?;
    let racy = outcomes::check_then_act(opening, amounts);
    let whole = outcomes::one_at_a_time(opening, amounts);
    for ((name, withdraw, _), tally) in programs.iter().zip(&tallies) {
        let allowed: &BTreeSet<i64> = match withdraw {
            Withdraw::CheckThenAct => &racy,
            _ => &whole,
        };
        let strange: BTreeSet<i64> = tally
            .outcomes()
            .into_iter()
            .filter(|b| !allowed.contains(b))
            .collect();
        ensure!(
            strange.is_empty(),
            "{name} ended at {strange:?}, which no interleaving of it gives"
        );
        common.say(summary(name, tally));
    }
    // A row for every balance the programs run here could end at: for the
    // racy one, every interleaving's; for the fixed ones, every order's.
    let racy_run = programs.iter().any(|p| p.1 == Withdraw::CheckThenAct);
    let (rows, which) = if racy_run {
        (&racy, "some interleaving of check-then-act")
    } else {
        (&whole, "some queue order")
    };
    common.say(format!(
        "Runs per final balance (a row for each balance {which} gives):"
    ));
    common.say(runs::histogram("balance", rows, &tallies).trim_end());
    let mut results = Results::new();
    for tally in &tallies {
        results
            .push_samples(experiment, &tally.variant, tally.seconds(), None)
            .with("runs", tally.runs.len())
            .with("overdrawn", tally.count(|b| b < 0))
            .with("balances seen", tally.counts().len());
    }
    Ok(results)
}

/// "pause 1 ms: overdrawn in 37 of 100 runs; final balances seen: 5."
fn summary(name: &str, tally: &Tally) -> String {
    format!(
        "{name}: overdrawn in {} of {} runs; final balances seen: {}.",
        tally.count(|b| b < 0),
        tally.runs.len(),
        tally.counts().len()
    )
}
