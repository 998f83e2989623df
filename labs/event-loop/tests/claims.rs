//! The numbers and facts the chapters quote hold in the committed outputs.
//!
//! The outputs are made at the book's sizes with a release build; these
//! tests read them back, so prose, transcript and claim cannot drift apart.
//! Timed experiments are read from their JSON sidecars (exact values, every
//! round); the walk-throughs (`primer`, `by-hand`) from their text, since
//! what they show is an order of events, not a number.
//!
//! Waiting is what these experiments measure, and a wait takes as long on a
//! busy machine as on a quiet one: most claims hold on any machine. The few
//! that depend on the machine delivering its cores (how much CPU a busy
//! loop burns, how late a sleeper is next to rayon's CPU work) are checked
//! only for sidecars whose run was not disturbed, as in the gil lab.

use std::path::Path;
use std::time::Duration;

use labkit::claims::in_range;
use labkit::timing::parse_duration;
use labkit::{Document, Row};

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sidecar of `file`, and whether its machine delivered all its cores.
fn sidecar(file: &str) -> (Document, bool) {
    labkit::claims::quiet_sidecar(lab(), file)
}

/// The transcript's text (without its header line).
fn text(file: &str) -> String {
    labkit::transcript::read(lab(), file).unwrap().1
}

fn speedup(row: &Row) -> f64 {
    row.speedup
        .unwrap_or_else(|| panic!("{} has no speedup", row.variant))
}

fn column<'r>(row: &'r Row, key: &str) -> &'r serde_json::Value {
    row.extra
        .get(key)
        .unwrap_or_else(|| panic!("{} has no {key:?} column", row.variant))
}

fn duration_column(row: &Row, key: &str) -> Duration {
    let text = column(row, key).as_str().expect("a duration column");
    parse_duration(text).unwrap_or_else(|| panic!("{text:?} is not a duration"))
}

#[test]
fn five_cities_of_two_seconds_take_two_seconds_at_once() {
    let (weather, _) = sidecar("weather.txt");
    let in_turn = weather.row(None, "in turn");
    // Five waits of 2 s, one after another, in every round.
    assert!(
        in_turn.round_samples().iter().all(|&s| s >= 10.0),
        "{in_turn:?}"
    );
    for variant in ["join!", "JoinSet"] {
        let row = weather.row(None, variant);
        in_range(variant, row.wall().as_secs_f64(), 2.0, 2.2);
        // "About 5×": the five waits overlap (the ceiling is 5).
        in_range(variant, speedup(row), 4.5, 5.25);
        assert_eq!(row.ceiling, Some(5.0));
    }
}

#[test]
fn a_handful_of_pages_overlap_their_waits() {
    // The Python material: 2.71 s one after another, 0.62 s concurrently.
    for (file, sequential, concurrent) in [
        ("fetch.txt", "in turn", "JoinSet"),
        ("blocking-sockets.txt", "blocking, in turn", "busy loop"),
    ] {
        let (pages, _) = sidecar(file);
        let one_by_one = pages.row(None, sequential);
        let together = pages.row(None, concurrent);
        assert!(
            one_by_one.round_samples().iter().all(|&s| s >= 2.7),
            "{file}"
        );
        in_range(file, together.wall().as_secs_f64(), 0.45, 0.62);
        in_range(file, speedup(together), 5.0, 6.3);
        assert_eq!(together.ceiling, Some(6.0));
        assert_eq!(column(together, "ok"), 6, "{file}");
    }
    let (reactor, _) = sidecar("reactor.txt");
    let loop_row = reactor.row(None, "mini tokio, 1 thread");
    in_range("mini tokio", loop_row.wall().as_secs_f64(), 0.45, 0.62);
}

#[test]
fn the_busy_loop_burns_a_core_asking() {
    let (sockets, quiet) = sidecar("blocking-sockets.txt");
    let busy = sockets.row(None, "busy loop");
    assert!(column(busy, "wasted polls").as_u64().unwrap() >= 100_000);
    let blocking = sockets.row(None, "blocking, in turn");
    assert!(blocking.cpu_utilisation.unwrap() <= 0.05);
    let (reactor, _) = sidecar("reactor.txt");
    let loop_row = reactor.row(None, "mini tokio, 1 thread");
    assert!(
        loop_row.cpu_utilisation.unwrap() <= 0.05,
        "the event loop sleeps in epoll instead"
    );
    if quiet {
        // "A whole core": on a machine that gave the run its cores.
        assert!(busy.cpu_utilisation.unwrap() >= 0.8, "{busy:?}");
    }
}

