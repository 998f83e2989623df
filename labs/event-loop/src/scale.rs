// Listing: many waits at once, as tokio tasks and as OS threads.
//
// Each task or thread only waits; what differs is what a waiting one
// costs: a tokio task is a future of a few hundred bytes in a queue, a
// thread is a kernel thread with a stack of its own. This file is also a
// complete program (see `main` at the bottom).

extern crate tokio;

use std::time::{Duration, Instant};

// ANCHOR: tokio_tasks
/// Starts `tasks` tasks that each wait `wait`, and waits for all of them.
pub fn wait_in_tokio_tasks(
    runtime: &tokio::runtime::Runtime,
    tasks: usize,
    wait: Duration,
) -> Duration {
    runtime.block_on(async {
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| tokio::spawn(tokio::time::sleep(wait)))
            .collect();
        for handle in handles {
            handle.await.expect("a waiting task panicked");
        }
        start.elapsed()
    })
}
// ANCHOR_END: tokio_tasks

// ANCHOR: os_threads
/// Starts up to `threads` OS threads that each wait `wait`, and joins them.
/// Returns how many the OS agreed to start, and the wall time.
pub fn wait_in_os_threads(threads: usize, wait: Duration) -> (usize, Duration) {
    let start = Instant::now();
    let mut handles = Vec::with_capacity(threads);
    for _ in 0..threads {
        match std::thread::Builder::new().spawn(move || std::thread::sleep(wait)) {
            Ok(handle) => handles.push(handle),
            Err(_) => break, // the OS said no: as many as the machine allows
        }
    }
    let started = handles.len();
    for handle in handles {
        handle.join().expect("a waiting thread panicked");
    }
    (started, start.elapsed())
}
// ANCHOR_END: os_threads

/// A thousand of each, waiting 20 ms: both take at least 20 ms.
pub fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let wait = Duration::from_millis(20);
    let tasks = wait_in_tokio_tasks(&runtime, 1000, wait);
    let (started, threads) = wait_in_os_threads(1000, wait);
    println!("1000 tokio tasks: {tasks:.2?}; {started} threads: {threads:.2?}");
    assert!(tasks >= wait && threads >= wait);
    assert!(started > 0);
}
