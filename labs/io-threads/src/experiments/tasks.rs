//! `async`: the five log files from tokio tasks on a one-thread runtime,
//! blocking the runtime vs `spawn_blocking`, in interleaved rounds. Each run
//! builds its own runtime, so every round starts with no blocking threads.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use baseline::logs::log_names;
use io_threads::async_logs::{
    event_loop, write_logs_blocking_the_runtime, write_logs_with_spawn_blocking,
};
use labkit::bench::Bench;
use labkit::timing::format_duration;
use labkit::{Common, Results};

use super::pool::{LOG_DELAY, check_files};
use super::{ceiling, floor, scratch, written};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// How many log files to write.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub files: u32,
    /// Lines written to each file.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub lines: u32,
}

impl Default for Args {
    fn default() -> Args {
        Args {
            files: 5,
            lines: 1000,
        }
    }
}

pub const BLOCKING: &str = "blocking in tasks";
pub const SPAWN_BLOCKING: &str = "spawn_blocking";

/// tokio's default limit on blocking threads (`max_blocking_threads`).
pub const TOKIO_BLOCKING_LIMIT: u32 = 512;

/// Measures the variants as rows of `experiment`.
pub fn run(common: &Common, args: &Args, experiment: &str) -> Result<Results> {
    let Args { files, lines } = *args;
    let delay = common.scale.duration(LOG_DELAY);
    let scratch = scratch("async")?;
    let dir = scratch.path();
    let names = log_names(files);
    common.say(format!(
        "Writing {files} log files from tokio tasks on a one-thread runtime, {} of device wait each.",
        format_duration(delay)
    ));
    let on_a_new_runtime = |blocking: bool| {
        let names = &names;
        move || -> std::io::Result<Vec<PathBuf>> {
            let runtime = event_loop()?;
            if blocking {
                runtime.block_on(write_logs_blocking_the_runtime(dir, names, lines, delay))
            } else {
                runtime.block_on(write_logs_with_spawn_blocking(dir, names, lines, delay))
            }
        }
    };
    let mut bench = Bench::new(experiment, common);
    bench
        .variant(BLOCKING, on_a_new_runtime(true))
        .variant(SPAWN_BLOCKING, on_a_new_runtime(false));
    let run =
        bench.run(|variant, paths| check_files(&written(variant, paths)?, dir, lines, files))?;
    let mut results = run.results();
    let in_flight = files.min(TOKIO_BLOCKING_LIMIT);
    speedup(
        &mut results,
        experiment,
        SPAWN_BLOCKING,
        files,
        delay,
        in_flight,
    )?;
    Ok(results)
}

/// The speedup of `contender` over blocking inside the tasks, which keeps
/// one wait in flight; the contender keeps up to `in_flight` (the one
/// formula, see `ceiling`).
pub fn speedup(
    results: &mut Results,
    experiment: &str,
    contender: &str,
    files: u32,
    delay: Duration,
    in_flight: u32,
) -> Result<()> {
    let why = format!("{files} waits, at most {} in flight", in_flight.min(files));
    let limit = ceiling(floor(files, delay, 1), floor(files, delay, in_flight), &why);
    results.paired_speedup(experiment, contender, BLOCKING, &limit)
}
