// Listing: a GIL you can hold, and the Python material's experiments under it.
//
// A module of the `gil` lab and a complete program the book compiles and
// runs on its own (see `main` at the bottom): it uses `std`, `parking_lot`
// and `rayon` only.
//
// Longer than 300 lines, for a reason: the book compiles a listing as one
// program, and every experiment of the chapter runs under the `Gil` defined
// here, so the type and the experiments (nine cells of the chapter) live
// together.

extern crate parking_lot;
extern crate rayon;

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex, MutexGuard};
use rayon::prelude::*;

// ANCHOR: gil_type
/// A global interpreter lock, following CPython's `Python/ceval_gil.c`:
/// one thread at a time may run "bytecode"; a waiter asks the holder to let
/// go after a switch interval; the holder hands over fairly.
pub struct Gil {
    lock: Mutex<()>,
    switch_interval: Duration,
    /// Set by a thread that has waited a whole interval; cleared by the next holder.
    drop_request: AtomicBool,
    /// Threads inside `take`, waiting for the lock.
    waiting: AtomicUsize,
    /// How many times the lock has been taken (CPython's `switch_number`),
    /// and a condition variable signalled each time it is.
    switch_number: Mutex<u64>,
    switched: Condvar,
    /// How many times a holder handed the lock over because it was asked to.
    forced_switches: AtomicU64,
}
// ANCHOR_END: gil_type

/// Proof that the calling thread holds the [`Gil`]; dropping it releases the lock.
pub struct GilHeld<'a> {
    gil: &'a Gil,
    guard: Option<MutexGuard<'a, ()>>,
}

impl Gil {
    /// CPython's default switch interval: 5 ms.
    pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

    pub fn new(switch_interval: Duration) -> Gil {
        Gil {
            lock: Mutex::new(()),
            switch_interval,
            drop_request: AtomicBool::new(false),
            waiting: AtomicUsize::new(0),
            switch_number: Mutex::new(0),
            switched: Condvar::new(),
            forced_switches: AtomicU64::new(0),
        }
    }

    /// Waits for the lock, as a thread that is about to run bytecode does.
    pub fn acquire(&self) -> GilHeld<'_> {
        GilHeld {
            gil: self,
            guard: Some(self.take()),
        }
    }

    // ANCHOR: gil_take
    fn take(&self) -> MutexGuard<'_, ()> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let guard = loop {
            let seen = *self.switch_number.lock();
            if let Some(guard) = self.lock.try_lock_for(self.switch_interval) {
                break guard;
            }
            // A whole interval, and the lock has not changed hands since:
            // ask the holder to let go. (If it did change hands, the new
            // holder gets a whole interval too, as in CPython's `take_gil`.)
            let number = self.switch_number.lock();
            if *number == seen {
                self.drop_request.store(true, Ordering::SeqCst);
            }
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let mut number = self.switch_number.lock();
        *number += 1;
        self.drop_request.store(false, Ordering::SeqCst);
        drop(number);
        self.switched.notify_all();
        guard
    }
    // ANCHOR_END: gil_take

    /// How many times a holder was made to hand the lock over.
    pub fn forced_switches(&self) -> u64 {
        self.forced_switches.load(Ordering::SeqCst)
    }

    /// How many threads are waiting for the lock.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

// ANCHOR: gil_held
impl GilHeld<'_> {
    /// Called between two slices of bytecode: if a waiting thread has asked
    /// for the lock, hand it over. `Relaxed` is enough for this look: the
    /// flag carries no data; what the hand-over reads, it reads under the
    /// mutexes, which synchronise on their own.
    #[inline]
    pub fn between_slices(&mut self) {
        if self.gil.drop_request.load(Ordering::Relaxed) {
            self.hand_over();
        }
    }

    #[cold]
    fn hand_over(&mut self) {
        let gil = self.gil;
        let before = *gil.switch_number.lock();
        let guard = self.guard.take().expect("a GilHeld holds the lock");
        gil.forced_switches.fetch_add(1, Ordering::SeqCst);
        MutexGuard::unlock_fair(guard);
        // Do not race the waiter for the lock just given up: sleep until
        // it has taken it (the condition variable wakes us; no spinning).
        let mut number = gil.switch_number.lock();
        while *number == before && gil.waiting.load(Ordering::SeqCst) > 0 {
            gil.switched.wait(&mut number);
        }
        drop(number);
        self.guard = Some(gil.take());
    }

    /// Runs a blocking call (I/O, a sleep) without the lock, then takes it back.
    pub fn release_while<T>(&mut self, blocking_call: impl FnOnce() -> T) -> T {
        drop(self.guard.take().expect("a GilHeld holds the lock"));
        let value = blocking_call();
        self.guard = Some(self.gil.take());
        value
    }
}
// ANCHOR_END: gil_held

