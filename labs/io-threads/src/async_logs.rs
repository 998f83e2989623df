// Listing: the same log files from tokio tasks, first blocking the runtime,
// then handing each blocking call to tokio's blocking-thread pool.
//
// A module of the `io-threads` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom).
extern crate baseline;
extern crate tokio;

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use baseline::logs::{log_names, write_log};
use tokio::task::JoinSet;

// ANCHOR: blocking_the_runtime
/// Wrong on purpose: each task calls the blocking `write_log` directly, so
/// while one task waits for the device, the thread that should run the
/// other tasks is stuck inside it.
pub async fn write_logs_blocking_the_runtime(
    dir: &Path,
    names: &[String],
    lines: u32,
    slow_device: Duration,
) -> io::Result<Vec<PathBuf>> {
    let mut tasks = JoinSet::new();
    for (job, name) in names.iter().enumerate() {
        let (dir, name) = (dir.to_path_buf(), name.clone()); // tasks must own their data
        tasks.spawn(async move { (job, write_log(&dir, &name, lines, slow_device)) });
    }
    in_name_order(tasks).await
}
// ANCHOR_END: blocking_the_runtime

// ANCHOR: spawn_blocking
/// The cure: `spawn_blocking` runs the blocking call on tokio's pool of
/// blocking threads, and the task only awaits its result.
pub async fn write_logs_with_spawn_blocking(
    dir: &Path,
    names: &[String],
    lines: u32,
    slow_device: Duration,
) -> io::Result<Vec<PathBuf>> {
    let mut tasks = JoinSet::new();
    for (job, name) in names.iter().enumerate() {
        let (dir, name) = (dir.to_path_buf(), name.clone());
        tasks.spawn_blocking(move || (job, write_log(&dir, &name, lines, slow_device)));
    }
    in_name_order(tasks).await
}
// ANCHOR_END: spawn_blocking

/// Waits for every task and returns the paths in the order of the names.
async fn in_name_order(
    mut tasks: JoinSet<(usize, io::Result<PathBuf>)>,
) -> io::Result<Vec<PathBuf>> {
    let mut finished = Vec::new();
    while let Some(done) = tasks.join_next().await {
        finished.push(done.expect("a log task panicked"));
    }
    finished.sort_by_key(|(job, _)| *job);
    finished.into_iter().map(|(_, path)| path).collect()
}

/// A one-thread runtime, like asyncio's event loop.
pub fn event_loop() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// A small run of the listing: 3 files of 100 lines, 30 ms of device wait each.
pub fn main() {
    let dir = std::env::temp_dir().join(format!("io-threads-async-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let names = log_names(3);
    let slow_device = Duration::from_millis(30);
    let runtime = event_loop().expect("a runtime");

    let start = Instant::now();
    let blocked = runtime
        .block_on(write_logs_blocking_the_runtime(
            &dir,
            &names,
            100,
            slow_device,
        ))
        .expect("logs written");
    let blocked_time = start.elapsed();
    let start = Instant::now();
    let offloaded = runtime
        .block_on(write_logs_with_spawn_blocking(
            &dir,
            &names,
            100,
            slow_device,
        ))
        .expect("logs written");
    let offloaded_time = start.elapsed();

    assert_eq!(blocked, offloaded);
    println!("blocking the runtime: {blocked_time:.2?}; spawn_blocking: {offloaded_time:.2?}");
    // The blocked runtime runs one write at a time: a hard lower bound.
    assert!(blocked_time >= 3 * slow_device);
    assert!(offloaded_time >= slow_device);
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
