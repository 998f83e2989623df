//! The numbers the chapter quotes hold in the committed outputs.
//!
//! The outputs are made at the book's sizes; these tests read their JSON
//! sidecars back (exact values, every round), so prose, output and claim
//! cannot drift apart. A run whose machine check found fewer cores than the
//! machine has (`disturbed`) is checked only for what holds on any machine
//! (waits, results, the direction of each effect); the book's final outputs
//! are made on a quiet machine, where every claim is checked.

use std::path::Path;

use labkit::Document;
use labkit::bench::paired_speedups;
use labkit::claims::in_range;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sidecar of `file`, and whether its machine delivered all its cores.
fn sidecar(file: &str) -> (Document, bool) {
    labkit::claims::quiet_sidecar(lab(), file)
}

#[test]
fn three_cities_take_six_seconds_and_no_cpu() {
    let (d, quiet) = sidecar("weather.txt");
    let row = d.row(None, "sequential");
    assert_eq!(row.rounds(), 5);
    assert_eq!(row.number("requests"), 3.0);
    // "the fastest and the slowest ... a few milliseconds apart at most,
    // because a sleep is punctual": a sleep never ends early.
    let samples = row.samples.as_deref().unwrap();
    for sample in samples {
        in_range("a round of 3 × 2 s (s)", *sample, 6.0, 6.05);
    }
    let spread = samples.iter().copied().fold(f64::MIN, f64::max)
        - samples.iter().copied().fold(f64::MAX, f64::min);
    if quiet {
        assert!(spread <= 0.01, "rounds {spread} s apart");
    }
    // "The cpu column reads 0.00."
    assert!(row.cpu_utilisation.unwrap() < 0.005, "{row:?}");
}

#[test]
fn five_logs_take_five_seconds_and_every_line_is_written() {
    let (d, _) = sidecar("logs.txt");
    let row = d.row(None, "sequential");
    in_range("5 × 1 s (s)", row.wall_seconds, 5.0, 5.25);
    // "a CPU that is idle nearly all the time"
    assert!(row.cpu_utilisation.unwrap() < 0.05, "{row:?}");
    assert_eq!(row.number("files"), 5.0);
    // Read back from the disk: 5 files of 1000 lines "[agent-N] event L recorded".
    let per_file: usize = (1..=1000)
        .map(|line| format!("[agent-1] event {line} recorded\n").len())
        .sum();
    assert_eq!(row.number("bytes"), (5 * per_file) as f64);
}

#[test]
fn splitting_the_power_sum_changes_neither_the_sum_nor_the_time() {
    let (d, quiet) = sidecar("powersum.txt");
    let variants = ["1 chunk", "4 chunks", "16 chunks"];
    let sum = d.row(None, "1 chunk").number("sum");
    for variant in variants {
        assert_eq!(d.row(None, variant).number("sum"), sum, "{variant}");
    }
    for variant in &variants[1..] {
        let row = d.row(None, variant);
        assert_eq!(row.baseline.as_deref(), Some("1 chunk"));
        // "here 1.00x: one thread runs the chunks one after another"
        assert_eq!(row.ceiling, Some(1.0));
        if quiet {
            // "about 1.00x, within the spread of the rounds"
            in_range(variant, row.speedup.unwrap(), 0.95, 1.05);
            assert!(row.speedup_min.unwrap() <= 1.0 && row.speedup_max.unwrap() >= 0.97);
        }
    }
    if quiet {
        // "the cpu column shows busy the whole time (1.00: one core)"
        for variant in variants {
            in_range(
                variant,
                d.row(None, variant).cpu_utilisation.unwrap(),
                0.95,
                1.05,
            );
        }
        // "over a second on one core" (the constant's comment)
        assert!(d.row(None, "1 chunk").wall_seconds > 1.0);
    }
}

/// CPython's time over Rust's, round by round (median of the ratios).
fn time_over_rust(d: &Document, experiment: &str, rust: &str, python: &str) -> f64 {
    let samples = |variant: &str| d.row(Some(experiment), variant).samples.clone().unwrap();
    paired_speedups(&samples(python), &samples(rust))
        .unwrap()
        .median
}

#[test]
fn cpython_waits_as_long_as_rust_and_computes_far_slower() {
    let (d, quiet) = sidecar("python.txt");
    let python = d
        .rows
        .iter()
        .map(|r| r.variant.as_str())
        .find(|v| v.starts_with("CPython") && !v.contains(','))
        .expect("a CPython row: the outputs are made where python3 runs");
    // Both sides checked their results every round; the twin measured the
    // same rounds as Rust.
    for experiment in ["weather", "logs"] {
        let rust = d.row(Some(experiment), "Rust");
        let twin = d.row(Some(experiment), python);
        assert_eq!(rust.rounds(), twin.rounds());
        // "the time ÷ Rust column reads 1.0x"
        let ratio = time_over_rust(&d, experiment, "Rust", python);
        in_range(experiment, ratio, 0.95, 1.05);
    }
    let rust = "Rust, power_mod()";
    let (pow, by_hand) = (format!("{python}, pow()"), format!("{python}, power_mod()"));
    let n = d.row(Some("powersum"), rust).number("numbers");
    assert_eq!(d.row(Some("powersum"), &pow).number("numbers"), n);
    assert_eq!(d.row(Some("powersum"), &by_hand).number("numbers"), n);
    // The direction holds on any machine: the loop by hand is the slowest.
    let pow_ratio = time_over_rust(&d, "powersum", rust, &pow);
    let hand_ratio = time_over_rust(&d, "powersum", rust, &by_hand);
    assert!(
        hand_ratio > pow_ratio && pow_ratio > 1.0,
        "{pow_ratio} {hand_ratio}"
    );
    if quiet {
        // "over ten times as long as Rust with pow(), and dozens of times as
        // long with the same loop written by hand"
        in_range("pow() ÷ Rust", pow_ratio, 10.0, 30.0);
        in_range("by hand ÷ Rust", hand_ratio, 24.0, 80.0);
    }
}

#[test]
fn the_exercises_chunks_are_three_three_two_two() {
    let (_, body) = labkit::transcript::read(lab(), "chunks.txt").unwrap();
    let sizes: Vec<&str> = body
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .filter(|word| word.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(sizes, ["3", "3", "2", "2"], "{body}");
    assert!(body.contains("exactly one chunk: yes"), "{body}");
    assert!(body.contains("largest chunk - smallest chunk: 1"), "{body}");
}
