//! `bank-locked`: the tutorial's bank with a lock, customers asking for it
//! in queue order and in free order, in interleaved rounds; every outcome
//! the lock allows; and loom's proof. The customers' lines are said in the
//! first round only.

use std::collections::BTreeSet;

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};
use locks::bank_locked::{self, Order, Outcome};
use locks::model;
use races::account::Account;

use super::{TELLER_PAUSE, list, outcome_columns};

pub fn run(common: &Common, account: &Account) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let pause = common.scale.duration(TELLER_PAUSE);
    common.say(format!(
        "Balance {opening}; customers withdraw {}; the teller pauses {} holding the lock.",
        list(amounts),
        format_duration(pause)
    ));
    let possible = bank_locked::possible_outcomes(opening, amounts);
    // In queue order the lock serves the customers one after another, as in turn.
    let in_turn = {
        let balance = std::sync::Mutex::new(opening);
        let reports: Vec<_> = amounts
            .iter()
            .map(|&a| bank_locked::withdraw_locked(&balance, a, || {}, |_| {}))
            .collect();
        Outcome::of(&reports, balance.into_inner().unwrap())
    };
    // The customer holding the lock says the tutorial's lines as they happen.
    let say = |line: String| common.say(format!("  {line}"));
    let quiet = |_: String| {};
    let mut bench = Bench::new("bank-locked", common);
    let mut round = 0;
    bench.variant("queue order", move || {
        round += 1;
        let (reports, balance) = if round == 1 {
            common.say(format!(
                "If all {} of them withdraw money at the counter simultaneously..., but with a lock!",
                amounts.len()
            ));
            bank_locked::all_at_once(opening, amounts, pause, Order::Queue, &say)
        } else {
            bank_locked::all_at_once(opening, amounts, pause, Order::Queue, &quiet)
        };
        Outcome::of(&reports, balance)
    });
    bench.variant("free order", || {
        let (reports, balance) =
            bank_locked::all_at_once(opening, amounts, pause, Order::Free, &quiet);
        Outcome::of(&reports, balance)
    });
    let run = bench.run(|variant, outcome: &Outcome| {
        if variant == "queue order" {
            ensure!(*outcome == in_turn, "{outcome:?}, not {in_turn:?}");
        } else {
            ensure!(
                possible.contains(outcome),
                "{outcome:?}, which no queue order gives"
            );
        }
        Ok(())
    })?;
    let results = run.results_with(|measured, row| outcome_columns(row, measured.median_value()));

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
    let expected: BTreeSet<model::Ending> = possible
        .iter()
        .map(|o| (o.paid.clone(), o.balance))
        .collect();
    ensure!(
        seen.endings == expected,
        "loom saw {:?}, the queue orders give {expected:?}",
        seen.endings
    );
    common.say(format!(
        "loom (bound {}): no overdraft in any of {} interleavings; they end in exactly those outcomes.",
        model::builder().preemption_bound.unwrap_or(0),
        seen.interleavings
    ));
    Ok(results)
}
