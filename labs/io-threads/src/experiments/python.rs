//! `python`: the lab's three timed experiments in Rust and in CPython, on
//! the same machine, with the same rounds and the same ceilings. The Python
//! twins (`python/*.py`, built into the binary) run through
//! `labkit::python`, bounded by a timeout; their per-round samples become
//! rows with the same statistics as the Rust rows. A missing interpreter is
//! not an error: the run says so and shows the Rust rows.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use labkit::bench::median;
use labkit::python::{Document, Twin, TwinError, run_twin};
use labkit::{Common, Results};
use serde_json::Value;

use super::{agent, pool, tasks};

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The Python interpreter to run the twins with (a name on PATH, or a path).
    #[arg(long, default_value = "python3", value_name = "PATH")]
    pub python: PathBuf,
}

/// The twin of `pool` and `async`: ThreadPoolExecutor, threads, asyncio.to_thread.
pub const THREADED_LOGS: Twin<'static> = Twin::new(
    "threaded_logs.py",
    include_str!("../../python/threaded_logs.py"),
);
/// The twin of `agent`: a threading.Lock around the file, a queue.Queue to a logger thread.
pub const LOGGER_THREAD: Twin<'static> = Twin::new(
    "logger_thread.py",
    include_str!("../../python/logger_thread.py"),
);

/// CPython's `asyncio.to_thread` runs on the event loop's default executor,
/// a `ThreadPoolExecutor()` with `min(32, cpus + 4)` workers (Python 3.8 on).
fn default_executor_workers(document: &Document) -> u32 {
    let facts = &document.interpreter;
    let cpus = facts.process_cpu_count.or(facts.cpu_count).unwrap_or(1);
    (cpus + 4).min(32) as u32
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let pool_args = pool::Args::default();
    let agent_args = agent::Args::default();
    let tasks_args = tasks::Args::default();
    let mut results = pool::run(common, &pool_args, "pool, Rust")?;
    let agents = agent::run(common, &agent_args, "agent, Rust")?;
    let tasks = tasks::run(common, &tasks_args, "async, Rust")?;
    merge_calibrations(&mut results, [&agents, &tasks]);
    results.extend(agents);
    results.extend(tasks);

    let twin_args = vec![
        "--rounds".to_string(),
        common.rounds.to_string(),
        "--scale".to_string(),
        common.scale.factor().to_string(),
    ];
    // Generous: a round of either twin waits about 17 s at scale 1.
    let timeout = Duration::from_secs_f64(
        60.0 + 2.0 * 17.0 * f64::from(common.rounds) * common.scale.factor(),
    );
    let python = &args.python;
    match run_twin(python, THREADED_LOGS, &twin_args, timeout) {
        Err(TwinError::Missing { .. }) => {
            common.say(format!(
                "{} was not found: only the Rust rows (install Python 3, or name one with --python, to compare).",
                python.display()
            ));
        }
        Err(err) => return Err(err.into()),
        Ok(logs) => {
            let logger = run_twin(python, LOGGER_THREAD, &twin_args, timeout)?;
            common.say(format!(
                "{} ({}), measured here in {} interleaved round{}, beside the Rust.",
                logs.interpreter.label(),
                python.display(),
                logs.rounds,
                if logs.rounds == 1 { "" } else { "s" }
            ));
            push_twin_rows(&mut results, &logs);
            push_twin_rows(&mut results, &logger);
            let delay = common.scale.duration(pool::LOG_DELAY);
            pool::speedups(&mut results, "pool, CPython", &pool_args, delay)?;
            let in_flight = default_executor_workers(&logs);
            tasks::speedup(
                &mut results,
                "async, CPython",
                "to_thread",
                tasks_args.files, // the twin's FILES: the Python material's five
                delay,
                in_flight,
            )?;
            agent::speedups(&mut results, "agent, CPython", &agent_args, common)?;
        }
    }
    print_by_experiment(&results, common)
}

/// The twin's rows, as rows of `<experiment>, CPython`, with the median of
/// any per-round column (the logger's `syncs`).
fn push_twin_rows(results: &mut Results, document: &Document) {
    for row in &document.rows {
        let walls = row.samples.clone();
        let cpus = row.cpu_samples.clone();
        let experiment = format!("{}, CPython", row.experiment);
        let added = results.push_samples(&experiment, &row.variant, walls, Some(cpus));
        for (key, value) in &row.columns {
            if let Value::Array(values) = value {
                let numbers: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
                if !numbers.is_empty() {
                    added.with(key, median(&numbers).round() as u64);
                }
            }
        }
    }
}

/// One method line for the whole run: the machine checks of every Rust
/// experiment in it.
fn merge_calibrations<'a>(into: &mut Results, others: impl IntoIterator<Item = &'a Results>) {
    let Some(mut method) = into.method().cloned() else {
        return;
    };
    for other in others {
        if let Some(theirs) = other.method() {
            method
                .calibrations
                .extend(theirs.calibrations.iter().cloned());
            method.steal = match (method.steal, theirs.steal) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
    }
    into.set_method(method);
}

/// The method's lines, then one table per experiment (Rust and CPython
/// apart, so that each stays narrow), or the JSON document with `--json`.
fn print_by_experiment(results: &Results, common: &Common) -> Result<()> {
    if common.json {
        println!("{}", results.to_json());
    } else {
        let mut out = String::new();
        if let Some(method) = results.method() {
            for line in method.describe(results.rows()) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        // Each Rust table, then its CPython twin's.
        let base = |experiment: &str| experiment.split(", ").next().unwrap_or("").to_string();
        let mut experiments: Vec<&str> = Vec::new();
        for row in results.rows() {
            if !experiments.contains(&row.experiment.as_str()) {
                experiments.push(&row.experiment);
            }
        }
        let order: Vec<String> = experiments.iter().map(|e| base(e)).collect();
        experiments.sort_by_key(|e| order.iter().position(|b| *b == base(e)));
        for experiment in experiments {
            let rows = results.rows().iter().filter(|r| r.experiment == experiment);
            out.push_str(&format!("\n{experiment}:\n"));
            out.push_str(&Results::from_rows(rows.cloned().collect()).to_text());
        }
        print!("{out}");
    }
    if let Some(path) = &common.json_out {
        results.document().write(path)?;
    }
    Ok(())
}
