//! The numbers the chapter quotes hold in the committed transcripts.
//!
//! The transcripts are made at the book's sizes on a quiet 2-core machine;
//! these tests read them back, so prose, transcript and claim cannot drift
//! apart. The margins are the chapter's (and its issue's) speed targets.

use std::path::Path;
use std::time::Duration;

use labkit::results::Table;
use labkit::timing::parse_duration;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn table(file: &str) -> Table {
    let tables = labkit::transcript::tables(lab(), file).unwrap();
    assert_eq!(tables.len(), 1, "{file} has one table");
    tables.into_iter().next().unwrap()
}

/// The cell in `column` of the row `variant` (of `experiment`, when the
/// table has an experiment column).
fn cell<'t>(table: &'t Table, experiment: Option<&str>, variant: &str, column: &str) -> &'t str {
    table
        .cell_in(experiment, variant, column)
        .unwrap_or_else(|| panic!("no {column} cell for {experiment:?} / {variant}"))
}

fn number(text: &str) -> f64 {
    text.trim_end_matches('x')
        .parse()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"))
}

fn speedup(table: &Table, experiment: Option<&str>, variant: &str) -> f64 {
    number(cell(table, experiment, variant, "speedup"))
}

fn cpu(table: &Table, experiment: Option<&str>, variant: &str) -> f64 {
    number(cell(table, experiment, variant, "cpu"))
}

fn wall(table: &Table, experiment: Option<&str>, variant: &str) -> Duration {
    parse_duration(cell(table, experiment, variant, "wall")).unwrap()
}

fn in_range(what: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{what} = {value}, expected {low}..={high}"
    );
}

#[test]
fn countdown_under_the_gil_gains_nothing_and_without_it_uses_both_cores() {
    let t = table("countdown.txt");
    let gil = "2 threads, GIL, 5.0 ms switch";
    in_range("GIL speedup", speedup(&t, None, gil), 0.85, 1.1);
    in_range("GIL cpu", cpu(&t, None, gil), 0.85, 1.15);
    in_range("1 thread cpu", cpu(&t, None, "1 thread, GIL"), 0.85, 1.15);
    // "about one per 5 ms of the run"
    let switches = number(cell(&t, None, gil, "switches"));
    let intervals = wall(&t, None, gil).as_secs_f64() / 0.005;
    in_range("switches per 5 ms interval", switches / intervals, 0.4, 1.6);

    in_range(
        "no-GIL speedup",
        speedup(&t, None, "2 threads, no GIL"),
        1.8,
        2.1,
    );
    in_range("no-GIL cpu", cpu(&t, None, "2 threads, no GIL"), 1.7, 2.1);
    let rayon = t
        .rows
        .iter()
        .find(|r| r[0].starts_with("rayon"))
        .expect("a rayon row");
    in_range("rayon speedup", number(&rayon[2]), 1.8, 2.1);

    // "500 million steps take a fraction of a second in Rust"
    assert!(wall(&t, None, "1 thread, GIL") < Duration::from_secs(1));
}

#[test]
fn a_tiny_switch_interval_hands_over_every_few_tens_of_microseconds() {
    let t = table("countdown.txt");
    let tiny = "2 threads, GIL, 5.0 µs switch";
    let switches = number(cell(&t, None, tiny, "switches"));
    let every = wall(&t, None, tiny).as_secs_f64() / switches;
    in_range("seconds between hand-overs", every, 10e-6, 300e-6);
    // No faster than the 5 ms interval; the wall time hardly changes.
    let (tiny_speedup, gil_speedup) = (
        speedup(&t, None, tiny),
        speedup(&t, None, "2 threads, GIL, 5.0 ms switch"),
    );
    in_range("tiny-interval speedup", tiny_speedup, 0.7, 1.1);
    in_range("tiny vs 5 ms", tiny_speedup / gil_speedup, 0.7, 1.15);
    // The waiting thread burns CPU: the cpu column creeps above one core.
    assert!(cpu(&t, None, tiny) > 1.02, "cpu = {}", cpu(&t, None, tiny));
}

#[test]
fn fibonacci_on_two_threads_stops_at_the_golden_ratio() {
    let t = table("fib.txt");
    in_range(
        "GIL speedup",
        speedup(&t, None, "2 threads, GIL"),
        0.85,
        1.1,
    );
    // At least 1.5x; at most 1.618x plus noise.
    in_range(
        "no-GIL speedup",
        speedup(&t, None, "2 threads, no GIL"),
        1.5,
        1.7,
    );
    for variant in ["1 thread, GIL", "2 threads, GIL", "2 threads, no GIL"] {
        assert_eq!(cell(&t, None, variant, "fib(n)"), "102334155");
        assert_eq!(cell(&t, None, variant, "fib(n+1)"), "165580141");
    }
}