#[test]
fn a_thousand_requests_take_one_latency_not_a_thousand() {
    let latency = Duration::from_millis(100);
    for (file, variant, at_once) in [
        ("fetch-1000.txt", "JoinSet", "JoinSet, instant server"),
        (
            "reactor-1000.txt",
            "mini tokio, 1 thread",
            "mini tokio, instant server",
        ),
    ] {
        let (pages, _) = sidecar(file);
        for variant in [variant, at_once] {
            let row = pages.row(None, variant);
            assert_eq!(column(row, "ok"), 1000, "{file} {variant}");
            assert_eq!(column(row, "failed"), 0, "{file} {variant}");
        }
        let batch = pages.row(None, variant).wall();
        assert!(batch >= latency, "{file}: {batch:?}");
        assert!(batch <= 3 * latency, "{file}: {batch:?}");
        // "Tens of milliseconds" for the connections alone, and the batch
        // takes one latency plus about that (not a second latency): within
        // half to twice the instant server's time, medians of the rounds.
        let connections = pages.row(None, at_once).wall();
        assert!(
            connections >= Duration::from_millis(10),
            "{file}: {connections:?}"
        );
        let beyond = batch - latency;
        assert!(
            beyond >= connections / 2 && beyond <= connections * 2,
            "{file}: {batch:?} is not one latency plus about {connections:?}"
        );
    }
}

#[test]
fn bad_servers_are_counted_as_failures() {
    for (file, variants) in [
        ("fetch-failures.txt", &["in turn", "JoinSet"][..]),
        ("reactor-failures.txt", &["mini tokio, 1 thread"][..]),
    ] {
        let (pages, _) = sidecar(file);
        for variant in variants {
            let row = pages.row(None, variant);
            assert_eq!(column(row, "ok"), 6, "{file} {variant}");
            assert_eq!(column(row, "failed"), 3, "{file} {variant}");
        }
        // Concurrently, the batch lasts as long as the silent server's 1 s timeout.
        let last = pages.row(None, variants[variants.len() - 1]);
        in_range(file, last.wall().as_secs_f64(), 1.0, 1.1);
    }
    for reason in [
        "Connection refused",
        "no answer within 1s",
        "malformed response",
    ] {
        assert!(text("fetch-failures.txt").contains(reason), "{reason}");
        assert!(text("reactor-failures.txt").contains(reason), "{reason}");
    }
}

#[test]
fn a_semaphore_keeps_five_in_flight() {
    let (limit, _) = sidecar("limit.txt");
    for (variant, most) in [
        ("in turn", 1),
        ("Semaphore(5)", 5),
        ("JoinSet, no limit", 20),
    ] {
        let row = limit.row(None, variant);
        assert_eq!(column(row, "most at once"), most, "{variant}");
        assert_eq!(column(row, "ok"), 20, "{variant}");
    }
    // Four waves of five instead of twenty waits: about 5× (ceiling 5),
    // against about 20× with no limit.
    in_range(
        "Semaphore",
        speedup(limit.row(None, "Semaphore(5)")),
        4.5,
        5.25,
    );
    assert!(speedup(limit.row(None, "JoinSet, no limit")) >= 15.0);
}

#[test]
fn input_tasks_wait_once_instead_of_five_times() {
    let (input, _) = sidecar("user-input.txt");
    let awaited = input.row(None, "await each input");
    assert!(awaited.round_samples().iter().all(|&s| s >= 10.0));
    let tasks = input.row(None, "input tasks");
    in_range("input tasks", tasks.wall().as_secs_f64(), 2.0, 2.1);
    in_range("input tasks", speedup(tasks), 4.75, 5.25);
    assert!(duration_column(tasks, "loop done") <= Duration::from_millis(10));
    let text = text("user-input.txt");
    assert!(text.contains("await each input: inputs 1, 3, 4, 4, 2, final total -2"));
    assert!(text.contains("input tasks: inputs 1, 3, 4, 4, 2, final total -14"));
}

