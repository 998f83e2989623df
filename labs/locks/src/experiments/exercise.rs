//! `exercise`: the solution of "count the notes outside the lock", measured
//! against the locked bank in interleaved rounds: the same outcomes, and
//! the paid customers' pauses overlap.

use std::sync::Mutex;
use std::thread;

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common, Results};
use locks::bank_locked::{self, Order, Outcome};
use races::account::Account;

use super::{TELLER_PAUSE, list, outcome_columns};

const UNDER: &str = "pause under the lock";
const AFTER: &str = "pause after the lock";

pub fn run(common: &Common, account: &Account) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let pause = common.scale.duration(TELLER_PAUSE);
    common.say(format!(
        "Balance {opening}; customers withdraw {}, all at once; the teller pauses {}.",
        list(amounts),
        format_duration(pause)
    ));
    let possible = bank_locked::possible_outcomes(opening, amounts);
    let mut bench = Bench::new("exercise", common);
    bench.variant(UNDER, || {
        let (reports, balance) =
            bank_locked::all_at_once(opening, amounts, pause, Order::Free, &|_| {});
        Outcome::of(&reports, balance)
    });
    bench.variant(AFTER, || {
        let balance = Mutex::new(opening);
        let reports = bank_locked::customers_at_once(amounts, |_, amount| {
            bank_locked::withdraw_reserving_first(&balance, amount, || thread::sleep(pause))
        });
        Outcome::of(&reports, balance.into_inner().unwrap())
    });
    let run = bench.run(|_, outcome: &Outcome| {
        ensure!(
            possible.contains(outcome),
            "{outcome:?}, which no queue order gives"
        );
        Ok(())
    })?;
    let mut results =
        run.results_with(|measured, row| outcome_columns(row, measured.median_value()));
    // Under the lock the paid customers' pauses come one after another;
    // after it they overlap: at most as many times faster as there are payments.
    let payments = possible.iter().map(|o| o.paid.len()).max().unwrap_or(0);
    if payments > 0 {
        let ceiling = Ceiling::new(
            payments as f64,
            format!("{payments} paid customers' pauses in flight at once"),
        );
        results.paired_speedup("exercise", AFTER, UNDER, &ceiling)?;
    }
    Ok(results)
}
