// Listing: the lost update. Two threads add 1 to a shared counter; one way
// of adding loses increments, the other never does.
//
// A module of the `races` lab and a complete program the book runs on its own
// (see `main` at the bottom): standard library only.

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

// ANCHOR: increments
/// Read, add one, write back: two atomic steps, like `x += 1` in Python,
/// which is a load, an add and a store. Another thread's store can land
/// between our load and our store, and ours then overwrites it.
pub fn increment_load_store(counter: &AtomicU64) {
    let seen = counter.load(Ordering::SeqCst);
    counter.store(seen + 1, Ordering::SeqCst);
}

/// One indivisible read-modify-write (a single `lock xadd` on x86-64):
/// no other thread can see or change the counter half-way through.
pub fn increment_fetch_add(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::SeqCst);
}
// ANCHOR_END: increments

// ANCHOR: lockstep
/// The worst interleaving, on demand: in every round each thread loads the
/// counter, waits until every thread has loaded it, then stores its `seen + 1`.
/// They all read the same value, so each round adds 1, not `threads`.
pub fn load_store_in_lockstep(threads: usize, rounds: u64) -> u64 {
    let counter = AtomicU64::new(0);
    let all_loaded = Barrier::new(threads);
    let all_stored = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..rounds {
                    let seen = counter.load(Ordering::SeqCst);
                    all_loaded.wait(); // everybody has read the same value
                    counter.store(seen + 1, Ordering::SeqCst);
                    all_stored.wait(); // everybody has written it back
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: lockstep

/// The same lockstep rounds with `fetch_add`: the barriers are still there,
/// but there is no gap inside the increment for them to widen.
pub fn fetch_add_in_lockstep(threads: usize, rounds: u64) -> u64 {
    let counter = AtomicU64::new(0);
    let all_ready = Barrier::new(threads);
    let all_added = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..rounds {
                    all_ready.wait();
                    increment_fetch_add(&counter);
                    all_added.wait();
                }
            });
        }
    });
    counter.into_inner()
}

// ANCHOR: free_running
/// No forcing at all: `threads` threads each call `increment` `per_thread`
/// times, as fast as they can. How many increments a racy `increment` loses
/// is now up to the hardware and the scheduler.
pub fn count_free_running(threads: usize, per_thread: u64, increment: fn(&AtomicU64)) -> u64 {
    let counter = AtomicU64::new(0);
    let start = Barrier::new(threads);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start.wait();
                for _ in 0..per_thread {
                    increment(&counter);
                }
            });
        }
    });
    counter.into_inner()
}
// ANCHOR_END: free_running

/// A small run of the listing.
pub fn main() {
    let (threads, rounds) = (2, 200);
    let lost_forced = load_store_in_lockstep(threads, rounds);
    let kept_forced = fetch_add_in_lockstep(threads, rounds);
    println!(
        "lockstep, {threads} threads x {rounds}: load+store {lost_forced}, fetch_add {kept_forced}"
    );
    assert_eq!(
        lost_forced, rounds,
        "every round lost all but one increment"
    );
    assert_eq!(kept_forced, rounds * threads as u64);
    let free = count_free_running(threads, 100_000, increment_fetch_add);
    println!("free-running fetch_add: {free}");
    assert_eq!(free, 200_000);
    let racy = count_free_running(threads, 100_000, increment_load_store);
    println!("free-running load+store: {racy}");
    assert!(racy <= 200_000, "a lost update can only lose increments");
}
