//! The numbers the chapter quotes hold in the committed outputs.
//!
//! The outputs are made at `--scale 1` (1 s per log file, 100 ms per agent
//! step and device wait) except `python.txt` (0.2); these tests read their
//! JSON sidecars (exact values, every round), so prose, transcript and claim
//! cannot drift apart. Everything here is waiting, not computing: a sleeping
//! thread needs no core, so the claims hold on a machine that delivered
//! fewer cores than it has, and are checked on every sidecar.

use std::path::Path;

use labkit::Document;
use labkit::claims::in_range;
use labkit::results::Row;
use labkit::timing::parse_duration;

fn sidecar(file: &str) -> Document {
    labkit::transcript::sidecar(Path::new(env!("CARGO_MANIFEST_DIR")), file).unwrap()
}

/// "close to its ceiling": the median speedup's efficiency. (Not its
/// spread: one round can lose a second to the machine, a writer throttled by
/// other programs' disk traffic, say, and the median is what stands for the
/// run; the table shows the spread beside it.)
fn near_ceiling(row: &Row, low_efficiency: f64) {
    let what = format!("{} / {}", row.experiment, row.variant);
    in_range(&what, row.efficiency.unwrap(), low_efficiency, 1.05);
}

#[test]
fn five_threads_write_five_logs_in_about_one_second() {
    let d = sidecar("pool.txt");
    let sequential = d.row(None, "sequential");
    assert_eq!(sequential.rounds(), 5);
    // "about 5 s one after another": five waits of 1 s, and the writes.
    in_range("sequential (s)", sequential.wall_seconds, 5.0, 5.25);
    for (variant, ceiling) in [
        ("pool of 2 workers", 5.0 / 3.0),
        ("pool of 5 workers", 5.0),
        ("thread per file", 5.0),
    ] {
        let row = d.row(None, variant);
        assert_eq!(row.baseline.as_deref(), Some("sequential"));
        in_range(
            "ceiling",
            row.ceiling.unwrap(),
            ceiling - 1e-9,
            ceiling + 1e-9,
        );
        // "at its ceiling": 1.67x for 2 workers (three rounds of waiting),
        // about 5x for five waits in flight.
        near_ceiling(row, 0.95);
    }
    // "cpu stays near 0": waiting threads leave the CPU idle.
    for row in &d.rows {
        assert!(row.cpu_utilisation.unwrap() < 0.1, "{row:?}");
    }
}

#[test]
fn one_device_behind_a_lock_waits_one_at_a_time_and_a_logger_batches() {
    let d = sidecar("agent.txt");
    let one = d.row(None, "one thread");
    let locked = d.row(None, "locked file");
    let logger = d.row(None, "logger thread");
    // "about 10 s": 50 pieces of work and 50 device waits in turn.
    in_range("one thread (s)", one.wall_seconds, 10.0, 10.5);
    // "about 5 s": the 50 device waits one at a time, the work overlapping.
    in_range("locked file (s)", locked.wall_seconds, 5.1, 5.6);
    // "a little over 1 s": the agents' own work, and a last device wait.
    in_range("logger thread (s)", logger.wall_seconds, 1.1, 1.45);
    // "about 2x, its ceiling": five threads, one device.
    in_range("locked ceiling", locked.ceiling.unwrap(), 1.96, 1.961);
    near_ceiling(locked, 0.9);
    near_ceiling(logger, 0.75);
    assert_eq!(one.number("syncs"), 50.0);
    assert_eq!(locked.number("syncs"), 50.0);
    // "a handful of device waits for all 50 lines"
    in_range("logger syncs", logger.number("syncs"), 1.0, 15.0);
}

#[test]
fn the_exercise_keeps_the_locked_files_promise_in_about_half_its_time() {
    let d = sidecar("flush.txt");
    let flush = d.row(None, "flush each line");
    assert_eq!(flush.baseline.as_deref(), Some("locked file"));
    // "between 2 s and 3 s": each event waits for a batch's device wait
    // (the floor, 2 s), sometimes for the one after it too.
    in_range("flush each line (s)", flush.wall_seconds, 2.0, 3.0);
    // "about twice as fast as the locked file", with its spread.
    in_range(
        "speedup over the locked file",
        flush.speedup.unwrap(),
        1.6,
        2.6,
    );
    // "the syncs column counts the batches": at least one per event.
    in_range("syncs", flush.number("syncs"), 10.0, 100.0);
}

#[test]
fn spawn_blocking_gives_back_the_five_fold_speedup() {
    let d = sidecar("async.txt");
    let blocked = d.row(None, "blocking in tasks");
    let offloaded = d.row(None, "spawn_blocking");
    in_range("blocking in tasks (s)", blocked.wall_seconds, 5.0, 5.25);
    in_range("spawn_blocking (s)", offloaded.wall_seconds, 1.0, 1.1);
    assert_eq!(offloaded.ceiling, Some(5.0));
    near_ceiling(offloaded, 0.95);
}

#[test]
fn the_blocking_pool_grows_to_its_limit_and_shrinks_after_the_keep_alive() {
    let d = sidecar("threads.txt");
    let default = d.row(None, "limit 512 (default)");
    let small = d.row(None, "limit 10");
    for row in [default, small] {
        // Back to where it started once the keep-alive (10 s) ran out.
        assert_eq!(row.number("later"), row.number("before"), "{row:?}");
        let back = parse_duration(row.extra["back after"].as_str().unwrap()).unwrap();
        in_range("back after (s)", back.as_secs_f64(), 9.9, 10.5);
    }
    // "one thread per job": 100 jobs, 100 new threads, all at once ...
    assert_eq!(default.number("used"), 100.0);
    assert_eq!(default.number("during"), default.number("before") + 100.0);
    in_range("100 jobs, 512 allowed (s)", default.wall_seconds, 1.0, 1.2);
    // ... or ten of them, ten rounds of jobs.
    assert_eq!(small.number("used"), 10.0);
    assert_eq!(small.number("during"), small.number("before") + 10.0);
    in_range("100 jobs, 10 allowed (s)", small.wall_seconds, 10.0, 10.3);
}

#[test]
fn cpython_waits_as_rust_does() {
    let d = sidecar("python.txt");
    for (experiment, variant) in [
        ("pool", "thread per file"),
        ("pool", "pool of 5 workers"),
        ("agent", "logger thread"),
    ] {
        let rust = d.row(Some(&format!("{experiment}, Rust")), variant);
        let cpython = d.row(Some(&format!("{experiment}, CPython")), variant);
        // "the same speedups, within their spreads": both wait, neither computes.
        near_ceiling(rust, 0.75);
        near_ceiling(cpython, 0.75);
    }
    let to_thread = d.row(Some("async, CPython"), "to_thread");
    assert_eq!(to_thread.baseline.as_deref(), Some("blocking in tasks"));
    near_ceiling(to_thread, 0.75);
    let locked = d.row(Some("agent, CPython"), "locked file");
    near_ceiling(locked, 0.9);
    // "the cpu column stays near zero on both sides"
    for row in &d.rows {
        assert!(row.cpu_utilisation.unwrap() < 0.1, "{row:?}");
    }
}