#[test]
fn one_blocked_task_delays_all_the_others() {
    let (blocking, quiet) = sidecar("blocking.txt");
    for blocked in ["std::thread::sleep", "CPU work in the task"] {
        let late = duration_column(blocking.row(None, blocked), "sleepers late by");
        assert!(late >= Duration::from_millis(900), "{blocked}: {late:?}");
    }
    // The cures leave the sleepers on time, give or take what the machine
    // needs to wake them (on a machine short of cores, rayon's CPU work
    // competes with the runtime's thread).
    let cured: &[&str] = if quiet {
        &[
            "tokio::time::sleep",
            "spawn_blocking(sleep)",
            "CPU work on rayon",
        ]
    } else {
        &["tokio::time::sleep", "spawn_blocking(sleep)"]
    };
    for cured in cured {
        let late = duration_column(blocking.row(None, cured), "sleepers late by");
        assert!(late <= Duration::from_millis(50), "{cured}: {late:?}");
    }
}

#[test]
fn tasks_are_cheap_and_threads_are_not() {
    let (scale, _) = sidecar("scale.txt");
    let thousand = scale.row(None, "1000 tokio tasks").wall();
    assert!(thousand <= Duration::from_millis(110), "{thousand:?}");
    let many = scale.row(None, "100000 tokio tasks");
    assert_eq!(column(many, "tasks"), 100_000);
    assert!(many.wall() <= Duration::from_millis(300));
    let per_task = column(many, "rss_bytes_per_task").as_f64().unwrap();
    assert!(
        (100.0..=1024.0).contains(&per_task),
        "{per_task} B per task"
    );
    // 10,000 OS threads work too (each waits its 100 ms), at a price.
    let threads = scale.row(None, "10000 OS threads");
    assert_eq!(column(threads, "tasks"), 10_000);
    let tasks_wall = scale.row(None, "10000 tokio tasks").wall();
    assert!(
        threads.wall() >= 3 * tasks_wall,
        "{:?} vs {tasks_wall:?}",
        threads.wall()
    );
    let per_thread = column(threads, "rss_bytes_per_task").as_f64().unwrap();
    assert!(
        (4096.0..=16384.0).contains(&per_thread),
        "{per_thread} B per thread"
    );
    assert!(per_thread >= 8.0 * per_task, "an order of magnitude more");
    // "Less than 200 MiB, under 1 % of the 20 GiB their stacks reserve."
    let peak = column(threads, "peak_rss").as_str().unwrap();
    let mib: f64 = peak.trim_end_matches(" MiB").parse().unwrap();
    assert!(
        mib < 200.0,
        "{peak}: a 2 MiB stack is address space, not memory"
    );
}

/// The CPython rows, where the recording had a Python (a machine without
/// one records only the Rust rows, and says so).
fn cpython_rows(file: &str) -> Option<Document> {
    let (document, _) = sidecar(file);
    if document
        .rows
        .iter()
        .any(|row| row.variant.starts_with("asyncio"))
    {
        Some(document)
    } else {
        assert!(text(file).contains("was not found"), "{file}");
        None
    }
}

#[test]
fn asyncio_and_tokio_wait_alike() {
    for (file, experiment, tokio, asyncio) in [
        (
            "python-weather.txt",
            "weather",
            "tokio, JoinSet",
            "asyncio, gather",
        ),
        (
            "python-fetch.txt",
            "fetch",
            "tokio, JoinSet",
            "asyncio, gather",
        ),
        (
            "python-user-input.txt",
            "user-input",
            "tokio, input tasks",
            "asyncio, input tasks",
        ),
    ] {
        let Some(document) = cpython_rows(file) else {
            continue;
        };
        let tokio = document.row(Some(experiment), tokio);
        let asyncio = document.row(Some(experiment), asyncio);
        // The same waits overlap the same way: the same speedup, within
        // the spread, and times within a few per cent of each other.
        let ceiling = asyncio.ceiling.expect("a ceiling");
        in_range(file, speedup(asyncio) / ceiling, 0.85, 1.05);
        in_range(file, speedup(tokio) / ceiling, 0.85, 1.05);
        in_range(
            file,
            asyncio.wall().as_secs_f64() / tokio.wall().as_secs_f64(),
            0.9,
            1.15,
        );
    }
}

