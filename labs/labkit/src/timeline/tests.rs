use super::labels::{tick_label, tick_step};
use super::*;

fn span(lane: &str, label: &str, start_ms: u64, end_ms: u64) -> Span {
    Span {
        lane: lane.into(),
        label: label.into(),
        category: None,
        start: Duration::from_millis(start_ms),
        end: Duration::from_millis(end_ms),
        waiting: false,
    }
}

#[test]
fn recorded_spans_are_well_formed_and_sequential_within_a_thread() {
    let recorder = Recorder::new();
    for i in 0..5 {
        recorder.record(format!("task {i}"), || {
            std::thread::sleep(Duration::from_millis(1))
        });
    }
    {
        let _wait = recorder.begin("pause").category("idle").waiting();
    }
    let spans = recorder.spans();
    assert_eq!(spans.len(), 6);
    check_spans(&spans).unwrap();
    let lane = current_thread_lane();
    assert!(spans.iter().all(|s| s.lane == lane));
    // A sleep never ends early, so each span lasts at least 1 ms.
    assert!(
        spans[..5]
            .iter()
            .all(|s| s.duration() >= Duration::from_millis(1))
    );
    assert!(spans[5].waiting);
    assert_eq!(spans[5].colour_key(), "idle");
    assert!(overlap_across_lanes(&spans).is_none());
}

#[test]
fn threads_get_their_own_lanes() {
    let recorder = Recorder::new();
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|scope| {
        for name in ["left", "right"] {
            let (recorder, barrier) = (&recorder, &barrier);
            std::thread::Builder::new()
                .name(name.into())
                .spawn_scoped(scope, move || {
                    // Both spans are open across the barrier, so they overlap in time.
                    let _span = recorder.begin(name);
                    barrier.wait();
                    std::thread::sleep(Duration::from_millis(2));
                })
                .unwrap();
        }
    });
    let spans = recorder.spans();
    check_spans(&spans).unwrap();
    let mut seen = lanes(&spans);
    seen.sort();
    assert_eq!(seen, ["left", "right"]);
    assert!(overlap_across_lanes(&spans).is_some());
    let unnamed = std::thread::spawn(current_thread_lane).join().unwrap();
    assert!(unnamed.starts_with("thread "), "{unnamed}");
}

#[test]
fn overlapping_running_spans_in_one_lane_are_refused() {
    let bad = [span("main", "a", 0, 10), span("main", "b", 5, 15)];
    assert!(check_spans(&bad).is_err());
    let mut waiting = bad.clone();
    waiting[1].waiting = true;
    check_spans(&waiting).unwrap();
    let touching = [span("main", "a", 0, 10), span("main", "b", 10, 15)];
    check_spans(&touching).unwrap();
    let backwards = [span("main", "a", 10, 5)];
    assert!(check_spans(&backwards).is_err());
}

#[test]
fn svg_is_well_formed_with_one_lane_per_thread() {
    let mut spans = vec![
        span("worker <1>", "knead & bake", 0, 100),
        span("worker 2", "b", 20, 90),
        span("worker <1>", "c", 100, 180),
        span("main", "d", 0, 5),
    ];
    spans[2].waiting = true;
    spans[3].category = Some("setup \"quoted\"".into());
    for row_per_label in [true, false] {
        let svg = render_svg(
            &spans,
            &SvgOptions {
                title: "A 'title' & more".into(),
                row_per_label,
                ..SvgOptions::default()
            },
        );
        check_xml(&svg).unwrap();
        assert!(svg.starts_with("<svg "));
        assert!(svg.contains("viewBox=\"0 0 "));
        assert_eq!(svg_lanes(&svg), ["main", "worker 2", "worker <1>"]);
        assert_eq!(svg.matches("<title>").count(), 4, "one bar per span");
        assert!(svg.contains("<text"));
    }
    let unsorted = render_svg(
        &spans,
        &SvgOptions {
            sort_lanes: false,
            ..SvgOptions::default()
        },
    );
    assert_eq!(svg_lanes(&unsorted), ["worker <1>", "worker 2", "main"]);
    let empty = render_svg(&[], &SvgOptions::default());
    check_xml(&empty).unwrap();
    assert!(svg_lanes(&empty).is_empty());
}

#[test]
fn the_xml_check_catches_mistakes() {
    check_xml("<a x=\"1\"><b/>t &amp; u</a>\n").unwrap();
    for bad in [
        "<?xml version=\"1.0\"?><a/>",
        "<a><b></a></b>",
        "<a x=1/>",
        "<a>&nbsp;</a>",
        "<a/><b/>",
        "<a>\n\n</a>",
        "text<a/>",
        "<a",
    ] {
        assert!(check_xml(bad).is_err(), "{bad:?} passed");
    }
}

#[test]
fn names_sort_like_people_expect() {
    let mut names = vec!["task 10", "task 2", "main", "task 1", "rayon 0"];
    names.sort_by(|a, b| natural_order(a, b));
    assert_eq!(names, ["main", "rayon 0", "task 1", "task 2", "task 10"]);
}

#[test]
fn ticks_are_round_numbers() {
    assert_eq!(
        tick_step(Duration::from_millis(1200)),
        Duration::from_millis(200)
    );
    assert_eq!(
        tick_step(Duration::from_millis(100)),
        Duration::from_millis(10)
    );
    assert_eq!(tick_step(Duration::from_secs(7)), Duration::from_secs(1));
    let step = Duration::from_millis(200);
    assert_eq!(tick_label(Duration::from_millis(400), step), "400 ms");
    assert_eq!(tick_label(Duration::from_millis(1200), step), "1.2 s");
    assert_eq!(tick_label(Duration::ZERO, step), "0");
    assert_eq!(
        tick_label(Duration::from_micros(1500), Duration::from_micros(500)),
        "1500 µs"
    );
}

#[test]
fn recording_is_cheap() {
    // The bound the lab prints and checks in release is 1 µs; a debug
    // build on a busy machine gets a much wider margin.
    assert!(cost_per_span(2_000) < Duration::from_micros(50));
}
