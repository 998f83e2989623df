//! What going without the GIL costs a program that does not use threads:
//! for `gil python`, each free-threaded build with its GIL off against a
//! GIL-enabled build of the same version, one thread each.

use anyhow::Result;
use labkit::{Ceiling, Results};

use super::python::Workload;
use super::twins::Interpreter;

/// For each free-threaded build whose GIL is off and a GIL-enabled build of
/// the same version: the one-thread rows of both in a table of their own,
/// the free-threaded one's "speedup" the cost of going without the GIL.
pub fn cost(results: &mut Results, workload: Workload, interpreters: &[Interpreter]) -> Result<()> {
    let name = match workload {
        Workload::Countdown => "countdown",
        Workload::Fib => "fib",
        Workload::Io => return Ok(()),
    };
    for free in interpreters.iter().filter(|i| !i.facts.gil_on()) {
        let Some(with_gil) = interpreters.iter().find(|i| {
            i.facts.gil_on()
                && !i.facts.free_threaded_build
                && i.facts.version == free.facts.version
                && i.facts.implementation == free.facts.implementation
        }) else {
            continue;
        };
        let (free_label, gil_label) = (free.label(), with_gil.label());
        let experiment = format!("{name}, 1 thread: {free_label} against {gil_label}");
        // The rows are named by version, `3.13.5t` against `3.13.5`: the
        // table's name says which build each is.
        let free_name = format!("{}t", free.facts.version);
        let gil_name = with_gil.facts.version.clone();
        for (label, variant) in [(&gil_label, &gil_name), (&free_label, &free_name)] {
            let row = results
                .get(&format!("{name}: {label}"), "1 thread")
                .cloned();
            if let Some(row) = row {
                let samples = row.samples.clone().unwrap_or_default();
                results.push_samples(&experiment, variant, samples, row.cpu_samples.clone());
            }
        }
        let same_work =
            Ceiling::new(1.0, "one thread either way, so no more cores to use").with_tolerance(0.1);
        if results.get(&experiment, &gil_name).is_some()
            && results.get(&experiment, &free_name).is_some()
        {
            results.paired_speedup(&experiment, &free_name, &gil_name, &same_work)?;
        }
    }
    Ok(())
}
