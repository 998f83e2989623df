// Listing: preventing the deadlock by design.
//
// Two threads move money between accounts A and B in opposite directions,
// so each needs both locks. Three ways to make that safe, each removing one
// of the four conditions a deadlock needs:
// - a global lock order (no circular wait),
// - one lock guarding both accounts (no hold and wait: there is nothing
//   else to wait for),
// - all or nothing: take the second lock only if it is free, otherwise let
//   go of the first, wait a random moment (jitter) and start over (no hold
//   and wait, at the price of retries).
//
// This file is a module of the `deadlock` lab *and* a complete program the
// book compiles and runs on its own (see `main` at the bottom).

extern crate parking_lot;

use std::hash::{BuildHasher, RandomState};
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use parking_lot::{Mutex, MutexGuard};

// ANCHOR: account
/// A balance behind its own lock, with a fixed place in the program's
/// global lock order: a lock of lower `rank` is always taken first.
pub struct Account {
    pub rank: u32,
    pub balance: Mutex<i64>,
}

impl Account {
    pub fn new(rank: u32, balance: i64) -> Account {
        Account {
            rank,
            balance: Mutex::new(balance),
        }
    }
}
// ANCHOR_END: account

// ANCHOR: lock_in_order
/// Locks both accounts, lower rank first, whichever order the caller names
/// them in, and returns the guards in the caller's order. Every thread
/// that goes through here asks for locks in the same order, so no thread
/// can hold a lock another waits for while it waits for one *that* thread
/// holds: the cycle cannot close. `reach` is the time between taking the
/// first lock and asking for the second, the window in which opposite
/// orders deadlock.
pub fn lock_in_order<'a>(
    from: &'a Account,
    to: &'a Account,
    reach: Duration,
) -> (MutexGuard<'a, i64>, MutexGuard<'a, i64>) {
    assert_ne!(from.rank, to.rank, "one lock taken twice would deadlock");
    if from.rank < to.rank {
        let from_guard = from.balance.lock();
        thread::sleep(reach);
        (from_guard, to.balance.lock())
    } else {
        let to_guard = to.balance.lock();
        thread::sleep(reach);
        (from.balance.lock(), to_guard)
    }
}
// ANCHOR_END: lock_in_order

/// Moves one unit from `from` to `to`, `rounds` times; returns how many
/// transfers it made.
pub fn transfer_in_order(
    from: &Account,
    to: &Account,
    rounds: u32,
    reach: Duration,
    start_together: &Barrier,
) -> u64 {
    let mut transfers = 0;
    for _ in 0..rounds {
        start_together.wait();
        let (mut from_balance, mut to_balance) = lock_in_order(from, to, reach);
        *from_balance -= 1;
        *to_balance += 1;
        transfers += 1;
    }
    transfers
}

// ANCHOR: single_lock
/// Both balances behind one lock: a thread never holds one while it waits
/// for the other, because there is no other.
pub struct Accounts {
    pub a: i64,
    pub b: i64,
}

pub fn transfer_under_one_lock(
    accounts: &Mutex<Accounts>,
    a_to_b: bool,
    rounds: u32,
    reach: Duration,
    start_together: &Barrier,
) -> u64 {
    let mut transfers = 0;
    for _ in 0..rounds {
        start_together.wait();
        let mut both = accounts.lock();
        let step = if a_to_b { 1 } else { -1 };
        both.a -= step;
        thread::sleep(reach); // the same reach, now under the one lock
        both.b += step;
        transfers += 1;
    }
    transfers
}
// ANCHOR_END: single_lock

// ANCHOR: all_or_nothing
/// Takes `from`'s lock, then `to`'s only if it is free when asked for; if
/// it is not, lets go of the first, waits a random 0 to 3 `reach`es
/// (jitter, so that two threads that collided come back at different
/// times) and starts over. A thread never waits while holding a lock.
/// Returns the guards and how many times it started over.
pub fn lock_all_or_nothing<'a>(
    from: &'a Mutex<i64>,
    to: &'a Mutex<i64>,
    reach: Duration,
) -> (MutexGuard<'a, i64>, MutexGuard<'a, i64>, u64) {
    let mut retries = 0;
    loop {
        let from_guard = from.lock();
        thread::sleep(reach);
        if let Some(to_guard) = to.try_lock() {
            return (from_guard, to_guard, retries);
        }
        drop(from_guard);
        retries += 1;
        thread::sleep(reach * random_below(4)); // back off: 0, 1, 2 or 3 reaches
    }
}
// ANCHOR_END: all_or_nothing

