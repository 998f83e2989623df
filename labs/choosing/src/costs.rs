// Listing: what it costs to start a thread, a tokio task and a rayon job,
// and to hand a message back and forth between two threads or two tasks.
//
// A module of the `choosing` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom). Processes and memory are
// measured by the lab's main program, which can re-execute itself.
extern crate rayon;
extern crate tokio;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: spawn
/// Starts `count` OS threads that do nothing, joins them, and returns the
/// average time per thread.
pub fn spawn_threads(count: u32) -> Duration {
    let start = Instant::now();
    let threads: Vec<_> = (0..count).map(|_| thread::spawn(|| {})).collect();
    for finished in threads {
        finished.join().expect("an empty thread cannot panic");
    }
    start.elapsed() / count
}

/// The same with tokio tasks on a multi-threaded runtime.
pub fn spawn_tasks(runtime: &tokio::runtime::Runtime, count: u32) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        let tasks: Vec<_> = (0..count).map(|_| tokio::spawn(async {})).collect();
        for finished in tasks {
            finished.await.expect("an empty task cannot panic");
        }
        start.elapsed() / count
    })
}

/// The same with jobs on rayon's global pool of worker threads.
pub fn spawn_rayon_jobs(count: u32) -> Duration {
    let start = Instant::now();
    rayon::scope(|scope| {
        for _ in 0..count {
            scope.spawn(|_| {});
        }
    });
    start.elapsed() / count
}
// ANCHOR_END: spawn

// ANCHOR: ping_pong
/// Two threads pass a number back and forth `round_trips` times over two
/// channels; returns the average time of one hand-off (half a round trip).
///
/// Each `recv` parks its thread until the other one sends, so every hand-off
/// is the operating system waking a sleeping thread. `setup` runs first on
/// both threads (the lab uses it to pin them to one core).
pub fn ping_pong_threads(round_trips: u32, setup: fn()) -> Duration {
    let (to_pong, pong_inbox) = mpsc::channel::<u32>();
    let (to_ping, ping_inbox) = mpsc::channel::<u32>();
    thread::scope(|scope| {
        scope.spawn(move || {
            setup();
            for ball in pong_inbox {
                if to_ping.send(ball + 1).is_err() {
                    break;
                }
            }
        });
        let ping = scope.spawn(move || {
            setup();
            let start = Instant::now();
            let mut ball = 0;
            for _ in 0..round_trips {
                to_pong.send(ball).expect("pong is running");
                ball = ping_inbox.recv().expect("pong answers");
            }
            assert_eq!(ball, round_trips);
            start.elapsed() // dropping `to_pong` here ends pong's loop
        });
        ping.join().expect("ping cannot panic") / (2 * round_trips)
    })
}

/// The same game between two tokio tasks on a one-thread runtime: a
/// hand-off is the runtime polling the other task, no kernel involved.
pub fn ping_pong_tasks(round_trips: u32) -> Duration {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let (to_pong, mut pong_inbox) = tokio::sync::mpsc::channel::<u32>(1);
        let (to_ping, mut ping_inbox) = tokio::sync::mpsc::channel::<u32>(1);
        let pong = tokio::spawn(async move {
            while let Some(ball) = pong_inbox.recv().await {
                if to_ping.send(ball + 1).await.is_err() {
                    break;
                }
            }
        });
        let start = Instant::now();
        let mut ball = 0;
        for _ in 0..round_trips {
            to_pong.send(ball).await.expect("pong is running");
            ball = ping_inbox.recv().await.expect("pong answers");
        }
        let elapsed = start.elapsed();
        drop(to_pong);
        pong.await.expect("pong cannot panic");
        assert_eq!(ball, round_trips);
        elapsed / (2 * round_trips)
    })
}
// ANCHOR_END: ping_pong

// ANCHOR: multi_thread_exercise
/// The exercise's solution: the same game between two tasks spawned on a
/// multi-threaded runtime, where the two may run on different workers.
pub fn ping_pong_tasks_multi_thread(round_trips: u32) -> Duration {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let (to_pong, mut pong_inbox) = tokio::sync::mpsc::channel::<u32>(1);
        let (to_ping, mut ping_inbox) = tokio::sync::mpsc::channel::<u32>(1);
        let pong = tokio::spawn(async move {
            while let Some(ball) = pong_inbox.recv().await {
                if to_ping.send(ball + 1).await.is_err() {
                    break;
                }
            }
        });
        // Ping is a spawned task too, so either may run on either worker.
        let ping = tokio::spawn(async move {
            let start = Instant::now();
            let mut ball = 0;
            for _ in 0..round_trips {
                to_pong.send(ball).await.expect("pong is running");
                ball = ping_inbox.recv().await.expect("pong answers");
            }
            assert_eq!(ball, round_trips);
            start.elapsed()
        });
        let elapsed = ping.await.expect("ping cannot panic");
        pong.await.expect("pong cannot panic");
        elapsed / (2 * round_trips)
    })
}
// ANCHOR_END: multi_thread_exercise

/// A small run of the listing: a few hundred of each, in well under a second.
pub fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let thread = spawn_threads(200);
    let task = spawn_tasks(&runtime, 2_000);
    let job = spawn_rayon_jobs(2_000);
    println!("spawn: thread {thread:?}, task {task:?}, rayon job {job:?}");
    let threads = ping_pong_threads(500, || {});
    let tasks = ping_pong_tasks(500);
    let spread = ping_pong_tasks_multi_thread(500);
    println!("hand-off: threads {threads:?}, tasks {tasks:?}, tasks on 2 workers {spread:?}");
    // Everything really ran (the ping-pongs assert the ball came back each
    // time); the durations are the lab's business, not this demo's.
    assert!(thread > Duration::ZERO && task > Duration::ZERO && job > Duration::ZERO);
}
