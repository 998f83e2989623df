// Listing: results in the tasks' order, or as they finish. Python's
// `Pool.imap` / `Executor.map` and `imap_unordered` / `as_completed`.
//
// A module of the `gil` lab and a complete program the book compiles and
// runs on its own (see `main` at the bottom); it uses `std` and `rayon`.

extern crate rayon;

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use rayon::prelude::*;

// ANCHOR: order
/// Like `pool.imap(work, tasks)` or `executor.map(work, tasks)`: the results
/// come back in the tasks' order, whatever order they finish in.
pub fn in_order(tasks: &[u64], work: impl Fn(u64) -> u64 + Sync) -> Vec<u64> {
    tasks.par_iter().map(|&task| work(task)).collect()
}

/// Like `imap_unordered`, or `as_completed` over submitted futures: each
/// task sends its result down a channel the moment it is done, and the
/// caller takes them as they come, while the others still run.
pub fn as_they_finish(tasks: &[u64], work: impl Fn(u64) -> u64 + Sync) -> Vec<u64> {
    let (done, results) = mpsc::channel();
    thread::scope(|scope| {
        for &task in tasks {
            let (done, work) = (done.clone(), &work);
            scope.spawn(move || done.send(work(task)).expect("the caller listens"));
        }
        drop(done); // the loop below ends when every task's sender is gone
        results.iter().collect()
    })
}
// ANCHOR_END: order

/// A task that takes `ms` milliseconds (a wait) and returns its number.
pub fn nap(ms: u64) -> u64 {
    thread::sleep(Duration::from_millis(ms));
    ms
}

/// A small run of the listing: four naps of different lengths.
pub fn main() {
    let tasks = [40, 10, 30, 20];
    let ordered = in_order(&tasks, nap);
    println!("in the tasks' order: {ordered:?}");
    assert_eq!(ordered, tasks);
    let finished = as_they_finish(&tasks, nap);
    println!("as they finished:    {finished:?}");
    let mut sorted = finished.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [10, 20, 30, 40], "every result arrives once");
}
