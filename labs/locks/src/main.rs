//! `locks`: the command line of the "Locks" chapter's lab.

use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};
use labkit::timing::format_duration;
use labkit::{Common, Measurement, Results, measure};
use locks::bank_locked::{self, Order, Outcome};
use locks::costs::time_per_op;
use locks::{hold, model, mutexes};
use races::account::Account;

/// Locks: the bank account fixed, guards held too long, and what a lock costs.
///
/// The Python threading tutorial's bank (balance 100; 80, 70, 50 and 20
/// withdrawn at once) with a lock around check-and-subtract, the price of
/// holding a lock across a slow wait, and ns per lock+unlock for
/// std::sync::Mutex, parking_lot::Mutex and an atomic fetch_add.
#[derive(Parser, Debug)]
#[command(name = "locks", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// The tutorial's bank with a lock: queue order, free order, every possible outcome, loom.
    BankLocked {
        #[command(flatten)]
        account: Account,
    },
    /// Sellers holding a lock across a 1 s wait, vs releasing it first.
    HoldAcrossSleep {
        /// How many seller threads start together.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
        sellers: u32,
    },
    /// ns per lock+unlock (std vs parking_lot), per read lock, per fetch_add; 1 and 2 threads.
    Costs {
        /// Operations per thread, before --scale.
        #[arg(long, default_value_t = FULL_OPS, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        ops: u64,
    },
}

// `--balance` defaults to the races lab's opening balance: the same tutorial
// account as this lab's listing, checked at compile time.
const _: () = assert!(races::bank::OPENING_BALANCE == bank_locked::OPENING_BALANCE);

/// The tutorial's teller takes 1 s (`time.sleep(1)`), holding the lock.
const TELLER_PAUSE: Duration = Duration::from_secs(1);
/// The slow wait each seller makes (a receipt printer, say).
const PRINTER_WAIT: Duration = Duration::from_secs(1);
/// Operations per thread in `costs`: enough for a few hundred ms per row.
const FULL_OPS: u64 = 20_000_000;

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    let mut results = Results::new();
    match experiment {
        Experiment::BankLocked { account } => bank(&common, &account, &mut results)?,
        Experiment::HoldAcrossSleep { sellers } => hold_experiment(&common, sellers, &mut results)?,
        Experiment::Costs { ops } => costs_experiment(&common, ops, &mut results),
    }
    results.print(&common)?;
    Ok(())
}

fn list(amounts: &[i64]) -> String {
    if amounts.is_empty() {
        return "none".to_string();
    }
    let items: Vec<String> = amounts.iter().map(|a| a.to_string()).collect();
    items.join(", ")
}

fn push_outcome(results: &mut Results, variant: &str, cost: Measurement, outcome: &Outcome) {
    results
        .push_measured("bank-locked", variant, cost)
        .with("paid", list(&outcome.paid))
        .with("refused", list(&outcome.refused))
        .with("balance", outcome.balance);
}

