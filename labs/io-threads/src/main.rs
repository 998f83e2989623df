//! `io-threads`: the command line of the "Threads for blocking I/O" chapter's lab.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use baseline::logs::{log_names, write_all_logs};
use clap::{Parser, Subcommand};
use io_threads::{agent, async_logs, pool};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure};

/// Write the Python lab's log files with threads: a pool, a logger thread, tokio.
///
/// Every wait here is a blocking call (a slow device), the kind of work an
/// event loop cannot wait on for you. Delays and sizes are the Python
/// material's unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "io-threads", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// 5 log files, 1 s of device wait each: sequential, a pool of 2 workers, a pool of 5, a thread per file.
    Pool {
        /// How many log files to write.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        files: u32,
        /// Lines written to each file.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
        lines: u32,
        /// Workers in the larger pool (the smaller one always has 2).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        workers: u32,
    },
    /// 5 agents log 10 events each: a shared locked file vs one logger thread fed by a channel.
    Agent {
        /// How many agents (producer threads).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        agents: u32,
        /// Events each agent logs.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        events: u32,
    },
    /// The 5 log files from tokio tasks: blocking the runtime vs spawn_blocking.
    Async {
        /// How many log files to write.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
        files: u32,
        /// Lines written to each file.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
        lines: u32,
    },
}

/// The delay the Python lab simulates for one log file (as in the baseline lab).
const LOG_DELAY: Duration = Duration::from_secs(1);
/// How long an agent works between two events.
const AGENT_WORK: Duration = Duration::from_millis(100);
/// How long one flush-and-wait for the device takes in the agent experiment.
const SYNC_DELAY: Duration = Duration::from_millis(100);

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

/// A scratch directory that is removed when dropped, even on an error.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Result<Scratch> {
        let dir = std::env::temp_dir().join(format!("io-threads-{what}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Scratch(dir))
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    let mut results = Results::new();
    match experiment {
        Experiment::Pool {
            files,
            lines,
            workers,
        } => {
            let delay = common.scale.duration(LOG_DELAY);
            let scratch = Scratch::new("pool")?;
            let dir = scratch.path();
            let names = log_names(files);
            common.say(format!(
                "Writing {files} log files of {lines} lines, {} of device wait each.",
                format_duration(delay)
            ));
            let (written, cost) = measure(|| write_all_logs(dir, &names, lines, delay));
            check_files(
                &written.context("writing the logs one after another")?,
                files,
            )?;
            results.push_measured("pool", "sequential", cost);
            for size in [2, workers] {
                let (written, cost) =
                    measure(|| pool::write_logs_in_pool(dir, &names, lines, delay, size as usize));
                check_files(&written.context("writing the logs in a pool")?, files)?;
                results
                    .push_measured("pool", &format!("pool of {size} workers"), cost)
                    .with("threads", size);
            }
            let (written, cost) =
                measure(|| pool::write_logs_thread_per_file(dir, &names, lines, delay));
            let written = written.context("writing the logs on a thread each")?;
            check_files(&written, files)?;
            results
                .push_measured("pool", "thread per file", cost)
                .with("threads", files);
            for path in &written {
                let bytes = std::fs::metadata(path)?.len();
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                common.say(format!("  {name}: {bytes} bytes"));
            }
            results.speedups_against("pool", "sequential")?;
        }
        Experiment::Agent { agents, events } => {
            let work = common.scale.duration(AGENT_WORK);
            let sync = common.scale.duration(SYNC_DELAY);
            let scratch = Scratch::new("agent")?;
            common.say(format!(
                "{agents} agents log {events} events each, {} of work before each event, {} per device wait.",
                format_duration(work),
                format_duration(sync)
            ));
            type Logging =
                fn(&Path, u32, u32, Duration, Duration) -> std::io::Result<agent::LogReport>;
            let ways: [(&str, &str, Logging); 2] = [
                (
                    "locked file",
                    "locked.log",
                    agent::agents_share_a_locked_file,
                ),
                (
                    "logger thread",
                    "logger.log",
                    agent::agents_send_to_a_logger,
                ),
            ];
            for (variant, file, logging) in ways {
                let path = scratch.path().join(file);
                let (report, cost) = measure(|| logging(&path, agents, events, work, sync));
                let report = report.with_context(|| format!("logging with a {variant}"))?;
                agent::check_log(&path, agents, events)
                    .with_context(|| format!("checking {}", path.display()))?;
                common.say(format!(
                    "  {variant}: every line present, each agent's lines in order"
                ));
                results
                    .push_measured("agent", variant, cost)
                    .with("lines", report.lines)
                    .with("device waits", report.syncs);
            }
            results.speedups_against("agent", "locked file")?;
        }
        Experiment::Async { files, lines } => {
            let delay = common.scale.duration(LOG_DELAY);
            let scratch = Scratch::new("async")?;
            let dir = scratch.path();
            let names = log_names(files);
            let runtime = async_logs::event_loop().context("starting a tokio runtime")?;
            common.say(format!(
                "Writing {files} log files from tokio tasks on a one-thread runtime, {} of device wait each.",
                format_duration(delay)
            ));
            let (written, cost) = measure(|| {
                runtime.block_on(async_logs::write_logs_blocking_the_runtime(
                    dir, &names, lines, delay,
                ))
            });
            check_files(
                &written.context("writing the logs from blocking tasks")?,
                files,
            )?;
            results.push_measured("async", "blocking inside tasks", cost);
            let (written, cost) = measure(|| {
                runtime.block_on(async_logs::write_logs_with_spawn_blocking(
                    dir, &names, lines, delay,
                ))
            });
            check_files(
                &written.context("writing the logs with spawn_blocking")?,
                files,
            )?;
            results.push_measured("async", "spawn_blocking", cost);
            results.speedups_against("async", "blocking inside tasks")?;
        }
    }
    results.print(&common)?;
    Ok(())
}

/// Every file was written, once, in name order.
fn check_files(written: &[PathBuf], files: u32) -> Result<()> {
    anyhow::ensure!(
        written.len() == files as usize,
        "{} files written, expected {files}",
        written.len()
    );
    for (path, name) in written.iter().zip(log_names(files)) {
        anyhow::ensure!(
            path.file_name()
                .is_some_and(|f| *f == *format!("{name}.log")),
            "{} is out of order (expected {name}.log)",
            path.display()
        );
    }
    Ok(())
}
