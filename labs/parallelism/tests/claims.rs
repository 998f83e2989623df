//! The numbers the chapter quotes hold in the committed outputs.
//!
//! Timed experiments are read from their JSON sidecars (exact values, every
//! round); the lines the chapter reads aloud (ids, counts, the one-thread
//! loaf-by-loaf times) from the transcript's text, written by the same run.
//! A run whose machine check found fewer cores than the machine has
//! (`disturbed`) is checked only for what holds on any machine; the book's
//! final outputs are made on a quiet machine, where every claim is checked.
//!
//! Longer than the usual 300 lines: one test per group of claims across the
//! lab's six outputs, with the few helpers they share; split in two, the
//! files would copy those helpers.

use std::path::Path;
use std::time::Duration;

use labkit::Document;
use labkit::claims::in_range;
use labkit::timing::parse_duration;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sidecar of `file`, and whether its machine delivered all its cores.
fn sidecar(file: &str) -> (Document, bool) {
    labkit::claims::quiet_sidecar(lab(), file)
}

fn body(file: &str) -> String {
    labkit::transcript::read(lab(), file).unwrap().1
}

fn duration(text: &str) -> Duration {
    parse_duration(text).unwrap_or_else(|| panic!("{text:?} is not a duration"))
}

fn text_column(d: &Document, experiment: &str, variant: &str, key: &str) -> Duration {
    let row = d.row(Some(experiment), variant);
    duration(
        row.extra[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} of {variant}")),
    )
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
        // "Each child found 0"
        assert!(
            child.ends_with("loaves: 0 before, 10 after adding 10"),
            "{child}"
        );
    }
    assert!(lines.contains(&"joined it: exit code 3"));
    // "and the parent still reads 2"
    assert!(lines.contains(&"Loaves counted in the parent after its children ran: 2"));
}

#[test]
fn a_process_costs_tens_of_threads_and_spawn_far_more() {
    let (d, quiet) = sidecar("python.txt");
    let per_start = |variant: &str| text_column(&d, "start", variant, "per start");
    let python = d
        .rows
        .iter()
        .map(|r| r.variant.as_str())
        .find_map(|v| {
            v.strip_suffix(", thread")
                .filter(|p| p.starts_with("CPython"))
        })
        .expect("CPython rows: the outputs are made where python3 runs");
    let (py_thread, fork, spawn) = (
        format!("{python}, thread"),
        format!("{python}, fork"),
        format!("{python}, spawn"),
    );
    // "every thread reported its process's id, no child did"
    for variant in ["Rust, thread", &py_thread] {
        let row = d.row(Some("start"), variant);
        assert_eq!(row.number("same pid"), row.number("starts"), "{variant}");
        assert_eq!(row.number("ids"), row.number("starts"), "{variant}");
    }
    for variant in ["Rust, process", &fork, &spawn] {
        let row = d.row(Some("start"), variant);
        assert_eq!(row.number("same pid"), 0.0, "{variant}");
        assert_eq!(row.number("ids"), row.number("starts"), "{variant}");
    }
    // The direction holds on any machine: a thread is the cheapest start,
    // a spawned interpreter the dearest.
    assert!(per_start("Rust, thread") < per_start("Rust, process"));
    assert!(per_start(&fork) < per_start(&spawn));
    if quiet {
        // "A Rust thread starts and joins in tens of microseconds"
        assert!(per_start("Rust, thread") < Duration::from_micros(100));
        // "a Rust child process takes a millisecond or more, tens of times as long"
        assert!(per_start("Rust, process") >= Duration::from_millis(1));
        let ratio =
            per_start("Rust, process").as_secs_f64() / per_start("Rust, thread").as_secs_f64();
        assert!(ratio >= 10.0, "process ÷ thread = {ratio}");
        // "and CPython's fork a few milliseconds as well"
        let fork_ms = per_start(&fork).as_secs_f64() * 1e3;
        in_range("fork per start (ms)", fork_ms, 0.5, 20.0);
        // "each start costs tens of milliseconds or more"
        assert!(per_start(&spawn) >= Duration::from_millis(20));
    }
}

const WAYS: [&str; 4] = [
    "sequential",
    "tokio, 1 thread",
    "4 threads",
    "rayon, 2 threads",
];

