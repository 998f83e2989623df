//! The chapter's listings do what the chapter says they do.
//!
//! Nothing here depends on how fast the machine is: overlaps are made
//! certain with barriers, waits are checked with lower bounds (a sleep never
//! ends early), and every run that could hang is bounded by a watchdog.

use std::path::Path;
use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use labkit::testing::within;
use labkit::timeline::{
    Recorder, Span, SvgOptions, check_spans, check_xml, lanes, overlap_across_lanes, render_svg,
    svg_lanes,
};
use parallelism::{bakery, preemption, processes};

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    within(Duration::from_secs(60), || {
        processes::main();
        bakery::main();
        preemption::main();
    });
}

fn small_loaves() -> Vec<bakery::Loaf> {
    bakery::loaves(4, 100_000, Duration::from_millis(10))
}

/// Every pair of spans in `spans` that share an instant.
fn overlapping_pairs(spans: &[Span]) -> Vec<(&Span, &Span)> {
    let mut pairs = Vec::new();
    for (i, a) in spans.iter().enumerate() {
        for b in &spans[i + 1..] {
            if a.overlaps(b) {
                pairs.push((a, b));
            }
        }
    }
    pairs
}

#[test]
fn recorded_spans_are_well_formed_and_never_overlap_within_a_thread() {
    let recorder = Recorder::new();
    thread::scope(|scope| {
        for t in 0..3 {
            let recorder = &recorder;
            thread::Builder::new()
                .name(format!("worker {t}"))
                .spawn_scoped(scope, move || {
                    for i in 0..20 {
                        recorder.record(format!("task {t}.{i}"), || bakery::knead(1_000));
                    }
                })
                .unwrap();
        }
    });
    let spans = recorder.spans();
    assert_eq!(spans.len(), 60);
    check_spans(&spans).unwrap();
    for lane in lanes(&spans) {
        let in_lane: Vec<Span> = spans.iter().filter(|s| s.lane == lane).cloned().collect();
        assert_eq!(in_lane.len(), 20, "{lane}");
        assert!(in_lane.iter().all(|s| s.start <= s.end));
        assert!(
            overlapping_pairs(&in_lane).is_empty(),
            "{lane}: {in_lane:?}"
        );
    }
}

#[test]
fn the_sequential_run_never_overlaps() {
    let spans = within(Duration::from_secs(60), || {
        bakery::sequential(&small_loaves())
    });
    assert_eq!(spans.len(), 8);
    check_spans(&spans).unwrap();
    assert_eq!(lanes(&spans).len(), 1);
    assert!(overlapping_pairs(&spans).is_empty(), "{spans:?}");
    assert_eq!(bakery::most_in_progress(&spans), 1);
    // Four bakes of 10 ms one after another: a sleep never ends early.
    let last = spans.iter().map(|s| s.end).max().unwrap();
    assert!(last >= Duration::from_millis(40), "{last:?}");
}

#[test]
fn one_thread_interleaves_the_loaves_in_one_lane() {
    let spans = within(Duration::from_secs(60), || {
        bakery::one_thread(&small_loaves())
    });
    assert_eq!(spans.len(), 8);
    check_spans(&spans).unwrap();
    assert_eq!(lanes(&spans).len(), 1, "one thread did everything");
    // The kneading (running spans) never overlaps: one thread, one at a time.
    let running: Vec<Span> = spans.iter().filter(|s| !s.waiting).cloned().collect();
    assert!(overlapping_pairs(&running).is_empty());
    // But all four loaves are in progress at once: the runtime polls every
    // ready task (the other loaves, waiting to be kneaded) before it looks at
    // its timers, so loaf 1's bake cannot end before loaf 4 has been kneaded,
    // however slow the machine.
    assert_eq!(bakery::most_in_progress(&spans), 4, "{spans:?}");
    assert!(
        overlap_across_lanes(&spans).is_none(),
        "one lane, no parallelism"
    );
}

#[test]
fn os_threads_and_the_pool_give_one_lane_per_thread() {
    let (threads, pool) = within(Duration::from_secs(60), || {
        let loaves = small_loaves();
        (bakery::os_threads(&loaves), bakery::rayon_pool(&loaves, 2))
    });
    check_spans(&threads).unwrap();
    check_spans(&pool).unwrap();
    let mut seen = lanes(&threads);
    seen.sort();
    assert_eq!(seen, ["baker 1", "baker 2", "baker 3", "baker 4"]);
    // Each baker kneads its loaf, then bakes it.
    for lane in &seen {
        let mine: Vec<&Span> = threads.iter().filter(|s| &s.lane == lane).collect();
        assert_eq!(mine.len(), 2);
        assert!(!mine[0].waiting && mine[1].waiting && mine[0].end <= mine[1].start);
        assert_eq!(mine[0].label, mine[1].label);
    }
    let pool_lanes = lanes(&pool);
    assert!(
        !pool_lanes.is_empty() && pool_lanes.len() <= 2,
        "{pool_lanes:?}"
    );
    assert!(pool_lanes.iter().all(|l| l.starts_with("rayon ")));
    for spans in [&threads, &pool] {
        let svg = render_svg(spans, &SvgOptions::default());
        check_xml(&svg).unwrap();
        let mut expected = lanes(spans);
        expected.sort_by(|a, b| labkit::timeline::natural_order(a, b));
        assert_eq!(svg_lanes(&svg), expected, "one lane per thread seen");
        assert_eq!(
            svg.matches("<title>").count(),
            spans.len(),
            "one bar per span"
        );
    }
}