fn bank(common: &Common, account: &Account, results: &mut Results) -> Result<()> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let pause = common.scale.duration(TELLER_PAUSE);
    common.say(format!(
        "Balance {opening}; customers withdraw {}; the teller pauses {} holding the lock.",
        list(amounts),
        format_duration(pause)
    ));
    common.say(format!(
        "If all {} of them withdraw money at the counter simultaneously..., but with a lock!",
        amounts.len()
    ));
    // The customer holding the lock says the tutorial's lines as they happen.
    let say = |line: String| common.say(format!("  {line}"));
    let ((reports, balance), cost) =
        measure(|| bank_locked::all_at_once(opening, amounts, pause, Order::Queue, &say));
    push_outcome(
        results,
        "queue order",
        cost,
        &Outcome::of(&reports, balance),
    );
    let possible = bank_locked::possible_outcomes(opening, amounts);
    let ((reports, balance), cost) =
        measure(|| bank_locked::all_at_once(opening, amounts, pause, Order::Free, &|_| {}));
    let free = Outcome::of(&reports, balance);
    anyhow::ensure!(
        possible.contains(&free),
        "the free-order run ended in an outcome no queue order gives: {free:?}"
    );
    push_outcome(results, "free order", cost, &free);

    common.say(format!(
        "The outcomes a lock allows (every queue order, one customer at a time): {}",
        possible.len()
    ));
    for outcome in &possible {
        common.say(format!(
            "  paid {}; refused {}; balance {}",
            list(&outcome.paid),
            list(&outcome.refused),
            outcome.balance
        ));
    }
    let seen = model::explore_locked_bank(&model::builder(), opening, amounts);
    let expected: std::collections::BTreeSet<model::Ending> = possible
        .iter()
        .map(|o| (o.paid.clone(), o.balance))
        .collect();
    anyhow::ensure!(
        seen.endings == expected,
        "loom saw {:?}, the queue orders give {expected:?}",
        seen.endings
    );
    common.say(format!(
        "loom (preemption bound {}): no overdraft in any of {} interleavings, and they end in exactly those outcomes.",
        model::builder().preemption_bound.unwrap_or(0),
        seen.interleavings
    ));
    Ok(())
}

/// One seller's work: `hold::sell_holding_the_lock` or `hold::sell_then_release`.
type Sell = fn(&std::sync::Mutex<Vec<u32>>, u32, Duration);

fn hold_experiment(common: &Common, sellers: u32, results: &mut Results) -> Result<()> {
    let printer = common.scale.duration(PRINTER_WAIT);
    common.say(format!(
        "{sellers} sellers start together; each records a sale under a lock, then waits {} for a printer.",
        format_duration(printer)
    ));
    let variants: [(&str, Sell); 2] = [
        ("guard held across the wait", hold::sell_holding_the_lock),
        ("guard dropped before the wait", hold::sell_then_release),
    ];
    for (variant, sell) in variants {
        let ((wall, sales), cost) = measure(|| hold::run_sellers(sellers, printer, sell));
        anyhow::ensure!(sales.len() == sellers as usize, "a sale was lost");
        results
            .push_measured("hold-across-sleep", variant, cost)
            .with("sellers", sellers)
            .with("printer waits", format_duration(printer * sellers))
            .with("start to last sale", format_duration(wall));
    }
    results.speedups_against("hold-across-sleep", "guard held across the wait")
}

fn costs_experiment(common: &Common, ops: u64, results: &mut Results) {
    let per_thread = common.scale.count(ops);
    for (name, bytes) in mutexes::sizes() {
        common.say(format!("size_of::<{name}>() = {bytes}"));
    }
    common.say(format!(
        "Each thread does {per_thread} operations; ns/op is wall time / operations per thread."
    ));
    for threads in [1, 2] {
        let label = |what: &str| {
            format!(
                "{what}, {threads} thread{}",
                if threads == 1 { "" } else { "s" }
            )
        };
        let mut row = |variant: String, (wall, ns): (Duration, f64)| {
            results
                .push("costs", &variant, wall)
                .with("threads", threads)
                .with("ops per thread", per_thread)
                .with("ns/op", format!("{ns:.1}"));
        };
        row(
            label("std Mutex lock+unlock"),
            time_per_op(&std::sync::Mutex::new(0u64), threads, per_thread),
        );
        row(
            label("parking_lot Mutex lock+unlock"),
            time_per_op(&parking_lot::Mutex::new(0u64), threads, per_thread),
        );
        row(
            label("std RwLock read"),
            time_per_op(&std::sync::RwLock::new(0u64), threads, per_thread),
        );
        row(
            label("parking_lot RwLock read"),
            time_per_op(&parking_lot::RwLock::new(0u64), threads, per_thread),
        );
        row(
            label("AtomicU64 fetch_add"),
            time_per_op(&AtomicU64::new(0), threads, per_thread),
        );
    }
}
