//! `agent`: agents that log to one file, four ways, in interleaved rounds:
//! one thread doing everything in turn, agents sharing a locked file, agents
//! sending to a logger thread, and (with `--flush`, the exercise) agents
//! that wait for a flush after each line. Every round's log is read back.

use std::time::Duration;

use anyhow::{Result, ensure};
use io_threads::agent::{
    LogReport, agents_flush_each_line, agents_send_to_a_logger, agents_share_a_locked_file,
    check_log, one_thread_logs_everything,
};
use labkit::bench::{Bench, median};
use labkit::timing::format_duration;
use labkit::{Common, Results};

use super::{ceiling, floor, scratch, written};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// How many agents (producer threads).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub agents: u32,
    /// Events each agent logs.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub events: u32,
    /// Add the exercise's answer: agents that wait for a flush after each line.
    #[arg(long)]
    pub flush: bool,
}

impl Default for Args {
    fn default() -> Args {
        Args {
            agents: 5,
            events: 10,
            flush: false,
        }
    }
}

/// How long an agent works between two events.
pub const AGENT_WORK: Duration = Duration::from_millis(100);
/// How long one flush-and-wait for the device takes.
pub const SYNC_DELAY: Duration = Duration::from_millis(100);

pub const ONE_THREAD: &str = "one thread";
pub const LOCKED_FILE: &str = "locked file";
pub const LOGGER: &str = "logger thread";
pub const FLUSH_EACH: &str = "flush each line";

type Logging = fn(&std::path::Path, u32, u32, Duration, Duration) -> std::io::Result<LogReport>;

/// Measures the variants as rows of `experiment`.
pub fn run(common: &Common, args: &Args, experiment: &str) -> Result<Results> {
    let Args {
        agents,
        events,
        flush,
    } = *args;
    let work = common.scale.duration(AGENT_WORK);
    let sync = common.scale.duration(SYNC_DELAY);
    let scratch = scratch("agent")?;
    let dir = scratch.path();
    common.say(format!(
        "{agents} agents log {events} events each, {} of work before each event, {} per device wait.",
        format_duration(work),
        format_duration(sync)
    ));
    let mut ways: Vec<(&str, Logging)> = vec![
        (ONE_THREAD, one_thread_logs_everything),
        (LOCKED_FILE, agents_share_a_locked_file),
        (LOGGER, agents_send_to_a_logger),
    ];
    if flush {
        ways.push((FLUSH_EACH, agents_flush_each_line));
    }
    let mut bench = Bench::new(experiment, common);
    for (variant, logging) in &ways {
        let path = dir.join(format!("{}.log", variant.replace(' ', "-")));
        bench.variant(variant, move || {
            (logging(&path, agents, events, work, sync), path.clone())
        });
    }
    let lines = agents * events;
    let run = bench.run(|variant, (report, path)| {
        let report = written(variant, report)?;
        check_log(path, agents, events)?;
        ensure!(
            report.lines == lines,
            "{variant} logged {} of {lines} lines",
            report.lines
        );
        // One thread and the locked file wait once per line. The logger at
        // least once and at most once per line; with flushes, at least once
        // per event, and at most once per message (a line and its flush may
        // land in two batches).
        let (least, most) = match variant {
            ONE_THREAD | LOCKED_FILE => (lines, lines),
            FLUSH_EACH => (events, 2 * lines),
            _ => (1, lines),
        };
        ensure!(
            (least..=most).contains(&report.syncs),
            "{variant} waited for the device {} times, expected {least} to {most}",
            report.syncs
        );
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        let syncs: Vec<f64> = measured
            .values
            .iter()
            .filter_map(|(report, _)| report.as_ref().ok())
            .map(|report| f64::from(report.syncs))
            .collect();
        row.with("syncs", median(&syncs).round() as u64);
    });
    speedups(&mut results, experiment, args, common)?;
    Ok(results)
}

/// The speedups and their ceilings: the one formula (see `ceiling`), with
/// each variant's floor. One thread: every piece of work and every device
/// wait in turn. Locked file: the work overlaps, the device waits go one at
/// a time. Logger: each agent's own work, then the last batch's device wait.
/// Flush each line: each agent waits at least one device wait per event.
pub fn speedups(
    results: &mut Results,
    experiment: &str,
    args: &Args,
    common: &Common,
) -> Result<()> {
    let (events, lines) = (args.events, args.agents * args.events);
    let work = common.scale.duration(AGENT_WORK);
    let sync = common.scale.duration(SYNC_DELAY);
    let one_thread = floor(lines, work + sync, 1);
    let locked = work + floor(lines, sync, 1);
    let logger = floor(events, work, 1) + sync;
    let flushing = floor(events, work + sync, 1);
    let one_device = ceiling(one_thread, locked, "one device, one wait in flight");
    results.paired_speedup(experiment, LOCKED_FILE, ONE_THREAD, &one_device)?;
    let batches = ceiling(one_thread, logger, "the agents' work, then one wait");
    results.paired_speedup(experiment, LOGGER, ONE_THREAD, &batches)?;
    if args.flush {
        // Against the locked file: the same promise (a line is on the device
        // before its agent goes on), kept by a logger that batches.
        let shared = ceiling(locked, flushing, "a wait per event, shared");
        results.paired_speedup(experiment, FLUSH_EACH, LOCKED_FILE, &shared)?;
    }
    Ok(())
}
