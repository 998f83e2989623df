//! `timeout`: giving up after a timeout (the Python material's fix), then
//! retrying with the same back-off (a livelock) and with random back-off,
//! each staged so that its story is certain, timed with the method.

use std::time::Duration;

use anyhow::{Result, ensure};
use deadlock::timeout::{self, Backoff, Outcome, Retries};
use labkit::Common;
use labkit::bench::{Bench, Measured};
use labkit::timing::format_duration;
use parking_lot::Mutex;

use super::threads_where;

/// The variant the choosing report reads, and the Python material's fix.
pub const GIVE_UP: &str = "give up";
pub const SAME: &str = "retry, same back-off";
pub const JITTER: &str = "retry, random back-off";

pub fn run(common: &Common, timeout: Duration, attempts: u32) -> Result<()> {
    let timeout = common.scale.duration(timeout);
    common.say(format!(
        "Thread 1 wants lock A then B, thread 2 lock B then A; each waits at most {} for its second.",
        format_duration(timeout)
    ));
    common.say(format!(
        "give up: thread 2 asks for its second lock first, thread 1 {} later (as in Python's run).",
        format_duration(timeout / 2)
    ));
    common.say(format!(
        "retry: up to {attempts} attempts each, in time slots both threads step through together."
    ));
    let (lock_a, lock_b) = (Mutex::new(()), Mutex::new(()));
    let (a, b) = (&lock_a, &lock_b);
    let mut bench = Bench::new("timeout", common);
    bench.variant(GIVE_UP, move || {
        timeout::give_up_after_timeout(a, b, timeout).map(|outcome| Retries {
            outcome,
            attempts: 1,
        })
    });
    bench.variant(SAME, move || {
        timeout::retry_in_lockstep(a, b, timeout, attempts, [Backoff::Same; 2])
    });
    let jitter = timeout::JITTER_SEEDS.map(Backoff::Jitter);
    bench.variant(JITTER, move || {
        timeout::retry_in_lockstep(a, b, timeout, attempts, jitter)
    });
    let run = bench.run(|variant, retries: &[Retries; 2]| check(variant, retries, attempts))?;
    let results = run.results_with(|measured, row| {
        row.with("finished", in_every_round(measured, Outcome::Finished))
            .with("gave up", in_every_round(measured, Outcome::GaveUp))
            .with(
                "attempts",
                measured
                    .median_value()
                    .iter()
                    .map(|r| r.attempts)
                    .sum::<u32>(),
            );
    });
    results.print(common)
}

/// What each variant may end with. The lockstep makes the retries certain;
/// giving up can end with both giving up if the machine delays thread 1 by
/// half a timeout, but never with both finished.
fn check(variant: &str, retries: &[Retries; 2], attempts: u32) -> Result<()> {
    let outcomes = retries.map(|r| r.outcome);
    match variant {
        GIVE_UP => ensure!(
            outcomes.contains(&Outcome::GaveUp),
            "both threads finished, though each waited for a lock the other held"
        ),
        SAME => ensure!(
            retries
                .iter()
                .all(|r| r.outcome == Outcome::GaveUp && r.attempts == attempts),
            "in lockstep with the same back-off every attempt collides, but: {retries:?}"
        ),
        _ => ensure!(
            outcomes == [Outcome::Finished; 2],
            "with seeded jitter both threads finish, but: {retries:?}"
        ),
    }
    Ok(())
}

/// `thread 1`, `both`, `nobody`... when every round agrees; otherwise each
/// round's answer, so that a round that went differently shows.
fn in_every_round(measured: &Measured<[Retries; 2]>, wanted: Outcome) -> String {
    let per_round: Vec<String> = measured
        .values
        .iter()
        .map(|retries| {
            let who = threads_where(retries, |r| r.outcome == wanted);
            if who == "thread 1, thread 2" {
                "both".to_string()
            } else {
                who
            }
        })
        .collect();
    if per_round.iter().all(|who| *who == per_round[0]) {
        per_round[0].clone()
    } else {
        per_round.join(" / ")
    }
}
