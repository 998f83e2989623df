//! The hidden `once` subcommand: one run of one program of the runs
//! experiments (`runs.rs`), in a child process of its own, printed as one
//! JSON line. A deadlocked run ends itself as soon as the board shows the
//! cycle, with the exit status of a deadlock.

use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::ValueEnum;
use deadlock::timeout::{self, Backoff, Outcome, Retries};
use deadlock::two_locks::{self, Board, NamedLock};
use serde::{Deserialize, Serialize};

use super::DEADLOCK_EXIT_CODE;

/// How many attempts each retrying thread makes.
pub const ATTEMPTS: u32 = 10;

pub const DEADLOCKED: &str = "deadlocked";
pub const FINISHED: &str = "finished";

/// A program one run executes, in a child process of its own.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    /// Thread 1 takes lock A then B, thread 2 B then A (named locks, watched).
    OppositeOrders,
    /// Both threads take lock A, then lock B.
    LockOrder,
    /// Opposite orders; each waits at most a timeout for its second lock, then gives up.
    GiveUp,
    /// Opposite orders; retry after a timeout, both with the same back-off.
    RetrySame,
    /// Opposite orders; retry after a timeout, each with a random back-off.
    RetryJitter,
}

/// What one run printed: how it ended, the attempts of both threads (two
/// when each tried once), and how long the work took inside the child.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Once {
    pub outcome: String,
    pub attempts: u32,
    pub seconds: f64,
}

/// The hidden `once` subcommand: one run of one program, one JSON line.
/// A deadlocked run ends with [`DEADLOCK_EXIT_CODE`] after printing its line.
pub fn once(program: Program, pause: Duration, wait: Duration) -> Result<()> {
    let started = Instant::now();
    let (a, b) = (parking_lot::Mutex::new(()), parking_lot::Mutex::new(()));
    let retries = match program {
        Program::OppositeOrders | Program::LockOrder => {
            two_threads(program, pause, started);
            print(FINISHED, 2, started);
            return Ok(());
        }
        Program::GiveUp => timeout::give_up_unstaged(&a, &b, pause, wait).map(|outcome| Retries {
            outcome,
            attempts: 1,
        }),
        Program::RetrySame => {
            timeout::retry_unstaged(&a, &b, pause, wait, ATTEMPTS, [Backoff::Same; 2])
        }
        Program::RetryJitter => {
            // Seeds drawn afresh in every run: std's RandomState is random.
            let seeds = [1u8, 2].map(|n| Backoff::Jitter(RandomState::new().hash_one(n)));
            timeout::retry_unstaged(&a, &b, pause, wait, ATTEMPTS, seeds)
        }
    };
    let gave_up: Vec<bool> = retries
        .iter()
        .map(|r| r.outcome == Outcome::GaveUp)
        .collect();
    let outcome = match gave_up[..] {
        [false, false] => FINISHED,
        [true, false] => "1 gave up",
        [false, true] => "2 gave up",
        _ => "both gave up",
    };
    print(outcome, retries.iter().map(|r| r.attempts).sum(), started);
    Ok(())
}

/// The two-lock programs on named locks, with a watcher that ends the
/// process as soon as the board shows a cycle: with plain `lock()` calls
/// that is a deadlock for certain, so no patience is needed.
fn two_threads(program: Program, pause: Duration, started: Instant) {
    let board = Board::new();
    let lock_a = NamedLock::new("lock A", &board);
    let lock_b = NamedLock::new("lock B", &board);
    let watched = Arc::clone(&board);
    thread::spawn(move || {
        loop {
            thread::sleep(Duration::from_micros(500));
            if watched.in_a_cycle() {
                print(DEADLOCKED, 2, started);
                std::process::exit(DEADLOCK_EXIT_CODE);
            }
        }
    });
    let order_2 = match program {
        Program::LockOrder => [&lock_a, &lock_b],
        _ => [&lock_b, &lock_a],
    };
    two_locks::unstaged(&board, [&lock_a, &lock_b], order_2, pause);
}

fn print(outcome: &str, attempts: u32, started: Instant) {
    let once = Once {
        outcome: outcome.to_string(),
        attempts,
        seconds: started.elapsed().as_secs_f64(),
    };
    println!(
        "{}",
        serde_json::to_string(&once).expect("a string and two numbers")
    );
    let _ = std::io::stdout().flush();
}