#[test]
fn the_four_ways_of_baking_read_as_the_chapter_says() {
    let (d, quiet) = sidecar("timeline.txt");
    let drawn = |variant: &str, key: &str| d.row(Some("loaves, median round"), variant).number(key);
    // The pictures: lanes and loaves in progress at once, in the median round.
    for (way, lanes, at_once) in [
        ("sequential", 1.0, 1.0),
        ("tokio, 1 thread", 1.0, 4.0),
        ("4 threads", 4.0, 4.0),
        ("rayon, 2 threads", 2.0, 2.0),
    ] {
        assert_eq!(drawn(way, "lanes"), lanes, "{way}");
        assert_eq!(drawn(way, "at once"), at_once, "{way}");
    }
    for way in &WAYS[1..] {
        let row = d.row(Some("loaves"), way);
        assert_eq!(row.baseline.as_deref(), Some("sequential"), "{way}");
        assert!(row.ceiling.unwrap() > 1.0, "{way}");
    }
    let loaves = |way: &str| d.row(Some("loaves"), way).clone();
    if quiet {
        // "Four threads finish first, well ahead of the pool of two."
        assert!(loaves("4 threads").wall_seconds < 0.85 * loaves("rayon, 2 threads").wall_seconds);
        // "The pool ends up about level with the single tokio thread"
        let level =
            loaves("rayon, 2 threads").wall_seconds / loaves("tokio, 1 thread").wall_seconds;
        in_range("rayon ÷ tokio", level, 0.8, 1.25);
        // "each way got about all that its way of baking allows (an efficiency near 1)"
        for way in &WAYS[1..] {
            in_range(way, loaves(way).efficiency.unwrap(), 0.85, 1.05);
        }
    }
}

/// The one-thread run's loaf lines: (loaf, knead start, knead end, oven
/// start, oven end), in ms.
fn loaf_lines() -> Vec<(String, [f64; 4])> {
    body("timeline.txt")
        .lines()
        .filter_map(|line| {
            let (loaf, rest) = line.trim().split_once(": kneaded")?;
            let numbers: Vec<f64> = rest
                .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                .filter(|w| !w.is_empty())
                .filter_map(|w| w.parse().ok())
                .collect();
            Some((
                loaf.to_string(),
                [numbers[0], numbers[1], numbers[2], numbers[3]],
            ))
        })
        .collect()
}

#[test]
fn loaf_one_comes_out_when_the_last_knead_ends() {
    let (d, quiet) = sidecar("timeline.txt");
    let lines = loaf_lines();
    assert_eq!(lines.len(), 4, "{lines:?}");
    let (_, first) = &lines[0];
    let (_, last) = &lines[3];
    // "It comes out at the very moment loaf 4's kneading ends (the two times
    // in the output are the same)": both printed to the millisecond.
    assert!((first[3] - last[1]).abs() <= 1.0, "{lines:?}");
    // "three kneads after it went in, well past its 200 ms"
    let oven = first[3] - first[2];
    let kneads: f64 = lines[1..].iter().map(|(_, t)| t[1] - t[0]).sum();
    assert!((oven - kneads).abs() <= 2.0, "{oven} vs {kneads}");
    assert!(oven >= 250.0, "{oven}");
    // The sidecar's column for the same round agrees.
    let column = text_column(
        &d,
        "loaves, median round",
        "tokio, 1 thread",
        "loaf 1 in the oven",
    );
    assert!(
        (column.as_secs_f64() * 1e3 - oven).abs() <= 1.5,
        "{column:?} vs {oven}"
    );
    // "Loaves 3 and 4 ... come out on time": while a knead takes less than
    // a bake, which a machine slowed down by others may not give.
    if quiet {
        for (loaf, t) in &lines[2..] {
            in_range(loaf, t[3] - t[2], 199.0, 215.0);
        }
    }
    // Everywhere else, loaf 1 bakes its 200 ms.
    for way in ["sequential", "4 threads", "rayon, 2 threads"] {
        let oven = text_column(&d, "loaves, median round", way, "loaf 1 in the oven");
        in_range(way, oven.as_secs_f64() * 1e3, 199.0, 230.0);
    }
}