#[test]
fn ten_waits_overlap_even_under_the_gil() {
    let t = table("io.txt");
    let sequential = wall(&t, None, "sequential, GIL").as_secs_f64();
    in_range("ten waits in a row", sequential, 10.0, 10.5);
    let threads = wall(&t, None, "10 threads, GIL").as_secs_f64();
    in_range("ten waits on ten threads", threads, 1.0, 1.2);
    for variant in ["sequential, GIL", "10 threads, GIL"] {
        let waited = parse_duration(cell(&t, None, variant, "waited in all")).unwrap();
        in_range("waited in all", waited.as_secs_f64(), 10.0, 10.5);
        assert!(cpu(&t, None, variant) < 0.1);
    }
}

#[test]
fn the_pool_and_rayon_reach_the_core_count() {
    let t = table("powersum.txt");
    let pool = "process pool, 2 workers";
    in_range(
        "rayon speedup",
        speedup(&t, None, "rayon, 2 threads"),
        1.8,
        2.1,
    );
    in_range("pool speedup", speedup(&t, None, pool), 1.7, 2.1);
    assert!(
        wall(&t, None, pool) >= Duration::from_secs(1),
        "work sized >= 1 s"
    );
    in_range("pool cpu, workers included", cpu(&t, None, pool), 1.7, 2.1);
    let sums: Vec<&str> = ["sequential", "rayon, 2 threads", pool]
        .iter()
        .map(|v| cell(&t, None, v, "sum"))
        .collect();
    assert!(sums.iter().all(|s| *s == sums[0]), "{sums:?}");
    assert!(number(cell(&t, None, pool, "pipe bytes")) > 0.0);

    // "starting two workers ... takes a couple of milliseconds"
    let (_, body) = labkit::transcript::read(lab(), "powersum.txt").unwrap();
    let startup = body
        .lines()
        .find_map(|l| l.strip_prefix("Starting 2 worker processes"))
        .and_then(|l| l.rsplit(": ").next())
        .map(|d| parse_duration(d.trim_end_matches('.')).unwrap())
        .expect("a start-up line");
    assert!(startup < Duration::from_millis(20), "{startup:?}");
}

#[test]
fn cpython_and_the_rust_gil_behave_alike() {
    let t = table("python.txt");
    let (cpython, rust) = (Some("countdown, CPython"), Some("countdown, Rust Gil"));
    for side in [cpython, rust] {
        let two = speedup(&t, side, "2 threads");
        in_range("two threads under a GIL", two, 0.8, 1.15);
        let tiny = speedup(&t, side, "2 threads, 5.0 µs switch");
        in_range("two threads, tiny interval", tiny, 0.5, 1.15);
        assert!(cpu(&t, side, "2 threads") < 1.2);
    }
    for side in [Some("io, CPython"), Some("io, Rust Gil")] {
        in_range(
            "ten waiting threads",
            speedup(&t, side, "10 threads"),
            8.0,
            10.5,
        );
    }
    // "CPython spends about a hundred times longer on each n -= 1"
    let ratio =
        wall(&t, cpython, "1 thread").as_secs_f64() / wall(&t, rust, "1 thread").as_secs_f64();
    in_range("CPython / Rust, per step", ratio, 30.0, 300.0);
    // "well over ten seconds for 500M": this run is a fifth of that.
    assert!(wall(&t, cpython, "1 thread") * 5 > Duration::from_secs(10));
}

#[test]
fn a_message_is_cheap_once_the_other_end_is_running() {
    let t = table("ipc.txt");
    let channel_one = wall(&t, None, "channel to a new thread, 1 message");
    let pipe_one = wall(&t, None, "pipe to a new process, 1 message");
    assert!(channel_one < Duration::from_millis(1), "{channel_one:?}");
    assert!(
        pipe_one > channel_one * 3,
        "{pipe_one:?} vs {channel_one:?}"
    );
    for variant in ["channel, numbers", "pipe, numbers as text lines"] {
        let each = parse_duration(cell(&t, None, variant, "per message")).unwrap();
        assert!(each < Duration::from_micros(1), "{variant}: {each:?}");
    }
}
