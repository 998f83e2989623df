//! `python`: the asyncio twins (`python/fetch.py`, `python/user_input.py`)
//! measured with the same rounds as the Rust, against the same local
//! server, their rows next to tokio's.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use clap::ValueEnum;
use event_loop::server::{self, Server};
use labkit::python::{self, Document, Twin, TwinError, TwinRow};
use labkit::timing::format_duration;
use labkit::{Common, Results};

use super::pages::{self, Requests};
use super::{fetch, user_input, waits_in_flight, weather};

/// The twins, embedded so that `event-loop python` runs from anywhere.
pub const FETCH_PY: Twin<'static> = Twin::new("fetch.py", include_str!("../../python/fetch.py"));
pub const USER_INPUT_PY: Twin<'static> =
    Twin::new("user_input.py", include_str!("../../python/user_input.py"));

/// Which experiment to run next to its twin.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Five cities, 2 s each: tokio and asyncio, in turn and at once.
    Weather,
    /// Six pages of 450 ms: tokio and asyncio, in turn and at once.
    Fetch,
    /// The user-input simulation: awaited in turn, or a task each.
    UserInput,
}

/// The Rust rows' prefix, and the Python rows'.
const TOKIO: &str = "tokio, ";
pub const ASYNCIO_IN_TURN: &str = "asyncio, in turn";
pub const ASYNCIO_GATHER: &str = "asyncio, gather";

/// The page fetch's size and latency (the `fetch` experiment's defaults,
/// with a patient client: the twin's requests must not time out).
const PAGES: u64 = 6;
const PAGE_LATENCY: Duration = Duration::from_millis(450);

pub fn run(common: &Common, which: &[Which], python: &str) -> Result<Results> {
    let mut results = Results::new();
    for which in which {
        let mut pair = match which {
            Which::Weather => weather_pair(common, python)?,
            Which::Fetch => fetch_pair(common, python)?,
            Which::UserInput => user_input_pair(common, python)?,
        };
        // Side by side, the times are the point: the experiments' own
        // columns (what each fetched, checked every round) stay in their
        // own tables, so this one fits the page.
        let rows: Vec<(String, String)> = pair
            .rows()
            .iter()
            .map(|row| (row.experiment.clone(), row.variant.clone()))
            .collect();
        for (experiment, variant) in rows {
            if let Some(row) = pair.get_mut(&experiment, &variant) {
                row.extra.clear();
            }
        }
        results.extend(pair);
    }
    Ok(results)
}

/// Runs a twin, or says why it is skipped (`None`: no such interpreter).
fn twin(
    common: &Common,
    python: &str,
    twin: Twin<'_>,
    args: &[String],
    patience: Duration,
) -> Result<Option<Document>> {
    let mut args = args.to_vec();
    args.extend([
        "--rounds".into(),
        common.rounds.to_string(),
        "--scale".into(),
        common.scale.factor().to_string(),
    ]);
    match python::run_twin(Path::new(python), twin, &args, patience) {
        Ok(document) => {
            common.say(format!(
                "{} ({python}) ran {} with the same rounds, on the same machine.",
                document.interpreter.label(),
                twin.file_name
            ));
            Ok(Some(document))
        }
        Err(TwinError::Missing { .. }) => {
            common.say(format!(
                "{python} was not found: only the Rust rows (install Python 3 to compare)."
            ));
            Ok(None)
        }
        Err(err) => bail!("{err}"),
    }
}

/// Adds a twin's row under `experiment` (the same name as the Rust rows).
fn push<'r>(results: &'r mut Results, experiment: &str, row: &TwinRow) -> &'r mut labkit::Row {
    results.push_samples(
        experiment,
        &row.variant,
        row.samples.clone(),
        Some(row.cpu_samples.clone()),
    )
}

fn find<'d>(document: &'d Document, experiment: &str, variant: &str) -> Result<&'d TwinRow> {
    document
        .row(experiment, variant)
        .with_context(|| format!("the twin measured no {experiment} / {variant}"))
}

/// The twin's per-round values of `column`, as numbers or lists of numbers.
fn per_round(row: &TwinRow, column: &str) -> Result<Vec<serde_json::Value>> {
    row.columns
        .get(column)
        .and_then(|value| value.as_array())
        .cloned()
        .with_context(|| format!("{}: no per-round {column:?} column", row.variant))
}

