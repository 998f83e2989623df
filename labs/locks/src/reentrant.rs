// Listing: Rust's mutexes are not re-entrant. Python's `threading.RLock`
// lets the thread that holds it take it again; a `std::sync::Mutex` (like
// Python's plain `Lock`) makes that thread wait for itself, forever. The
// demonstration is bounded: the stuck call runs on a thread of its own,
// watched by a timeout.
//
// A module of the `locks` lab and a complete program the book runs on its own
// (see `main` at the bottom): standard library only.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

// ANCHOR: relock
/// Charges a fee, then prints a statement. The statement locks the account
/// too (it is also called on its own), so here the same thread asks for a
/// mutex it already holds.
pub fn charge_fee(account: &Mutex<i64>, fee: i64) -> i64 {
    let mut balance = account.lock().unwrap();
    *balance -= fee;
    statement(account) // `balance` still holds the lock
}

pub fn statement(account: &Mutex<i64>) -> i64 {
    let balance = account.lock().unwrap(); // waits for the lock... held by us
    *balance
}
// ANCHOR_END: relock

// ANCHOR: fixed
/// What to do instead: take the lock once, at the edge, and hand the helpers
/// the data (`&i64`, `&mut i64`), not the mutex. Only the public functions
/// lock; what they call never does.
pub fn charge_fee_fixed(account: &Mutex<i64>, fee: i64) -> i64 {
    let mut balance = account.lock().unwrap();
    *balance -= fee;
    statement_of(&balance)
}

pub fn statement_of(balance: &i64) -> i64 {
    *balance
}
// ANCHOR_END: fixed

/// How a call watched by [`watched`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watched<T> {
    Returned(T),
    /// Still running when the watchdog gave up on it: stuck.
    StillWaiting,
    /// It panicked (std may panic on a re-lock instead of deadlocking).
    Panicked,
}

// ANCHOR: watchdog
/// Runs `call` on a thread of its own and waits for it at most `patience`.
/// A call that is stuck stays stuck: its thread is left behind (it ends
/// with the process), and the caller carries on.
pub fn watched<T: Send + 'static>(
    patience: Duration,
    call: impl FnOnce() -> T + Send + 'static,
) -> Watched<T> {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || done.send(call()));
    match finished.recv_timeout(patience) {
        Ok(value) => Watched::Returned(value),
        Err(RecvTimeoutError::Timeout) => Watched::StillWaiting,
        Err(RecvTimeoutError::Disconnected) => Watched::Panicked,
    }
}
// ANCHOR_END: watchdog

/// Both versions, each watched for `patience`.
pub fn compare(patience: Duration) -> (Watched<i64>, Watched<i64>) {
    let account = Arc::new(Mutex::new(100));
    let relocking = watched(patience, move || charge_fee(&account, 1));
    let account = Arc::new(Mutex::new(100));
    let fixed = watched(patience, move || charge_fee_fixed(&account, 1));
    (relocking, fixed)
}

/// A small run: the re-lock never returns, the fix does.
pub fn main() {
    let (relocking, fixed) = compare(Duration::from_millis(500));
    println!("charge_fee (locks twice): {relocking:?}");
    println!("charge_fee_fixed (locks once): {fixed:?}");
    assert_ne!(relocking, Watched::Returned(99), "a re-lock never returns");
    assert_eq!(fixed, Watched::Returned(99));
}
