//! The numbers the chapter quotes hold in the committed transcripts.
//!
//! The transcripts were made at `--scale 1` (1 s per log file, 100 ms per
//! agent step and device wait); these tests read them back, so prose,
//! transcript and claim cannot drift apart.

use std::path::Path;
use std::time::Duration;

use labkit::results::Table;
use labkit::timing::parse_duration;

fn table(file: &str) -> Table {
    let lab = Path::new(env!("CARGO_MANIFEST_DIR"));
    labkit::transcript::tables(lab, file).unwrap().remove(0)
}

fn wall(table: &Table, variant: &str) -> Duration {
    parse_duration(table.cell(variant, "wall").unwrap()).unwrap()
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[test]
fn five_threads_write_five_logs_in_about_one_second() {
    let pool = table("pool.txt");
    let sequential = wall(&pool, "sequential");
    assert!(
        sequential.abs_diff(secs(5.0)) <= secs(0.25),
        "{sequential:?}"
    );
    for variant in ["pool of 5 workers", "thread per file"] {
        let took = wall(&pool, variant);
        assert!(took.abs_diff(secs(1.0)) <= secs(0.1), "{variant}: {took:?}");
    }
    // Two workers for five files: three rounds of waiting.
    let two = wall(&pool, "pool of 2 workers");
    assert!(two.abs_diff(secs(3.0)) <= secs(0.15), "{two:?}");
    // Waiting threads leave the CPU idle.
    for row in &pool.rows {
        let cpu: f64 = pool.cell(&row[0], "cpu").unwrap().parse().unwrap();
        assert!(cpu < 0.2, "{row:?}");
    }
}

#[test]
fn the_logger_thread_is_about_four_times_faster_than_the_locked_file() {
    let agent = table("agent.txt");
    let locked = wall(&agent, "locked file");
    let logger = wall(&agent, "logger thread");
    // 50 device waits of 100 ms, one at a time, cannot take less than 5 s.
    assert!(locked >= secs(5.0) && locked <= secs(5.6), "{locked:?}");
    // The agents' own work is 10 x 100 ms; the logger adds about one wait.
    assert!(logger >= secs(1.0) && logger <= secs(1.4), "{logger:?}");
    let waits: u32 = agent
        .cell("logger thread", "device waits")
        .unwrap()
        .parse()
        .unwrap();
    assert!(waits < 25, "the logger batched its writes: {waits} waits");
}

#[test]
fn spawn_blocking_gives_back_the_five_fold_speedup() {
    let tasks = table("async.txt");
    let blocked = wall(&tasks, "blocking inside tasks");
    let offloaded = wall(&tasks, "spawn_blocking");
    assert!(blocked.abs_diff(secs(5.0)) <= secs(0.25), "{blocked:?}");
    assert!(offloaded.abs_diff(secs(1.0)) <= secs(0.1), "{offloaded:?}");
}
