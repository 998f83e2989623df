//! `python`: the locked bank's Python twin (`python/bank_locked.py`) next
//! to the Rust one, in the same number of interleaved rounds, on the same
//! machine. The twin is embedded here and run through `labkit::python`.

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::python::Twin;
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};
use locks::bank_locked::{self, Order, Outcome};
use races::account::Account;
use races::report;

use super::{TELLER_PAUSE, list};

/// The twin of `bank-locked`.
pub const BANK_LOCKED_PY: Twin<'static> = Twin::new(
    "bank_locked.py",
    include_str!("../../python/bank_locked.py"),
);

const VARIANT: &str = "with a lock";

pub fn run(common: &Common, account: &Account, python: &Path) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let pause = common.scale.duration(TELLER_PAUSE);
    common.say(format!(
        "Balance {opening}; customers withdraw {} at once with a lock; the teller pauses {}.",
        list(amounts),
        format_duration(pause)
    ));
    let possible = bank_locked::possible_outcomes(opening, amounts);
    let mut bench = Bench::new("bank-locked, Rust", common);
    bench.variant(VARIANT, || {
        let (reports, balance) =
            bank_locked::all_at_once(opening, amounts, pause, Order::Free, &|_| {});
        Outcome::of(&reports, balance)
    });
    let run = bench.run(|_, outcome: &Outcome| {
        ensure!(
            possible.contains(outcome),
            "{outcome:?}, which no order gives"
        );
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        report::measured_bank_columns(measured, row, |o| (o.paid.len(), o.balance))
    });

    let args = report::twin_args(common, opening, amounts);
    let timeout = Duration::from_secs(60) + pause * (amounts.len() as u32 + 1) * common.rounds * 4;
    report::add_twin_rows(
        &mut results,
        common,
        python,
        (BANK_LOCKED_PY, &args, timeout),
        "bank-locked",
        &[VARIANT],
    )?;
    Ok(results)
}
