//! The lab's experiments, one module each: each runs the listings, checks
//! what they return and builds its rows. What they share lives here.

pub mod bank_locked;
pub mod bank_runs;
pub mod costs;
pub mod exercise;
pub mod hold;
pub mod mutexes;
pub mod python;
pub mod release;
pub mod relock;
pub mod waiting;

use std::time::Duration;

use labkit::Row;
use locks::bank_locked::Outcome;

/// The tutorial's teller takes 1 s (`time.sleep(1)`), holding the lock.
pub const TELLER_PAUSE: Duration = Duration::from_secs(1);

/// `80, 70`, or `none`.
pub fn list(amounts: &[i64]) -> String {
    races::report::list(amounts.iter().copied())
}

/// The `paid`, `refused` and `balance` columns of a bank row.
pub fn outcome_columns(row: &mut Row, outcome: &Outcome) {
    row.with("paid", list(&outcome.paid))
        .with("refused", list(&outcome.refused))
        .with("balance", outcome.balance);
}

// `--balance` defaults to the races lab's opening balance: the same tutorial
// account as this lab's listing, checked at compile time.
const _: () = assert!(races::bank::OPENING_BALANCE == locks::bank_locked::OPENING_BALANCE);