// ANCHOR: countdown
/// How many steps run between two looks at the GIL: a microsecond or so
/// of work, like a stretch of bytecode between two eval-breaker checks.
pub const SLICE: u64 = 1_000;

/// The Python material's `count_down`: `while n > 0: n -= 1`, with a few
/// register-only operations per step (xor, multiply, rotate) mixed into a
/// value the compiler cannot predict, so it can neither delete the loop
/// nor make it depend on the memory system. Returns the steps counted.
pub fn count_down(n: u64) -> u64 {
    let (mut left, mut mixed) = (n, 0x9E37_79B9_7F4A_7C15_u64);
    while left > 0 {
        mixed = (mixed ^ left)
            .wrapping_mul(0x2545_F491_4F6C_DD1D)
            .rotate_left(17);
        left -= 1;
    }
    black_box(mixed); // the result is "used": the work must be done
    n - left
}

/// The same countdown as "bytecode": run in slices, holding the GIL, and
/// giving it up between slices when another thread asks.
pub fn count_down_holding(gil: &Gil, n: u64) -> u64 {
    let mut held = gil.acquire();
    let (mut left, mut counted) = (n, 0);
    while left > 0 {
        let slice = left.min(SLICE);
        counted += count_down(slice);
        left -= slice;
        held.between_slices();
    }
    counted
}
// ANCHOR_END: countdown

// ANCHOR: countdown_threads
/// `threads` threads share the countdown of `n`, each under the GIL;
/// returns the steps the threads counted, added up.
pub fn count_down_gil_threads(gil: &Gil, n: u64, threads: u64) -> u64 {
    thread::scope(|scope| {
        let workers: Vec<_> = share(n, threads)
            .into_iter()
            .map(|part| scope.spawn(move || count_down_holding(gil, part)))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    })
}

/// The same threads without a GIL: each runs its part flat out.
pub fn count_down_free_threads(n: u64, threads: u64) -> u64 {
    thread::scope(|scope| {
        let workers: Vec<_> = share(n, threads)
            .into_iter()
            .map(|part| scope.spawn(move || count_down(part)))
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    })
}

/// Rayon: the countdown cut into `chunks` jobs, each a tight loop of its own.
pub fn count_down_rayon(n: u64, chunks: u64) -> u64 {
    share(n, chunks).into_par_iter().map(count_down).sum()
}
// ANCHOR_END: countdown_threads

/// Splits `n` into `parts` whole numbers that differ by at most one.
pub fn share(n: u64, parts: u64) -> Vec<u64> {
    assert!(parts > 0, "at least one part");
    (0..parts)
        .map(|k| n / parts + u64::from(k < n % parts))
        .collect()
}

// ANCHOR: fib
/// The Python material's deliberately slow Fibonacci: two recursive calls.
pub fn fib(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

/// Below this depth a call runs to the end without a pause:
/// fib(18) is about 8,000 calls, ten-odd microseconds of "bytecode".
pub const FIB_SLICE_DEPTH: u32 = 18;

/// The same recursion, cut into slices: `between_slices` runs after every
/// small subtree of calls. Under the GIL it looks at the lock; without it,
/// it does nothing, so both variants run exactly the same code.
pub fn fib_in_slices(n: u32, between_slices: &mut impl FnMut()) -> u64 {
    if n <= FIB_SLICE_DEPTH {
        let value = fib(n);
        between_slices();
        value
    } else {
        fib_in_slices(n - 1, between_slices) + fib_in_slices(n - 2, between_slices)
    }
}

/// fib(n) under the GIL: the holder looks at the lock between slices.
pub fn fib_holding(n: u32, held: &mut GilHeld<'_>) -> u64 {
    fib_in_slices(n, &mut || held.between_slices())
}
// ANCHOR_END: fib

// ANCHOR: fib_pairs
/// fib(k) in slices, under the GIL if there is one.
fn fib_maybe_holding(k: u32, gil: Option<&Gil>) -> u64 {
    match gil {
        Some(gil) => fib_holding(k, &mut gil.acquire()),
        None => fib_in_slices(k, &mut || {}),
    }
}

/// fib(n), then fib(n + 1), on one new thread, with or without the GIL.
pub fn fib_pair_on_one_thread(n: u32, gil: Option<&Gil>) -> (u64, u64) {
    thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let first = fib_maybe_holding(n, gil);
            (first, fib_maybe_holding(n + 1, gil))
        });
        worker.join().unwrap()
    })
}