/// Moves one unit from `from` to `to`, `rounds` times; returns how many
/// transfers it made and how many times it started over.
pub fn transfer_all_or_nothing(
    from: &Mutex<i64>,
    to: &Mutex<i64>,
    rounds: u32,
    reach: Duration,
    start_together: &Barrier,
) -> (u64, u64) {
    let (mut transfers, mut total_retries) = (0, 0);
    for _ in 0..rounds {
        start_together.wait();
        let (mut from_balance, mut to_balance, retries) = lock_all_or_nothing(from, to, reach);
        *from_balance -= 1;
        *to_balance += 1;
        transfers += 1;
        total_retries += retries;
    }
    (transfers, total_retries)
}

/// A random number below `n`: std's `RandomState` is seeded at random and
/// gives a different hasher each time, which is randomness enough for a
/// back-off (no crate needed).
pub fn random_below(n: u32) -> u32 {
    let hash = RandomState::new().hash_one(thread::current().id());
    (hash % u64::from(n)) as u32
}

/// How a strategy's run ended: the balances, the transfers the threads
/// made (counted by the threads) and the retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    pub balance_a: i64,
    pub balance_b: i64,
    pub transfers: u64,
    pub retries: u64,
}

/// The lock-order strategy with both directions at once, `rounds` transfers
/// each way, every round started together so that the threads collide.
pub fn run_in_order(rounds: u32, reach: Duration, start: i64) -> Ending {
    let barrier = Barrier::new(2);
    let (a, b) = (Account::new(1, start), Account::new(2, start));
    let transfers = thread::scope(|s| {
        let one = s.spawn(|| transfer_in_order(&a, &b, rounds, reach, &barrier));
        let two = s.spawn(|| transfer_in_order(&b, &a, rounds, reach, &barrier));
        one.join().unwrap() + two.join().unwrap()
    });
    Ending {
        balance_a: *a.balance.lock(),
        balance_b: *b.balance.lock(),
        transfers,
        retries: 0,
    }
}

/// Like [`run_in_order`], with one lock for both accounts.
pub fn run_under_one_lock(rounds: u32, reach: Duration, start: i64) -> Ending {
    let barrier = Barrier::new(2);
    let accounts = Mutex::new(Accounts { a: start, b: start });
    let transfers = thread::scope(|s| {
        let (accounts, barrier) = (&accounts, &barrier);
        let one = s.spawn(move || transfer_under_one_lock(accounts, true, rounds, reach, barrier));
        let two = s.spawn(move || transfer_under_one_lock(accounts, false, rounds, reach, barrier));
        one.join().unwrap() + two.join().unwrap()
    });
    let both = accounts.lock();
    Ending {
        balance_a: both.a,
        balance_b: both.b,
        transfers,
        retries: 0,
    }
}

/// Like [`run_in_order`], all or nothing; also counts the retries.
pub fn run_all_or_nothing(rounds: u32, reach: Duration, start: i64) -> Ending {
    let barrier = Barrier::new(2);
    let (a, b) = (Mutex::new(start), Mutex::new(start));
    let ((t1, r1), (t2, r2)) = thread::scope(|s| {
        let one = s.spawn(|| transfer_all_or_nothing(&a, &b, rounds, reach, &barrier));
        let two = s.spawn(|| transfer_all_or_nothing(&b, &a, rounds, reach, &barrier));
        (one.join().unwrap(), two.join().unwrap())
    });
    Ending {
        balance_a: *a.lock(),
        balance_b: *b.lock(),
        transfers: t1 + t2,
        retries: r1 + r2,
    }
}

/// Runs one strategy: `(rounds, reach, starting balance)` to its [`Ending`].
pub type Strategy = fn(u32, Duration, i64) -> Ending;

/// The three strategies, by the names the lab prints.
pub const STRATEGIES: [(&str, Strategy); 3] = [
    ("global lock order", run_in_order),
    ("one lock for both", run_under_one_lock),
    ("all or nothing", run_all_or_nothing),
];

/// A small run of the listing: 200 transfers each way with each strategy.
/// Each finishes (none deadlocks), and as many units went each way, so the
/// balances end where they started.
pub fn main() {
    for (strategy, run) in STRATEGIES {
        let end = run(200, Duration::from_micros(50), 100);
        println!("{strategy}: {end:?}");
        assert_eq!(
            (end.balance_a, end.balance_b, end.transfers),
            (100, 100, 400)
        );
    }
}
