//! What the chapter quotes from the primer's outputs holds in the committed
//! sidecars.

use std::path::Path;

use labkit::Document;

fn sidecar(file: &str) -> Document {
    labkit::transcript::sidecar(Path::new(env!("CARGO_MANIFEST_DIR")), file).unwrap()
}

#[test]
fn the_relaxed_counter_counts_every_increment() {
    let atomics = sidecar("atomics.txt");
    let counter = atomics.row(None, "Relaxed counter");
    assert_eq!(counter.number("counted"), 4.0 * 1_000_000.0);
}

#[test]
fn arc_counts_four_owners_then_one() {
    let arc = sidecar("arc.txt");
    let row = arc.row(None, "3 readers");
    assert_eq!(row.number("owners while running"), 4.0);
    assert_eq!(row.number("owners after join"), 1.0);
}

#[test]
fn only_the_named_guard_holds_the_lock() {
    let guard = sidecar("guard.txt");
    assert_eq!(
        guard.row(None, "four bindings").number("still locked at"),
        1.0
    );
}

#[test]
fn starting_and_joining_threads_takes_well_under_a_millisecond() {
    let threads = sidecar("threads.txt");
    for row in &threads.rows {
        assert!(row.wall_seconds < 1e-3, "{row:?}");
        assert_eq!(row.number("letters"), 32.0);
    }
}