#[test]
fn a_knead_takes_a_little_over_a_tenth_of_a_second() {
    let (_, quiet) = sidecar("timeline.txt");
    let text = body("timeline.txt");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("Alone (the sequential rounds' medians), a knead takes "))
        .expect("the timeline run says how long a knead and a bake take alone");
    let knead = duration(line.split(" and a bake").next().unwrap());
    let bake = duration(
        line.split(" and a bake ")
            .nth(1)
            .unwrap()
            .trim_end_matches('.'),
    );
    assert!(bake >= Duration::from_millis(200), "{bake:?}");
    if quiet {
        in_range("knead alone (ms)", knead.as_secs_f64() * 1e3, 80.0, 180.0);
    }
}

#[test]
fn recording_a_span_costs_less_than_a_microsecond() {
    let text = body("timeline.txt");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("Recorder cost: "))
        .expect("the timeline run prints the recorder's cost");
    let cost = duration(line.split(" per span").next().unwrap());
    assert!(cost < Duration::from_micros(1), "{cost:?} per span");
}

#[test]
fn two_equal_cpu_tasks_take_half_the_time_on_two_cores() {
    let (d, quiet) = sidecar("cpu-pair.txt");
    for variant in ["2 threads", "rayon::join"] {
        let row = d.row(None, variant);
        assert_eq!(row.baseline.as_deref(), Some("1 thread"));
        assert_eq!(row.ceiling, Some(2.0));
        if quiet {
            // "About twice as fast, at the ceiling of two cores"
            in_range(variant, row.speedup.unwrap(), 1.8, 2.1);
            // "the cpu column at about 2"
            in_range("cpu", row.cpu_utilisation.unwrap(), 1.7, 2.1);
        }
    }
    if quiet {
        // "The 1 thread row's spread ... small"
        let one = d.row(None, "1 thread");
        let samples = one.samples.as_deref().unwrap();
        let (low, high) = samples
            .iter()
            .fold((f64::MAX, 0.0f64), |(l, h), s| (l.min(*s), h.max(*s)));
        assert!(high / low < 1.1, "one-thread spread {low}..{high}");
        in_range("1 thread cpu", one.cpu_utilisation.unwrap(), 0.9, 1.1);
    }
}

#[test]
fn the_hog_starves_the_cooperative_ticker_only() {
    let (d, quiet) = sidecar("preemption.txt");
    let never = "tokio, hog never yields";
    let yields = "tokio, hog yields";
    let os = d
        .rows
        .iter()
        .map(|row| row.variant.as_str())
        .find(|v| v.starts_with("OS threads"))
        .expect("an OS threads row");
    for variant in [never, yields, os] {
        assert_eq!(d.row(None, variant).number("ticks"), 50.0, "{variant}");
    }
    // "not a single tick while it computes, and the worst tick about 300 ms late"
    assert_eq!(d.row(None, never).number("during hog"), 0.0);
    let late = |variant: &str| text_column(&d, "preemption", variant, "worst lateness");
    in_range(
        "never yields: worst (ms)",
        late(never).as_secs_f64() * 1e3,
        250.0,
        320.0,
    );
    // "about 30 ticks during the 300 ms, none more than a few milliseconds late"
    in_range(yields, d.row(None, yields).number("during hog"), 25.0, 31.0);
    if quiet {
        assert!(
            late(yields) < Duration::from_millis(10),
            "{:?}",
            late(yields)
        );
        // The OS threads: "the ticker still ticks about 30 times"
        in_range(os, d.row(None, os).number("during hog"), 25.0, 31.0);
        assert!(late(os) < Duration::from_millis(20), "{:?}", late(os));
    }
}

#[test]
fn the_offloaded_hog_lets_the_ticker_tick() {
    let (d, _) = sidecar("offload.txt");
    let never = d.row(None, "tokio, hog never yields");
    let offloaded = d.row(None, "tokio, spawn_blocking");
    assert_eq!(never.number("during hog"), 0.0);
    // "lets about 30 ticks through during its 300 ms"
    in_range("offloaded", offloaded.number("during hog"), 25.0, 31.0);
    assert_eq!(offloaded.number("ticks"), 50.0);
}
