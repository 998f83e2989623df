//! The numbers and lines the chapters quote hold in the committed outputs.
//!
//! The outputs were made on the book's machine (see each file's first
//! line); these tests read them back, so prose, transcript and claim cannot
//! drift apart. Numbers come from the JSON sidecars (exact values, every
//! round or run), lines from the transcripts. The claims are worded in the
//! chapters to survive a rerun: wide ranges, directions, "about".
//!
//! The distributions (`*-runs`) are luck, and the chapter says so: their
//! claims are about which outcomes occur at all and which way a pause
//! pushes them, with margins far from the recorded counts.
//!
//! A timed run whose machine check found fewer cores than the machine has
//! (`disturbed`) is a run on a busy machine, where a thread woken by a lock
//! or a sleep waits for a core: its comparisons of times say more about the
//! machine than about the strategies, so only the claims that hold on any
//! machine (counts, outcomes, lower bounds) are checked for it, and the
//! test says so. The book's final outputs are made on a quiet machine.

use std::path::Path;

use labkit::Document;
use labkit::results::Row;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn body(file: &str) -> String {
    labkit::transcript::read(lab(), file).unwrap().1
}

fn sidecar(file: &str) -> Document {
    labkit::transcript::sidecar(lab(), file).unwrap()
}

/// Is `document` from a machine that delivered its cores? Says so if not.
fn quiet(file: &str, document: &Document) -> bool {
    let quiet = !document.disturbed();
    if !quiet {
        eprintln!("{file} was made on a disturbed machine: its times are not compared");
    }
    quiet
}

fn median(row: &Row) -> f64 {
    row.wall_seconds
}

fn slowest(row: &Row) -> f64 {
    let samples = row.samples.as_ref().expect("measured in rounds");
    samples.iter().copied().fold(f64::MIN, f64::max)
}

fn fastest(row: &Row) -> f64 {
    let samples = row.samples.as_ref().expect("measured in rounds");
    samples.iter().copied().fold(f64::MAX, f64::min)
}

