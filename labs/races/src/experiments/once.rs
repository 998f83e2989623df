//! `once` (hidden): one run of one unstaged program, printed as one JSON
//! line ([`races::runs::Once`]). The `*-runs` experiments start the lab
//! itself with these arguments, once per run, each in a fresh process.

use std::time::{Duration, Instant};

use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use races::account::Account;
use races::bank::{self, Withdrawal};
use races::counter;
use races::runs::Once;

#[derive(Subcommand, Debug)]
pub enum Program {
    /// The bank, every customer released at once: prints the final balance.
    Bank {
        #[command(flatten)]
        account: Account,
        #[arg(long, value_enum)]
        withdraw: Withdraw,
        /// The teller's pause between check and act, in nanoseconds.
        #[arg(long, default_value_t = 0)]
        pause_ns: u64,
    },
    /// The counter, free-running: prints how many increments were lost.
    Counter {
        #[arg(long, value_enum)]
        increment: Increment,
        #[arg(long)]
        per_thread: u64,
        #[arg(long, value_parser = clap::value_parser!(u32).range(2..=8))]
        threads: u32,
    },
}

/// How each customer withdraws.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withdraw {
    /// `withdraw`: load, pause, fetch_sub.
    CheckThenAct,
    /// `withdraw_atomically`: one fetch_update.
    FetchUpdate,
    /// `withdraw_with_compare_exchange`: the exercise's solution.
    CompareExchange,
}

/// How each thread adds one.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Increment {
    LoadStore,
    FetchAdd,
}

impl Withdraw {
    /// The arguments of a `once` run of this program.
    pub fn args(self, account: &Account, pause: Duration) -> Vec<String> {
        let name = self
            .to_possible_value()
            .expect("no variant is skipped")
            .get_name()
            .to_string();
        let mut args: Vec<String> = vec![
            "once".into(),
            "bank".into(),
            "--withdraw".into(),
            name,
            "--pause-ns".into(),
            pause.as_nanos().to_string(),
        ];
        args.extend(account.args());
        args
    }
}

impl Increment {
    /// The arguments of a `once` run of this program.
    pub fn args(self, per_thread: u64, threads: usize) -> Vec<String> {
        let name = self
            .to_possible_value()
            .expect("no variant is skipped")
            .get_name()
            .to_string();
        vec![
            "once".into(),
            "counter".into(),
            "--increment".into(),
            name,
            "--per-thread".into(),
            per_thread.to_string(),
            "--threads".into(),
            threads.to_string(),
        ]
    }
}

pub fn run(program: Program) -> Result<()> {
    let started = Instant::now();
    let outcome = match program {
        Program::Bank {
            account,
            withdraw,
            pause_ns,
        } => {
            let pause = Duration::from_nanos(pause_ns);
            let (opening, amounts) = (account.balance, &account.amounts[..]);
            let (_, balance): (Vec<Withdrawal>, i64) = match withdraw {
                Withdraw::CheckThenAct => bank::at_once(opening, amounts, pause),
                Withdraw::FetchUpdate => {
                    bank::at_once_with(opening, amounts, bank::withdraw_atomically)
                }
                Withdraw::CompareExchange => {
                    bank::at_once_with(opening, amounts, bank::withdraw_with_compare_exchange)
                }
            };
            balance
        }
        Program::Counter {
            increment,
            per_thread,
            threads,
        } => {
            let add = match increment {
                Increment::LoadStore => counter::increment_load_store,
                Increment::FetchAdd => counter::increment_fetch_add,
            };
            let counted = counter::count_free_running(threads as usize, per_thread, add);
            (per_thread * threads as u64 - counted) as i64
        }
    };
    Once {
        outcome,
        seconds: started.elapsed().as_secs_f64(),
    }
    .print();
    Ok(())
}
