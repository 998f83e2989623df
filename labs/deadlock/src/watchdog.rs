// Listing: a watchdog that looks for silence.
//
// A deadlocked program cannot say it is deadlocked: every thread that could
// say so is waiting. So a thread of its own watches a number that grows
// while the program makes progress (locks changing hands in the two-lock
// experiment, meals eaten at the philosophers' table) and, when the number
// stops growing for long enough, calls for help.
//
// This file is a module of the `deadlock` lab *and* a complete program the
// book compiles and runs on its own (see `main` at the bottom).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

// ANCHOR: watchdog
/// Watches `progress` from a thread of its own. If the number it returns
/// stays the same for `patience` (and the work has not finished), the
/// watchdog calls `stuck`, which must end the process: threads blocked on a
/// lock can be neither woken nor joined, so `std::process::exit` is the only
/// way out.
pub fn start_watchdog(
    patience: Duration,
    progress: impl Fn() -> u64 + Send + 'static,
    stuck: impl FnOnce() + Send + 'static,
) -> Watchdog {
    let finished = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&finished);
    let handle = thread::spawn(move || {
        let (mut last_seen, mut last_change) = (progress(), Instant::now());
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(10));
            let now_seen = progress();
            if now_seen != last_seen {
                (last_seen, last_change) = (now_seen, Instant::now());
            } else if last_change.elapsed() >= patience {
                return stuck();
            }
        }
    });
    Watchdog { finished, handle }
}
// ANCHOR_END: watchdog

/// A running watchdog; [`Watchdog::finish`] stops it when the work is done.
pub struct Watchdog {
    finished: Arc<AtomicBool>,
    handle: JoinHandle<()>,
}

impl Watchdog {
    /// Stops watching (the work finished) and waits for the watchdog's thread.
    pub fn finish(self) {
        self.finished.store(true, Ordering::SeqCst);
        let _ = self.handle.join();
    }
}

/// A small run of the listing, where nothing ends the process: a counter
/// that grows for a while keeps the watchdog quiet; once it stops growing,
/// the watchdog calls `stuck` (here it only raises a flag).
pub fn main() {
    let progress = Arc::new(AtomicU64::new(0));
    let called = Arc::new(AtomicBool::new(false));
    let (seen, flag) = (Arc::clone(&progress), Arc::clone(&called));
    let watchdog = start_watchdog(
        Duration::from_millis(100),
        move || seen.load(Ordering::SeqCst),
        move || flag.store(true, Ordering::SeqCst),
    );
    for _ in 0..20 {
        progress.fetch_add(1, Ordering::SeqCst); // work moving on
        thread::sleep(Duration::from_millis(5));
    }
    // A loaded machine can pause this thread, so "quiet while the counter
    // grows" is not asserted; "called once it stops" is.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !called.load(Ordering::SeqCst) {
        assert!(
            Instant::now() < deadline,
            "the watchdog never called for help"
        );
        thread::sleep(Duration::from_millis(10));
    }
    watchdog.finish();
    println!("the watchdog called for help once the counter stopped at 20");
}