#[test]
fn the_two_lock_deadlock_is_reported_not_hung() {
    let text = body("two-locks.txt");
    for line in [
        "thread 1 acquired lock A",
        "thread 2 acquired lock B",
        "thread 1 holds lock A and waits for lock B",
        "thread 2 holds lock B and waits for lock A",
        "[exit status 3]",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
}

#[test]
fn detect_without_the_feature_says_how_to_get_it() {
    let text = body("detect.txt");
    assert!(text.contains("cargo run --release -p deadlock --features detect -- detect"));
    assert!(text.contains("[exit status 1]"));
}

#[test]
fn left_to_chance_a_longer_pause_deadlocks_more_and_one_order_never() {
    let document = sidecar("two-locks-runs.txt");
    let rows: Vec<&Row> = document.rows.iter().collect();
    assert_eq!(rows.len(), 4);
    let count = |row: &Row, key: &str| row.number(key);
    let runs = count(rows[0], "deadlocked") + count(rows[0], "finished");
    assert_eq!(runs, 100.0, "the chapter reads 100 runs");
    // "With no pause, hardly ever."
    assert!(count(rows[0], "deadlocked") <= 20.0, "{:?}", rows[0]);
    // "Hold the first lock for as long as starting a thread takes (50 µs),
    // or longer, and most runs deadlock."
    assert!(rows[1].variant.contains("50.0 µs"), "{}", rows[1].variant);
    assert!(rows[2].variant.contains("1.0 ms"), "{}", rows[2].variant);
    for row in &rows[1..3] {
        assert!(count(row, "deadlocked") > 50.0, "{row:?}");
    }
    // "The same threads taking the locks in one order never deadlocked."
    assert!(rows[3].variant.starts_with("lock order"));
    assert_eq!(count(rows[3], "deadlocked"), 0.0);
}

#[test]
fn staged_timeouts_give_up_livelock_or_finish_with_jitter() {
    let document = sidecar("timeout.txt");
    let row = |variant: &str| document.row(Some("timeout"), variant);
    // Python's fix: thread 2, which started waiting first, gives up, and
    // thread 1 then gets its lock and finishes, in every round.
    let give_up = row("give up");
    assert_eq!(give_up.text("finished"), "thread 1");
    assert_eq!(give_up.text("gave up"), "thread 2");
    // It took one timeout (200 ms at --scale 0.1): thread 2's.
    assert!(fastest(give_up) >= 0.2, "{give_up:?}");
    // The same back-off: every attempt of both threads collides, 10 each,
    // each a full timeout: "after ten timeouts neither had done its work".
    let same = row("retry, same back-off");
    assert_eq!(same.text("finished"), "nobody");
    assert_eq!(same.number("attempts"), 20.0);
    assert!(fastest(same) >= 10.0 * 0.2, "{same:?}");
    // Jitter: "one collision, ... four attempts in all, and a fraction of
    // the same back-off's time".
    let jitter = row("retry, random back-off");
    assert_eq!(jitter.text("finished"), "both");
    assert_eq!(jitter.number("attempts"), 4.0);
    assert!(slowest(jitter) * 3.0 < fastest(same), "{jitter:?}");
}

#[test]
fn left_to_chance_who_gives_up_is_a_coin_toss_and_nothing_livelocked() {
    let document = sidecar("timeout-runs.txt");
    let row = |variant: &str| document.row(Some("timeout-runs"), variant);
    let give_up = row("give up");
    // "thread 1 gave up in some runs and thread 2 in others"
    assert!(give_up.number("1 gave up") >= 3.0, "{give_up:?}");
    assert!(give_up.number("2 gave up") >= 3.0, "{give_up:?}");
    // "Both giving up ... rare or absent here."
    assert!(give_up.number("both gave up") <= 10.0, "{give_up:?}");
    // "the same back-off did not livelock": both finished in (nearly) every run.
    for variant in ["retry, same back-off", "retry, random back-off"] {
        let retry = row(variant);
        assert!(retry.number("finished") >= 95.0, "{retry:?}");
        assert!(retry.number("both gave up") <= 1.0, "{retry:?}");
    }
}

#[test]
fn every_prevention_strategy_keeps_the_money_and_all_or_nothing_retries() {
    let document = sidecar("ordered.txt");
    let row = |variant: &str| document.row(Some("ordered"), variant);
    for variant in ["global lock order", "one lock for both", "all or nothing"] {
        assert_eq!(row(variant).number("transfers"), 2000.0, "{variant}");
    }
    let (order, one_lock, all) = (
        row("global lock order"),
        row("one lock for both"),
        row("all or nothing"),
    );
    assert_eq!(order.number("retries"), 0.0);
    assert_eq!(one_lock.number("retries"), 0.0);
    // "retried many times"
    assert!(all.number("retries") >= 100.0);
    if !quiet("ordered.txt", &document) {
        return;
    }
    // "The global order and the single lock cost about the same (their
    // medians are within a few percent of each other)."
    let ratio = median(one_lock) / median(order);
    assert!(
        (0.9..=1.1).contains(&ratio),
        "one lock / lock order = {ratio}"
    );
    // "All or nothing took clearly longer."
    assert!(median(all) > 1.3 * median(order), "{all:?}");
}

#[test]
fn python_and_rust_deadlock_alike_and_give_up_alike() {
    let shown = body("python.txt");
    assert!(
        shown.contains("Rust (`deadlock two-locks`): exit status 3"),
        "{shown}"
    );
    assert!(
        shown.contains("CPython 3.11.7 (measured here): exit status 3"),
        "{shown}"
    );
    let document = sidecar("python.txt");
    assert_eq!(document.rows.len(), 2, "Rust and CPython");
    for row in &document.rows {
        // "both timeout fixes let thread 1 finish after one timeout"
        assert_eq!(row.text("finished"), "thread 1", "{row:?}");
        assert_eq!(row.text("gave up"), "thread 2", "{row:?}");
        assert!(fastest(row) >= 0.2, "{row:?}");
    }
}

#[test]
fn philosophers_deadlock_in_a_circle_and_two_of_them_are_the_two_lock_deadlock() {
    let text = body("philosophers-left-first.txt");
    for seat in 0..5 {
        let line = format!(
            "philosopher {seat} holds fork {seat} and waits for fork {}",
            (seat + 1) % 5
        );
        assert!(text.contains(&line), "no {line:?} in:\n{text}");
    }
    // "At once, in the first round: nobody had eaten."
    assert!(
        text.contains("meals so far, seat by seat: [0, 0, 0, 0, 0]"),
        "{text}"
    );
    assert!(text.contains("[exit status 3]"));

    let text = body("philosophers-two.txt");
    for line in [
        "philosopher 0 holds fork 0 and waits for fork 1",
        "philosopher 1 holds fork 1 and waits for fork 0",
        "[exit status 3]",
    ] {
        assert!(text.contains(line), "no {line:?} in:\n{text}");
    }
}

#[test]
fn lower_first_feeds_everyone_in_a_convoy() {
    let document = sidecar("philosophers-lower-first.txt");
    let run = document.row(Some("philosophers"), "lower-numbered fork first");
    assert_eq!(run.number("meals"), 500.0);
    // "took several times the 0.4 s" that 100 rounds of reaching (2 ms) and
    // eating (2 ms) would take if nobody waited: a lower bound, which a busy
    // machine (slower wake-ups) only pushes further up.
    assert!(fastest(run) >= 2.4 * 0.4, "{run:?}");
    // The waits: philosopher 3 hardly ever waits, then 2, 1 and 0 wait
    // longer and longer along the chain.
    let wait = |seat: usize| median(document.row(None, &format!("philosopher {seat}")));
    assert!(wait(3) < wait(2) && wait(2) < wait(1) && wait(1) < wait(0));
    let most = (0..5).map(wait).fold(0.0, f64::max);
    assert!(wait(3) * 3.0 < most, "philosopher 3 waited {}", wait(3));
}
