//! The lab's experiments, one module each: each runs the listings, checks
//! what they return and builds its rows. What they share lives here.

pub mod bank;
pub mod bank_atomic;
pub mod bank_runs;
pub mod counter;
pub mod counter_runs;
pub mod once;
pub mod python;

use std::time::Duration;

use races::bank::Withdrawal;
pub use races::report::list;

/// The tutorial's teller takes 1 s (`time.sleep(1)`) between check and act.
pub const TELLER_PAUSE: Duration = Duration::from_secs(1);

/// The amounts paid, in queue order.
pub fn paid(reports: &[Withdrawal]) -> String {
    list(reports.iter().filter(|w| w.is_paid()).map(|w| w.amount()))
}

/// The amounts refused, in queue order.
pub fn refused(reports: &[Withdrawal]) -> String {
    list(reports.iter().filter(|w| !w.is_paid()).map(|w| w.amount()))
}

/// What the forced interleaving (every check before any act) must end at:
/// everyone who asks for at most the opening balance passes the check and
/// is paid.
pub fn forced_balance(opening: i64, amounts: &[i64]) -> i64 {
    opening - amounts.iter().filter(|&&a| a <= opening).sum::<i64>()
}

/// What customers served one after another in queue order end at.
pub fn in_turn_balance(opening: i64, amounts: &[i64]) -> i64 {
    amounts
        .iter()
        .fold(opening, |b, &a| if b >= a { b - a } else { b })
}

/// How many customers are paid when they are served in queue order.
pub fn payments_in_turn(opening: i64, amounts: &[i64]) -> usize {
    let mut balance = opening;
    let mut payments = 0;
    for &amount in amounts {
        if balance >= amount {
            balance -= amount;
            payments += 1;
        }
    }
    payments
}