#[test]
fn two_threads_that_meet_at_a_barrier_overlap_in_time_on_different_lanes() {
    // Both bakers open their kneading span, then wait for each other before
    // kneading: whichever finishes first, the other's span was already open,
    // so the two spans share an instant on any machine with any load.
    let recorder = Recorder::new();
    let start_together = Barrier::new(2);
    thread::scope(|scope| {
        for name in ["baker 1", "baker 2"] {
            let (recorder, start_together) = (&recorder, &start_together);
            thread::Builder::new()
                .name(name.into())
                .spawn_scoped(scope, move || {
                    let _kneading = recorder.begin(name);
                    start_together.wait();
                    bakery::knead(100_000)
                })
                .unwrap();
        }
    });
    let spans = recorder.spans();
    check_spans(&spans).unwrap();
    let (a, b) = overlap_across_lanes(&spans).expect("the two spans overlap");
    assert_ne!(a.lane, b.lane);
    let svg = render_svg(&spans, &SvgOptions::default());
    check_xml(&svg).unwrap();
    assert_eq!(svg_lanes(&svg), ["baker 1", "baker 2"]);
}

#[test]
fn a_hog_that_never_yields_starves_the_ticker_but_not_os_threads() {
    let (period, ticks, hog_for) = (Duration::from_millis(5), 60, Duration::from_millis(150));
    let (starved, polite, preempted, offloaded) = within(Duration::from_secs(60), move || {
        (
            preemption::cooperative(period, ticks, hog_for, false),
            preemption::cooperative(period, ticks, hog_for, true),
            preemption::preemptive(period, ticks, hog_for, labkit::os::cores()),
            preemption::cooperative_offloaded(period, ticks, hog_for),
        )
    });
    for run in [&starved, &polite, &preempted, &offloaded] {
        assert_eq!(run.ticks, ticks as usize, "every run ends with every tick");
    }
    // A single hog computes at least as long as it was told to (with one hog
    // per core, `hog_ran` is the stretch when all of them computed at once).
    for run in [&starved, &polite, &offloaded] {
        assert!(run.hog_ran >= hog_for, "{run:?}");
    }
    // Certain: nothing else runs on the runtime's only thread meanwhile.
    assert_eq!(starved.during_hog, 0, "{starved:?}");
    if starved.hog_hit_the_schedule(period) {
        assert!(starved.worst_lateness >= hog_for - period, "{starved:?}");
    }
    // A yielding hog and a preempted one let the ticker in during 150 ms.
    assert!(polite.during_hog > 0, "{polite:?}");
    // With one hog per core, `hog_ran` is how long they all computed at
    // once; unless a hog thread started very late, that spans many ticks.
    if preempted.hog_ran >= 10 * period {
        assert!(preempted.during_hog > 0, "{preempted:?}");
    }
    // The exercise's solution: the unchanged hog on the blocking pool.
    assert!(offloaded.during_hog > 0, "{offloaded:?}");
}

#[test]
fn threads_share_the_process_and_children_get_their_own() {
    let me = processes::who_am_i();
    let visit = processes::visit_named_thread("visitor", 5).unwrap();
    assert_eq!(visit.inside.pid, me.pid);
    assert_eq!(visit.inside.thread, "visitor");
    assert_eq!(visit.returned, "5 loaves added by visitor");
    let child = processes::run_child(
        Path::new(env!("CARGO_BIN_EXE_parallelism")),
        &["child-process", "--loaves", "7", "--exit-code", "0"],
    )
    .unwrap();
    assert_eq!(child.exit_code, Some(0));
    assert_ne!(child.pid, me.pid);
    let line = child.stdout.trim();
    assert!(line.contains(&format!("pid {}", child.pid)), "{line}");
    assert!(line.contains(&format!("parent pid {}", me.pid)), "{line}");
    // Whatever this process counted, the child started from its own zero.
    assert!(
        line.ends_with("loaves: 0 before, 7 after adding 7"),
        "{line}"
    );
}
