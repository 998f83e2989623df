//! `threads`: what `spawn_blocking` does to the process's thread count,
//! with tokio's default limit on blocking threads and with a small one.
//! These are counts, read from the operating system, so each limit runs
//! once (`--rounds` does not apply); the wall time is shown beside its floor.

use std::time::Duration;

use anyhow::{Result, ensure};
use io_threads::blocking_pool::count_threads;
use labkit::timing::format_duration;
use labkit::{Common, Results};

use super::floor;
use super::tasks::TOKIO_BLOCKING_LIMIT;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// How many blocking jobs to hand to spawn_blocking.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub jobs: u32,
    /// The small limit on blocking threads, run after tokio's default (512).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=512))]
    pub limit: u32,
}

/// How long one job blocks (the Python lab's device wait).
pub const JOB: Duration = Duration::from_secs(1);
/// How long an idle blocking thread waits for work before it exits: tokio's
/// default `thread_keep_alive`, set explicitly so that `--scale` shrinks it.
pub const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// The variant name for a limit.
pub fn limit_name(limit: u32) -> String {
    if limit == TOKIO_BLOCKING_LIMIT {
        format!("limit {limit} (default)")
    } else {
        format!("limit {limit}")
    }
}

pub fn run(common: &Common, args: &Args) -> Result<Results> {
    let Args { jobs, limit } = *args;
    let job = common.scale.duration(JOB);
    let keep_alive = common.scale.duration(KEEP_ALIVE);
    common.say(format!(
        "{jobs} blocking jobs of {} each through spawn_blocking on a one-thread runtime;",
        format_duration(job)
    ));
    common.say(format!(
        "idle blocking threads exit after {} (thread_keep_alive). One run per limit.",
        format_duration(keep_alive)
    ));
    common.say("Threads of this process (/proc/self/status): before the runtime, once every job");
    common.say("was handed over, when the last job ended, and after the keep-alive.");
    let mut limits = vec![TOKIO_BLOCKING_LIMIT, limit];
    limits.dedup();
    let mut results = Results::new();
    for limit in limits {
        let counts = count_threads(jobs as usize, job, limit as usize, keep_alive)?;
        let most = u64::from(jobs.min(limit));
        // What the pool promised: never more threads than its limit.
        ensure!(
            counts.used as u64 <= most && counts.during <= counts.before + most,
            "limit {limit}: more blocking threads than allowed: {counts:?}"
        );
        let least = floor(jobs, job, limit);
        ensure!(
            counts.jobs_took >= least,
            "limit {limit}: {jobs} jobs took {:?}, less than their floor {least:?}",
            counts.jobs_took
        );
        results
            .push("threads", &limit_name(limit), counts.jobs_took)
            .with("floor", format_duration(least))
            .with("before", counts.before)
            .with("during", counts.during)
            .with("at end", counts.jobs_done)
            .with("later", counts.later)
            .with("used", counts.used as u64)
            .with(
                "back after",
                counts
                    .shrank_after
                    .map_or("not yet".to_string(), format_duration),
            );
    }
    Ok(results)
}
