//! The numbers the chapter quotes hold in the committed transcripts.

use std::path::Path;
use std::time::Duration;

use labkit::results::Table;

fn table(file: &str) -> Table {
    let lab = Path::new(env!("CARGO_MANIFEST_DIR"));
    labkit::transcript::tables(lab, file).unwrap().remove(0)
}

#[test]
fn the_locked_bank_pays_80_and_20_and_ends_at_0() {
    let bank = table("bank-locked.txt");
    assert_eq!(bank.cell("queue order", "paid"), Some("80, 20"));
    assert_eq!(bank.cell("queue order", "refused"), Some("70, 50"));
    assert_eq!(bank.cell("queue order", "balance"), Some("0"));
    let free: i64 = bank.cell("free order", "balance").unwrap().parse().unwrap();
    assert!([0, 10, 30].contains(&free), "{free}");
    // Two payments, each holding the lock for its 1 s pause: about 2 s, like Python's.
    let queue = bank.duration_in(None, "queue order", "wall");
    assert!(queue >= Duration::from_secs(2), "{queue:?}");
    assert!(queue < Duration::from_millis(2300), "{queue:?}");
    // Waiting for a turn or for the lock sleeps: no row spins a core.
    for variant in ["queue order", "free order"] {
        let cpu = bank.number_in(None, variant, "cpu");
        assert!(cpu < 0.1, "{variant}: cpu {cpu}");
    }
}

#[test]
fn holding_the_lock_across_the_wait_serialises_the_sellers() {
    let hold = table("hold-across-sleep.txt");
    let held = hold.duration_in(None, "guard held across the wait", "wall");
    let released = hold.duration_in(None, "guard dropped before the wait", "wall");
    // 4 sellers x 1 s one after another, vs all four waits at once.
    assert!(held >= Duration::from_secs(4), "{held:?}");
    assert!(held < Duration::from_millis(4400), "{held:?}");
    assert!(released >= Duration::from_secs(1), "{released:?}");
    assert!(released < Duration::from_millis(1300), "{released:?}");
}

#[test]
fn contention_costs_more_than_the_lock_itself() {
    let costs = table("costs.txt");
    let ns = |variant: &str| -> f64 { costs.cell(variant, "ns/op").unwrap().parse().unwrap() };
    for lock in [
        "std Mutex lock+unlock",
        "parking_lot Mutex lock+unlock",
        "AtomicU64 fetch_add",
    ] {
        let (alone, contended) = (
            ns(&format!("{lock}, 1 thread")),
            ns(&format!("{lock}, 2 threads")),
        );
        assert!(alone > 0.0);
        assert!(
            contended > alone,
            "{lock}: {alone} ns alone, {contended} ns contended"
        );
    }
    // Alone, an atomic add is cheaper than a lock+unlock. (Contended, the
    // two can come close: an unfair mutex lets one thread re-lock while the
    // lock is still in its cache, so the chapter claims nothing there.)
    let atomic = ns("AtomicU64 fetch_add, 1 thread");
    for mutex in [
        "std Mutex lock+unlock, 1 thread",
        "parking_lot Mutex lock+unlock, 1 thread",
    ] {
        assert!(
            atomic < ns(mutex),
            "fetch_add {atomic} ns, {mutex} {} ns",
            ns(mutex)
        );
    }
    // Uncontended, a lock+unlock takes a few nanoseconds.
    assert!(ns("std Mutex lock+unlock, 1 thread") < 25.0);
    assert!(ns("parking_lot Mutex lock+unlock, 1 thread") < 25.0);
}

#[test]
fn the_sizes_the_chapter_quotes() {
    let lab = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, body) = labkit::transcript::read(lab, "costs.txt").unwrap();
    for line in [
        "size_of::<std::sync::Mutex<()>>() = 8",
        "size_of::<parking_lot::Mutex<()>>() = 1",
        "size_of::<std::sync::Mutex<u64>>() = 16",
        "size_of::<parking_lot::Mutex<u64>>() = 16",
    ] {
        assert!(body.lines().any(|l| l == line), "missing: {line}");
    }
}
