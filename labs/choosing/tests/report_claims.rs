//! The numbers the chapter's "Every chapter, one report" section states,
//! checked against the JSON sidecars of the chapters' own recorded runs
//! (which the report reruns), worded as the prose words them.

use std::path::Path;

use labkit::Document;

fn sidecar(lab: &str, file: &str) -> Document {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../").join(lab);
    labkit::transcript::sidecar(&dir, file).unwrap()
}

fn speedup(document: &Document, experiment: Option<&str>, variant: &str) -> f64 {
    document
        .row(experiment, variant)
        .speedup
        .unwrap_or_else(|| panic!("{variant} has no speedup"))
}

fn about(what: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{what} = {value:.3}, the prose says it is in {low}..={high}"
    );
}

/// "the speedup is about the number of waits in flight (about 5× for five
/// cities, about 10× for ten sleeps), whatever the language". Waiting does
/// not need the cores, so this holds on a disturbed machine too.
#[test]
fn waits_overlap_to_about_the_number_in_flight_in_rust_and_in_cpython() {
    let weather = sidecar("event-loop", "weather.txt");
    about("Rust weather", speedup(&weather, None, "JoinSet"), 4.5, 5.1);
    let twin = sidecar("event-loop", "python-weather.txt");
    about(
        "asyncio weather",
        speedup(&twin, Some("weather"), "asyncio, gather"),
        4.5,
        5.1,
    );
    let io = sidecar("gil", "io.txt");
    about(
        "Rust ten sleeps",
        speedup(&io, None, "10 threads, GIL"),
        9.0,
        10.2,
    );
    let twin = sidecar("gil", "python-io.txt");
    about(
        "CPython ten sleeps",
        speedup(&twin, Some("io: CPython 3.11.7"), "10 threads"),
        9.0,
        10.2,
    );
}

/// "Two threads under a GIL gain nothing (about 1×), in CPython as in the
/// lab's imitation". One lock lets one thread compute at a time, on any
/// machine.
#[test]
fn two_threads_under_a_gil_gain_about_nothing() {
    let countdown = sidecar("gil", "countdown.txt");
    about(
        "Rust GIL countdown",
        speedup(&countdown, None, "2 threads, GIL, 5.0 ms switch"),
        0.75,
        1.3,
    );
    let twin = sidecar("gil", "python-countdown.txt");
    let cpython = twin
        .rows
        .iter()
        .find(|r| {
            r.experiment.starts_with("countdown: CPython")
                && !r.experiment.contains("GIL off")
                && r.variant == "2 threads"
        })
        .expect("a CPython row with its GIL");
    about("CPython countdown", cpython.speedup.unwrap(), 0.75, 1.3);
}
