//! The numbers the chapter quotes hold in the committed outputs, read from
//! the JSON sidecars (exact values, every round), never the rounded table.

use std::path::Path;

use labkit::Document;

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sidecar(file: &str) -> Document {
    labkit::transcript::sidecar(lab(), file).unwrap()
}

fn body(file: &str) -> String {
    labkit::transcript::read(lab(), file).unwrap().1
}

#[test]
fn the_locked_bank_pays_80_and_20_and_ends_at_0() {
    let bank = sidecar("bank-locked.txt");
    let queue = bank.row(None, "queue order");
    assert_eq!(queue.text("paid"), "80, 20");
    assert_eq!(queue.text("refused"), "70, 50");
    assert_eq!(queue.number("balance"), 0.0);
    let free = bank.row(None, "free order").number("balance");
    assert!([0.0, 10.0, 30.0].contains(&free), "{free}");
    // Two payments, each holding the lock for its 1 s pause: about 2 s, like Python's.
    for row in &bank.rows {
        assert!(row.round_samples().iter().all(|&s| s >= 2.0), "{row:?}");
        assert!(row.wall_seconds < 2.3, "{row:?}");
    }
    // Waiting for a turn or for the lock sleeps: no row spins a core.
    for row in &bank.rows {
        assert!(row.cpu_utilisation.unwrap() < 0.1, "{row:?}");
    }
}

#[test]
fn run_after_run_the_lock_allows_only_its_outcomes() {
    let runs = sidecar("bank-runs.txt");
    assert_eq!(runs.rows.len(), 3);
    for row in &runs.rows {
        assert_eq!(row.number("overdrawn"), 0.0, "{row:?}");
        assert!(row.number("balances seen") <= 3.0, "{row:?}");
    }
}

#[test]
fn a_guard_lets_go_where_the_chapter_says() {
    let release = body("release.txt");
    let states: Vec<&str> = release
        .lines()
        .filter_map(|l| l.rsplit("  ").next())
        .filter(|s| *s == "locked" || *s == "free")
        .collect();
    assert_eq!(
        states,
        ["free", "locked", "free", "locked", "free", "locked", "free"]
    );
    let relock = sidecar("relock.txt");
    assert_eq!(
        relock.row(None, "charge_fee").text("ended"),
        "still waiting"
    );
    assert_eq!(
        relock.row(None, "charge_fee_fixed").text("ended"),
        "returned 99"
    );
}

#[test]
fn holding_the_lock_across_the_wait_serialises_the_sellers() {
    let hold = sidecar("hold-across-sleep.txt");
    let held = hold.row(None, "held across the wait");
    let dropped = hold.row(None, "dropped before the wait");
    // 4 sellers x 1 s one after another, vs all four waits at once.
    assert!(held.round_samples().iter().all(|&s| s >= 4.0), "{held:?}");
    assert!(held.wall_seconds < 4.4, "{held:?}");
    assert!(
        dropped.round_samples().iter().all(|&s| s >= 1.0),
        "{dropped:?}"
    );
    assert!(dropped.wall_seconds < 1.3, "{dropped:?}");
    let speedup = dropped.speedup.unwrap();
    assert!((3.5..=4.2).contains(&speedup), "about 4x: {speedup}");
    assert_eq!(dropped.ceiling, Some(4.0));
}

#[test]
fn the_exercise_halves_the_wait_and_keeps_the_outcomes() {
    let exercise = sidecar("exercise.txt");
    for row in &exercise.rows {
        assert!(
            [0.0, 10.0, 30.0].contains(&row.number("balance")),
            "{row:?}"
        );
    }
    let after = exercise.row(None, "pause after the lock");
    let speedup = after.speedup.unwrap();
    assert!((1.8..=2.1).contains(&speedup), "about 2x: {speedup}");
}

#[test]
fn contention_costs_more_than_the_lock_itself() {
    let costs = sidecar("costs.txt");
    let wall = |variant: &str| costs.row(None, variant).wall_seconds;
    for kind in [
        "std Mutex",
        "parking_lot Mutex",
        "std RwLock read",
        "parking_lot RwLock read",
        "AtomicU64 fetch_add",
    ] {
        let (alone, contended) = (
            wall(&format!("{kind}, 1 thread")),
            wall(&format!("{kind}, 2 threads")),
        );
        assert!(
            contended > alone,
            "{kind}: {alone} s alone, {contended} s contended"
        );
    }
    // Alone, an atomic add is cheaper than a lock+unlock. (Contended, the
    // two can come close: an unfair mutex lets one thread re-lock while the
    // lock is still in its cache, so the chapter claims nothing there.)
    let atomic = wall("AtomicU64 fetch_add, 1 thread");
    // How many nanoseconds a lock takes depends on the machine giving the
    // run its cores: a disturbed run (other programs took them) is checked
    // only for what holds on any machine.
    let quiet = !costs.disturbed();
    if !quiet {
        eprintln!("costs.txt was made on a disturbed machine: its nanoseconds are not checked");
    }
    for mutex in ["std Mutex, 1 thread", "parking_lot Mutex, 1 thread"] {
        assert!(
            atomic < wall(mutex),
            "fetch_add {atomic} s, {mutex} {} s",
            wall(mutex)
        );
        // Uncontended, a lock+unlock takes a few nanoseconds.
        let ns = wall(mutex) * 1e9 / costs.row(None, mutex).number("ops per thread");
        assert!(!quiet || ns < 25.0, "{mutex}: {ns} ns");
    }
}

#[test]
fn the_sizes_and_the_poisoning_the_chapter_quotes() {
    let mutexes = body("mutexes.txt");
    for line in [
        "size_of::<std::sync::Mutex<()>>() = 8",
        "size_of::<parking_lot::Mutex<()>>() = 1",
        "size_of::<std::sync::Mutex<u64>>() = 16",
        "size_of::<parking_lot::Mutex<u64>>() = 16",
    ] {
        assert!(mutexes.lines().any(|l| l == line), "missing: {line}");
    }
    let rows = sidecar("mutexes.txt");
    assert_eq!(
        rows.row(None, "std, after a panic").text("next lock()"),
        "Err (poisoned)"
    );
    assert_eq!(
        rows.row(None, "parking_lot, after a panic")
            .text("next lock()"),
        "Ok"
    );
}

#[test]
fn the_condvar_sleeps_until_the_deposit() {
    let condvar = sidecar("condvar.txt");
    let row = condvar.row(None, "wait for a deposit");
    assert_eq!(row.number("left"), 40.0);
    assert!(row.wall_seconds >= 0.5, "{row:?}");
    assert!(row.cpu_utilisation.unwrap() < 0.1, "{row:?}");
}

#[test]
fn cpython_with_a_lock_never_overdraws_and_takes_two_pauses() {
    let python = sidecar("python.txt");
    for experiment in ["bank-locked, Rust", "bank-locked, CPython"] {
        let row = python.row(Some(experiment), "with a lock");
        assert_eq!(row.text("overdrawn"), format!("0 of {}", row.rounds()));
        // Two pauses of 0.1 s one after another (a sleep never ends early).
        assert!(row.round_samples().iter().all(|&s| s >= 0.2), "{row:?}");
    }
}
