//! `mutexes`: std's and parking_lot's mutex after a panic, waiting with a
//! time limit, and their sizes: what the listing's functions return.

use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure};
use locks::mutexes;

/// How long `try_lock_for` waits for a lock someone else holds.
const PATIENCE: Duration = Duration::from_millis(100);

pub fn run(common: &Common) -> Result<Results> {
    // The tellers' panics are expected: keep their reports off the terminal.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let expected = info.payload().downcast_ref::<&str>();
        if expected.is_none_or(|message| !message.starts_with("the teller fainted")) {
            previous_hook(info);
        }
    }));
    let mut results = Results::new();
    let ((poisoned, seen), cost) = measure(mutexes::std_after_a_panic);
    ensure!(
        poisoned && seen == 20,
        "std: poisoned {poisoned}, balance {seen}"
    );
    common.say(format!(
        "std::sync::Mutex after a panic: lock() is Err (poisoned: {poisoned}); into_inner() still gives {seen}"
    ));
    results
        .push("mutexes", "std, after a panic", cost.wall)
        .with("balance inside", seen)
        .with(
            "next lock()",
            if poisoned { "Err (poisoned)" } else { "Ok" },
        );
    let (seen, cost) = measure(mutexes::parking_lot_after_a_panic);
    ensure!(seen == 20, "parking_lot: balance {seen}");
    common.say(format!(
        "parking_lot::Mutex after a panic: lock() just works and sees {seen}"
    ));
    results
        .push("mutexes", "parking_lot, after a panic", cost.wall)
        .with("balance inside", seen)
        .with("next lock()", "Ok");
    let patience = common.scale.duration(PATIENCE);
    let (answer, cost) = measure(|| mutexes::wait_at_most(patience));
    ensure!(answer.is_none(), "try_lock_for got a held lock: {answer:?}");
    common.say(format!(
        "parking_lot try_lock_for({}) while another thread holds the lock: {answer:?}, after {}",
        format_duration(patience),
        format_duration(cost.wall)
    ));
    for (name, bytes) in mutexes::sizes() {
        common.say(format!("size_of::<{name}>() = {bytes}"));
    }
    Ok(results)
}
