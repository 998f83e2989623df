//! The numbers and lines the chapter quotes hold in the committed transcripts.
//!
//! The transcripts were made on the book's machine (see each file's first
//! line); these tests read them back, so prose, transcript and claim cannot
//! drift apart.

use std::path::Path;
use std::time::Duration;

use labkit::results::Table;
use labkit::timing::parse_duration;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn body(file: &str) -> String {
    labkit::transcript::read(lab(), file).unwrap().1
}

fn table(file: &str) -> Table {
    labkit::transcript::tables(lab(), file).unwrap().remove(0)
}

fn number(table: &Table, variant: &str, column: &str) -> u64 {
    table.cell(variant, column).unwrap().parse().unwrap()
}

fn wall(table: &Table, variant: &str) -> Duration {
    parse_duration(table.cell(variant, "wall").unwrap()).unwrap()
}

#[test]
fn the_two_lock_deadlock_is_reported_not_hung() {
    let text = body("two-locks.txt");
    for line in [
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
fn timeouts_give_up_livelock_or_finish_with_jitter() {
    let t = table("timeout.txt");
    // Python's fix: thread 2, which started waiting first, gives up, and
    // thread 1 then gets its lock and finishes.
    let give_up = "give up (Python's fix)";
    assert_eq!(number(&t, give_up, "finished"), 1);
    assert_eq!(number(&t, give_up, "gave up"), 1);
    assert_eq!(t.cell(give_up, "who finished"), Some("thread 1"));
    // It took one timeout (200 ms at --scale 0.1): thread 2's.
    assert!(wall(&t, give_up) >= Duration::from_millis(200));
    // The same back-off: every attempt of both threads collides, 10 each, and
    // each costs a full timeout (200 ms at --scale 0.1): at least 2 s.
    let same = "retry, same back-off";
    assert_eq!(number(&t, same, "finished"), 0);
    assert_eq!(number(&t, same, "attempts"), 20);
    assert!(
        wall(&t, same) >= Duration::from_millis(2000),
        "{:?}",
        wall(&t, same)
    );
    // Jitter: both finish, in a few attempts, far sooner.
    let jitter = "retry, random back-off";
    assert_eq!(number(&t, jitter, "finished"), 2);
    assert_eq!(t.cell(same, "who finished"), Some("nobody"));
    assert_eq!(number(&t, jitter, "attempts"), 4);
    assert!(wall(&t, jitter) * 3 < wall(&t, same));
}

#[test]
fn every_prevention_strategy_keeps_the_money_and_all_or_nothing_retries() {
    let t = table("ordered.txt");
    for variant in ["global lock order", "one lock for both", "all or nothing"] {
        assert_eq!(number(&t, variant, "transfers"), 2000, "{variant}");
        assert_eq!(t.cell(variant, "balances kept"), Some("yes"), "{variant}");
    }
    assert_eq!(number(&t, "global lock order", "retries"), 0);
    assert_eq!(number(&t, "one lock for both", "retries"), 0);
    assert!(number(&t, "all or nothing", "retries") >= 100);
    assert!(wall(&t, "all or nothing") > wall(&t, "global lock order"));
    // The order and the single lock both make the threads take turns.
    let ratio =
        wall(&t, "one lock for both").as_secs_f64() / wall(&t, "global lock order").as_secs_f64();
    assert!(
        (0.67..=1.5).contains(&ratio),
        "one lock / lock order = {ratio}"
    );
}

#[test]
fn left_first_philosophers_deadlock_and_lower_first_all_eat() {
    let text = body("philosophers-left-first.txt");
    for seat in 0..5 {
        let line = format!(
            "philosopher {seat} holds fork {seat} and waits for fork {}",
            (seat + 1) % 5
        );
        assert!(text.contains(&line), "no {line:?} in:\n{text}");
    }
    assert!(text.contains("[exit status 3]"));

    let t = table("philosophers-lower-first.txt");
    let variant = "lower-numbered fork first";
    assert_eq!(number(&t, variant, "meals each"), 100);
    assert_eq!(number(&t, variant, "meals"), 500);
    // 100 rounds of reaching (2 ms) and eating (2 ms) cannot take less than 0.4 s.
    assert!(wall(&t, variant) >= Duration::from_millis(400));
}