#[test]
fn the_primer_shows_futures_doing_nothing_until_awaited() {
    let value = text("primer-value.txt");
    let order = |lines: &[&str]| {
        let mut from = 0;
        for line in lines {
            let at = value[from..]
                .find(line)
                .unwrap_or_else(|| panic!("{line:?} not found after byte {from}:\n{value}"));
            from += at + line.len();
        }
    };
    // Rust: made, spawned, Bob runs at the yield, Ada only when awaited.
    order(&[
        "made greet(Ada)",
        "spawned greet(Bob)",
        "greet(Bob) runs",
        "yielded once",
        "greet(Ada) runs",
    ]);
    // asyncio, after it: the same order, and a warning for the coroutine never awaited.
    order(&[
        "greet(Ada) runs",
        "made greet(Ada): a coroutine object",
        "greet(Bob) runs",
        "slept 0 s",
        "greet(Ada) runs",
        "RuntimeWarning: coroutine 'greet' was never awaited",
    ]);
    assert!(!value.contains("greet(Eve) runs"));
    let poll = text("primer-poll.txt");
    assert_eq!(poll.matches("poll: Pending").count(), 3);
    assert!(poll.contains("block_on(Countdown(3)) = \"liftoff\" after 4 polls"));
    assert!(poll.contains("block_on got Ok(42) after 2 polls"));
}

#[test]
fn the_primer_shows_cancellation_is_drop() {
    let cancel = text("primer-cancel.txt");
    let rust = cancel.split("asyncio").next().unwrap();
    assert!(rust.contains("download: request sent"));
    assert!(rust.contains("the connection is dropped (closed)"));
    assert!(!rust.contains("answer read"), "the rest never runs");
    assert!(rust.contains("timeout returned Err(Elapsed(()))"));
    // It ran its whole 50 ms, timeout or not (a tenth of a millisecond of
    // rounding aside).
    let took = |line: &str| -> f64 {
        let ms = line
            .rsplit("after ")
            .next()
            .unwrap()
            .trim_end_matches(" ms");
        ms.parse().unwrap_or_else(|_| panic!("{line:?}"))
    };
    let line = rust
        .lines()
        .find(|line| line.contains("timeout returned Ok(\"finished anyway\")"))
        .expect("the future that never awaits finished");
    assert!(took(line) >= 49.9, "{line}");
    if cancel.contains("asyncio,") {
        assert!(cancel.contains("download: CancelledError raised at the await"));
        let line = cancel
            .lines()
            .find(|line| line.contains("wait_for returned 'finished anyway'"))
            .expect("asyncio's crunch finished too");
        assert!(took(line) >= 49.9, "{line}");
    }
    let runtime = text("primer-runtime.txt");
    assert!(runtime.contains("panicked: Cannot start a runtime from within a runtime."));
    assert_eq!(runtime.matches("a spawned task on \"tokio-").count(), 2);
}

#[test]
fn by_hand_the_reactor_wakes_and_the_executor_polls() {
    let reactor = text("by-hand-reactor.txt");
    for line in [
        "wait 1: back after",
        "1 event from the OS; woke the socket's task",
        "wait 2: back after",
        "0 events from the OS; woke the timer's task",
        "wait 3: back after",
        "the socket's task reads \"hello\": done",
    ] {
        assert!(reactor.contains(line), "{line:?} in:\n{reactor}");
    }
    let executor = text("by-hand-executor.txt");
    assert!(executor.contains(
        "turn 1: polled 0 Pending, 1 Pending, 2 Ready, 0 Pending, 0 Ready\n  then the reactor waited"
    ));
    assert!(executor.trim_end().ends_with("turn 2: polled 1 Ready"));
    // The exercise's answer: three sleeps of 30 ms overlap on one thread.
    let sleeps = text("by-hand-sleeps.txt");
    assert!(
        sleeps
            .contains("turn 1: polled 0 Pending, 1 Pending, 2 Pending\n  then the reactor waited")
    );
    // The reactor wakes the three in the order its map of timers holds them.
    let last = sleeps.trim_end().lines().last().unwrap();
    let mut woken: Vec<&str> = last
        .trim_start_matches("turn 2: polled ")
        .split(", ")
        .collect();
    woken.sort();
    assert_eq!(woken, ["0 Ready", "1 Ready", "2 Ready"], "{last}");
    let took = sleeps
        .lines()
        .next()
        .and_then(|line| line.rsplit("all done after ").next())
        .and_then(parse_duration)
        .expect("the first line says when all were done");
    assert!(
        took >= Duration::from_millis(30) && took < Duration::from_millis(90),
        "three sleeps of 30 ms took {took:?}: they overlap, 90 ms would not"
    );
}
