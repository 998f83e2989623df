//! The numbers the chapter quotes hold in the committed transcripts.

use std::path::Path;
use std::time::Duration;

use labkit::results::Table;

fn table(file: &str) -> Table {
    let lab = Path::new(env!("CARGO_MANIFEST_DIR"));
    labkit::transcript::tables(lab, file).unwrap().remove(0)
}

#[test]
fn the_bank_overdraws_to_minus_120_like_python() {
    let bank = table("bank.txt");
    assert_eq!(bank.cell("in turn", "balance"), Some("0"));
    assert_eq!(bank.cell("in turn", "paid"), Some("80, 20"));
    assert_eq!(bank.cell("all at once", "balance"), Some("-120"));
    assert_eq!(bank.cell("all at once", "paid"), Some("80, 70, 50, 20"));
    // In turn, the two payments' 1 s pauses add up; at once, they overlap.
    let (in_turn, at_once) = (
        bank.duration_in(None, "in turn", "wall"),
        bank.duration_in(None, "all at once", "wall"),
    );
    assert!(in_turn >= Duration::from_secs(2), "{in_turn:?}");
    assert!(in_turn < Duration::from_millis(2300), "{in_turn:?}");
    assert!(at_once >= Duration::from_secs(1), "{at_once:?}");
    assert!(at_once < Duration::from_millis(1300), "{at_once:?}");
    // The customers wait for their turns asleep: no row spins a core.
    for variant in ["in turn", "all at once"] {
        let cpu = bank.number_in(None, variant, "cpu");
        assert!(cpu < 0.1, "{variant}: cpu {cpu}");
    }
}

#[test]
fn fetch_update_does_not_overdraw() {
    let atomic = table("bank-atomic.txt");
    assert_eq!(atomic.cell("load, then fetch_sub", "balance"), Some("-120"));
    let balance: i64 = atomic
        .cell("fetch_update", "balance")
        .unwrap()
        .parse()
        .unwrap();
    assert!([0, 10, 30].contains(&balance), "{balance}");
    let lab = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, body) = labkit::transcript::read(lab, "bank-atomic.txt").unwrap();
    assert!(
        body.contains("fetch_update: no overdraft in any of"),
        "{body}"
    );
    assert!(body.contains("load then fetch_sub: interleaving"), "{body}");
}

#[test]
fn lockstep_load_store_loses_half_and_fetch_add_none() {
    let counter = table("counter.txt");
    let number = |variant: &str, column: &str| -> u64 {
        counter.cell(variant, column).unwrap().parse().unwrap()
    };
    let increments = number("load + store, lockstep", "increments");
    assert_eq!(number("load + store, lockstep", "lost"), increments / 2);
    assert_eq!(number("fetch_add, lockstep", "lost"), 0);
    assert_eq!(number("fetch_add, free-running", "lost"), 0);
}
