// Listing: what `spawn_blocking` does to the process's thread count.
//
// A module of the `io-threads` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom). The count is the
// `Threads:` line of /proc/self/status (Linux), which labkit reads.
extern crate anyhow;
extern crate labkit;
extern crate tokio;

use std::collections::HashSet;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use labkit::os::thread_count;
use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinSet;

/// The process's thread count around one batch of blocking jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadCounts {
    /// Before the runtime was built.
    pub before: u64,
    /// Right after the last job was handed to `spawn_blocking`.
    pub during: u64,
    /// Right after the last job finished.
    pub jobs_done: u64,
    /// Once the idle threads' keep-alive has run out (or at the deadline).
    pub later: u64,
    /// How many different threads ran a job.
    pub used: usize,
    /// From the first `spawn_blocking` to the last job's end.
    pub jobs_took: Duration,
    /// From the last job's end until the count was back to `before`.
    pub shrank_after: Option<Duration>,
}

// ANCHOR: runtime
/// A one-thread runtime (like asyncio's loop) whose blocking pool may grow
/// to `limit` threads, each of which exits after `keep_alive` without work.
pub fn runtime_with_blocking_pool(limit: usize, keep_alive: Duration) -> std::io::Result<Runtime> {
    Builder::new_current_thread()
        .max_blocking_threads(limit) // tokio's default: 512
        .thread_keep_alive(keep_alive) // tokio's default: 10 s
        .build()
}

/// Hands `jobs` blocking jobs of `job` each to `spawn_blocking`, counts the
/// process's threads once they are all handed over, and returns the ids of
/// the threads that ran them.
pub async fn run_blocking_jobs(
    jobs: usize,
    job: Duration,
) -> anyhow::Result<(u64, HashSet<ThreadId>)> {
    let mut tasks = JoinSet::new();
    for _ in 0..jobs {
        tasks.spawn_blocking(move || {
            thread::sleep(job); // a blocking call: a file, fsync, a C library
            thread::current().id()
        });
    }
    let during = thread_count()?;
    let mut used = HashSet::new();
    while let Some(finished) = tasks.join_next().await {
        used.insert(finished?);
    }
    Ok((during, used))
}
// ANCHOR_END: runtime

// ANCHOR: count
/// Counts the threads before, during and after the jobs, then waits for the
/// pool's idle threads to time out (polling, bounded by a deadline).
pub fn count_threads(
    jobs: usize,
    job: Duration,
    limit: usize,
    keep_alive: Duration,
) -> anyhow::Result<ThreadCounts> {
    let before = thread_count()?;
    let runtime = runtime_with_blocking_pool(limit, keep_alive)?;
    let start = Instant::now();
    let (during, used) = runtime.block_on(run_blocking_jobs(jobs, job))?;
    let jobs_took = start.elapsed();
    let jobs_done = thread_count()?;
    let deadline = Instant::now() + 3 * keep_alive + Duration::from_secs(1);
    let mut later = jobs_done;
    while later > before && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
        later = thread_count()?;
    }
    let shrank_after = (later <= before).then(|| start.elapsed() - jobs_took);
    drop(runtime); // (dropping the runtime ends its idle threads too)
    let used = used.len();
    Ok(ThreadCounts {
        before,
        during,
        jobs_done,
        later,
        used,
        jobs_took,
        shrank_after,
    })
}
// ANCHOR_END: count

/// A small run of the listing: 20 jobs of 20 ms, at most 4 threads, which
/// exit after 50 ms without work.
pub fn main() {
    let (jobs, job, limit) = (20, Duration::from_millis(20), 4);
    let counts = count_threads(jobs, job, limit, Duration::from_millis(50)).expect("counted");
    println!("{counts:?}");
    // What holds whatever else this process runs: at most `limit` threads
    // ran the jobs, so they took at least jobs / limit rounds of one job.
    assert!(counts.used >= 1 && counts.used <= limit, "{counts:?}");
    assert!(
        counts.jobs_took >= job * (jobs / limit) as u32,
        "{counts:?}"
    );
}
