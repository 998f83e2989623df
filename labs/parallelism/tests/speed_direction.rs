//! The direction of the chapter's speed claim, at a small size: two equal
//! CPU tasks finish sooner on two threads than one after the other.
//!
//! Alone in its test binary, so that no other test of this lab competes for
//! the cores while it measures. Ignored by default: on a shared machine whose
//! cores are saturated by other processes, this process may get about one
//! core's worth of time however many threads it runs (measured during this
//! lab's writing: load average 12, two threads 1.04x one), so the direction
//! cannot be promised there. Run it on a quiet machine with
//! `cargo test -p parallelism --test speed_direction -- --ignored`. The
//! speed target itself (at most 0.6x the sequential wall time) is checked on
//! the transcript made on a quiet machine (`claims.rs`).

use parallelism::bakery;

#[test]
#[ignore = "timing: needs two idle cores; run with -- --ignored on a quiet machine"]
fn two_cpu_tasks_finish_sooner_on_two_cores() {
    if labkit::os::cores() < 2 {
        eprintln!("one core: nothing to compare");
        return;
    }
    // Direction only, best of five, with a wide margin: two threads on two
    // cores finish two tasks in about the time of one.
    let strokes = 20_000_000;
    let best = |way: fn(u64) -> (u64, u64)| {
        (0..5)
            .map(|_| labkit::measure(|| way(strokes)).1.wall)
            .min()
            .unwrap()
    };
    let sequential = best(bakery::pair_sequential);
    for (name, way) in [
        ("threads", bakery::pair_threads as fn(u64) -> (u64, u64)),
        ("rayon", bakery::pair_rayon),
    ] {
        let parallel = best(way);
        assert!(
            parallel.as_secs_f64() < 0.9 * sequential.as_secs_f64(),
            "{name}: {parallel:?} vs sequential {sequential:?}"
        );
    }
}
