//! The numbers the chapter quotes hold in the committed transcripts.
//!
//! The transcripts are made at the book's sizes on a quiet 2-core machine;
//! these tests read them back, so prose, transcript and claim cannot drift
//! apart. The margins are the chapter's (and its issue's) targets.

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

fn body(file: &str) -> String {
    labkit::transcript::read(lab(), file).unwrap().1
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

fn in_range(what: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{what} = {value}, expected {low}..={high}"
    );
}

#[test]
fn recording_a_span_costs_less_than_a_microsecond() {
    let text = body("timeline.txt");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("Recorder cost: "))
        .expect("the timeline run prints the recorder's cost");
    let cost = parse_duration(line.split(" per span").next().unwrap()).unwrap();
    assert!(cost < Duration::from_micros(1), "{cost:?} per span");
}

#[test]
fn two_equal_cpu_tasks_take_at_most_six_tenths_of_the_time_on_two_cores() {
    let t = table("timeline.txt");
    for variant in ["two OS threads", "rayon::join"] {
        let speedup = number(cell(&t, Some("cpu pair"), variant, "speedup"));
        // Wall time at most 0.6 x the sequential one; 2 cores cap it at 2x.
        in_range(variant, speedup, 1.0 / 0.6, 2.1);
        // Both cores busy.
        in_range(
            "cpu",
            number(cell(&t, Some("cpu pair"), variant, "cpu")),
            1.6,
            2.1,
        );
    }
    let sequential_cpu = number(cell(&t, Some("cpu pair"), "sequential", "cpu"));
    in_range("sequential cpu", sequential_cpu, 0.85, 1.1);
}

#[test]
fn the_four_ways_of_baking_read_as_the_chapter_says() {
    let t = table("timeline.txt");
    let loaves = Some("loaves");
    let speedup = |variant| number(cell(&t, loaves, variant, "speedup"));
    let threads = |variant| number(cell(&t, loaves, variant, "threads"));
    let in_progress = |variant| number(cell(&t, loaves, variant, "most in progress"));

    // Sequential: 4 x (knead + 200 ms bake), so at least 800 ms, one at a time.
    let sequential = parse_duration(cell(&t, loaves, "sequential", "wall")).unwrap();
    assert!(sequential >= Duration::from_millis(800), "{sequential:?}");
    // "about a tenth of a second per loaf" of kneading: 4 x (0.1 s + 0.2 s).
    in_range("sequential seconds", sequential.as_secs_f64(), 1.0, 1.4);
    assert_eq!(in_progress("sequential"), 1.0);
    // "about a third of one core": the baker mostly waits at the oven.
    let cpu = number(cell(&t, loaves, "sequential", "cpu"));
    in_range("sequential cpu", cpu, 0.2, 0.45);
    // One thread: all four in progress, about twice as fast (the bakes overlap).
    assert_eq!(threads("one thread (tokio)"), 1.0);
    assert_eq!(in_progress("one thread (tokio)"), 4.0);
    in_range(
        "one thread speedup",
        speedup("one thread (tokio)"),
        1.6,
        2.4,
    );
    // OS threads: four lanes, the fastest of the four (about 3x).
    assert_eq!(threads("OS threads"), 4.0);
    in_range("OS threads speedup", speedup("OS threads"), 2.5, 3.5);
    // The pool's 2 threads sleep through the bakes: no better than one thread.
    assert_eq!(threads("rayon pool"), 2.0);
    in_range("rayon pool speedup", speedup("rayon pool"), 1.6, 2.4);
    let rayon_vs_tokio = speedup("rayon pool") / speedup("one thread (tokio)");
    in_range("rayon pool vs one thread", rayon_vs_tokio, 0.8, 1.2);
}

#[test]
fn the_hog_starves_the_cooperative_ticker_only() {
    let t = table("preemption.txt");
    let get = |variant: &str, column| cell(&t, None, variant, column);
    let lateness = |variant: &str| parse_duration(get(variant, "worst lateness")).unwrap();
    let never = "tokio, 1 thread, hog never yields";
    let yields = "tokio, 1 thread, hog yields";
    let os = t
        .rows
        .iter()
        .map(|row| row[0].as_str())
        .find(|v| v.starts_with("OS threads"))
        .expect("an OS threads row");
    for variant in [never, yields, os] {
        assert_eq!(number(get(variant, "ticks")), 50.0, "{variant}");
    }
    // "not a single tick while the hog computes; the worst tick came ~300 ms late"
    assert_eq!(number(get(never, "ticks during hog")), 0.0);
    assert!(
        lateness(never) >= Duration::from_millis(250),
        "{:?}",
        lateness(never)
    );
    // "about 30 ticks during the hog's 300 ms, none more than a few ms late"
    for variant in [yields, os] {
        in_range(
            variant,
            number(get(variant, "ticks during hog")),
            25.0,
            31.0,
        );
        assert!(
            lateness(variant) < Duration::from_millis(10),
            "{variant}: {:?}",
            lateness(variant)
        );
    }
}

#[test]
fn threads_share_a_process_and_a_child_has_its_own_memory() {
    let text = body("processes.txt");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let counts: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.split("threads running: ").nth(1))
        .collect();
    assert_eq!(counts, ["1", "2", "1"], "one thread, then two, then one");
    let pids: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("process id: "))
        .collect();
    assert_eq!(pids.len(), 2);
    assert_eq!(pids[0], pids[1], "the thread runs in the same process");
    let children: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("child: pid"))
        .collect();
    assert_eq!(children.len(), 2);
    for child in children {
        assert!(
            child.contains(&format!("parent pid {}", pids[0])),
            "{child}"
        );
        assert!(
            child.ends_with("loaves: 0 before, 10 after adding 10"),
            "{child}"
        );
    }
    assert!(lines.contains(&"joined it: exit code 3"));
    assert!(lines.contains(&"Loaves counted in the parent after its children ran: 2"));
    // Starting and joining a child process costs milliseconds, not seconds.
    let t = table("processes.txt");
    let wall = parse_duration(cell(&t, None, "child exiting with 0", "wall")).unwrap();
    assert!(wall < Duration::from_millis(50), "{wall:?}");
}
