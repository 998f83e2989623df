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
        Experiment::Report => run_report(common),
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

fn run_report(common: Common) -> Result<()> {
    let headlines = report::HEADLINES;
    let binaries = report::check_binaries(headlines)?;
    let out_dir = labkit::transcript::output_dir("choosing");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let scratch = std::env::temp_dir().join(format!("choosing-report-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;

    // Headlines that read the same run share it: run each distinct one once.
    let run_key = |h: &report::Headline| (h.command(), h.scale(common.scale.factor()));
    let mut runs: Vec<(String, f64)> = Vec::new();
    for headline in headlines {
        if !runs.contains(&run_key(headline)) {
            runs.push(run_key(headline));
        }
    }
    let progress = indicatif::ProgressBar::new(runs.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
            .expect("a valid template"),
    );
    let mut printed: Vec<((String, f64), Vec<serde_json::Value>)> = Vec::new();
    let mut outcomes = Vec::new();
    let result = (|| -> Result<()> {
        for (headline, bin) in headlines.iter().zip(&binaries) {
            let key = run_key(headline);
            let scale = key.1;
            if !printed.iter().any(|(k, _)| *k == key) {
                progress.set_message(format!("{} --scale {scale}", key.0));
                let rows = report::run_lab(bin, headline, scale, common.rounds, &scratch)?;
                printed.push((key.clone(), rows));
                progress.inc(1);
            }
            let rows = &printed.iter().find(|(k, _)| *k == key).expect("just run").1;
            outcomes.push(report::read_outcome(headline, rows, scale)?);
        }
        Ok(())
    })();
    progress.finish_and_clear();
    let _ = std::fs::remove_dir_all(&scratch);
    result?;

    let table = report::markdown(&outcomes);
    let markdown = format!(
        "Measured with `cargo run --release -p choosing -- report --scale {}` on {} cores. \
         Times measured here are at the scale in each row (the report's, times more for \
         CPU-bound runs that need more work to be measured well); Python's are at full size. \
         Speedups do not depend on the scale.\n\n{table}",
        common.scale,
        labkit::os::cores()
    );
    let md_path = out_dir.join("report.md");
    std::fs::write(&md_path, markdown).with_context(|| format!("writing {}", md_path.display()))?;
    let svg_path = out_dir.join("speedups.svg");
    std::fs::write(&svg_path, report::svg(&outcomes))
        .with_context(|| format!("writing {}", svg_path.display()))?;
    common.say(format!(
        "Ran {} labs {} times for {} headline experiments at --scale {}.",
        headlines
            .iter()
            .map(|h| h.lab)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        runs.len(),
        outcomes.len(),
        common.scale
    ));
    if common.json {
        let rows: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "experiment": o.command, "variant": "measured here",
                    "wall_seconds": o.wall_seconds, "speedup": o.speedup,
                    "chapter": o.chapter, "what": o.what,
                    "python": o.python, "python_speedup": o.python_speedup,
                    "measured": o.measured,
                })
            })
            .collect();
        let document = serde_json::json!({ "cores": labkit::os::cores(), "rows": rows });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        print!("{table}");
    }
    common.say("Wrote report.md and speedups.svg.");
    Ok(())
}