/// fib(n) and fib(n + 1), each on a thread of its own, with or without the GIL.
pub fn fib_pair_on_threads(n: u32, gil: Option<&Gil>) -> (u64, u64) {
    thread::scope(|scope| {
        let first = scope.spawn(move || fib_maybe_holding(n, gil));
        let second = scope.spawn(move || fib_maybe_holding(n + 1, gil));
        (first.join().unwrap(), second.join().unwrap())
    })
}
// ANCHOR_END: fib_pairs

// ANCHOR: io
/// One I/O-bound request: a little CPU work under the GIL to build it, a
/// blocking wait with the GIL released, a little CPU work to read the answer.
pub fn request_holding(gil: &Gil, latency: Duration, cpu_steps: u64) -> Duration {
    let mut held = gil.acquire();
    count_down(cpu_steps); // build the request: bytecode, GIL held
    let waited = held.release_while(|| {
        let start = Instant::now();
        thread::sleep(latency); // the network: GIL released
        start.elapsed()
    });
    count_down(cpu_steps); // parse the answer: GIL held again
    waited
}

/// `requests` requests one after another on this thread.
pub fn requests_in_sequence(gil: &Gil, requests: u32, latency: Duration, cpu: u64) -> Duration {
    (0..requests)
        .map(|_| request_holding(gil, latency, cpu))
        .sum()
}

/// `requests` requests, each on its own thread, all under the same GIL.
pub fn requests_on_threads(gil: &Gil, requests: u32, latency: Duration, cpu: u64) -> Duration {
    thread::scope(|scope| {
        let threads: Vec<_> = (0..requests)
            .map(|_| scope.spawn(move || request_holding(gil, latency, cpu)))
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum()
    })
}
// ANCHOR_END: io

// ANCHOR: solution
/// The exercise: `requests` I/O-bound threads share the GIL with one
/// CPU-bound thread counting down `countdown_steps`. Returns the time the
/// slowest request took from start to finish, and the steps counted.
pub fn requests_beside_a_countdown(
    gil: &Gil,
    requests: u32,
    latency: Duration,
    cpu_steps: u64,
    countdown_steps: u64,
) -> (Duration, u64) {
    thread::scope(|scope| {
        let counter = scope.spawn(|| count_down_holding(gil, countdown_steps));
        let requesters: Vec<_> = (0..requests)
            .map(|_| {
                scope.spawn(move || {
                    let start = Instant::now();
                    request_holding(gil, latency, cpu_steps);
                    start.elapsed()
                })
            })
            .collect();
        let slowest = requesters
            .into_iter()
            .map(|r| r.join().unwrap())
            .max()
            .unwrap_or_default();
        (slowest, counter.join().unwrap())
    })
}
// ANCHOR_END: solution

/// A small run of the listing (in a debug build, well under a second).
pub fn main() {
    let gil = Gil::new(Duration::from_millis(1));

    // The countdown is done exactly once, however it is shared.
    let n = 2_000_000;
    assert_eq!(count_down_holding(&gil, n), n);
    assert_eq!(count_down_gil_threads(&gil, n, 2), n);
    assert_eq!(count_down_free_threads(n, 2), n);
    assert_eq!(count_down_rayon(n, 16), n);
    println!("counted down {n} four ways");

    // Fibonacci numbers are exact, with or without the GIL.
    assert_eq!(fib(20), 6765);
    assert_eq!(fib_pair_on_one_thread(20, Some(&gil)), (6765, 10946));
    assert_eq!(fib_pair_on_threads(20, Some(&gil)), (6765, 10946));
    assert_eq!(fib_pair_on_threads(20, None), (6765, 10946));
    println!("fib(20) = 6765 and fib(21) = 10946, with and without the GIL");

    // Waits do not hold the GIL: three threads wait at the same time.
    let latency = Duration::from_millis(30);
    let start = Instant::now();
    let waited = requests_on_threads(&gil, 3, latency, 1_000);
    let elapsed = start.elapsed();
    // A sleep never ends early: each of the three waited at least `latency`.
    assert!(waited >= 3 * latency);
    assert!(elapsed >= latency);
    println!("3 waits of {latency:?} on 3 threads took {elapsed:.1?} in all");

    // The exercise: the same waits next to a countdown that wants the GIL too.
    let (slowest, counted) = requests_beside_a_countdown(&gil, 3, latency, 1_000, 5_000_000);
    assert_eq!(counted, 5_000_000);
    assert!(slowest >= latency);
    println!("next to a countdown, the slowest request took {slowest:.1?}");
}
