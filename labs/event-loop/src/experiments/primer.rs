//! `primer`: each step of the chapter "Futures: an async primer", run in
//! Rust (`src/async_primer.rs`) and then in asyncio
//! (`python/async_primer.py`, embedded here), printed one after the other.

use std::path::Path;
use std::time::Duration;

use anyhow::{Result, bail};
use clap::ValueEnum;
use event_loop::async_primer::{self as primer, Countdown, Log};
use labkit::Common;
use labkit::python::{self, Twin, TwinError};

/// `python/async_primer.py`: the same steps in asyncio.
pub const ASYNC_PRIMER_PY: Twin<'static> = Twin::new(
    "async_primer.py",
    include_str!("../../python/async_primer.py"),
);

/// How long the asyncio side may take before it counts as hung.
const PYTHON_PATIENCE: Duration = Duration::from_secs(60);

/// How long the future that never awaits computes (before --scale).
const WORK: Duration = Duration::from_millis(50);

/// A step of the primer.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A future is a value: nothing runs until it is awaited (or spawned).
    Value,
    /// Poll, Pending, Ready and the Waker: a future by hand, a tiny block_on.
    Poll,
    /// Pin: a future that points into itself, pinned with pin! and Box::pin.
    Pin,
    /// block_on and #[tokio::main], and block_on inside a runtime.
    Runtime,
    /// Cancellation is drop; a future that never awaits cannot be stopped.
    Cancel,
}

impl Step {
    fn name(self) -> &'static str {
        match self {
            Step::Value => "value",
            Step::Poll => "poll",
            Step::Pin => "pin",
            Step::Runtime => "runtime",
            Step::Cancel => "cancel",
        }
    }
}

/// Runs `step` in Rust, then in asyncio with `python` (skipped, saying so,
/// if there is no such interpreter). Returns every line printed.
pub fn run(common: &Common, step: Step, python: &str) -> Result<Vec<String>> {
    let work = common.scale.duration(WORK);
    let mut lines = vec!["Rust (src/async_primer.rs):".to_string()];
    lines.extend(
        rust(step, work)?
            .into_iter()
            .map(|line| format!("  {line}")),
    );
    if step != Step::Pin {
        lines.extend(asyncio(step, python, work)?);
    }
    for line in &lines {
        common.say(line);
    }
    Ok(lines)
}

fn one_thread() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn rust(step: Step, work: Duration) -> Result<Vec<String>> {
    let log = Log::default();
    match step {
        Step::Value => one_thread()?.block_on(primer::a_future_is_a_value(&log)),
        Step::Poll => {
            let countdown = Countdown {
                left: 3,
                log: log.clone(),
            };
            let (output, polls) = primer::block_on(countdown);
            log.say(format!(
                "block_on(Countdown(3)) = {output:?} after {polls} polls"
            ));
            primer::woken_from_elsewhere(&log, Duration::from_millis(20));
        }
        Step::Pin => {
            primer::pinned(&log);
        }
        Step::Runtime => {
            let places = primer::with_the_attribute();
            log.say(format!(
                "#[tokio::main]: the body ran on thread {:?}, a spawned task on {:?}",
                places.body, places.task
            ));
            let places = primer::by_hand()?;
            log.say(format!(
                "Runtime::new + block_on: the body ran on thread {:?}, a spawned task on {:?}",
                places.body, places.task
            ));
            log.say(format!(
                "block_on inside a runtime: {}",
                panic_message(primer::block_on_inside_a_runtime)?
            ));
        }
        Step::Cancel => {
            let runtime = one_thread()?;
            runtime.block_on(primer::cancelled_by_a_timeout(&log));
            runtime.block_on(primer::a_timeout_cannot_stop_it(&log, work));
        }
    }
    Ok(log.lines())
}

/// Runs `work`, which must panic, without the panic's message on stderr,
/// and returns the first sentence of that message.
fn panic_message(work: fn() -> std::io::Result<()>) -> Result<String> {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(work);
    std::panic::set_hook(quiet);
    let Err(payload) = outcome else {
        bail!("block_on inside a runtime did not panic");
    };
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    let first = message
        .split(". ")
        .next()
        .unwrap_or("")
        .trim_end_matches('.');
    Ok(format!("panicked: {first}."))
}

fn asyncio(step: Step, python: &str, work: Duration) -> Result<Vec<String>> {
    let path = Path::new(python);
    let label = match python::facts(path) {
        Ok(facts) => facts.label(),
        Err(err) if err.is_missing() => {
            return Ok(vec![format!(
                "asyncio: {python} was not found, so the Python side is skipped (install Python 3 to see it)."
            )]);
        }
        Err(err) => bail!("{err}"),
    };
    let args = [step.name().to_string(), work.as_secs_f64().to_string()];
    let printed = match python::run_script(path, ASYNC_PRIMER_PY, &args, PYTHON_PATIENCE) {
        Ok(printed) => printed,
        Err(TwinError::Missing { .. }) => String::new(),
        Err(err) => bail!("the asyncio side of the primer: {err}"),
    };
    let mut lines = vec![format!("asyncio, {label} (python/async_primer.py):")];
    lines.extend(printed.lines().map(|line| format!("  {line}")));
    Ok(lines)
}
