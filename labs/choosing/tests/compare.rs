//! `compare`'s logic on fixture sidecars: a reader's figure inside, above or
//! below the book's recorded spread, and the reason the page gives.

use choosing::report::compare::{Machine, Verdict, reason, verdict};
use choosing::report::{Figure, Measure, figure};
use labkit::Document;

/// A document like a sidecar: `cores`, the calibration that gives
/// `delivered` cores, and a 1-thread/2-threads pair with `speedup`
/// (min–max) and a core-bound ceiling.
fn sidecar(cores: usize, delivered: f64, speedup: (f64, f64, f64), core_bound: bool) -> Document {
    // cores_delivered = cores × one / all for each round.
    let all = cores as f64 / delivered;
    let (median, min, max) = speedup;
    let text = format!(
        r#"{{"cores": {cores}, "rounds": 3,
        "calibration": [{{"one_thread_seconds": 1.0, "all_threads_seconds": {all}}},
                        {{"one_thread_seconds": 1.0, "all_threads_seconds": {all}}},
                        {{"one_thread_seconds": 1.0, "all_threads_seconds": {all}}}],
        "rows": [
          {{"experiment": "pair", "variant": "1 thread", "wall_seconds": 2.0,
            "samples": [2.0, 2.1, 1.9]}},
          {{"experiment": "pair", "variant": "2 threads", "wall_seconds": 1.0,
            "samples": [1.0, 1.1, 0.9], "speedup": {median}, "speedup_min": {min},
            "speedup_max": {max}, "baseline": "1 thread", "ceiling": 2.0,
            "ceiling_core_bound": {core_bound}}},
          {{"experiment": "bank", "variant": "all at once", "wall_seconds": 1.0,
            "balance": -120}}
        ]}}"#
    );
    Document::from_json(&text).unwrap()
}

const PAIR: Measure = Measure::Speedup {
    baseline: "1 thread",
    contender: "2 threads",
};

fn pair(document: &Document) -> Figure {
    let rows: Vec<_> = document
        .rows
        .iter()
        .filter(|r| r.experiment == "pair")
        .collect();
    figure(&rows, &PAIR, "fixture").unwrap()
}

fn machine(document: &Document) -> Machine {
    let mut machine = Machine::of(document);
    machine.os = Some("linux".into());
    machine
}

#[test]
fn a_speedup_inside_the_spread_needs_no_reason() {
    let book = sidecar(2, 1.98, (1.95, 1.90, 2.00), true);
    let reader = sidecar(2, 1.97, (1.93, 1.92, 1.94), true);
    let v = verdict(&pair(&book), &pair(&reader), true);
    assert_eq!(v, Verdict::Inside);
    assert_eq!(
        reason(v, true, true, &machine(&book), &machine(&reader)),
        None
    );
}

#[test]
fn a_hair_outside_a_razor_thin_spread_is_still_inside() {
    let book = sidecar(2, 1.98, (9.98, 9.98, 9.98), false);
    let reader = sidecar(2, 1.98, (9.99, 9.93, 9.99), false);
    assert_eq!(verdict(&pair(&book), &pair(&reader), true), Verdict::Inside);
    let reader = sidecar(2, 1.98, (9.5, 9.4, 9.6), false);
    assert_eq!(verdict(&pair(&book), &pair(&reader), true), Verdict::Below);
}

#[test]
fn a_speedup_below_the_spread_on_a_machine_that_delivered_fewer_cores_says_so() {
    let book = sidecar(2, 1.98, (1.95, 1.90, 2.00), true);
    let reader = sidecar(2, 1.10, (1.08, 1.00, 1.20), true);
    let (book_machine, reader_machine) = (machine(&book), machine(&reader));
    assert!(reader_machine.cores_delivered.unwrap() < 1.2);
    let v = verdict(&pair(&book), &pair(&reader), true);
    assert_eq!(v, Verdict::Below);
    let why = reason(v, true, true, &book_machine, &reader_machine).unwrap();
    assert!(why.contains("fewer cores delivered"), "{why}");
}

#[test]
fn fewer_cores_and_more_cores_are_named() {
    let book = sidecar(2, 1.98, (1.95, 1.90, 2.00), true);
    let one_core = sidecar(1, 1.0, (1.0, 0.98, 1.02), true);
    let v = verdict(&pair(&book), &pair(&one_core), true);
    assert_eq!(v, Verdict::Below);
    let why = reason(v, true, true, &machine(&book), &machine(&one_core)).unwrap();
    assert!(why.starts_with("fewer cores: 1 here, 2"), "{why}");

    let four_cores = sidecar(4, 3.9, (3.8, 3.6, 3.9), true);
    let v = verdict(&pair(&book), &pair(&four_cores), true);
    assert_eq!(v, Verdict::Above);
    let why = reason(v, true, true, &machine(&book), &machine(&four_cores)).unwrap();
    assert!(why.starts_with("more cores: 4 here, 2"), "{why}");
}

#[test]
fn waits_outside_the_spread_on_another_os_blame_its_timer() {
    let book = sidecar(2, 1.98, (4.99, 4.98, 5.00), false);
    let reader = sidecar(2, 1.98, (4.80, 4.70, 4.85), false);
    let mut reader_machine = machine(&reader);
    reader_machine.os = Some("macos".into());
    let v = verdict(&pair(&book), &pair(&reader), true);
    assert_eq!(v, Verdict::Below);
    let why = reason(v, false, true, &machine(&book), &reader_machine).unwrap();
    assert!(why.contains("timer resolution"), "{why}");
}

#[test]
fn another_python_is_named_before_anything_else() {
    let book = sidecar(2, 1.98, (1.0, 0.95, 1.05), true);
    let reader = sidecar(2, 1.98, (1.9, 1.8, 2.0), true);
    let mut book_machine = machine(&book);
    let mut reader_machine = machine(&reader);
    book_machine.python = Some("CPython 3.11.7".into());
    reader_machine.python = Some("CPython 3.13.15t (GIL off)".into());
    let v = verdict(&pair(&book), &pair(&reader), true);
    assert_eq!(v, Verdict::Above);
    let why = reason(v, true, true, &book_machine, &reader_machine).unwrap();
    assert!(why.contains("a different Python"), "{why}");
    assert!(why.contains("3.13.15t"), "{why}");
}

#[test]
fn outcomes_compare_as_text_and_times_only_at_the_books_scale() {
    let book = sidecar(2, 1.98, (1.95, 1.90, 2.00), true);
    let bank = Measure::Value {
        variant: "all at once",
        keys: &["balance"],
    };
    let rows: Vec<_> = book.rows.iter().collect();
    let outcome = figure(&rows, &bank, "fixture").unwrap();
    assert_eq!(outcome.text, "balance -120");
    assert_eq!(verdict(&outcome, &outcome, false), Verdict::Same);
    let mut other = outcome.clone();
    other.values = Some("balance 0".into());
    assert_eq!(verdict(&outcome, &other, true), Verdict::Different);

    let time = Measure::Value {
        variant: "1 thread",
        keys: &["wall_seconds"],
    };
    let slow = figure(&rows, &time, "fixture").unwrap();
    assert_eq!(verdict(&slow, &slow, false), Verdict::NotCompared);
    assert_eq!(verdict(&slow, &slow, true), Verdict::Inside);
    let mut slower = slow.clone();
    slower.wall.median = 2.5;
    assert_eq!(verdict(&slow, &slower, true), Verdict::Above);
}
