// Listing: four loaves baked four ways, each run recorded as a timeline.
//
// A module of the `parallelism` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom). Each loaf is kneaded (CPU
// work) and then baked (waiting). `labkit::timeline` records which thread
// did what, and when.
extern crate labkit;
extern crate rayon;
extern crate tokio;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use labkit::timeline::{Recorder, Span};
use rayon::prelude::*;

// ANCHOR: loaf
/// One task: some CPU work, then some waiting.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaf {
    pub name: String,
    /// How much kneading (CPU work) the loaf needs.
    pub strokes: u64,
    /// How long it then sits in the oven (waiting, no CPU).
    pub bake: Duration,
}

/// Kneads for `strokes` steps: pure CPU work, each step depending on the
/// last, so nothing can be skipped or vectorised away.
pub fn knead(strokes: u64) -> u64 {
    let mut dough: u64 = 0x9E37_79B9_7F4A_7C15;
    for stroke in 0..strokes {
        dough = (dough ^ stroke)
            .wrapping_mul(0x2545_F491_4F6C_DD1D)
            .rotate_left(17);
    }
    dough
}

/// Kneads a loaf and bakes it on the calling thread, recording both steps:
/// the kneading runs, the baking is drawn pale (the thread only waits).
pub fn bake_loaf(loaf: &Loaf, recorder: &Recorder) -> u64 {
    let dough = recorder.record(&loaf.name, || knead(loaf.strokes));
    let _in_the_oven = recorder.begin(&loaf.name).waiting();
    thread::sleep(loaf.bake); // blocks this thread until the bread is done
    dough
}
// ANCHOR_END: loaf

/// `count` identical loaves named `loaf 1`, `loaf 2`, ...
pub fn loaves(count: usize, strokes: u64, bake: Duration) -> Vec<Loaf> {
    (1..=count)
        .map(|i| Loaf {
            name: format!("loaf {i}"),
            strokes,
            bake,
        })
        .collect()
}

// ANCHOR: sequential
/// One baker, one loaf after another.
pub fn sequential(loaves: &[Loaf]) -> Vec<Span> {
    let recorder = Recorder::new();
    for loaf in loaves {
        bake_loaf(loaf, &recorder);
    }
    recorder.spans()
}
// ANCHOR_END: sequential

// ANCHOR: one_thread
/// The same loaf as a task for an async runtime: the kneading never
/// awaits, so it holds the thread; the baking awaits a timer, which hands
/// the thread back to the runtime until the bread is done.
async fn bake_loaf_async(loaf: Loaf, recorder: Arc<Recorder>) -> u64 {
    let dough = recorder.record(&loaf.name, || knead(loaf.strokes));
    let _in_the_oven = recorder.begin(&loaf.name).waiting();
    tokio::time::sleep(loaf.bake).await;
    dough
}

/// One baker who puts a loaf in the oven and kneads the next one meanwhile:
/// a tokio runtime that runs every task on the calling thread.
pub fn one_thread(loaves: &[Loaf]) -> Vec<Span> {
    let recorder = Arc::new(Recorder::new());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("building a current-thread runtime");
    runtime.block_on(async {
        let tasks: Vec<_> = loaves
            .iter()
            .map(|loaf| tokio::spawn(bake_loaf_async(loaf.clone(), Arc::clone(&recorder))))
            .collect();
        for task in tasks {
            task.await.expect("a loaf task panicked");
        }
    });
    recorder.spans()
}
// ANCHOR_END: one_thread

// ANCHOR: os_threads
/// One baker (OS thread) per loaf; the OS shares the cores among them.
pub fn os_threads(loaves: &[Loaf]) -> Vec<Span> {
    let recorder = Recorder::new();
    thread::scope(|scope| {
        for (i, loaf) in loaves.iter().enumerate() {
            let recorder = &recorder;
            thread::Builder::new()
                .name(format!("baker {}", i + 1))
                .spawn_scoped(scope, move || bake_loaf(loaf, recorder))
                .expect("spawning a baker thread");
        }
    }); // the scope joins every thread before it returns
    recorder.spans()
}
// ANCHOR_END: os_threads

// ANCHOR: rayon_pool
/// A fixed team of `bakers` threads (a rayon pool) sharing the loaves out.
pub fn rayon_pool(loaves: &[Loaf], bakers: usize) -> Vec<Span> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(bakers)
        .thread_name(|i| format!("rayon {i}"))
        .build()
        .expect("building a rayon pool");
    let recorder = Recorder::new();
    pool.install(|| {
        loaves.par_iter().for_each(|loaf| {
            bake_loaf(loaf, &recorder);
        })
    });
    recorder.spans()
}
// ANCHOR_END: rayon_pool

// ANCHOR: cpu_pair
/// Two equal pieces of CPU work, one after the other, on one new thread.
pub fn pair_one_thread(strokes: u64) -> (u64, u64) {
    thread::scope(|scope| {
        let worker = scope.spawn(|| (knead(strokes), knead(strokes)));
        worker.join().expect("the kneading thread panicked")
    })
}

/// The same two pieces on two new threads, one each.
pub fn pair_two_threads(strokes: u64) -> (u64, u64) {
    thread::scope(|scope| {
        let first = scope.spawn(|| knead(strokes));
        let second = scope.spawn(|| knead(strokes));
        let first = first.join().expect("the kneading thread panicked");
        (first, second.join().expect("the kneading thread panicked"))
    })
}

/// The same two pieces handed to rayon, which runs them on its pool.
pub fn pair_rayon(strokes: u64) -> (u64, u64) {
    rayon::join(|| knead(strokes), || knead(strokes))
}
// ANCHOR_END: cpu_pair

/// The most spans in progress at one instant (waiting ones included): how
/// many tasks the run had going at once.
pub fn most_in_progress(spans: &[Span]) -> usize {
    // Sweep over start (+1) and end (-1) events; ends sort before starts at
    // the same instant, so touching spans do not count as overlapping.
    let mut events: Vec<(Duration, i32)> = spans
        .iter()
        .flat_map(|s| [(s.start, 1), (s.end, -1)])
        .collect();
    events.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, change) in events {
        now += change;
        most = most.max(now);
    }
    most as usize
}

/// A small run of the listing: 4 loaves of a few milliseconds each.
pub fn main() {
    let loaves = loaves(4, 200_000, Duration::from_millis(5));
    let runs = [
        ("sequential", sequential(&loaves)),
        ("one thread", one_thread(&loaves)),
        ("OS threads", os_threads(&loaves)),
        ("rayon pool", rayon_pool(&loaves, 2)),
    ];
    for (way, spans) in &runs {
        labkit::timeline::check_spans(spans).expect("well-formed spans");
        let threads = labkit::timeline::lanes(spans).len();
        println!(
            "{way}: {} spans on {threads} thread(s), at most {} loaves in progress",
            spans.len(),
            most_in_progress(spans)
        );
        assert_eq!(spans.len(), 8, "each loaf is kneaded, then baked");
    }
    assert_eq!(most_in_progress(&runs[0].1), 1, "one thing at a time");
    assert_eq!(labkit::timeline::lanes(&runs[1].1).len(), 1);
    assert!(most_in_progress(&runs[1].1) > 1, "concurrent on one thread");
    assert_eq!(labkit::timeline::lanes(&runs[2].1).len(), 4);
    assert!(labkit::timeline::lanes(&runs[3].1).len() <= 2);
    assert_eq!(pair_two_threads(1000), pair_one_thread(1000));
    assert_eq!(pair_rayon(1000), pair_one_thread(1000));
}
