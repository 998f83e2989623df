//! `choosing`: the command line of the "Which model when" chapter's lab.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use choosing::children::{self, IdleKind};
use choosing::{costs, report};
use clap::{Parser, Subcommand};
use labkit::timing::format_duration;
use labkit::{Common, Results, Row};

/// Measure what each concurrency model costs, and report every chapter's headline.
///
/// `costs` measures spawning, switching and idle memory for OS threads, tokio
/// tasks, rayon jobs and processes. `report` runs every lab's headline
/// experiment at one --scale and writes a markdown table and an SVG chart.
#[derive(Parser, Debug)]
#[command(name = "choosing", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Spawn cost, hand-off cost and idle memory of threads, tasks, rayon jobs and processes.
    Costs,
    /// Run every lab's headline experiment and write report.md and speedups.svg.
    Report,
    /// Rerun every headline at the book's sizes; write your run beside the book's (compare.md, .html).
    Compare,
    /// Exit at once (what `costs` starts to time a process).
    #[command(name = "exit-now", hide = true)]
    ExitNow,
    /// Park idle threads or tasks and print peak memory as JSON (run by `costs`).
    #[command(hide = true)]
    Idle {
        #[arg(long, value_enum)]
        kind: IdleKind,
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        count: u64,
    },
}

/// How many of each unit `costs` starts at --scale 1.
const THREADS: u64 = 5_000;
const TASKS: u64 = 100_000;
const RAYON_JOBS: u64 = 100_000;
const PROCESSES: u64 = 200;
/// Round trips in each ping-pong at --scale 1.
const THREAD_ROUND_TRIPS: u64 = 20_000;
const TASK_ROUND_TRIPS: u64 = 200_000;
/// Idle units whose memory is measured at --scale 1.
const IDLE_THREADS: u64 = 2_000;
const IDLE_TASKS: u64 = 100_000;

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    match experiment {
        Experiment::Costs => run_costs(common),
        Experiment::Report => report::run::report(&common),
        Experiment::Compare => report::compare::run(&common),
        Experiment::ExitNow => Ok(()),
        Experiment::Idle { kind, count } => {
            let report = children::hold_idle(kind, count)?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
    }
}

fn run_costs(common: Common) -> Result<()> {
    let scale = common.scale;
    let exe = std::env::current_exe().context("finding this executable")?;
    let runtime = tokio::runtime::Runtime::new().context("starting a tokio runtime")?;
    // Warm up: rayon's pool and the runtime's workers start on first use.
    costs::spawn_rayon_jobs(100);
    costs::spawn_tasks(&runtime, 100);
    costs::spawn_threads(10);

    let mut spawn = Results::new();
    let per_unit = |row: &mut Row, count: u64, each: Duration| {
        row.with("units", count)
            .with("per unit", format_duration(each));
    };
    let count = scale.count(THREADS);
    let each = costs::spawn_threads(count as u32);
    per_unit(
        spawn.push("spawn", "OS thread", each * count as u32),
        count,
        each,
    );
    let count = scale.count(TASKS);
    let each = costs::spawn_tasks(&runtime, count as u32);
    per_unit(
        spawn.push("spawn", "tokio task", each * count as u32),
        count,
        each,
    );
    let count = scale.count(RAYON_JOBS);
    let each = costs::spawn_rayon_jobs(count as u32);
    per_unit(
        spawn.push("spawn", "rayon job", each * count as u32),
        count,
        each,
    );
    let count = scale.count(PROCESSES);
    let each = children::spawn_processes(&exe, count as u32)?;
    per_unit(
        spawn.push("spawn", "process", each * count as u32),
        count,
        each,
    );

    let mut switch = Results::new();
    let hand_off = |row: &mut Row, trips: u64, each: Duration| {
        row.with("round trips", trips)
            .with("per hand-off", format_duration(each));
    };
    let trips = scale.count(THREAD_ROUND_TRIPS);
    let each = costs::ping_pong_threads(trips as u32, || {});
    hand_off(
        switch.push("switch", "2 threads, any core", each * 2 * trips as u32),
        trips,
        each,
    );
    let each = costs::ping_pong_threads(trips as u32, children::pin_to_first_core);
    hand_off(
        switch.push("switch", "2 threads, one core", each * 2 * trips as u32),
        trips,
        each,
    );
    let trips = scale.count(TASK_ROUND_TRIPS);
    let each = costs::ping_pong_tasks(trips as u32);
    hand_off(
        switch.push(
            "switch",
            "2 tokio tasks, one thread",
            each * 2 * trips as u32,
        ),
        trips,
        each,
    );
    let each = costs::ping_pong_tasks_multi_thread(trips as u32);
    hand_off(
        switch.push(
            "switch",
            "2 tokio tasks, 2 workers",
            each * 2 * trips as u32,
        ),
        trips,
        each,
    );

    let mut memory = Results::new();
    for (variant, kind, count) in [
        (
            "idle OS thread",
            IdleKind::Thread,
            scale.count(IDLE_THREADS),
        ),
        ("idle tokio task", IdleKind::Task, scale.count(IDLE_TASKS)),
        ("whole process", IdleKind::Process, 1),
    ] {
        let idle = children::measure_idle(&exe, kind, count)?;
        memory
            .push("memory", variant, Duration::from_secs_f64(idle.seconds))
            .with("units", idle.units)
            .with("peak RSS", bytes(idle.rss_after as f64))
            .with("per unit", bytes(idle.bytes_per_unit()));
    }

    let mut all = Results::new();
    if common.json {
        for results in [spawn, switch, memory] {
            all.extend(results);
        }
        println!("{}", all.to_json());
    } else {
        println!("Starting a unit that does nothing, and waiting for it to finish:");
        print!("{}", spawn.to_table());
        println!();
        println!("Passing a number back and forth over two channels:");
        print!("{}", switch.to_table());
        println!();
        println!(
            "Peak memory (VmHWM) of a fresh process holding idle units, minus its peak before:"
        );
        print!("{}", memory.to_table());
        for results in [spawn, switch, memory] {
            all.extend(results);
        }
    }
    if let Some(path) = &common.json_out {
        all.document().write(path)?;
    }
    Ok(())
}

/// Formats a byte count for a reader: `512 B`, `8.2 KiB`, `3.1 MiB`.
fn bytes(count: f64) -> String {
    if count >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", count / (1024.0 * 1024.0))
    } else if count >= 1024.0 {
        format!("{:.1} KiB", count / 1024.0)
    } else {
        format!("{count:.0} B")
    }
}
