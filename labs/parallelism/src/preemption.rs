// Listing: a task that never yields, on a cooperative runtime and on OS threads.
//
// A module of the `parallelism` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom). A ticker wants to run every
// `period`; a hog computes for `hog_for` without a pause. Every run ends on
// its own: the hog stops after `hog_for`, the ticker after a fixed number of
// ticks.
extern crate tokio;

use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: hog
/// Computes until `duration` has passed, never pausing, never awaiting.
/// Returns how many steps it managed (so the work is not optimised away).
pub fn hog(duration: Duration) -> u64 {
    let start = Instant::now();
    let mut steps: u64 = 0;
    while start.elapsed() < duration {
        steps = std::hint::black_box(steps + 1);
    }
    steps
}
// ANCHOR_END: hog

/// What the ticker saw while the hog ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    /// Ticks that happened.
    pub ticks: usize,
    /// Ticks that happened while the hog was computing.
    pub during_hog: usize,
    /// The latest a tick came, compared with when it was due.
    pub worst_lateness: Duration,
    /// How long the hog computed (with several hogs: how long all of them
    /// computed at once).
    pub hog_ran: Duration,
    /// When the hog started, measured from the ticker's start.
    pub hog_started: Duration,
    /// When the ticker's last tick was due, measured from its start.
    pub last_due: Duration,
}

impl Ticks {
    /// Whether some tick fell due while the hog was computing (true unless
    /// the machine stalled the run for the whole tick schedule).
    pub fn hog_hit_the_schedule(&self, period: Duration) -> bool {
        self.hog_started + period < self.last_due && self.hog_ran > period
    }
}

/// Sums up tick times against their schedule (`start + k * period`).
pub fn summarise(
    start: Instant,
    period: Duration,
    tick_times: &[Instant],
    hog_window: (Instant, Instant),
) -> Ticks {
    let worst_lateness = tick_times
        .iter()
        .enumerate()
        .map(|(k, t)| t.saturating_duration_since(start + period * (k as u32 + 1)))
        .max()
        .unwrap_or_default();
    let (hog_start, hog_end) = hog_window;
    Ticks {
        ticks: tick_times.len(),
        during_hog: tick_times
            .iter()
            .filter(|t| **t > hog_start && **t < hog_end)
            .count(),
        worst_lateness,
        hog_ran: hog_end.saturating_duration_since(hog_start),
        hog_started: hog_start.saturating_duration_since(start),
        last_due: period * tick_times.len() as u32,
    }
}

// ANCHOR: cooperative
/// Ticker and hog as two tasks of a single-threaded tokio runtime. The
/// runtime can only switch tasks at an `.await`; the hog has none.
/// With `hog_yields`, the hog computes in slices of `period / 4` and
/// awaits `yield_now()` between slices, giving the runtime its chance.
pub fn cooperative(period: Duration, ticks: u32, hog_for: Duration, hog_yields: bool) -> Ticks {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("building a current-thread runtime");
    runtime.block_on(async move {
        let start = Instant::now();
        let ticker = tokio::spawn(async move {
            let mut times = Vec::new();
            for k in 1..=ticks {
                tokio::time::sleep_until((start + period * k).into()).await;
                times.push(Instant::now());
            }
            times
        });
        // Let the ticker tick twice, then start the hog.
        tokio::time::sleep(period * 5 / 2).await;
        let hog = tokio::spawn(async move {
            let hog_start = Instant::now();
            if hog_yields {
                while hog_start.elapsed() < hog_for {
                    hog(period / 4);
                    tokio::task::yield_now().await;
                }
            } else {
                hog(hog_for);
            }
            (hog_start, Instant::now())
        });
        let window = hog.await.expect("the hog panicked");
        let times = ticker.await.expect("the ticker panicked");
        summarise(start, period, &times, window)
    })
}
// ANCHOR_END: cooperative

// ANCHOR: solution
/// The exercise's solution: the hog is left as it is (it never yields), but
/// it runs on tokio's blocking pool, a separate OS thread, so the runtime's
/// only thread stays free for the ticker.
pub fn cooperative_offloaded(period: Duration, ticks: u32, hog_for: Duration) -> Ticks {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("building a current-thread runtime");
    runtime.block_on(async move {
        let start = Instant::now();
        let ticker = tokio::spawn(async move {
            let mut times = Vec::new();
            for k in 1..=ticks {
                tokio::time::sleep_until((start + period * k).into()).await;
                times.push(Instant::now());
            }
            times
        });
        tokio::time::sleep(period * 5 / 2).await;
        let hog = tokio::task::spawn_blocking(move || {
            let hog_start = Instant::now();
            hog(hog_for);
            (hog_start, Instant::now())
        });
        let window = hog.await.expect("the hog panicked");
        let times = ticker.await.expect("the ticker panicked");
        summarise(start, period, &times, window)
    })
}
// ANCHOR_END: solution

// ANCHOR: preemptive
/// The same ticker, with one hog per core on OS threads, so that every core
/// is busy computing and the ticker has no idle core to run on. The OS
/// scheduler interrupts (preempts) a running thread whenever it sees fit, so
/// the ticker still gets a core when its sleep ends although no hog pauses.
pub fn preemptive(period: Duration, ticks: u32, hog_for: Duration, hogs: usize) -> Ticks {
    let start = Instant::now();
    let ticker = thread::spawn(move || {
        let mut times = Vec::new();
        for k in 1..=ticks {
            let due = start + period * k;
            thread::sleep(due.saturating_duration_since(Instant::now()));
            times.push(Instant::now());
        }
        times
    });
    thread::sleep(period * 5 / 2);
    let hogs: Vec<_> = (0..hogs.max(1))
        .map(|_| {
            thread::spawn(move || {
                let hog_start = Instant::now();
                hog(hog_for);
                (hog_start, Instant::now())
            })
        })
        .collect();
    let windows: Vec<(Instant, Instant)> = hogs
        .into_iter()
        .map(|hog| hog.join().expect("a hog panicked"))
        .collect();
    let times = ticker.join().expect("the ticker panicked");
    // The window in which every hog was computing.
    let all_busy = (
        windows.iter().map(|w| w.0).max().expect("at least one hog"),
        windows.iter().map(|w| w.1).min().expect("at least one hog"),
    );
    summarise(start, period, &times, all_busy)
}
// ANCHOR_END: preemptive

/// A small run of the listing: a 2 ms ticker and a 40 ms hog.
pub fn main() {
    let (period, ticks, hog_for) = (Duration::from_millis(2), 40, Duration::from_millis(40));
    let starved = cooperative(period, ticks, hog_for, false);
    let polite = cooperative(period, ticks, hog_for, true);
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    let preempted = preemptive(period, ticks, hog_for, cores);
    let offloaded = cooperative_offloaded(period, ticks, hog_for);
    println!("cooperative, hog never yields: {starved:?}");
    println!("cooperative, hog yields:       {polite:?}");
    println!("preemptive ({cores} hogs on OS threads): {preempted:?}");
    // Certain on any machine: nothing else runs on the thread while the hog computes.
    assert_eq!(starved.during_hog, 0);
    if starved.hog_hit_the_schedule(period) {
        // A tick fell due at most one period after the hog started, and
        // could not run before the hog ended.
        assert!(starved.worst_lateness >= hog_for - period);
    }
    assert_eq!(starved.ticks, ticks as usize);
    assert_eq!(preempted.ticks, ticks as usize);
    assert_eq!(offloaded.ticks, ticks as usize);
}
