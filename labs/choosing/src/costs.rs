// Listing: what it costs to start a thread, a tokio task and a rayon job,
// and to hand a message back and forth between two threads or two tasks.
//
// A module of the `choosing` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom). The lab times these
// functions in interleaved rounds (`choosing costs`); processes and memory
// are measured by the lab itself, which can re-execute its own binary.
extern crate rayon;
extern crate tokio;

use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use tokio::runtime::Runtime;

// ANCHOR: spawn
/// Starts `count` OS threads that do nothing, joins them, and returns how
/// many finished.
pub fn spawn_threads(count: u32) -> u32 {
    let threads: Vec<_> = (0..count).map(|_| thread::spawn(|| 1)).collect();
    threads.into_iter().map(|t| t.join().unwrap()).sum()
}

/// The same with tokio tasks on a multi-threaded runtime.
pub fn spawn_tasks(runtime: &Runtime, count: u32) -> u32 {
    runtime.block_on(async {
        let tasks: Vec<_> = (0..count).map(|_| tokio::spawn(async { 1 })).collect();
        let mut finished = 0;
        for task in tasks {
            finished += task.await.unwrap();
        }
        finished
    })
}

/// The same with jobs on rayon's global pool of worker threads.
pub fn spawn_rayon_jobs(count: u32) -> u32 {
    rayon::scope(|scope| {
        for _ in 0..count {
            scope.spawn(|_| {});
        }
    }); // returns once every job has run
    count
}
// ANCHOR_END: spawn

// ANCHOR: ping_pong_threads
/// Two threads pass a number back and forth `round_trips` times over two
/// channels, adding one each time; returns the number that came back last.
///
/// Each `recv` parks its thread until the other one sends, so every hand-off
/// is the operating system waking a sleeping thread. `setup` runs first on
/// both threads (the lab uses it to pin them to one core).
pub fn ping_pong_threads(round_trips: u32, setup: fn()) -> u32 {
    let (to_pong, pong_inbox) = mpsc::channel::<u32>();
    let (to_ping, ping_inbox) = mpsc::channel::<u32>();
    thread::scope(|scope| {
        scope.spawn(move || {
            setup();
            for ball in pong_inbox {
                to_ping.send(ball + 1).unwrap();
            }
        });
        let ping = scope.spawn(move || {
            setup();
            let mut ball = 0;
            for _ in 0..round_trips {
                to_pong.send(ball).unwrap();
                ball = ping_inbox.recv().unwrap();
            }
            ball // dropping `to_pong` here ends pong's loop
        });
        ping.join().unwrap()
    })
}
// ANCHOR_END: ping_pong_threads

// ANCHOR: ping_pong_tasks
/// The same game between two tokio tasks on a one-thread runtime: a
/// hand-off is the runtime polling the other task, no kernel involved.
pub fn ping_pong_tasks(round_trips: u32) -> u32 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (to_pong, mut pong_inbox) = tokio::sync::mpsc::channel::<u32>(1);
        let (to_ping, mut ping_inbox) = tokio::sync::mpsc::channel::<u32>(1);
        tokio::spawn(async move {
            while let Some(ball) = pong_inbox.recv().await {
                to_ping.send(ball + 1).await.unwrap();
            }
        });
        let mut ball = 0;
        for _ in 0..round_trips {
            to_pong.send(ball).await.unwrap();
            ball = ping_inbox.recv().await.unwrap();
        }
        ball
    })
}
// ANCHOR_END: ping_pong_tasks

// ANCHOR: multi_thread_exercise
/// The exercise's solution: the same game between two tasks spawned on a
/// multi-threaded runtime, where the two may run on different workers.
pub fn ping_pong_tasks_multi_thread(round_trips: u32) -> u32 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    runtime.block_on(async {
        let (to_pong, mut pong_inbox) = tokio::sync::mpsc::channel::<u32>(1);
        let (to_ping, mut ping_inbox) = tokio::sync::mpsc::channel::<u32>(1);
        tokio::spawn(async move {
            while let Some(ball) = pong_inbox.recv().await {
                to_ping.send(ball + 1).await.unwrap();
            }
        });
        // Ping is a spawned task too, so either may run on either worker.
        let ping = tokio::spawn(async move {
            let mut ball = 0;
            for _ in 0..round_trips {
                to_pong.send(ball).await.unwrap();
                ball = ping_inbox.recv().await.unwrap();
            }
            ball
        });
        ping.await.unwrap()
    })
}
// ANCHOR_END: multi_thread_exercise

/// A small run of the listing: a few hundred of each, in well under a
/// second. The durations are the lab's business; this checks that every
/// unit ran and every ball came back.
pub fn main() {
    let runtime = Runtime::new().unwrap();
    let start = Instant::now();
    assert_eq!(spawn_threads(200), 200);
    assert_eq!(spawn_tasks(&runtime, 2_000), 2_000);
    assert_eq!(spawn_rayon_jobs(2_000), 2_000);
    println!("started 4,200 units in {:?}", start.elapsed());
    let start = Instant::now();
    assert_eq!(ping_pong_threads(500, || {}), 500);
    assert_eq!(ping_pong_tasks(500), 500);
    assert_eq!(ping_pong_tasks_multi_thread(500), 500);
    println!("played 1,500 round trips in {:?}", start.elapsed());
}
