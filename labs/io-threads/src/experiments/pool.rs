//! `pool`: the Python lab's five log files written one after another, by a
//! pool of 2 workers, a pool of 5 and a thread per file, in interleaved
//! rounds. Every round's files are read back and checked.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, ensure};
use baseline::logs::{log_names, write_all_logs};
use io_threads::pool::{write_logs_in_pool, write_logs_thread_per_file};
use labkit::bench::Bench;
use labkit::timing::format_duration;
use labkit::{Common, Results};

use super::{ceiling, floor, scratch, written};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// How many log files to write.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub files: u32,
    /// Lines written to each file.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub lines: u32,
    /// Workers in the larger pool (the smaller one always has 2).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub workers: u32,
}

impl Default for Args {
    fn default() -> Args {
        Args {
            files: 5,
            lines: 1000,
            workers: 5,
        }
    }
}

/// The delay the Python lab simulates for one log file (as in the baseline lab).
pub const LOG_DELAY: Duration = Duration::from_secs(1);

/// The variant names, which the closing chapter's report reads too.
pub const SEQUENTIAL: &str = "sequential";
pub const THREAD_PER_FILE: &str = "thread per file";

/// The name of the pool variant with `workers` workers.
pub fn pool_of(workers: u32) -> String {
    format!("pool of {workers} workers")
}

/// Measures the variants as rows of `experiment`.
pub fn run(common: &Common, args: &Args, experiment: &str) -> Result<Results> {
    let Args { files, lines, .. } = *args;
    let delay = common.scale.duration(LOG_DELAY);
    let scratch = scratch("pool")?;
    let dir = scratch.path();
    let names = log_names(files);
    common.say(format!(
        "Writing {files} log files of {lines} lines, {} of device wait each.",
        format_duration(delay)
    ));
    let mut bench = Bench::new(experiment, common);
    bench.variant(SEQUENTIAL, || write_all_logs(dir, &names, lines, delay));
    for size in pools(args) {
        let names = &names;
        bench.variant(&pool_of(size), move || {
            write_logs_in_pool(dir, names, lines, delay, size as usize)
        });
    }
    bench.variant(THREAD_PER_FILE, || {
        write_logs_thread_per_file(dir, &names, lines, delay)
    });
    let run =
        bench.run(|variant, paths| check_files(&written(variant, paths)?, dir, lines, files))?;
    let mut results = run.results();
    speedups(&mut results, experiment, args, delay)?;
    Ok(results)
}

/// The pool sizes measured: 2, and `--workers` if it is another number.
fn pools(args: &Args) -> Vec<u32> {
    let mut pools = vec![2, args.workers];
    pools.dedup();
    pools
}

/// Each variant's speedup over `sequential`, with its ceiling: n waits, at
/// most k in flight (the one formula, see `ceiling`).
pub fn speedups(
    results: &mut Results,
    experiment: &str,
    args: &Args,
    delay: Duration,
) -> Result<()> {
    let files = args.files;
    let sequential = floor(files, delay, 1);
    let variants = pools(args).into_iter().map(|size| (pool_of(size), size));
    for (variant, in_flight) in variants.chain([(THREAD_PER_FILE.to_string(), files)]) {
        let why = format!("{files} waits, at most {} in flight", in_flight.min(files));
        let limit = ceiling(sequential, floor(files, delay, in_flight), &why);
        results.paired_speedup(experiment, &variant, SEQUENTIAL, &limit)?;
    }
    Ok(())
}

/// Every file was written, once, in name order, with all its lines.
pub fn check_files(written: &[PathBuf], dir: &Path, lines: u32, files: u32) -> Result<()> {
    ensure!(
        written.len() == files as usize,
        "{} files written, expected {files}",
        written.len()
    );
    for (path, name) in written.iter().zip(log_names(files)) {
        ensure!(
            *path == dir.join(format!("{name}.log")),
            "{} is out of order (expected {name}.log)",
            path.display()
        );
        let found = std::fs::read_to_string(path)?.lines().count();
        ensure!(
            found == lines as usize,
            "{} has {found} lines, expected {lines}",
            path.display()
        );
    }
    Ok(())
}
