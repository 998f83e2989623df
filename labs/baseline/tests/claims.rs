//! The numbers the chapter quotes hold in the committed transcripts.
//!
//! The transcripts were made at `--scale 1` on the book's machine; these tests
//! read them back, so prose, transcript and claim cannot drift apart.

use std::path::Path;
use std::time::Duration;

use labkit::timing::parse_duration;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sequential_row(file: &str) -> (Duration, f64) {
    let tables = labkit::transcript::tables(lab(), file).unwrap();
    let wall = parse_duration(tables[0].cell("sequential", "wall").unwrap()).unwrap();
    let cpu = tables[0]
        .cell("sequential", "cpu")
        .unwrap()
        .parse()
        .unwrap();
    (wall, cpu)
}

#[test]
fn three_cities_take_six_seconds() {
    let (wall, cpu) = sequential_row("weather.txt");
    assert!(
        wall.abs_diff(Duration::from_secs(6)) <= Duration::from_millis(300),
        "{wall:?}"
    );
    assert!(cpu < 0.05, "waiting should leave the CPU idle, cpu = {cpu}");
}

#[test]
fn five_logs_take_five_seconds() {
    let (wall, cpu) = sequential_row("logs.txt");
    assert!(
        wall.abs_diff(Duration::from_secs(5)) <= Duration::from_millis(250),
        "{wall:?}"
    );
    assert!(cpu < 0.1, "cpu = {cpu}");
}

#[test]
fn the_power_sum_keeps_one_core_busy() {
    let (wall, cpu) = sequential_row("powersum.txt");
    assert!(wall > Duration::from_secs(1), "{wall:?}");
    assert!((0.8..=1.2).contains(&cpu), "one core busy, cpu = {cpu}");
    // Splitting the work into chunks does not make it faster on its own.
    let (one_chunk, _) = sequential_row("powersum-one-chunk.txt");
    let ratio = wall.as_secs_f64() / one_chunk.as_secs_f64();
    assert!((0.7..=1.3).contains(&ratio), "4 chunks vs 1 chunk: {ratio}");
}
