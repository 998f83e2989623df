//! `parallelism python`: what starting a thread and a child process costs,
//! and which ids they report, in Rust (the listing's `start_threads` and
//! `start_processes`) and in CPython (the twin `python/processes.py`: `threading.Thread`, and
//! `multiprocessing.Process` with the fork and the spawn start methods), in
//! the same interleaved rounds: each round runs the Rust variants, then the
//! twin (started with `--rounds 1`, timing itself around its work only).

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use labkit::bench::median;
use labkit::python::{Round, Twin, each_round, results_beside};
use labkit::timing::format_duration;
use labkit::{Bench, Common};
use parallelism::processes::{self as listing, ChildRun};
use serde_json::Value;

use super::{CHILD_COMMAND, PROCESS_STARTS, THREAD_STARTS};

/// The twin, built into the binary so that the experiment runs from any directory.
const TWIN: Twin<'static> = Twin::new("processes.py", include_str!("../../python/processes.py"));
/// Far longer than a round of the twin (a second or two), short enough
/// that a hung interpreter is noticed.
const TWIN_TIMEOUT: Duration = Duration::from_secs(300);

/// What one round of starting things saw: for each start, the process id
/// it reported, and an id of the thread or process itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    pub pids: Vec<u32>,
    pub ids: Vec<String>,
}

impl Started {
    pub fn threads(count: usize) -> Started {
        let seen = listing::start_threads(count);
        Started {
            pids: seen.iter().map(|(pid, _)| *pid).collect(),
            ids: seen.iter().map(|(_, id)| format!("{id:?}")).collect(),
        }
    }

    pub fn processes(exe: &Path, count: usize) -> std::io::Result<Started> {
        let args = [CHILD_COMMAND, "--loaves", "0"];
        let children: Vec<ChildRun> = listing::start_processes(exe, &args, count)?;
        let me = std::process::id();
        for child in &children {
            // The child says which process started it: this one.
            if child.exit_code != Some(0) || !child.stdout.contains(&format!("parent pid {me}")) {
                return Err(std::io::Error::other(format!(
                    "child {} said {:?} and ended with {:?}",
                    child.pid, child.stdout, child.exit_code
                )));
            }
        }
        Ok(Started {
            pids: children.iter().map(|c| c.pid).collect(),
            ids: children.iter().map(|c| c.pid.to_string()).collect(),
        })
    }

    /// How many reported this process's own id (threads: all; children: none).
    pub fn same_pid(&self) -> usize {
        let me = std::process::id();
        self.pids.iter().filter(|&&pid| pid == me).count()
    }

    pub fn distinct_ids(&self) -> usize {
        self.ids.iter().collect::<HashSet<_>>().len()
    }
}

pub fn run(common: &Common, python: &str) -> Result<()> {
    let exe = std::env::current_exe().context("finding this program to run it again")?;
    let threads = common.scale.count(THREAD_STARTS) as usize;
    let processes = common.scale.count(PROCESS_STARTS) as usize;
    let twin = labkit::python::beside_rust(common, python);
    common.say("Each start is joined before the next; the twin sets CPython's counts.");
    common.say(format!(
        "Rust: {threads} threads, {processes} child processes (this program, run again)."
    ));
    let scale = common.scale.factor().to_string();
    let exe_ref = exe.as_path();
    let mut bench = Bench::new("start", common);
    bench
        .variant("Rust, thread", move || {
            Round::Rust(Ok(Started::threads(threads)))
        })
        .variant("Rust, process", move || {
            Round::Rust(Started::processes(exe_ref, processes))
        });
    if let Some((path, label)) = &twin {
        bench.variant(
            label,
            each_round(path, TWIN, &["--scale", &scale], TWIN_TIMEOUT),
        );
    }
    let run = bench.run(|variant, round| {
        if let Some(started) = round.rust()? {
            let started = started
                .as_ref()
                .map_err(|err| anyhow::anyhow!("{variant}: {err}"))?;
            ensure!(
                started.distinct_ids() == started.pids.len(),
                "{variant}: an id was seen twice"
            );
        }
        Ok(())
    })?;
    let mut results = results_beside(&run, |variant, row| format!("{variant}, {}", row.variant))?;
    // The Rust rows' columns, from their median round.
    for measured in &run.measured {
        if let Some(Round::Rust(Ok(started))) = measured.values.get(measured.median_round())
            && let Some(row) = results.get_mut("start", &measured.variant)
        {
            row.with("starts", started.pids.len())
                .with("same pid", started.same_pid())
                .with("ids", started.distinct_ids());
        }
    }
    // Every row: the twin's per-round columns as medians, and the cost of one start.
    let names: Vec<String> = results.rows().iter().map(|r| r.variant.clone()).collect();
    for name in names {
        let row = results.get_mut("start", &name).expect("listed just above");
        for key in ["same pid", "ids"] {
            if let Some(Value::Array(values)) = row.extra.get(key) {
                let numbers: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
                if !numbers.is_empty() {
                    let middle = median(&numbers).round() as u64;
                    row.with(key, middle);
                }
            }
        }
        let starts = row.extra.get("starts").and_then(Value::as_u64).unwrap_or(1);
        let per_start = row.wall() / starts.max(1) as u32;
        row.with("per start", format_duration(per_start));
    }
    results.print(common)
}
