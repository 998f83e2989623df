//! `two-locks` and `detect`: the forced deadlock of the Python material,
//! ended by the watchdog, or found by parking_lot's detector.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};
use deadlock::two_locks::{self, Board, NamedLock};
use deadlock::watchdog::start_watchdog;
use labkit::Common;

use super::{WATCHDOG_PATIENCE, deadlock_exit};

/// How often the detector asks parking_lot for cycles.
pub const DETECTOR_EVERY: Duration = Duration::from_millis(100);

/// How long the watchdog waits when the detector runs too: it is then only
/// the safety net, and the detector needs time to describe what it found
/// (it resolves each deadlocked thread's backtrace, which takes seconds in
/// an unoptimised build).
pub const PATIENCE_WITH_DETECTOR: Duration = Duration::from_secs(20);

pub fn run(common: &Common, detect: bool) -> Result<()> {
    if detect && !cfg!(feature = "detect") {
        common.say("This build has no deadlock detector: parking_lot's `deadlock_detection`");
        common.say("feature is off, because turning it on slows every parking_lot lock in");
        common.say("the build (Cargo unifies features across a workspace). Run it with:");
        common.say("  cargo run --release -p deadlock --features detect -- detect");
        bail!("this build has no deadlock detector (build with `--features detect`)");
    }
    common.say("Thread 1 takes lock A then lock B; thread 2 takes lock B then lock A.");
    common.say("A barrier makes both hold their first lock before asking for the second.");
    let board = Board::new();
    let lock_a = NamedLock::new("lock A", &board);
    let lock_b = NamedLock::new("lock B", &board);
    let json = common.json;
    if detect {
        start_detector(&board, json);
    }
    let patience = if detect {
        PATIENCE_WITH_DETECTOR
    } else {
        WATCHDOG_PATIENCE
    };
    let (watched, shown) = (Arc::clone(&board), Arc::clone(&board));
    let _watchdog = start_watchdog(
        patience,
        move || watched.progress(),
        move || {
            let summary = format!(
                "no lock changed hands for {:.1} s; the threads stand like this:",
                patience.as_secs_f64()
            );
            deadlock_exit(json, "watchdog", &summary, &shown.log(), &shown.standings())
        },
    );
    two_locks::opposite_orders(&board, &lock_a, &lock_b);
    bail!("the threads finished, which the barrier should have made impossible")
}

#[cfg(feature = "detect")]
fn start_detector(board: &Arc<Board>, json: bool) {
    let board = Arc::clone(board);
    two_locks::start_detector(DETECTOR_EVERY, move |cycles| {
        let summary = format!(
            "parking_lot found {} cycle(s) of threads waiting for each other:",
            cycles.len()
        );
        let lines: Vec<String> = cycles
            .iter()
            .flat_map(|cycle| two_locks::describe_cycle(&board, cycle))
            .collect();
        deadlock_exit(json, "detector", &summary, &board.log(), &lines)
    });
}

#[cfg(not(feature = "detect"))]
fn start_detector(_: &Arc<Board>, _: bool) {
    let _ = DETECTOR_EVERY;
    unreachable!("`detect` returns early in a build without the feature")
}
