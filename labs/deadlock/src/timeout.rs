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
//
// Longer than the lab's usual 300 lines, for a reason: the staged programs
// (the book's listings), the slot clock that stages them and the unstaged
// programs the lab runs many times share their types, and a listing
// compiles as a program of its own, so they share one file.

extern crate parking_lot;

use std::sync::Barrier;
use std::thread;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

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

/// The same two threads with nothing staged (the lab's `timeout-runs`): no
/// barrier and no stagger. Each takes its first lock, holds it for `pause`,
/// then waits at most `timeout` for its second. Who gives up is left to
/// timing.
pub fn give_up_unstaged(
    lock_a: &Mutex<()>,
    lock_b: &Mutex<()>,
    pause: Duration,
    timeout: Duration,
) -> [Outcome; 2] {
    let attempt = |first: &Mutex<()>, second: &Mutex<()>| {
        let _first = first.lock();
        thread::sleep(pause);
        match second.try_lock_for(timeout) {
            Some(_second) => Outcome::Finished,
            None => Outcome::GaveUp,
        }
    };
    thread::scope(|s| {
        let one = s.spawn(|| attempt(lock_a, lock_b));
        let two = s.spawn(|| attempt(lock_b, lock_a));
        [one.join().unwrap(), two.join().unwrap()]
    })
}

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
    fn new(backoff: Backoff) -> Dice {
        Dice(match backoff {
            Backoff::Jitter(seed) => seed.max(1),
            Backoff::Same => 1,
        })
    }

    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }

    /// How many slots to sit out after a failed attempt.
    fn backoff(&mut self, backoff: Backoff) -> u32 {
        match backoff {
            Backoff::Same => 1,                            // like the other thread
            Backoff::Jitter(_) => 1 + self.roll(4) as u32, // one to four slots
        }
    }
}

// ANCHOR: retry
/// One retrying thread: take `first`, wait at most `timeout` for `second`,
/// let go of both; after a failed attempt sit out the back-off, then try
/// again, up to `max_attempts` times.
pub fn keep_trying(
    slots: &Slots,
    [first, second]: [&Mutex<()>; 2],
    timeout: Duration,
    max_attempts: u32,
    backoff: Backoff,
) -> Retries {
    let mut dice = Dice::new(backoff);
    for attempts in 1..=max_attempts {
        if slots.try_both(first, second, timeout) {
            // ... the work would go here, holding both locks
            return Retries {
                outcome: Outcome::Finished,
                attempts,
            };
        }
        slots.sit_out(dice.backoff(backoff));
    }
    Retries {
        outcome: Outcome::GaveUp,
        attempts: max_attempts,
    }
}
// ANCHOR_END: retry

// ANCHOR: slots
impl Slots {
    /// One slot in which this thread tries: every thread that tries takes
    /// its first lock before any asks for its second, and none lets go
    /// before all have had their answer. Returns whether it got both.
    pub fn try_both(&self, first: &Mutex<()>, second: &Mutex<()>, timeout: Duration) -> bool {
        let first_guard = first.lock();
        self.step(); // everyone holds their first lock
        let second_guard = second.try_lock_for(timeout);
        self.step(); // everyone has their answer
        let got_both = second_guard.is_some();
        drop((second_guard, first_guard));
        self.step(); // everyone has let go
        got_both
    }
}
// ANCHOR_END: slots

/// The clock of [`retry_in_lockstep`]: time runs in slots of three steps
/// that every thread still trying takes together, like a `Barrier` that a
/// thread can leave (Java calls it a phaser) once it has finished or given up.
pub struct Slots {
    gate: Mutex<Gate>,
    turn: Condvar,
}

struct Gate {
    threads: usize,
    arrived: usize,
    generation: u64,
}

impl Slots {
    pub fn new(threads: usize) -> Slots {
        Slots {
            gate: Mutex::new(Gate {
                threads,
                arrived: 0,
                generation: 0,
            }),
            turn: Condvar::new(),
        }
    }

