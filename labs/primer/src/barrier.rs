// Listing: a `Barrier` (Python's `threading.Barrier`): every thread that
// calls `wait` sleeps there until the last of the group arrives; then all
// go on together. The races chapter uses one to force every customer to
// check the balance before any of them acts.
//
// A module of the `primer` lab and a complete program the book runs on its
// own (see `main` at the bottom): standard library only.

use std::sync::{Barrier, Mutex};
use std::thread;

// ANCHOR: barrier
/// Each customer writes "check" in a shared log, waits at the barrier, then
/// writes "act". Whatever order the threads run in, no "act" can come
/// before the last "check".
pub fn check_then_act(customers: usize) -> Vec<&'static str> {
    let log = Mutex::new(Vec::new());
    let everyone_checked = Barrier::new(customers);
    thread::scope(|s| {
        for _ in 0..customers {
            s.spawn(|| {
                log.lock().unwrap().push("check");
                everyone_checked.wait(); // sleeps until all have arrived
                log.lock().unwrap().push("act");
            });
        }
    });
    log.into_inner().unwrap()
}
// ANCHOR_END: barrier

/// The lines the lab prints.
pub fn lines(customers: usize) -> Vec<String> {
    let log = check_then_act(customers);
    vec![format!(
        "{customers} customers, the log: {}",
        log.join(", ")
    )]
}

pub fn main() {
    for line in lines(3) {
        println!("{line}");
    }
    for _ in 0..20 {
        let log = check_then_act(4);
        assert_eq!(
            log,
            ["check"; 4]
                .iter()
                .chain(&["act"; 4])
                .copied()
                .collect::<Vec<_>>()
        );
    }
}
