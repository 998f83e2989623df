// Listing: exactly when a `MutexGuard` lets go. A guard unlocks when it is
// dropped, and Rust drops values at fixed points: a temporary at the end of
// its statement (or of the `match` it is the scrutinee of), a variable at
// the end of its block, or earlier with `drop`. The program asks after each
// line whether the mutex is still locked.
//
// A module of the `locks` lab and a complete program the book runs on its own
// (see `main` at the bottom): standard library only.

use std::sync::{Mutex, TryLockError};

// ANCHOR: is_locked
/// Is `m` locked right now? `try_lock` never waits: it fails at once with
/// `WouldBlock` if anyone, this thread included, holds the lock.
pub fn is_locked<T>(m: &Mutex<T>) -> bool {
    matches!(m.try_lock(), Err(TryLockError::WouldBlock))
}
// ANCHOR_END: is_locked

// ANCHOR: release_points
/// Takes the lock in six ways and records, at the marked points, whether
/// it is still held.
pub fn release_points(m: &Mutex<i64>) -> Vec<(&'static str, bool)> {
    let mut seen = Vec::new();
    *m.lock().unwrap() += 1; // the guard is a temporary of this statement
    seen.push(("after `*m.lock().unwrap() += 1;`", is_locked(m)));

    let guard = m.lock().unwrap();
    seen.push(("`let guard = m.lock()...`, next line", is_locked(m)));
    drop(guard);
    seen.push(("after `drop(guard);`", is_locked(m)));

    {
        let _guard = m.lock().unwrap();
        seen.push(("`let _guard = ...`, later in the block", is_locked(m)));
    }
    seen.push(("after the block's `}`", is_locked(m)));

    if let Some(_left) = m.lock().unwrap().checked_sub(1) {
        // The condition's temporaries, the guard among them, live on here.
        seen.push(("inside `if let ... = m.lock()... {`", is_locked(m)));
    }

    let balance = *m.lock().unwrap(); // the number is copied out; unlocked at `;`
    if balance > 0 {
        seen.push(("inside `if balance > 0 {`, after that", is_locked(m)));
    }
    seen
}
// ANCHOR_END: release_points

/// A small run: the points where the lock is held are exactly these.
pub fn main() {
    let m = Mutex::new(0);
    let seen = release_points(&m);
    for (point, locked) in &seen {
        println!("{point:<40} {}", if *locked { "locked" } else { "free" });
    }
    let locked: Vec<bool> = seen.iter().map(|(_, l)| *l).collect();
    assert_eq!(locked, [false, true, false, true, false, true, false]);
}
