//! The bank account and its queue of customers as the command line takes
//! them (`--balance`, `--amounts`): declared and checked once, for this lab
//! and for the `locks` lab, which serves the same customers behind a lock.
//!
//! Not a listing: the book does not show this module, so it may use clap and
//! `crate::`, and need not compile as a program of its own.

use clap::Args;

use crate::bank::OPENING_BALANCE;

/// The options of every bank experiment: the account and the queue of
/// customers, the Python tutorial's by default. Fields are public so each
/// lab's `main.rs` hands them to its own listing.
#[derive(Args, Debug)]
pub struct Account {
    /// What is in the account before anyone withdraws.
    #[arg(long, default_value_t = OPENING_BALANCE, allow_negative_numbers = true,
          value_parser = clap::value_parser!(i64).range(0..=MAX_MONEY))]
    pub balance: i64,
    /// The amounts the customers withdraw, in queue order, comma-separated
    /// (1 to 4 customers, each 1 to 1000000000).
    #[arg(long, default_value = "80,70,50,20", allow_hyphen_values = true,
          value_parser = parse_amounts)]
    pub amounts: Amounts,
}

impl Account {
    /// The options that give a child process this account (`--balance`,
    /// `--amounts`), as a `once` run takes them.
    pub fn args(&self) -> Vec<String> {
        vec![
            "--balance".into(),
            self.balance.to_string(),
            "--amounts".into(),
            crate::report::amounts_arg(&self.amounts),
        ]
    }
}

/// The largest balance or withdrawal the labs accept: small enough that no
/// sum or difference of at most 4 of them can overflow an `i64`.
const MAX_MONEY: i64 = 1_000_000_000;

/// The customers' withdrawals, checked: 1 to 4 of them (loom models at most
/// 4 threads besides its own), each between 1 and [`MAX_MONEY`]. A newtype
/// rather than a `Vec<i64>` so that clap takes the whole comma-separated
/// list as one value, parsed by [`parse_amounts`].
#[derive(Debug, Clone)]
pub struct Amounts(Vec<i64>);

impl std::ops::Deref for Amounts {
    type Target = Vec<i64>;
    fn deref(&self) -> &Vec<i64> {
        &self.0
    }
}

/// Parses `--amounts 80,70,50,20`; the error is the one line the reader sees
/// (clap adds which option it was about).
fn parse_amounts(text: &str) -> Result<Amounts, String> {
    let mut amounts = Vec::new();
    for item in text.split(',').map(str::trim) {
        let amount: i64 = item.parse().map_err(|err: std::num::ParseIntError| {
            use std::num::IntErrorKind::{NegOverflow, PosOverflow};
            match err.kind() {
                PosOverflow | NegOverflow => format!("'{item}' does not fit in a 64-bit integer"),
                _ => format!("'{item}' is not a whole number"),
            }
        })?;
        if !(1..=MAX_MONEY).contains(&amount) {
            return Err(format!(
                "a withdrawal must be between 1 and {MAX_MONEY}, got {amount}"
            ));
        }
        amounts.push(amount);
    }
    if amounts.len() > 4 {
        return Err(format!("at most 4 customers, got {}", amounts.len()));
    }
    Ok(Amounts(amounts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_tutorials_account() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            account: Account,
        }
        let account = Cli::try_parse_from(["bank"]).unwrap().account;
        assert_eq!(account.balance, OPENING_BALANCE);
        assert_eq!(*account.amounts, crate::bank::AMOUNTS);
    }

    #[test]
    fn the_tutorials_customers_parse_in_queue_order() {
        assert_eq!(*parse_amounts("80, 70,50 ,20").unwrap(), [80, 70, 50, 20]);
    }

    #[test]
    fn bad_amounts_are_refused_with_a_reason() {
        for (text, reason) in [
            ("80,-70", "got -70"),
            ("0", "got 0"),
            ("1000000001", "got 1000000001"),
            ("99999999999999999999", "does not fit"),
            ("eighty", "'eighty' is not a whole number"),
            ("", "'' is not a whole number"),
            ("1,2,3,4,5", "at most 4 customers, got 5"),
        ] {
            let err = parse_amounts(text).unwrap_err();
            assert!(err.contains(reason), "{text:?}: {err}");
        }
        assert_eq!(*parse_amounts(&MAX_MONEY.to_string()).unwrap(), [MAX_MONEY]);
    }
}
