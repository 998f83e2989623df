// Listing: std::sync::Mutex and parking_lot::Mutex side by side: what happens
// after a panic, how big they are, and waiting with a time limit.
//
// A module of the `locks` lab and a complete program the book runs on its own
// (see `main` at the bottom). It uses `parking_lot`.

extern crate parking_lot;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread;
use std::time::Duration;

// ANCHOR: poisoning
/// A thread panics half-way through an update, while holding the lock.
/// `std` marks the mutex *poisoned*: every later `lock()` returns an `Err`,
/// so nobody silently carries on with half-updated data. The data is still
/// reachable, on purpose, through the error.
pub fn std_after_a_panic() -> (bool, i64) {
    let balance = std::sync::Mutex::new(100);
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let mut guard = balance.lock().unwrap();
        *guard -= 80;
        panic!("the teller fainted before handing out the notes");
    }));
    let poisoned = balance.lock().is_err();
    let seen = match balance.lock() {
        Ok(guard) => *guard,
        Err(poison) => *poison.into_inner(), // "I know, give me the data anyway"
    };
    (poisoned, seen)
}

/// `parking_lot` has no poisoning: the guard is released during the panic
/// and the next `lock()` simply succeeds (and sees the half-done update).
pub fn parking_lot_after_a_panic() -> i64 {
    let balance = parking_lot::Mutex::new(100);
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let mut guard = balance.lock();
        *guard -= 80;
        panic!("the teller fainted before handing out the notes");
    }));
    *balance.lock()
}
// ANCHOR_END: poisoning

// ANCHOR: try_lock_for
/// Waiting for a lock, but not forever: `parking_lot` can give up after a
/// timeout (`std` only offers `try_lock`, which does not wait at all).
pub fn wait_at_most(patience: Duration) -> Option<i64> {
    let balance = parking_lot::Mutex::new(100);
    let busy = balance.lock(); // someone else is at the counter...
    let answer = thread::scope(|s| {
        s.spawn(|| balance.try_lock_for(patience).map(|guard| *guard))
            .join()
            .unwrap()
    });
    drop(busy);
    answer // None: we gave up after `patience`
}
// ANCHOR_END: try_lock_for

// ANCHOR: sizes
/// How many bytes each mutex adds to what it protects.
pub fn sizes() -> [(&'static str, usize); 4] {
    use std::mem::size_of;
    [
        ("std::sync::Mutex<()>", size_of::<std::sync::Mutex<()>>()),
        (
            "parking_lot::Mutex<()>",
            size_of::<parking_lot::Mutex<()>>(),
        ),
        ("std::sync::Mutex<u64>", size_of::<std::sync::Mutex<u64>>()),
        (
            "parking_lot::Mutex<u64>",
            size_of::<parking_lot::Mutex<u64>>(),
        ),
    ]
}
// ANCHOR_END: sizes

/// Runs each demonstration once and checks what the chapter says about it.
pub fn main() {
    // The tellers' panics are expected; keep their reports (only) off the terminal.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let expected = info.payload().downcast_ref::<&str>();
        if expected.is_none_or(|message| !message.starts_with("the teller fainted")) {
            previous_hook(info);
        }
    }));
    let (poisoned, seen) = std_after_a_panic();
    let parking_lot_seen = parking_lot_after_a_panic();
    println!("std: poisoned = {poisoned}, balance inside = {seen}");
    println!("parking_lot: lock() just works, balance inside = {parking_lot_seen}");
    assert!(poisoned);
    assert_eq!((seen, parking_lot_seen), (20, 20));

    let answer = wait_at_most(Duration::from_millis(20));
    println!("try_lock_for(20 ms) while the lock is held: {answer:?}");
    assert_eq!(answer, None);

    for (name, bytes) in sizes() {
        println!("size_of::<{name}>() = {bytes}");
    }
    let [std_unit, pl_unit, ..] = sizes();
    assert!(pl_unit.1 < std_unit.1, "parking_lot's mutex is one byte");
}
