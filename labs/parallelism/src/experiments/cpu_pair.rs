//! `parallelism cpu-pair`: two equal CPU-bound tasks on one thread, on two
//! threads, and with `rayon::join`. Every variant runs on threads it did
//! not create before (new threads, or rayon's pool), so the baseline
//! differs from the others in one thing: how many threads share the work.

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common};
use parallelism::bakery;

/// Strokes for each task: about 0.5 s of kneading on the book's machine.
const FULL_PAIR_STROKES: u64 = 300_000_000;

pub fn run(common: &Common) -> Result<()> {
    let strokes = common.scale.count(FULL_PAIR_STROKES);
    let cores = labkit::os::cores();
    common.say(format!(
        "Two equal CPU tasks of {strokes} strokes of kneading each, on {cores} core(s)."
    ));
    let mut bench = Bench::new("cpu pair", common);
    bench
        .variant("1 thread", move || bakery::pair_one_thread(strokes))
        .variant("2 threads", move || bakery::pair_two_threads(strokes))
        .variant("rayon::join", move || bakery::pair_rayon(strokes));
    let expected = bakery::knead(strokes);
    let run = bench.run(|variant, pair| {
        ensure!(
            *pair == (expected, expected),
            "{variant} kneaded other dough: {pair:?}"
        );
        Ok(())
    })?;
    let one_task = run
        .get("1 thread")
        .map(|m| m.median_wall() / 2)
        .unwrap_or_default();
    common.say(format!(
        "One task alone takes about {} (half the 1-thread median).",
        format_duration(one_task)
    ));
    let mut results = run.results();
    let two = Ceiling::cores(2);
    for variant in ["2 threads", "rayon::join"] {
        results.paired_speedup("cpu pair", variant, "1 thread", &two)?;
    }
    results.print(common)
}
