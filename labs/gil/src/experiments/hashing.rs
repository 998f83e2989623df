//! `gil hashing`: a C extension that releases the GIL. `hashlib`'s SHA-256
//! on one thread and on two, with every CPython found (or named), in
//! interleaved rounds.

use anyhow::Result;
use labkit::{Bench, Ceiling, Common};

use super::THREADS;
use super::twins::{self, Outcome, PythonArgs};

/// MiB hashed per variant at scale 1 (hashing.py's FULL_MIB).
const FULL_MIB: u64 = 2048;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    python: PythonArgs,
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let interpreters = twins::interpreters(common, &args.python);
    common.say(format!(
        "sha256: {} MiB hashed 1 MiB at a time, on one thread, then in two halves on two threads.",
        2 * (common.scale.count(FULL_MIB) / 2).max(1)
    ));
    let timeout = twins::twin_timeout(common);
    let mut bench: Bench<Outcome> = Bench::new("hashing", common);
    for interpreter in &interpreters {
        let args = vec!["--scale".into(), common.scale.factor().to_string()];
        twins::add_twin(&mut bench, interpreter, twins::HASHING, args, timeout);
    }
    if interpreters.is_empty() {
        common.say("Nothing to measure without a Python interpreter.");
        return Ok(());
    }
    let run = bench.run(|_, outcome| outcome.check())?;
    let mut results = twins::results_of(&run);
    let gathered = twins::gather(&run, &interpreters);
    for row in &gathered {
        row.push(&mut results);
    }
    // hashlib hashes a large buffer with the GIL released, so the two
    // threads can use two cores, GIL or not.
    let cores = Ceiling::cores(THREADS as usize);
    for interpreter in &interpreters {
        let experiment = format!("sha256: {}", interpreter.label());
        results.paired_speedup(&experiment, "2 threads", "1 thread", &cores)?;
    }
    results.print_by_experiment(common)
}