fn weather_pair(common: &Common, python: &str) -> Result<Results> {
    let latency = common.scale.duration(weather::CITY_LATENCY);
    let server = Server::start(latency).context("starting the local server")?;
    common.say(format!(
        "Weather: {} cities, {} per request, from the lab's server at {}.",
        weather::CITIES.len(),
        format_duration(latency),
        server.addr()
    ));
    let (mut results, _) = weather::measure(common, &server, latency, TOKIO)?;
    let patience = latency * 6 * common.rounds + Duration::from_secs(60);
    let args = [
        "--server".to_string(),
        server.addr().to_string(),
        "--only".into(),
        "weather".into(),
    ];
    let Some(document) = twin(common, python, FETCH_PY, &args, patience)? else {
        return Ok(results);
    };
    let celsius: Vec<i64> = weather::CITIES
        .iter()
        .map(|city| i64::from(server::pretend_temperature(city)))
        .collect();
    for variant in [ASYNCIO_IN_TURN, ASYNCIO_GATHER] {
        let row = find(&document, "weather", variant)?;
        for answer in per_round(row, "celsius")? {
            ensure!(
                serde_json::from_value::<Vec<i64>>(answer.clone()).ok() == Some(celsius.clone()),
                "{variant}: the twin read {answer}, not {celsius:?}"
            );
        }
        push(&mut results, "weather", row);
    }
    let ceiling = waits_in_flight(&[latency; weather::CITIES.len()]);
    results.paired_speedup("weather", ASYNCIO_GATHER, ASYNCIO_IN_TURN, &ceiling)?;
    Ok(results)
}

fn fetch_pair(common: &Common, python: &str) -> Result<Results> {
    let options = Requests {
        requests: PAGES,
        latency_ms: PAGE_LATENCY.as_millis() as u64,
        timeout_ms: 30_000,
        with_failures: false,
    };
    let latency = common.scale.duration(PAGE_LATENCY);
    // Six pages at any scale: the latency shrinks, the batch stays.
    let run = pages::page_run(options, latency, PAGES)?;
    let addr = run.servers[0].addr();
    let count = run.requests.len();
    common.say(format!(
        "Fetch: {count} pages, {} latency each, from the lab's server at {addr}.",
        format_duration(latency),
    ));
    let mut results = fetch::measure(common, &run, None, true, TOKIO)?;
    let patience = latency * (count as u32 + 1) * common.rounds + Duration::from_secs(60);
    let args = [
        "--server".to_string(),
        addr.to_string(),
        "--only".into(),
        "fetch".into(),
        "--pages".into(),
        count.to_string(),
    ];
    let Some(document) = twin(common, python, FETCH_PY, &args, patience)? else {
        return Ok(results);
    };
    let bytes = run.expected.bytes;
    for variant in [ASYNCIO_IN_TURN, ASYNCIO_GATHER] {
        let row = find(&document, "fetch", variant)?;
        for got in per_round(row, "bytes")? {
            ensure!(
                got.as_u64() == Some(bytes as u64),
                "{variant}: the twin received {got} bytes, not {bytes}"
            );
        }
        push(&mut results, "fetch", row);
    }
    let ceiling = waits_in_flight(&run.waits);
    results.paired_speedup("fetch", ASYNCIO_GATHER, ASYNCIO_IN_TURN, &ceiling)?;
    Ok(results)
}

fn user_input_pair(common: &Common, python: &str) -> Result<Results> {
    let wait = common.scale.duration(user_input::INPUT_WAIT);
    common.say(format!(
        "User input: counting down from 100, five inputs of {} each.",
        format_duration(wait)
    ));
    let mut results = user_input::measure(common, wait, TOKIO)?;
    let patience = wait * 6 * common.rounds + Duration::from_secs(60);
    let args = ["--wait".to_string(), wait.as_secs_f64().to_string()];
    let Some(document) = twin(common, python, USER_INPUT_PY, &args, patience)? else {
        return Ok(results);
    };
    let (await_each, tasks) = ("asyncio, await each input", "asyncio, input tasks");
    for variant in [await_each, tasks] {
        let row = find(&document, "user-input", variant)?;
        push(&mut results, "user-input", row);
    }
    let ceiling = waits_in_flight(&[wait; 5]);
    results.paired_speedup("user-input", tasks, await_each, &ceiling)?;
    Ok(results)
}
