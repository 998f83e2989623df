//! `gil python`: the Python twins of countdown, fib and io with every
//! CPython found (or named), next to the Rust `Gil` and plain Rust threads,
//! all in the same interleaved rounds.
//!
//! Each interpreter's rows form a table of their own, named
//! `<workload>: <interpreter>`; a free-threaded build with its GIL off is
//! also compared with the GIL-enabled build of the same version on one
//! thread (`<workload>, 1 thread: <free-threaded> against <GIL-enabled>`):
//! what removing the GIL costs a program that does not use threads.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common, Results};
use serde_json::Map;

use super::countdown::FULL_COUNTDOWN;
use super::free_threading;
use super::io::IO_WAIT;
use super::twins::{self, Interpreter, Outcome, PythonArgs, rust_variant};
use super::{THREADS, fib, one_at_a_time, waits_in_flight};
use crate::gil::{self as lock, Gil};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Workload {
    Countdown,
    Fib,
    Io,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    python: PythonArgs,
    /// The workloads to run (default: all three).
    #[arg(value_enum)]
    workloads: Vec<Workload>,
    /// fib's n for CPython and the Rust rows beside it, before --scale moves
    /// it (CPython takes seconds for fib(35) and fib(36)).
    #[arg(long, default_value_t = 35, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=45))]
    fib_n: u32,
    /// The tiny switch interval both GILs also try, in microseconds.
    #[arg(long, default_value_t = 5, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    tiny_switch_us: u64,
}

/// The number of waits of the io workload, as in the Python material.
const WAITS: u32 = 10;
/// The Rust rows' experiment names.
const RUST_GIL: &str = "Rust Gil";
const RUST_THREADS: &str = "Rust threads";

/// The sizes of one run, after --scale.
struct Sizes {
    countdown: u64,
    fib_n: u32,
    latency: Duration,
    tiny_switch: Duration,
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let interpreters = twins::interpreters(common, &args.python);
    let mut workloads = args.workloads.clone();
    if workloads.is_empty() {
        workloads = vec![Workload::Countdown, Workload::Fib, Workload::Io];
    }
    workloads.sort();
    workloads.dedup();
    let sizes = Sizes {
        countdown: common.scale.count(FULL_COUNTDOWN),
        fib_n: fib::scaled_n(args.fib_n, common.scale),
        latency: common.scale.duration(IO_WAIT),
        tiny_switch: Duration::from_micros(args.tiny_switch_us),
    };
    for workload in &workloads {
        common.say(match workload {
            Workload::Countdown => format!("countdown: from {}", sizes.countdown),
            Workload::Fib => format!("fib: fib({}) and fib({})", sizes.fib_n, sizes.fib_n + 1),
            Workload::Io => format!("io: {WAITS} waits of {}", format_duration(sizes.latency)),
        });
    }
    common.say("Each round runs every variant once: each twin in a new interpreter process,");
    common.say("timed by the twin around its work only; then the Rust variants.");
    let timeout = twins::twin_timeout(common);
    let mut bench: Bench<Outcome> = Bench::new("python", common);
    for &workload in &workloads {
        for interpreter in &interpreters {
            let (twin, twin_args) = twin_of(workload, &sizes, common);
            twins::add_twin(&mut bench, interpreter, twin, twin_args, timeout);
        }
        add_rust(&mut bench, workload, &sizes);
    }
    let run = bench.run(|_, outcome| outcome.check())?;
    let mut results = twins::results_of(&run);
    let gathered = twins::gather(&run, &interpreters);
    for row in &gathered {
        row.push(&mut results);
    }
    let gil_on = gil_settings(&interpreters);
    for &workload in &workloads {
        speedups(&mut results, workload, &sizes, &gil_on)?;
    }
    for &workload in &workloads {
        if workload != Workload::Io {
            free_threading::cost(&mut results, workload, &interpreters)?;
        }
    }
    results.print_by_experiment(common)
}

/// The twin of a workload and its arguments at these sizes.
fn twin_of(
    workload: Workload,
    sizes: &Sizes,
    common: &Common,
) -> (labkit::python::Twin<'static>, Vec<String>) {
    let scale = common.scale.factor().to_string();
    match workload {
        Workload::Countdown => (
            twins::COUNTDOWN,
            vec![
                "--scale".into(),
                scale,
                "--tiny-switch".into(),
                sizes.tiny_switch.as_secs_f64().to_string(),
            ],
        ),
        Workload::Fib => (twins::FIB, vec!["--n".into(), sizes.fib_n.to_string()]),
        Workload::Io => (
            twins::IO,
            vec!["--scale".into(), scale, "--waits".into(), WAITS.to_string()],
        ),
    }
}

