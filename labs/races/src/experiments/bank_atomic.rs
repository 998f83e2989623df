//! `bank-atomic`: check-then-act with the interleaving forced vs one
//! `fetch_update` in free order, in rounds; then many free runs checked
//! against every order's outcome, and what loom finds in each model.

use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::{Bench, Common, Results};
use races::account::Account;
use races::bank::{self, Withdrawal};
use races::{model, outcomes};

use super::{forced_balance, list, paid, refused};

/// Rounds of fetch_update in free order checked against the possible outcomes.
const FREE_ORDER_ROUNDS: u64 = 1_000;

pub fn run(common: &Common, account: &Account) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    common.say(format!(
        "Balance {opening}; customers withdraw {}, all at once.",
        list(amounts.iter().copied())
    ));
    let possible = outcomes::one_at_a_time(opening, amounts);
    let mut bench = Bench::new("bank-atomic", common);
    bench.variant("load, then fetch_sub", || {
        bank::all_at_once(opening, amounts, Duration::ZERO, &|_| {})
    });
    bench.variant("fetch_update", || {
        bank::at_once_with(opening, amounts, bank::withdraw_atomically)
    });
    let run = bench.run(|variant, (_, balance): &(Vec<Withdrawal>, i64)| {
        if variant == "fetch_update" {
            ensure!(
                possible.contains(balance),
                "ended at {balance}, which no order gives"
            );
        } else {
            let forced = forced_balance(opening, amounts);
            ensure!(*balance == forced, "ended at {balance}, not {forced}");
        }
        Ok(())
    })?;
    let results = run.results_with(|measured, row| {
        let (reports, balance) = measured.median_value();
        row.with("paid", paid(reports))
            .with("refused", refused(reports))
            .with("balance", *balance);
    });

    // One free run proves little; many free runs, checked against every
    // order's outcome, say more (and loom, below, says it for sure).
    let surprises = (0..FREE_ORDER_ROUNDS)
        .filter(|_| {
            let (_, balance) = bank::at_once_with(opening, amounts, bank::withdraw_atomically);
            !possible.contains(&balance)
        })
        .count();
    ensure!(
        surprises == 0,
        "fetch_update ended at an impossible balance in {surprises} rounds"
    );
    common.say(format!(
        "fetch_update, {FREE_ORDER_ROUNDS} more rounds in free order: every balance one a queue order gives ({}).",
        list(possible.iter().copied())
    ));
    loom_verdicts(common, opening, amounts)?;
    Ok(results)
}

fn loom_verdicts(common: &Common, opening: i64, amounts: &[i64]) -> Result<()> {
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
            "loom (bound {bound}), load then fetch_sub: interleaving {} fails: {failure}",
            racy.interleavings
        )),
        None => common.say(format!(
            "loom (bound {bound}), load then fetch_sub: no overdraft in any of {} interleavings",
            racy.interleavings
        )),
    }
    let fixed = model::explore(&builder, model::atomic_bank(opening, amounts));
    if let Some(failure) = &fixed.failure {
        anyhow::bail!("loom found a failing interleaving of fetch_update: {failure}")
    }
    common.say(format!(
        "loom (bound {bound}), fetch_update: no overdraft in any of {} interleavings",
        fixed.interleavings
    ));
    Ok(())
}
