//! `baseline python`: the three experiments in Rust and in CPython, in the
//! same interleaved rounds: each round runs the Rust listing, then the twin
//! (`python/sequential.py`, started with `--rounds 1`, timing itself around
//! its work only). The rows of one experiment share their rounds, so the
//! `time ÷ Rust` column is a median of per-round ratios.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use baseline::{logs, powersum, weather};
use labkit::bench::{Method, paired_speedups, read_steal};
use labkit::python::{Round, Twin, TwinRow, each_round, results_beside};
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};

use super::{CITY_LATENCY, FULL_POWERSUM_NUMBERS, LOG_DELAY, PYTHON_CHUNKS};

/// The twin, built into the binary so that the experiment runs from any directory.
const TWIN: Twin<'static> = Twin::new("sequential.py", include_str!("../../python/sequential.py"));
/// Longer than any round of the twin at scale 1 (its power sum by hand
/// takes minutes there), short enough that a hung interpreter is noticed.
const TWIN_TIMEOUT: Duration = Duration::from_secs(1800);
/// The twin's sizes (python/sequential.py): the Python material's.
const CITIES: usize = 3;
const LOG_FILES: u32 = 5;
const LOG_LINES: u32 = 1000;

/// The interpreter that runs the twin, as the rows name it.
struct Interpreter {
    path: PathBuf,
    label: String,
}

/// The interpreter, or `None` (said aloud) when it is not on this machine.
fn interpreter(common: &Common, python: &str) -> Option<Interpreter> {
    labkit::python::beside_rust(common, python).map(|(path, label)| Interpreter { path, label })
}

/// One experiment, Rust (`rust`, checked by `check`) beside the twin's
/// experiment of the same name; `name` names each twin row.
fn side_by_side<T>(
    common: &Common,
    experiment: &str,
    rust_name: &str,
    rust: impl FnMut() -> T,
    check: impl Fn(&T) -> Result<()>,
    twin: Option<&Interpreter>,
    name: impl Fn(&str, &TwinRow) -> String,
) -> Result<Results> {
    let scale = common.scale.factor().to_string();
    let mut rust = rust;
    let mut bench = Bench::new(experiment, common);
    bench.variant(rust_name, move || Round::Rust(rust()));
    if let Some(twin) = twin {
        let args = ["--experiment", experiment, "--scale", &scale];
        bench.variant(
            &twin.label,
            each_round(&twin.path, TWIN, &args, TWIN_TIMEOUT),
        );
    }
    let run = bench.run(|_, round| match round.rust()? {
        Some(value) => check(value),
        None => Ok(()),
    })?;
    results_beside(&run, name)
}

pub fn run(common: &Common, python: &str) -> Result<()> {
    let twin = interpreter(common, python);
    let twin = twin.as_ref();
    let steal_before = read_steal();

    let cities = &weather::CITIES[..CITIES];
    let latency = common.scale.duration(CITY_LATENCY);
    let same = |variant: &str, _: &TwinRow| variant.to_string();
    let weather = side_by_side(
        common,
        "weather",
        "Rust",
        || weather::check_cities(cities, latency),
        |forecasts| super::weather::check(cities, forecasts),
        twin,
        same,
    )?;

    let delay = common.scale.duration(LOG_DELAY);
    let dir = super::logs::log_dir("python")?;
    let names = logs::log_names(LOG_FILES);
    let logs = side_by_side(
        common,
        "logs",
        "Rust",
        || logs::write_all_logs(&dir, &names, LOG_LINES, delay),
        |written| super::logs::check(written, LOG_FILES, LOG_LINES).map(drop),
        twin,
        same,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let logs = logs?;

    let n = common.scale.count(FULL_POWERSUM_NUMBERS).max(PYTHON_CHUNKS);
    common.say(format!(
        "Power sum: i^{} mod {} for i in 1..={n}, in {PYTHON_CHUNKS} chunks.",
        powersum::EXPONENT,
        powersum::MODULUS
    ));
    let seen = std::cell::Cell::new(None);
    let power = side_by_side(
        common,
        "powersum",
        "Rust, power_mod()",
        || powersum::power_sum_sequential(n, PYTHON_CHUNKS, powersum::EXPONENT),
        |sum| super::powersum::same_sum(&seen, "Rust", *sum),
        twin,
        |variant, row| format!("{variant}, {}", row.variant),
    )?;

    let mut results = merge(vec![weather, logs, power], read_steal_between(steal_before));
    // The Rust rows get the columns the twin gives its own rows; both get the waits.
    if let Some(row) = results.get_mut("weather", "Rust") {
        row.with("requests", CITIES);
    }
    if let Some(row) = results.get_mut("logs", "Rust") {
        row.with("files", LOG_FILES);
    }
    if let Some(row) = results.get_mut("powersum", "Rust, power_mod()") {
        row.with("numbers", n);
    }
    for row in ["Rust"].into_iter().chain(twin.map(|t| t.label.as_str())) {
        if let Some(row) = results.get_mut("weather", row) {
            row.with("waiting", format_duration(latency * CITIES as u32));
        }
        if let Some(row) = results.get_mut("logs", row) {
            row.with("waiting", format_duration(delay * LOG_FILES));
        }
    }
    add_time_over_rust(&mut results)?;
    results.print_per_experiment(common)
}

/// The rows of several benches as one result, with one method: the same
/// rounds, every machine check of every bench, the steal of the whole run.
fn merge(parts: Vec<Results>, steal: Option<f64>) -> Results {
    let mut method: Option<Method> = None;
    let mut rows = Vec::new();
    for part in parts {
        if let Some(part_method) = part.method() {
            match &mut method {
                None => method = Some(part_method.clone()),
                Some(all) => all
                    .calibrations
                    .extend_from_slice(&part_method.calibrations),
            }
        }
        rows.extend_from_slice(part.rows());
    }
    let mut results = Results::from_rows(rows);
    if let Some(mut method) = method {
        method.steal = steal;
        results.set_method(method);
    }
    results
}

/// The fraction of CPU time stolen since `before` (`/proc/stat`).
fn read_steal_between(before: Option<(u64, u64)>) -> Option<f64> {
    let ((steal0, total0), (steal1, total1)) = (before?, read_steal()?);
    let total = total1.checked_sub(total0)?;
    Some(if total == 0 {
        0.0
    } else {
        steal1.saturating_sub(steal0) as f64 / total as f64
    })
}

/// Adds `time ÷ Rust` to every row after the first of each experiment: the
/// median of the per-round ratios of its wall time to the Rust row's.
fn add_time_over_rust(results: &mut Results) -> Result<()> {
    let rows = results.rows().to_vec();
    for row in &rows {
        let Some(rust) = rows.iter().find(|r| r.experiment == row.experiment) else {
            continue;
        };
        if rust.variant == row.variant {
            continue;
        }
        let (Some(base), Some(other)) = (&rust.samples, &row.samples) else {
            continue;
        };
        // paired_speedups(a, b) is a ÷ b per round: here the twin's time over Rust's.
        let ratio = paired_speedups(other, base)?;
        let cell = format!("{:.1}x ({:.1}–{:.1})", ratio.median, ratio.min, ratio.max);
        if let Some(row) = results.get_mut(&row.experiment, &row.variant) {
            row.with("time ÷ Rust", cell);
        }
    }
    Ok(())
}
