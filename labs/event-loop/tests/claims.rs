//! The numbers the chapter quotes hold in the committed transcripts.
//!
//! The transcripts are made at `--scale 1` with a release build; these tests
//! read them back, so prose, transcript and claim cannot drift apart. The
//! margins are the speed targets for a quiet 2-core machine.

use std::path::Path;
use std::time::Duration;

use labkit::results::Table;
use labkit::timing::parse_duration;

fn table(file: &str) -> Table {
    let lab = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut tables = labkit::transcript::tables(lab, file).unwrap();
    assert_eq!(tables.len(), 1, "{file} has one table");
    tables.remove(0)
}

fn wall(table: &Table, variant: &str) -> Duration {
    duration(table, variant, "wall")
}

fn duration(table: &Table, variant: &str, column: &str) -> Duration {
    let cell = table
        .cell(variant, column)
        .unwrap_or_else(|| panic!("no {column} for {variant}"));
    parse_duration(cell).unwrap_or_else(|| panic!("{variant}: {cell:?} is not a duration"))
}

fn number(table: &Table, variant: &str, column: &str) -> f64 {
    let cell = table
        .cell(variant, column)
        .unwrap_or_else(|| panic!("no {column} for {variant}"));
    cell.parse()
        .unwrap_or_else(|_| panic!("{variant}: {cell:?} is not a number"))
}

#[test]
fn five_cities_of_two_seconds_take_two_seconds() {
    let weather = table("weather.txt");
    for variant in ["join!", "JoinSet"] {
        let wall = wall(&weather, variant);
        assert!(wall >= Duration::from_secs(2), "{variant}: {wall:?}");
        assert!(wall <= Duration::from_millis(2100), "{variant}: {wall:?}");
    }
}

#[test]
fn a_handful_of_pages_overlap_their_waits() {
    // The Python material: 2.71 s one after another, 0.62 s concurrently.
    for (file, sequential, concurrent) in [
        ("fetch.txt", "tokio, one after another", "tokio, JoinSet"),
        (
            "blocking-sockets.txt",
            "blocking, one after another",
            "non-blocking busy loop",
        ),
    ] {
        let pages = table(file);
        let one_by_one = wall(&pages, sequential);
        let together = wall(&pages, concurrent);
        assert!(
            one_by_one >= Duration::from_millis(2700),
            "{file}: {one_by_one:?}"
        );
        assert!(
            together <= Duration::from_millis(620),
            "{file}: {together:?}"
        );
        assert_eq!(number(&pages, concurrent, "ok"), 6.0);
    }
    let reactor = table("reactor.txt");
    assert!(wall(&reactor, "hand-built loop, 1 thread") <= Duration::from_millis(620));
}

#[test]
fn the_busy_loop_burns_a_core_asking() {
    let sockets = table("blocking-sockets.txt");
    assert!(number(&sockets, "non-blocking busy loop", "cpu") >= 0.8);
    assert!(number(&sockets, "non-blocking busy loop", "wasted_polls") >= 100_000.0);
    assert!(number(&sockets, "blocking, one after another", "cpu") <= 0.05);
    let reactor = table("reactor.txt");
    assert!(
        number(&reactor, "hand-built loop, 1 thread", "cpu") <= 0.05,
        "the event loop sleeps in epoll instead"
    );
}

#[test]
fn a_thousand_requests_take_one_latency_not_a_thousand() {
    let latency = Duration::from_millis(100);
    for (file, variant, at_once) in [
        (
            "fetch-1000.txt",
            "tokio, JoinSet",
            "tokio, JoinSet, server answering at once",
        ),
        (
            "reactor-1000.txt",
            "hand-built loop, 1 thread",
            "hand-built loop, server answering at once",
        ),
    ] {
        let pages = table(file);
        for variant in [variant, at_once] {
            assert_eq!(number(&pages, variant, "ok"), 1000.0, "{file} {variant}");
            assert_eq!(number(&pages, variant, "failed"), 0.0, "{file} {variant}");
        }
        let batch = wall(&pages, variant);
        assert!(batch >= latency, "{file}: {batch:?}");
        assert!(batch <= 3 * latency, "{file}: {batch:?}");
        // "Tens of milliseconds" for the connections alone, and the batch
        // takes one latency plus about that: between half and one and a
        // half times it (not a second latency).
        let connections = wall(&pages, at_once);
        assert!(
            connections >= Duration::from_millis(10),
            "{file}: {connections:?}"
        );
        let beyond = batch - latency;
        assert!(
            beyond >= connections / 2 && beyond <= connections * 3 / 2,
            "{file}: {batch:?} is not one latency plus about {connections:?}"
        );
    }
}

