// Listing: breaking the deadlock with timeouts, `try_lock_for`.
//
// A thread that waits at most a while for its second lock, and lets go of
// its first when the wait ends, gives up what it holds: that breaks "no
// preemption" (and, while it backs off, "hold and wait"). This file shows
// Python's version (give up for good), then retrying, where two threads
// that back off by the same amount can keep colliding forever (a livelock),
// and random back-off (jitter) that separates them.
//
// This file is a module of the `deadlock` lab *and* a complete program the
// book compiles and runs on its own (see `main` at the bottom).

extern crate parking_lot;

use std::sync::Barrier;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use parking_lot::Mutex;

/// How one thread's attempt at "take both locks" ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It held both locks and did its work.
    Finished,
    /// It stopped trying: its work was never done.
    GaveUp,
}

// ANCHOR: give_up
/// Python's fix: each thread waits at most `timeout` for its second lock;
/// when the wait runs out it releases its first lock and gives up.
///
/// The wait that started first runs out first. In the Python run thread 2
/// gave up and thread 1 then got its lock, so thread 2 started waiting
/// first; here thread 1 asks half a timeout after thread 2, which makes
/// that order certain instead of likely. Returns the outcomes of thread 1
/// (A then B) and thread 2 (B then A).
pub fn give_up_after_timeout(
    lock_a: &Mutex<()>,
    lock_b: &Mutex<()>,
    timeout: Duration,
) -> [Outcome; 2] {
    let both_hold_one = Barrier::new(2);
    let attempt = |first: &Mutex<()>, second: &Mutex<()>, ask_after: Duration| {
        let _first = first.lock();
        both_hold_one.wait();
        thread::sleep(ask_after);
        match second.try_lock_for(timeout) {
            Some(_second) => Outcome::Finished, // ... the work would go here
            None => Outcome::GaveUp,            // `_first` is released on return
        }
    };
    thread::scope(|s| {
        let one = s.spawn(|| attempt(lock_a, lock_b, timeout / 2));
        let two = s.spawn(|| attempt(lock_b, lock_a, Duration::ZERO));
        [one.join().unwrap(), two.join().unwrap()]
    })
}
// ANCHOR_END: give_up

/// How long a thread waits, in slots, before its next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backoff {
    /// Always one slot: the textbook way to collide again.
    Same,
    /// One to four slots, drawn from a small random generator seeded with
    /// this number (seeded, so every run of the lab tells the same story).
    Jitter(u64),
}

/// What one thread did in [`retry_in_lockstep`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retries {
    pub outcome: Outcome,
    /// How many times it took its first lock and asked for the second.
    pub attempts: u32,
}

/// A xorshift generator: enough randomness to pick a back-off.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

// ANCHOR: retry
/// Two threads want locks A and B in opposite orders; each retries after a
/// timed-out attempt, up to `max_attempts` times.
///
/// Time runs in slots that both threads step through together (three
/// barriers per slot), which makes the worst case certain instead of
/// likely: in a slot where both try, both take their first lock before
/// either asks for its second, and neither lets go until both have timed
/// out. With the same back-off they try in the same slots forever; with
/// jitter, sooner or later one tries alone and gets both locks at once.
pub fn retry_in_lockstep(
    lock_a: &Mutex<()>,
    lock_b: &Mutex<()>,
    timeout: Duration,
    max_attempts: u32,
    backoff: [Backoff; 2],
) -> [Retries; 2] {
    let slot_phase = Barrier::new(2);
    let still_trying = AtomicUsize::new(2);
    let run = |first: &Mutex<()>, second: &Mutex<()>, backoff: Backoff| {
        let mut dice = Dice(match backoff {
            Backoff::Jitter(seed) => seed.max(1),
            Backoff::Same => 1,
        });
        let mut me = Retries {
            outcome: Outcome::GaveUp,
            attempts: 0,
        };
        let (mut slot, mut next_try, mut done) = (0u32, 0u32, false);
        loop {
            let trying = !done && slot == next_try;
            let first_guard = trying.then(|| first.lock()); // phase 1: first lock
            slot_phase.wait();
            let second_guard = first_guard
                .as_ref()
                .and_then(|_| second.try_lock_for(timeout)); // phase 2: second lock
            slot_phase.wait();
            if trying {
                me.attempts += 1;
                if second_guard.is_some() {
                    me.outcome = Outcome::Finished; // ... the work would go here
                } else if me.attempts < max_attempts {
                    next_try = slot
                        + 1
                        + match backoff {
                            Backoff::Same => 1,
                            Backoff::Jitter(_) => 1 + dice.roll(4) as u32,
                        };
                }
                done = me.outcome == Outcome::Finished || me.attempts == max_attempts;
                if done {
                    still_trying.fetch_sub(1, Ordering::SeqCst);
                }
            }
            drop((second_guard, first_guard)); // phase 3: let go
            slot_phase.wait();
            if still_trying.load(Ordering::SeqCst) == 0 {
                return me;
            }
            slot += 1;
        }
    };
    thread::scope(|s| {
        let one = s.spawn(|| run(lock_a, lock_b, backoff[0]));
        let two = s.spawn(|| run(lock_b, lock_a, backoff[1]));
        [one.join().unwrap(), two.join().unwrap()]
    })
}
// ANCHOR_END: retry

/// The seeds the lab uses for the two threads' jitter.
pub const JITTER_SEEDS: [u64; 2] = [0x5eed_0001, 0x5eed_0002];

/// A small run of the listing: the Python fix lets one thread finish; the
/// same back-off livelocks until the attempts run out; jitter finishes both.
pub fn main() {
    let (lock_a, lock_b) = (Mutex::new(()), Mutex::new(()));
    let timeout = Duration::from_millis(20);

    // Thread 2 gives up and thread 1 then gets lock B, unless the machine
    // delays a thread by more than half a timeout (the lab's test checks the
    // order with a longer timeout). Both can never finish.
    let outcomes = give_up_after_timeout(&lock_a, &lock_b, timeout);
    println!("give up after {timeout:?}: {outcomes:?}");
    assert!(outcomes.contains(&Outcome::GaveUp), "{outcomes:?}");

    let same = retry_in_lockstep(&lock_a, &lock_b, timeout, 5, [Backoff::Same; 2]);
    println!("same back-off: {same:?}");
    assert!(
        same.iter()
            .all(|r| r.outcome == Outcome::GaveUp && r.attempts == 5)
    );

    let jitter = JITTER_SEEDS.map(Backoff::Jitter);
    let jittered = retry_in_lockstep(&lock_a, &lock_b, timeout, 5, jitter);
    println!("jitter: {jittered:?}");
    assert!(jittered.iter().all(|r| r.outcome == Outcome::Finished));
}
