// Listing: a `Mutex` holds its data, and `lock()` returns a guard, the only
// way to reach the data; dropping the guard unlocks. When a guard is
// dropped is the whole story: the end of its block, like the end of a
// `with lock:` block in Python, or earlier.
//
// A module of the `primer` lab and a complete program the book runs on its
// own (see `main` at the bottom). It uses `parking_lot`, whose mutex can say
// whether it is locked.

extern crate parking_lot;

use std::sync::Mutex;

// ANCHOR: with_lock
/// Python: `with account_lock: balance += amount`. In Rust the balance is
/// *inside* the mutex, and the guard `lock()` returns is how you reach it.
pub fn deposit(account: &Mutex<i64>, amount: i64) -> i64 {
    let mut balance = account.lock().unwrap(); // `with account_lock:`
    *balance += amount; // through the guard
    *balance
} // `balance`, the guard, is dropped here: unlocked
// ANCHOR_END: with_lock

// ANCHOR: idioms
/// Locks in four ways and asks, each time, whether the mutex is still held.
pub fn guard_idioms(account: &parking_lot::Mutex<i64>) -> Vec<(&'static str, bool)> {
    let mut seen = Vec::new();
    {
        let _guard = account.lock(); // a name: lives to the end of the block
        seen.push((
            "`let _guard = account.lock();`, next line",
            account.is_locked(),
        ));
    }
    seen.push(("after that block", account.is_locked()));
    #[allow(clippy::let_underscore_lock)] // the trap, on purpose (clippy refuses it too)
    let _ = account.lock(); // `_` is no name: dropped at once
    seen.push(("`let _ = account.lock();`, next line", account.is_locked()));
    let guard = account.lock();
    drop(guard); // unlocked here, before the end of the block
    seen.push(("after `drop(guard);`", account.is_locked()));
    seen
}
// ANCHOR_END: idioms

/// The lines the lab prints.
pub fn lines() -> Vec<String> {
    let account = Mutex::new(100);
    let mut lines = vec![format!(
        "deposit 20 into 100: {}; locked afterwards: {}",
        deposit(&account, 20),
        account.try_lock().is_err()
    )];
    for (point, locked) in guard_idioms(&parking_lot::Mutex::new(0)) {
        lines.push(format!(
            "{point}: {}",
            if locked { "locked" } else { "free" }
        ));
    }
    lines
}

pub fn main() {
    for line in lines() {
        println!("{line}");
    }
    let seen: Vec<bool> = guard_idioms(&parking_lot::Mutex::new(0))
        .iter()
        .map(|(_, locked)| *locked)
        .collect();
    assert_eq!(seen, [true, false, false, false]);
}