/// The Rust variants of a workload: under the `Gil`, then plain threads.
fn add_rust<'a>(bench: &mut Bench<'a, Outcome>, workload: Workload, sizes: &Sizes) {
    let checked = |what: &str, got: String, want: String| {
        Outcome::Rust(if got == want {
            Ok(Map::new())
        } else {
            Err(format!("{what} gave {got}, not {want}"))
        })
    };
    let five_ms = Gil::DEFAULT_SWITCH_INTERVAL;
    match workload {
        Workload::Countdown => {
            let n = sizes.countdown;
            let tiny = sizes.tiny_switch;
            let under = move |switch: Duration, threads: u64| {
                move || {
                    let counted = lock::count_down_gil_threads(&Gil::new(switch), n, threads);
                    checked("the countdown", counted.to_string(), n.to_string())
                }
            };
            let free = move |threads: u64| {
                move || {
                    let counted = lock::count_down_free_threads(n, threads);
                    checked("the countdown", counted.to_string(), n.to_string())
                }
            };
            let gil = |variant: &str| rust_variant(&format!("countdown: {RUST_GIL}"), variant);
            let threads =
                |variant: &str| rust_variant(&format!("countdown: {RUST_THREADS}"), variant);
            let tiny_name = format!("{THREADS} threads, {} switch", format_duration(tiny));
            bench
                .variant(&gil("1 thread"), under(five_ms, 1))
                .variant(&gil("2 threads"), under(five_ms, THREADS))
                .variant(&gil(&tiny_name), under(tiny, THREADS))
                .variant(&threads("1 thread"), free(1))
                .variant(&threads("2 threads"), free(THREADS));
        }
        Workload::Fib => {
            let n = sizes.fib_n;
            let want = format!("{:?}", fib::by_iteration(n));
            let pair = move |two_threads: bool, with_gil: bool| {
                let want = want.clone();
                move || {
                    let gil = Gil::new(five_ms);
                    let gil = with_gil.then_some(&gil);
                    let got = if two_threads {
                        lock::fib_pair_on_threads(n, gil)
                    } else {
                        lock::fib_pair_on_one_thread(n, gil)
                    };
                    checked("fib", format!("{got:?}"), want.clone())
                }
            };
            let gil = |variant: &str| rust_variant(&format!("fib: {RUST_GIL}"), variant);
            let threads = |variant: &str| rust_variant(&format!("fib: {RUST_THREADS}"), variant);
            bench
                .variant(&gil("1 thread"), pair(false, true))
                .variant(&gil("2 threads"), pair(true, true))
                .variant(&threads("1 thread"), pair(false, false))
                .variant(&threads("2 threads"), pair(true, false));
        }
        Workload::Io => {
            let latency = sizes.latency;
            let waits = move |on_threads: bool| {
                move || {
                    let gil = Gil::new(five_ms);
                    let waited = if on_threads {
                        lock::requests_on_threads(&gil, WAITS, latency, 0)
                    } else {
                        lock::requests_in_sequence(&gil, WAITS, latency, 0)
                    };
                    let enough = waited >= latency * WAITS;
                    checked("the waits", enough.to_string(), true.to_string())
                }
            };
            let gil = |variant: &str| rust_variant(&format!("io: {RUST_GIL}"), variant);
            bench
                .variant(&gil("sequential"), waits(false))
                .variant(&gil(&format!("{WAITS} threads")), waits(true));
        }
    }
}

/// Whether each table's threads run under a GIL, by the name its rows'
/// experiments end with (an interpreter's label, or the Rust ones).
fn gil_settings(interpreters: &[Interpreter]) -> BTreeMap<String, bool> {
    let mut gil_on: BTreeMap<String, bool> = interpreters
        .iter()
        .map(|i| (i.label(), i.facts.gil_on()))
        .collect();
    gil_on.insert(RUST_GIL.into(), true);
    gil_on.insert(RUST_THREADS.into(), false);
    gil_on
}

/// Every table of a workload: each variant against the table's one-thread
/// (or sequential) row, with the ceiling its GIL setting allows.
fn speedups(
    results: &mut Results,
    workload: Workload,
    sizes: &Sizes,
    gil_on: &BTreeMap<String, bool>,
) -> Result<()> {
    let (name, baseline) = match workload {
        Workload::Countdown => ("countdown", "1 thread"),
        Workload::Fib => ("fib", "1 thread"),
        Workload::Io => ("io", "sequential"),
    };
    for (side, &under_gil) in gil_on {
        let experiment = format!("{name}: {side}");
        let variants: Vec<String> = results
            .rows()
            .iter()
            .filter(|r| r.experiment == experiment && r.variant != baseline)
            .map(|r| r.variant.clone())
            .collect();
        let ceiling = match (workload, under_gil) {
            (Workload::Io, _) => waits_in_flight(WAITS),
            (_, true) => one_at_a_time(),
            (Workload::Countdown, false) => Ceiling::cores(THREADS as usize),
            (Workload::Fib, false) => fib::pair_ceiling(sizes.fib_n),
        };
        // An interpreter's one-thread rounds vary several times more than
        // the Rust loop's (up to a tenth here, against a hundredth), so a
        // median of CPython ratios is held to a tolerance of 10 %, not 5 %.
        let ceiling = if side.starts_with("Rust") {
            ceiling
        } else {
            ceiling.with_tolerance(0.1)
        };
        for variant in variants {
            results.paired_speedup(&experiment, &variant, baseline, &ceiling)?;
        }
    }
    Ok(())
}
