// Listing: writing log files with threads, one scoped thread per file and a
// fixed pool of workers (what Python's ThreadPoolExecutor gives you).
//
// A module of the `io-threads` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom). The file writer is the
// baseline lab's `write_log`, unchanged.
extern crate baseline;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use baseline::logs::{log_names, write_log};

// ANCHOR: thread_per_file
/// Writes every log on a thread of its own and waits for all of them.
///
/// `thread::scope` guarantees that every thread it spawns has finished when
/// it returns, so the threads may borrow `dir` and `names` from the caller:
/// no `Arc`, no cloning, no `'static` requirement.
pub fn write_logs_thread_per_file(
    dir: &Path,
    names: &[String],
    lines: u32,
    slow_device: Duration,
) -> io::Result<Vec<PathBuf>> {
    thread::scope(|scope| {
        let writers: Vec<_> = names
            .iter()
            .map(|name| scope.spawn(move || write_log(dir, name, lines, slow_device)))
            .collect();
        writers
            .into_iter()
            .map(|writer| writer.join().expect("a log writer panicked"))
            .collect()
    })
}
// ANCHOR_END: thread_per_file

// ANCHOR: pool
/// Writes the logs with a fixed number of worker threads, like
/// `ThreadPoolExecutor(max_workers=workers).map(write_log, names)`.
///
/// The job queue is just a shared counter: each worker takes the next file
/// number until none is left. Results come back in `names` order whatever
/// order the workers finished in.
pub fn write_logs_in_pool(
    dir: &Path,
    names: &[String],
    lines: u32,
    slow_device: Duration,
    workers: usize,
) -> io::Result<Vec<PathBuf>> {
    let next_job = AtomicUsize::new(0);
    let mut finished: Vec<(usize, io::Result<PathBuf>)> = thread::scope(|scope| {
        let pool: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let job = next_job.fetch_add(1, Ordering::Relaxed);
                        let Some(name) = names.get(job) else {
                            break mine;
                        };
                        mine.push((job, write_log(dir, name, lines, slow_device)));
                    }
                })
            })
            .collect();
        pool.into_iter()
            .flat_map(|worker| worker.join().expect("a pool worker panicked"))
            .collect()
    });
    finished.sort_by_key(|(job, _)| *job);
    finished.into_iter().map(|(_, path)| path).collect()
}
// ANCHOR_END: pool

/// A small run of the listing: 3 files of 100 lines, 30 ms of device wait each.
pub fn main() {
    let dir = std::env::temp_dir().join(format!("io-threads-pool-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let names = log_names(3);
    let slow_device = Duration::from_millis(30);

    let start = Instant::now();
    let paths = write_logs_thread_per_file(&dir, &names, 100, slow_device).expect("logs written");
    let threads = start.elapsed();
    let start = Instant::now();
    let pooled = write_logs_in_pool(&dir, &names, 100, slow_device, 1).expect("logs written");
    let one_worker = start.elapsed();

    assert_eq!(paths, pooled, "both return the files in name order");
    for path in &paths {
        let lines = std::fs::read_to_string(path)
            .expect("readable")
            .lines()
            .count();
        assert_eq!(lines, 100);
    }
    println!("3 files, one thread each: {threads:.2?}; one worker: {one_worker:.2?}");
    // Sleeps never end early, so these bounds hold on any machine.
    assert!(threads >= slow_device);
    assert!(
        one_worker >= 3 * slow_device,
        "one worker waits three times"
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
