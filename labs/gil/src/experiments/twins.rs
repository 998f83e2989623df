//! The Python twins, and how the lab runs them beside its Rust variants.
//!
//! The twins live in `labs/gil/python/` and are built into the binary, so
//! `gil python` works from any directory (`labkit::python` writes a twin and
//! twinkit into a temporary directory and runs the interpreter there).
//!
//! Every interpreter runs inside the same [`Bench`] as the Rust variants:
//! each round runs every Rust variant once, then each twin once per
//! interpreter (`--rounds 1`, a fresh process), so a slow moment of the
//! machine hits Rust and every CPython alike. The time of a Python row is
//! what the twin measured around its work (`time.perf_counter`), not the
//! interpreter's start-up, which the bench's own clock would include.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use labkit::python::{self, Document, Facts, Lookup, Twin, TwinError};
use labkit::{Bench, Common};
use serde_json::{Map, Value};

pub use super::gathered::{Gathered, gather, results_of};

pub const COUNTDOWN: Twin<'static> =
    Twin::new("countdown.py", include_str!("../../python/countdown.py"));
pub const FIB: Twin<'static> = Twin::new("fib.py", include_str!("../../python/fib.py"));
pub const IO: Twin<'static> = Twin::new("io.py", include_str!("../../python/io.py"));
pub const HASHING: Twin<'static> = Twin::new("hashing.py", include_str!("../../python/hashing.py"));
pub const LOST_UPDATES: Twin<'static> = Twin::new(
    "lost_updates.py",
    include_str!("../../python/lost_updates.py"),
);
pub const BANK: Twin<'static> = Twin::new("bank.py", include_str!("../../python/bank.py"));
pub const ORDER: Twin<'static> = Twin::new("order.py", include_str!("../../python/order.py"));

/// The `--python` option every experiment that runs twins shares.
#[derive(clap::Args, Debug, Clone)]
pub struct PythonArgs {
    /// A Python interpreter to run the twins with, by name (looked up on
    /// PATH) or path; repeat it, or separate several with commas. Default:
    /// every python3, python3.13, python3.13t, python3.14 and python3.14t
    /// found on PATH.
    #[arg(long = "python", value_name = "PATH", value_delimiter = ',')]
    pub pythons: Vec<String>,
}

/// An interpreter that runs here.
#[derive(Debug, Clone)]
pub struct Interpreter {
    /// The name or path it was asked for by.
    pub name: String,
    pub path: PathBuf,
    pub facts: Facts,
    /// `CPython 3.13.5t (GIL off)`; the name is added when two interpreters
    /// of a run would otherwise share a label.
    label: String,
}

impl Interpreter {
    /// What its rows are named by.
    pub fn label(&self) -> String {
        self.label.clone()
    }
}

/// Looks up the interpreters named (or the default ones) and says, one line
/// each, what each name is here: `  CPython 3.11.7: python3`, or
/// `  python3.14t: missing (...)`. Missing ones are skipped, not an error.
pub fn interpreters(common: &Common, args: &PythonArgs) -> Vec<Interpreter> {
    let names: Vec<&str> = if args.pythons.is_empty() {
        python::DEFAULT_CANDIDATES.to_vec()
    } else {
        args.pythons.iter().map(String::as_str).collect()
    };
    common.say("Interpreters:");
    let mut found = Vec::new();
    for lookup in python::find(&names) {
        match lookup {
            Lookup::Found { name, path, facts } => {
                let mut label = facts.label();
                if found.iter().any(|i: &Interpreter| i.label == label) {
                    label = format!("{label}, {name}");
                }
                common.say(format!("  {label}: {name}"));
                found.push(Interpreter {
                    name,
                    path,
                    facts,
                    label,
                });
            }
            Lookup::Missing { name, reason } => {
                common.say(format!("  {name}: missing, skipped ({reason})"));
            }
            Lookup::Duplicate { name, same_as } => {
                common.say(format!("  {name}: the same interpreter as {same_as}"));
            }
        }
    }
    if found.is_empty() {
        common.say("  (no Python interpreter found: only the Rust rows are measured)");
    }
    found
}

/// What one variant of a side-by-side bench brought back: a Rust variant
/// checks its own result, a twin brings its document.
pub enum Outcome {
    /// Columns the Rust variant measured this round (often none), or what went wrong.
    Rust(Result<Map<String, Value>, String>),
    Python(Box<Result<Document, TwinError>>),
}

impl Outcome {
    /// The check every round runs: an error becomes the lab's error.
    pub fn check(&self) -> Result<()> {
        match self {
            Outcome::Rust(Ok(_)) => Ok(()),
            Outcome::Rust(Err(problem)) => bail!("{problem}"),
            Outcome::Python(result) => match result.as_ref() {
                Ok(_) => Ok(()),
                Err(err) => bail!("{err}"),
            },
        }
    }

    pub fn document(&self) -> Option<&Document> {
        match self {
            Outcome::Python(result) => result.as_ref().as_ref().ok(),
            Outcome::Rust(_) => None,
        }
    }
}

/// How long one round of one twin may take before it is killed: generous,
/// and more at a larger scale (CPython's countdown of 500M takes tens of seconds).
pub fn twin_timeout(common: &Common) -> Duration {
    Duration::from_secs_f64(120.0 + 600.0 * common.scale.factor())
}

/// The name of a Rust variant in a side-by-side bench: `experiment|variant`.
pub fn rust_variant(experiment: &str, variant: &str) -> String {
    format!("{experiment}|{variant}")
}

/// Adds one round of `twin` with `interpreter` to `bench`, with `args`
/// (the twin's own; `--rounds 1` is added).
pub fn add_twin<'a>(
    bench: &mut Bench<'a, Outcome>,
    interpreter: &'a Interpreter,
    twin: Twin<'a>,
    args: Vec<String>,
    timeout: Duration,
) {
    let name = format!("{}@{}", twin.file_name, interpreter.name);
    let mut args = args;
    args.extend(["--rounds".to_string(), "1".to_string()]);
    bench.variant(&name, move || {
        let document = python::run_twin(&interpreter.path, twin, &args, timeout);
        Outcome::Python(Box::new(document))
    });
}
