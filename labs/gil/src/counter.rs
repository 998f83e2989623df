// Listing: a counter that threads share, the two ways Rust accepts.
//
// A module of the `gil` lab and a complete program the book compiles and
// runs on its own (see `main` at the bottom); standard library only.
//
// Python's `counter.value += 1` from several threads compiles, and loses
// updates once threads truly run at once. Rust refuses the same program
// (a `u64` shared mutably by several threads does not compile: the races
// chapter shows the error); what it accepts is an atomic add or a lock.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: counter
/// `threads` threads each add 1 to one shared atomic counter `times` times.
/// `fetch_add` is one indivisible read-add-write: no update can be lost.
/// `Relaxed` is enough: nothing else is published through the counter, and
/// it is read only after every thread has been joined.
pub fn count_with_atomic(threads: u64, times: u64) -> u64 {
    let counter = AtomicU64::new(0);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..times {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    counter.into_inner()
}

/// The same with a lock, as `with lock: counter.value += 1` is in Python.
pub fn count_with_mutex(threads: u64, times: u64) -> u64 {
    let counter = Mutex::new(0u64);
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                for _ in 0..times {
                    *counter.lock().unwrap() += 1;
                }
            });
        }
    });
    counter.into_inner().unwrap()
}
// ANCHOR_END: counter

/// A small run of the listing: four threads, nothing lost either way.
pub fn main() {
    let (threads, times) = (4, 100_000);
    assert_eq!(count_with_atomic(threads, times), threads * times);
    assert_eq!(count_with_mutex(threads, times), threads * times);
    println!("{threads} threads added 1 {times} times each: nothing lost, twice");
}