    /// Waits until every thread still in the lockstep has arrived here too.
    fn step(&self) {
        let mut gate = self.gate.lock();
        let generation = gate.generation;
        gate.arrived += 1;
        if gate.arrived >= gate.threads {
            self.open(&mut gate);
        } else {
            while gate.generation == generation {
                self.turn.wait(&mut gate);
            }
        }
    }

    fn open(&self, gate: &mut Gate) {
        gate.arrived = 0;
        gate.generation += 1;
        self.turn.notify_all();
    }

    /// Lets `slots` slots go by without trying.
    pub fn sit_out(&self, slots: u32) {
        for _ in 0..3 * slots {
            self.step();
        }
    }

    /// Leaves the lockstep: the others stop waiting for this thread.
    pub fn leave(&self) {
        let mut gate = self.gate.lock();
        gate.threads -= 1;
        if gate.threads > 0 && gate.arrived >= gate.threads {
            self.open(&mut gate);
        }
    }
}

/// Two threads want locks A and B in opposite orders; each retries after a
/// timed-out attempt, up to `max_attempts` times, in lockstep [`Slots`].
///
/// The lockstep makes the worst case certain instead of likely: in a slot
/// where both try, both take their first lock before either asks for its
/// second, and neither lets go until both have timed out. With the same
/// back-off they try in the same slots until the attempts run out; with
/// jitter, sooner or later one tries alone and gets both locks at once.
pub fn retry_in_lockstep(
    lock_a: &Mutex<()>,
    lock_b: &Mutex<()>,
    timeout: Duration,
    max_attempts: u32,
    backoff: [Backoff; 2],
) -> [Retries; 2] {
    let slots = Slots::new(2);
    let run = |locks: [&Mutex<()>; 2], backoff: Backoff| {
        let retries = keep_trying(&slots, locks, timeout, max_attempts, backoff);
        slots.leave();
        retries
    };
    thread::scope(|s| {
        let one = s.spawn(|| run([lock_a, lock_b], backoff[0]));
        let two = s.spawn(|| run([lock_b, lock_a], backoff[1]));
        [one.join().unwrap(), two.join().unwrap()]
    })
}

/// The retrying threads with nothing staged (the lab's `timeout-runs`): no
/// slots. Each takes its first lock, holds it for `pause`, waits at most
/// `timeout` for its second and, after a failed attempt, sleeps its
/// back-off in timeouts (one, or one to four drawn with its seed).
pub fn retry_unstaged(
    lock_a: &Mutex<()>,
    lock_b: &Mutex<()>,
    pause: Duration,
    timeout: Duration,
    max_attempts: u32,
    backoff: [Backoff; 2],
) -> [Retries; 2] {
    let run = |first: &Mutex<()>, second: &Mutex<()>, backoff: Backoff| {
        let mut dice = Dice::new(backoff);
        for attempts in 1..=max_attempts {
            let first_guard = first.lock();
            thread::sleep(pause);
            if second.try_lock_for(timeout).is_some() {
                return Retries {
                    outcome: Outcome::Finished,
                    attempts,
                };
            }
            drop(first_guard);
            thread::sleep(timeout * dice.backoff(backoff));
        }
        Retries {
            outcome: Outcome::GaveUp,
            attempts: max_attempts,
        }
    };
    thread::scope(|s| {
        let one = s.spawn(|| run(lock_a, lock_b, backoff[0]));
        let two = s.spawn(|| run(lock_b, lock_a, backoff[1]));
        [one.join().unwrap(), two.join().unwrap()]
    })
}

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

    // Unstaged, who finishes is left to timing; the program always ends.
    let unstaged = give_up_unstaged(&lock_a, &lock_b, Duration::from_millis(1), timeout);
    println!("unstaged give-up: {unstaged:?}");
    let retried = retry_unstaged(
        &lock_a,
        &lock_b,
        Duration::from_millis(1),
        timeout,
        20,
        jitter,
    );
    println!("unstaged jitter: {retried:?}");
}
