//! The asyncio twins and the primer's asyncio steps run with the machine's
//! python3 at a tiny size, against the lab's own server, and print what the
//! chapters read. (Timing is not checked here: only the lab measures.) A
//! machine without python3 skips these tests, saying so.

use std::path::{Path, PathBuf};
use std::time::Duration;

use event_loop::server::{self, Server};
use labkit::python::{Document, Lookup, Twin, find, run_script, run_twin};

const FETCH: Twin<'static> = Twin::new("fetch.py", include_str!("../python/fetch.py"));
const USER_INPUT: Twin<'static> =
    Twin::new("user_input.py", include_str!("../python/user_input.py"));
const PRIMER: Twin<'static> =
    Twin::new("async_primer.py", include_str!("../python/async_primer.py"));

/// Generous: a hung twin fails the test instead of hanging the suite.
const TIMEOUT: Duration = Duration::from_secs(120);

fn python3() -> Option<PathBuf> {
    match find(&["python3"]).remove(0) {
        Lookup::Found { path, .. } => Some(path),
        other => {
            eprintln!("no python3 here ({other:?}): the twins are not run");
            None
        }
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

fn run(python: &Path, twin: Twin<'_>, list: &[&str]) -> Document {
    run_twin(python, twin, &args(list), TIMEOUT)
        .unwrap_or_else(|err| panic!("{}: {err}", twin.file_name))
}

#[test]
fn the_fetch_twin_asks_the_labs_server_in_turn_and_at_once() {
    let Some(python) = python3() else { return };
    let api = Server::start(Duration::from_millis(5)).unwrap();
    let addr = api.addr().to_string();
    let doc = run(
        &python,
        FETCH,
        &["--server", &addr, "--pages", "3", "--rounds", "2"],
    );
    assert_eq!(doc.rounds, 2);
    assert_eq!(doc.experiments(), ["weather", "fetch"]);
    let celsius: Vec<i64> = ["Bangkok", "Chiang Mai", "Phuket", "Khon Kaen", "Hat Yai"]
        .iter()
        .map(|city| i64::from(server::pretend_temperature(city)))
        .collect();
    let bytes: usize = (1..=3).map(|n| server::page_text(n).len()).sum();
    for variant in ["asyncio, in turn", "asyncio, gather"] {
        let weather = doc.row("weather", variant).expect(variant);
        assert_eq!(weather.samples.len(), 2);
        assert_eq!(
            weather.columns["celsius"],
            serde_json::json!([celsius, celsius])
        );
        let pages = doc.row("fetch", variant).expect(variant);
        assert_eq!(pages.columns["bytes"], serde_json::json!([bytes, bytes]));
        assert_eq!(pages.columns["requests"], 3);
    }
    // --only keeps one experiment.
    let doc = run(
        &python,
        FETCH,
        &[
            "--server", &addr, "--only", "fetch", "--pages", "1", "--rounds", "1",
        ],
    );
    assert_eq!(doc.experiments(), ["fetch"]);
}

#[test]
fn the_fetch_twin_fails_in_one_line_when_the_server_is_not_http() {
    let Some(python) = python3() else { return };
    let garbled = Server::start_with(Duration::ZERO, server::Behaviour::Malformed).unwrap();
    let addr = garbled.addr().to_string();
    let err = run_twin(
        &python,
        FETCH,
        &args(&[
            "--server", &addr, "--only", "fetch", "--pages", "1", "--rounds", "1",
        ]),
        TIMEOUT,
    )
    .unwrap_err();
    assert!(err.to_string().contains("the server answered"), "{err}");
}

#[test]
fn the_user_input_twin_ends_with_the_rust_totals() {
    let Some(python) = python3() else { return };
    let doc = run(&python, USER_INPUT, &["--wait", "0.01", "--rounds", "2"]);
    let awaited = doc
        .row("user-input", "asyncio, await each input")
        .expect("awaited");
    let tasks = doc
        .row("user-input", "asyncio, input tasks")
        .expect("tasks");
    assert_eq!(awaited.columns["total"], serde_json::json!([-2, -2]));
    assert_eq!(tasks.columns["total"], serde_json::json!([-14, -14]));
    assert_eq!(tasks.columns["inputs"], 5);
}

#[test]
fn the_primers_asyncio_steps_print_what_the_chapter_reads() {
    let Some(python) = python3() else { return };
    let step = |name: &str| {
        run_script(&python, PRIMER, &args(&[name, "0.005"]), TIMEOUT)
            .unwrap_or_else(|err| panic!("{name}: {err}"))
    };
    let value = step("value");
    let lines: Vec<&str> = value.lines().collect();
    assert_eq!(lines[0], "made greet(Ada): a coroutine object");
    assert_eq!(lines[2], "greet(Bob) runs", "the task ran at the sleep(0)");
    assert!(value.contains("RuntimeWarning: coroutine 'greet' was never awaited"));
    assert!(!value.contains("greet(Eve) runs"));
    let poll = step("poll");
    assert_eq!(poll.matches("step: not yet").count(), 3);
    assert!(poll.contains("await got 42"));
    let runtime = step("runtime");
    assert!(runtime.contains("cannot be called from a running event loop"));
    let cancel = step("cancel");
    assert!(cancel.contains("download: CancelledError raised at the await"));
    assert!(!cancel.contains("answer read"));
    assert!(cancel.contains("wait_for returned 'finished anyway'"));
    let refused = run_script(&python, PRIMER, &args(&["tomorrow"]), TIMEOUT).unwrap_err();
    assert!(refused.to_string().contains("exit status: 2"), "{refused}");
}