#[test]
fn bad_servers_are_counted_as_failures() {
    for (file, variants) in [
        (
            "fetch-failures.txt",
            &["tokio, one after another", "tokio, JoinSet"][..],
        ),
        ("reactor-failures.txt", &["hand-built loop, 1 thread"][..]),
    ] {
        let pages = table(file);
        for variant in variants {
            assert_eq!(number(&pages, variant, "ok"), 6.0, "{file} {variant}");
            assert_eq!(number(&pages, variant, "failed"), 3.0, "{file} {variant}");
        }
        // The silent server is given up on after the 1 s timeout.
        let last = wall(&pages, variants[variants.len() - 1]);
        assert!(last >= Duration::from_secs(1), "{file}: {last:?}");
        assert!(last <= Duration::from_millis(1100), "{file}: {last:?}");
    }
}

#[test]
fn input_tasks_wait_once_instead_of_five_times() {
    let input = table("user-input.txt");
    assert!(wall(&input, "await each input") >= Duration::from_secs(10));
    let tasks = wall(&input, "input tasks");
    assert!(tasks <= Duration::from_millis(2100), "{tasks:?}");
    assert!(duration(&input, "input tasks", "loop_finished") <= Duration::from_millis(10));
}

#[test]
fn one_blocked_task_delays_all_the_others() {
    let blocking = table("blocking.txt");
    for blocked in ["std::thread::sleep", "CPU work in the task"] {
        let late = duration(&blocking, blocked, "sleepers_late_by");
        assert!(late >= Duration::from_millis(900), "{blocked}: {late:?}");
    }
    for cured in [
        "tokio::time::sleep",
        "spawn_blocking(thread::sleep)",
        "CPU work on rayon",
    ] {
        let late = duration(&blocking, cured, "sleepers_late_by");
        assert!(late <= Duration::from_millis(50), "{cured}: {late:?}");
    }
}

#[test]
fn tasks_are_cheap_and_threads_are_not() {
    let scale = table("scale.txt");
    let thousand = wall(&scale, "1000 tokio tasks");
    assert!(thousand <= Duration::from_millis(110), "{thousand:?}");
    let many = "100000 tokio tasks";
    assert_eq!(number(&scale, many, "tasks"), 100_000.0);
    assert!(wall(&scale, many) <= Duration::from_millis(300));
    let per_task = number(&scale, many, "rss_bytes_per_task");
    assert!(
        (100.0..=1024.0).contains(&per_task),
        "{per_task} B per task"
    );
    // 10,000 OS threads work too (each waits its 100 ms), at a price.
    let threads = "10000 OS threads";
    assert_eq!(number(&scale, threads, "tasks"), 10_000.0);
    let threads_wall = wall(&scale, threads);
    let tasks_wall = wall(&scale, "10000 tokio tasks");
    assert!(
        threads_wall >= 3 * tasks_wall,
        "{threads_wall:?} vs {tasks_wall:?}"
    );
    let per_thread = number(&scale, threads, "rss_bytes_per_task");
    assert!(
        (4096.0..=16384.0).contains(&per_thread),
        "{per_thread} B per thread"
    );
    assert!(per_thread >= 8.0 * per_task, "an order of magnitude more");
    // "Less than 200 MiB, under 1 % of the 20 GiB their stacks reserve."
    let peak = scale.cell(threads, "peak_rss").unwrap();
    let mib: f64 = peak.trim_end_matches(" MiB").parse().unwrap();
    assert!(
        mib < 200.0,
        "{peak}: a 2 MiB stack is address space, not memory"
    );
}
