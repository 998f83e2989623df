//! `races`: the command line of the "Race conditions" chapter's lab.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure};
use races::account::Account;
use races::bank::{self, Withdrawal};
use races::{counter, model};

/// Race conditions Rust still lets you write, made to happen on demand.
///
/// The bank account from the Python threading tutorial (balance 100, four
/// customers withdrawing 80, 70, 50 and 20) and a shared counter, with the
/// bad interleavings forced by barriers so that every run shows them.
#[derive(Parser, Debug)]
#[command(name = "races", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// The tutorial's bank: customers in turn, then all at once (check, pause 1 s, subtract).
    Bank {
        #[command(flatten)]
        account: Account,
    },
    /// Check-then-act with atomics vs one fetch_update, and what loom finds in each.
    BankAtomic {
        #[command(flatten)]
        account: Account,
    },
    /// A shared counter: load + store loses updates, fetch_add does not.
    Counter {
        /// How many threads increment the counter.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(2..=8))]
        threads: u32,
        /// Rounds of forced (lockstep) increments per thread, before --scale.
        #[arg(long = "lockstep-rounds", id = "lockstep_rounds", default_value_t = FULL_LOCKSTEP_ROUNDS,
              value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        rounds: u64,
        /// Free-running increments per thread, before --scale.
        #[arg(long, default_value_t = FULL_FREE_INCREMENTS, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        increments: u64,
    },
}

/// The tutorial's teller takes 1 s (`time.sleep(1)`) between check and act.
const TELLER_PAUSE: Duration = Duration::from_secs(1);
/// Forced lost updates need two barrier waits per round, so fewer rounds.
const FULL_LOCKSTEP_ROUNDS: u64 = 10_000;
const FULL_FREE_INCREMENTS: u64 = 20_000_000;
/// Rounds of fetch_update in free order checked against the possible outcomes.
const FREE_ORDER_ROUNDS: u64 = 1_000;

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    let mut results = Results::new();
    match experiment {
        Experiment::Bank { account } => bank_experiment(&common, &account, &mut results),
        Experiment::BankAtomic { account } => bank_atomic(&common, &account, &mut results)?,
        Experiment::Counter {
            threads,
            rounds,
            increments,
        } => counter_experiment(&common, threads as usize, rounds, increments, &mut results),
    }
    results.print(&common)?;
    Ok(())
}

