// Listing: atomics. An atomic integer can be changed by several threads at
// once without a lock: each operation is indivisible. Every operation also
// takes an `Ordering`, which says what it guarantees about *other* memory
// around it.
//
// A module of the `primer` lab and a complete program the book runs on its
// own (see `main` at the bottom): standard library only.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

// ANCHOR: relaxed
/// Threads count events in one shared `AtomicU64`. `Relaxed` is enough: a
/// `fetch_add` is indivisible whatever the ordering, so no count is lost,
/// and the total is read only after the scope has joined every thread
/// (joining makes everything the threads did visible).
pub fn count_events(threads: usize, per_thread: u64) -> u64 {
    let events = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    events.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    events.load(Ordering::Relaxed)
}
// ANCHOR_END: relaxed

// ANCHOR: seqcst
/// A stop flag: workers run until another thread sets it. `SeqCst` is the
/// strongest ordering (every thread sees all `SeqCst` operations in one
/// order) and the one to use unless you can say why a weaker one is enough.
pub fn stop_workers(workers: usize, after: Duration) -> Vec<u64> {
    let stop = AtomicBool::new(false);
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut laps = 0;
                    while !stop.load(Ordering::SeqCst) {
                        laps += 1;
                        thread::yield_now();
                    }
                    laps
                })
            })
            .collect();
        thread::sleep(after);
        stop.store(true, Ordering::SeqCst);
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
// ANCHOR_END: seqcst

/// The lines the lab prints, for `per_thread` increments per thread.
pub fn lines(threads: usize, per_thread: u64, after: Duration) -> Vec<String> {
    let total = count_events(threads, per_thread);
    let laps = stop_workers(2, after);
    vec![
        format!(
            "{threads} threads x {per_thread} increments, Relaxed: the counter reads {total} (expected {})",
            threads as u64 * per_thread
        ),
        format!(
            "{} workers saw the stop flag and stopped: {}",
            laps.len(),
            laps.len() == 2
        ),
    ]
}

pub fn main() {
    for line in lines(4, 100_000, Duration::from_millis(10)) {
        println!("{line}");
    }
    assert_eq!(count_events(4, 100_000), 400_000);
    assert_eq!(stop_workers(3, Duration::from_millis(5)).len(), 3);
}
