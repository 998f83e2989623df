//! `scale`: 1,000 to 100,000 concurrent waits of 100 ms as tokio tasks and
//! as OS threads, each variant in a fresh process (`scale-child`) so that
//! its peak memory is its own.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use clap::ValueEnum;
use event_loop::scale;
use labkit::bench::median;
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results, measure};
use serde::{Deserialize, Serialize};

/// The wait of every task or thread.
const SCALE_WAIT: Duration = Duration::from_millis(100);

/// How long one child may take before it counts as hung (and is killed).
const CHILD_PATIENCE: Duration = Duration::from_secs(300);

/// What waits: a tokio task or an OS thread.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiterKind {
    Tokio,
    Threads,
}

impl WaiterKind {
    fn arg(self) -> &'static str {
        match self {
            WaiterKind::Tokio => "tokio",
            WaiterKind::Threads => "threads",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            WaiterKind::Tokio => "tokio tasks",
            WaiterKind::Threads => "OS threads",
        }
    }
}

/// What one child process reports on its standard output.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ChildReport {
    started: usize,
    wall_seconds: f64,
    cpu_seconds: f64,
    peak_rss_bytes: u64,
    /// How much the tasks or threads raised the peak RSS: the high-water
    /// mark (`VmHWM`) after they ran minus the same mark just before.
    rss_growth_bytes: u64,
}

pub fn run(common: &Common) -> Result<Results> {
    let wait = common.scale.duration(SCALE_WAIT);
    common.say(format!(
        "Every task or thread waits {}; each variant runs in a fresh process (its own peak memory).",
        format_duration(wait)
    ));
    let exe = std::env::current_exe().context("finding this program to rerun it")?;
    let variants = [
        (WaiterKind::Tokio, 1_000),
        (WaiterKind::Tokio, 10_000),
        (WaiterKind::Tokio, 100_000),
        (WaiterKind::Threads, 1_000),
        (WaiterKind::Threads, 10_000),
    ];
    let mut bench = Bench::new("scale", common);
    for (kind, full) in variants {
        let asked = common.scale.count(full) as usize;
        let exe = &exe;
        bench.variant(&format!("{full} {}", kind.noun()), move || {
            (asked, run_child(exe, kind, asked, wait))
        });
    }
    let run = bench.run(|variant, (asked, report)| {
        let report = report
            .as_ref()
            .map_err(|err| anyhow::anyhow!("{variant}: {err:#}"))?;
        // The OS may refuse some threads; tokio tasks all start.
        ensure!(
            report.started > 0 && report.started <= *asked,
            "{variant}: {} of {asked} started",
            report.started
        );
        Ok(())
    })?;
    // The rows' times are the children's own (the waiters, without the
    // process start-up), measured in the same interleaved rounds.
    let mut results = Results::new();
    results.set_method(run.method.clone());
    for measured in &run.measured {
        let reports: Vec<&ChildReport> = measured
            .values
            .iter()
            .filter_map(|(_, report)| report.as_ref().ok())
            .collect();
        let walls = reports.iter().map(|r| r.wall_seconds).collect();
        let cpus = reports.iter().map(|r| r.cpu_seconds).collect();
        let per_task: Vec<f64> = reports
            .iter()
            .map(|r| r.rss_growth_bytes as f64 / r.started.max(1) as f64)
            .collect();
        let peak: Vec<f64> = reports.iter().map(|r| r.peak_rss_bytes as f64).collect();
        let started = reports.iter().map(|r| r.started).min().unwrap_or(0);
        results
            .push_samples("scale", &measured.variant, walls, Some(cpus))
            .with("tasks", started)
            .with("peak_rss", format_bytes(median(&peak) as u64))
            .with("rss_bytes_per_task", median(&per_task).round() as u64);
    }
    Ok(results)
}

fn run_child(exe: &Path, kind: WaiterKind, tasks: usize, wait: Duration) -> Result<ChildReport> {
    let mut command = Command::new(exe);
    command.args([
        "scale-child",
        "--kind",
        kind.arg(),
        "--tasks",
        &tasks.to_string(),
        "--wait-us",
        &wait.as_micros().to_string(),
    ]);
    let done = labkit::process::run(&mut command, CHILD_PATIENCE)
        .context("starting a scale-child process")?;
    match done.status {
        None => bail!(
            "the {} child with {tasks} waiters hung and was killed",
            kind.arg()
        ),
        Some(status) if !status.success() => bail!(
            "the {} child with {tasks} waiters failed ({status}): {}",
            kind.arg(),
            done.last_stderr_line()
        ),
        Some(_) => serde_json::from_str(done.stdout.trim())
            .with_context(|| format!("reading the child's report {:?}", done.stdout)),
    }
}

/// `scale-child`: one variant, in this fresh process; prints a [`ChildReport`].
/// (`labkit::process::run` starts it so that it dies with its parent.)
pub fn child(kind: WaiterKind, tasks: usize, wait: Duration) -> Result<()> {
    let runtime = match kind {
        WaiterKind::Tokio => {
            let runtime = super::runtime()?;
            // Warm the runtime up so its own threads and buffers are in the baseline.
            scale::wait_in_tokio_tasks(&runtime, 1, Duration::ZERO);
            Some(runtime)
        }
        WaiterKind::Threads => {
            let _ = scale::wait_in_os_threads(1, Duration::ZERO);
            None
        }
    };
    // Like with like: the high-water mark before and after, never the
    // current RSS before (lower than the mark) and the mark after.
    let before = labkit::os::peak_rss_bytes()?;
    let (started, cost) = measure(|| match &runtime {
        Some(runtime) => (tasks, scale::wait_in_tokio_tasks(runtime, tasks, wait)),
        None => scale::wait_in_os_threads(tasks, wait),
    });
    let (started, _) = started;
    let peak = labkit::os::peak_rss_bytes()?;
    let report = ChildReport {
        started,
        wall_seconds: cost.wall.as_secs_f64(),
        cpu_seconds: cost.cpu.as_secs_f64(),
        peak_rss_bytes: peak,
        rss_growth_bytes: peak.saturating_sub(before),
    };
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

fn format_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes as f64 >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}
