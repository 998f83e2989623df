// Listing (and exercise): the dining philosophers.
//
// Five philosophers sit at a round table with one fork between each pair of
// neighbours. To eat, a philosopher needs both forks beside them. Each fork
// is a lock, each philosopher a thread, and every philosopher eats `rounds`
// times. Picking up the left fork first, as everyone naturally does, lets
// all five hold a left fork and wait forever for a right one.
//
// This file is a module of the `deadlock` lab *and* a complete program the
// book compiles and runs on its own (see `main` at the bottom).

extern crate parking_lot;

use std::sync::Barrier;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};

/// Which fork a philosopher picks up first, and which second.
pub type ForkOrder = fn(seat: usize, seats: usize) -> (usize, usize);

// ANCHOR: starter
/// Philosopher `seat` has fork `seat` on the left and fork `seat + 1` on the
/// right (the last philosopher's right fork is fork 0). Left first.
pub fn left_then_right(seat: usize, seats: usize) -> (usize, usize) {
    let left = seat;
    let right = (seat + 1) % seats;
    (left, right)
}
// ANCHOR_END: starter

// ANCHOR: solution
/// The lower-numbered fork first. Forks are now taken in one global order,
/// so no cycle of waiting can close: the last philosopher reaches for fork
/// 0 first, like their neighbour, and one of them always gets both forks.
pub fn lower_first(seat: usize, seats: usize) -> (usize, usize) {
    let (left, right) = left_then_right(seat, seats);
    (left.min(right), left.max(right))
}
// ANCHOR_END: solution

/// What a philosopher is doing, as the watchdog reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    Thinking,
    /// Waiting for `fork`, holding `holding` (if any).
    Waiting {
        holding: Option<usize>,
        fork: usize,
    },
    Eating,
}

/// The forks, what each philosopher is doing, how often each has eaten and
/// how long each has waited for forks.
pub struct Table {
    pub forks: Vec<Mutex<()>>,
    doing: Vec<Mutex<Doing>>,
    meals: Vec<AtomicU32>,
    waited_ns: Vec<AtomicU64>,
}

impl Table {
    pub fn new(seats: usize) -> Table {
        Table {
            forks: (0..seats).map(|_| Mutex::new(())).collect(),
            doing: (0..seats).map(|_| Mutex::new(Doing::Thinking)).collect(),
            meals: (0..seats).map(|_| AtomicU32::new(0)).collect(),
            waited_ns: (0..seats).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Philosopher `seat` picks up `fork` (holding `holding`, if any),
    /// waiting as long as it takes; the wait is written down.
    pub fn pick_up(&self, seat: usize, fork: usize, holding: Option<usize>) -> MutexGuard<'_, ()> {
        *self.doing[seat].lock() = Doing::Waiting { holding, fork };
        let asked = Instant::now();
        let guard = self.forks[fork].lock();
        let waited = asked.elapsed().as_nanos() as u64;
        self.waited_ns[seat].fetch_add(waited, Ordering::SeqCst);
        guard
    }

    /// Philosopher `seat`, holding both forks, eats for `eat` and counts the meal.
    pub fn eat(&self, seat: usize, eat: Duration) {
        *self.doing[seat].lock() = Doing::Eating;
        thread::sleep(eat);
        self.meals[seat].fetch_add(1, Ordering::SeqCst);
        *self.doing[seat].lock() = Doing::Thinking;
    }

    /// How many times each philosopher has eaten.
    pub fn meals(&self) -> Vec<u32> {
        self.meals
            .iter()
            .map(|m| m.load(Ordering::SeqCst))
            .collect()
    }

    /// How long each philosopher has waited for forks, in all.
    pub fn waited(&self) -> Vec<Duration> {
        self.waited_ns
            .iter()
            .map(|w| Duration::from_nanos(w.load(Ordering::SeqCst)))
            .collect()
    }

    /// One line per philosopher who holds or waits for a fork.
    pub fn standings(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (seat, doing) in self.doing.iter().enumerate() {
            match *doing.lock() {
                Doing::Waiting {
                    holding: Some(held),
                    fork,
                } => lines.push(format!(
                    "philosopher {seat} holds fork {held} and waits for fork {fork}"
                )),
                Doing::Waiting {
                    holding: None,
                    fork,
                } => lines.push(format!("philosopher {seat} waits for fork {fork}")),
                Doing::Eating => lines.push(format!("philosopher {seat} is eating")),
                Doing::Thinking => {}
            }
        }
        lines
    }
}

// ANCHOR: dine
/// Every philosopher eats `rounds` times, taking forks in `order`.
///
/// Each round starts for everyone at once (a barrier), and reaching for
/// the second fork takes `reach`: together they make the unlucky moment,
/// when all five hold their first fork, likely in every round instead of
/// once in a blue moon.
pub fn dine(table: &Table, rounds: u32, order: ForkOrder, reach: Duration, eat: Duration) {
    let seats = table.forks.len();
    let round_starts = Barrier::new(seats);
    thread::scope(|s| {
        for seat in 0..seats {
            let round_starts = &round_starts;
            s.spawn(move || {
                let (first, second) = order(seat, seats);
                for _ in 0..rounds {
                    round_starts.wait();
                    let _first = table.pick_up(seat, first, None);
                    thread::sleep(reach);
                    let _second = table.pick_up(seat, second, Some(first));
                    table.eat(seat, eat);
                } // both forks go down here, where the guards are dropped
            });
        }
    });
}
// ANCHOR_END: dine

/// A small run of the listing with the solution: 5 philosophers, 20 rounds,
/// lower fork first. Everyone eats exactly 20 times.
pub fn main() {
    let table = Table::new(5);
    let reach = Duration::from_micros(200);
    dine(&table, 20, lower_first, reach, reach);
    println!("meals: {:?}", table.meals());
    assert_eq!(table.meals(), vec![20; 5]);
    assert!(table.standings().is_empty(), "everyone is thinking again");
}
