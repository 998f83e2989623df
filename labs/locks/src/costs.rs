// Listing: what a lock costs, uncontended and contended, next to an atomic.
//
// A module of the `locks` lab and a complete program the book compiles and
// runs on its own (see `main` at the bottom). It uses `parking_lot`.

extern crate parking_lot;

use std::hint::black_box;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: shared_counter
/// One operation on shared state, the thing whose cost we time.
pub trait SharedOperation: Sync {
    fn run_once(&self);
}

/// Lock, add, unlock (the guard is dropped at the end of the statement).
impl SharedOperation for std::sync::Mutex<u64> {
    fn run_once(&self) {
        *self.lock().unwrap() += 1;
    }
}

/// The same with `parking_lot`: no `unwrap`, because there is no poisoning.
impl SharedOperation for parking_lot::Mutex<u64> {
    fn run_once(&self) {
        *self.lock() += 1;
    }
}

/// No lock at all: one atomic read-modify-write instruction.
impl SharedOperation for AtomicU64 {
    fn run_once(&self) {
        self.fetch_add(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: shared_counter

/// Taking a read lock and reading (nothing is changed: readers only).
impl SharedOperation for std::sync::RwLock<u64> {
    fn run_once(&self) {
        black_box(*self.read().unwrap());
    }
}

/// The same with `parking_lot`'s `RwLock`.
impl SharedOperation for parking_lot::RwLock<u64> {
    fn run_once(&self) {
        black_box(*self.read());
    }
}

// ANCHOR: time_per_op
/// Starts `threads` threads together; each calls `run_once` `per_thread`
/// times. Returns the wall time and the time per operation *as one thread
/// sees it* (wall time / operations per thread): with one thread that is
/// the bare cost; with two it includes waiting for the other thread.
pub fn time_per_op(
    shared: &impl SharedOperation,
    threads: usize,
    per_thread: u64,
) -> (Duration, f64) {
    let start_line = Barrier::new(threads + 1);
    let wall = thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                start_line.wait();
                for _ in 0..per_thread {
                    black_box(shared).run_once();
                }
            });
        }
        start_line.wait();
        let started = Instant::now();
        // Leaving the scope joins every thread: the clock stops when all are done.
        started
    })
    .elapsed();
    (wall, wall.as_nanos() as f64 / per_thread as f64)
}
// ANCHOR_END: time_per_op

/// A small run: a few hundred thousand operations of each kind.
pub fn main() {
    let per_thread = 200_000;
    for threads in [1, 2] {
        let std_mutex = std::sync::Mutex::new(0u64);
        let (_, std_ns) = time_per_op(&std_mutex, threads, per_thread);
        let fast_mutex = parking_lot::Mutex::new(0u64);
        let (_, pl_ns) = time_per_op(&fast_mutex, threads, per_thread);
        let atomic = AtomicU64::new(0);
        let (_, atomic_ns) = time_per_op(&atomic, threads, per_thread);
        println!(
            "{threads} thread(s): std {std_ns:.1} ns, parking_lot {pl_ns:.1} ns, fetch_add {atomic_ns:.1} ns"
        );
        // Nobody's increment was lost, whatever it cost.
        let total = per_thread * threads as u64;
        assert_eq!(std_mutex.into_inner().unwrap(), total);
        assert_eq!(fast_mutex.into_inner(), total);
        assert_eq!(atomic.into_inner(), total);
    }
}