fn list(amounts: impl IntoIterator<Item = i64>) -> String {
    let items: Vec<String> = amounts.into_iter().map(|a| a.to_string()).collect();
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn paid(reports: &[Withdrawal]) -> String {
    list(reports.iter().filter(|w| w.is_paid()).map(|w| w.amount()))
}

fn refused(reports: &[Withdrawal]) -> String {
    list(reports.iter().filter(|w| !w.is_paid()).map(|w| w.amount()))
}

fn bank_experiment(common: &Common, account: &Account, results: &mut Results) {
    let pause = common.scale.duration(TELLER_PAUSE);
    common.say(format!(
        "Balance {}; customers withdraw {}; the teller pauses {} between check and payment.",
        account.balance,
        list(account.amounts.iter().copied()),
        format_duration(pause)
    ));
    // The customers' threads say the tutorial's lines as they happen.
    let say = |line: String| common.say(format!("  {line}"));
    common.say("If they take turns to withdraw money at the counter in order.");
    let ((reports, balance), cost) =
        measure(|| bank::in_turn(account.balance, &account.amounts, pause, &say));
    results
        .push_measured("bank", "in turn", cost)
        .with("paid", paid(&reports))
        .with("refused", refused(&reports))
        .with("balance", balance);
    common.say(format!(
        "If all {} of them withdraw money at the counter simultaneously...",
        account.amounts.len()
    ));
    let ((reports, balance), cost) =
        measure(|| bank::all_at_once(account.balance, &account.amounts, pause, &say));
    results
        .push_measured("bank", "all at once", cost)
        .with("paid", paid(&reports))
        .with("refused", refused(&reports))
        .with("balance", balance);
}

/// Every final balance some order of `amounts` can end at, when each
/// withdrawal checks and subtracts in one indivisible step.
fn possible_balances(opening: i64, amounts: &[i64]) -> BTreeSet<i64> {
    fn visit(balance: i64, left: &mut Vec<i64>, out: &mut BTreeSet<i64>) {
        if left.is_empty() {
            out.insert(balance);
        }
        for i in 0..left.len() {
            let amount = left.remove(i);
            let next = if balance >= amount {
                balance - amount
            } else {
                balance
            };
            visit(next, left, out);
            left.insert(i, amount);
        }
    }
    let mut out = BTreeSet::new();
    visit(opening, &mut amounts.to_vec(), &mut out);
    out
}

fn bank_atomic(common: &Common, account: &Account, results: &mut Results) -> Result<()> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    common.say(format!(
        "Balance {opening}; customers withdraw {}, all at once.",
        list(amounts.iter().copied())
    ));
    let ((reports, balance), cost) =
        measure(|| bank::all_at_once(opening, amounts, Duration::ZERO, &|_| {}));
    results
        .push_measured("bank-atomic", "load, then fetch_sub", cost)
        .with("paid", paid(&reports))
        .with("refused", refused(&reports))
        .with("balance", balance);
    let ((reports, balance), cost) = measure(|| bank::atomically_at_once(opening, amounts));
    results
        .push_measured("bank-atomic", "fetch_update", cost)
        .with("paid", paid(&reports))
        .with("refused", refused(&reports))
        .with("balance", balance);

    // One free run proves little; many free runs, checked against every
    // order's outcome, say more (and loom, below, says it for sure).
    let possible = possible_balances(opening, amounts);
    let surprises = (0..FREE_ORDER_ROUNDS)
        .filter(|_| !possible.contains(&bank::atomically_at_once(opening, amounts).1))
        .count();
    anyhow::ensure!(
        surprises == 0,
        "fetch_update ended at an impossible balance in {surprises} rounds"
    );
    common.say(format!(
        "fetch_update, {FREE_ORDER_ROUNDS} more rounds in free order: every final balance was one some queue order gives ({}).",
        list(possible.iter().copied())
    ));

    // loom's search is not scaled like a delay, but a full search in a debug
    // build is slow: below --scale 1 the lab allows loom fewer preemptions.
    let mut builder = model::builder();
    if common.scale.factor() < 1.0 {
        builder.preemption_bound = Some(1);
    }
    let bound = builder.preemption_bound.unwrap_or(0);
    // The failing interleaving panics inside loom; its report would only
    // repeat what the line below says, so keep that one off the terminal.
    // (The hook is wrapped, never swapped back: loom's coroutine library
    // installs a filter of its own on top of it, which must stay.)
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = model::panic_message(info.payload());
        if !message.starts_with("overdrawn") {
            previous_hook(info);
        }
    }));
    let racy = model::explore(&builder, model::racy_bank(opening, amounts));
    match &racy.failure {
        Some(failure) => common.say(format!(
            "loom (preemption bound {bound}), load then fetch_sub: interleaving {} fails: {failure}",
            racy.interleavings
        )),
        None => common.say(format!(
            "loom (preemption bound {bound}), load then fetch_sub: no overdraft in any of {} interleavings",
            racy.interleavings
        )),
    }
    let fixed = model::explore(&builder, model::atomic_bank(opening, amounts));
    match &fixed.failure {
        Some(failure) => {
            anyhow::bail!("loom found a failing interleaving of fetch_update: {failure}")
        }
        None => common.say(format!(
            "loom (preemption bound {bound}), fetch_update: no overdraft in any of {} interleavings",
            fixed.interleavings
        )),
    }
    Ok(())
}

/// One way of counting, returning the counter's final value.
type Counting = Box<dyn Fn() -> u64>;

fn counter_experiment(
    common: &Common,
    threads: usize,
    rounds: u64,
    increments: u64,
    results: &mut Results,
) {
    let rounds = common.scale.count(rounds);
    let per_thread = common.scale.count(increments);
    common.say(format!("{threads} threads add 1 to a shared counter."));
    let expected_lockstep = rounds * threads as u64;
    let expected_free = per_thread * threads as u64;
    let runs: [(&str, u64, Counting); 4] = [
        (
            "load + store, lockstep",
            expected_lockstep,
            Box::new(move || counter::load_store_in_lockstep(threads, rounds)),
        ),
        (
            "fetch_add, lockstep",
            expected_lockstep,
            Box::new(move || counter::fetch_add_in_lockstep(threads, rounds)),
        ),
        (
            "load + store, free-running",
            expected_free,
            Box::new(move || {
                counter::count_free_running(threads, per_thread, counter::increment_load_store)
            }),
        ),
        (
            "fetch_add, free-running",
            expected_free,
            Box::new(move || {
                counter::count_free_running(threads, per_thread, counter::increment_fetch_add)
            }),
        ),
    ];
    for (variant, expected, count) in runs {
        let (counted, cost) = measure(count);
        results
            .push_measured("counter", variant, cost)
            .with("increments", expected)
            .with("counted", counted)
            .with("lost", expected - counted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn possible_balances_of_the_tutorials_queue() {
        assert_eq!(
            possible_balances(100, &[80, 70, 50, 20]),
            BTreeSet::from([0, 10, 30])
        );
        assert_eq!(possible_balances(100, &[150]), BTreeSet::from([100]));
    }
}
