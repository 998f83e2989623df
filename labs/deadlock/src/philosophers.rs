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

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// The exit status when the watchdog finds the philosophers stuck (the
/// same as the two-lock experiment's).
pub const DEADLOCK_EXIT_CODE: i32 = 3;

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

/// The forks, what each philosopher is doing and how often each has eaten.
pub struct Table {
    pub forks: Vec<Mutex<()>>,
    doing: Vec<Mutex<Doing>>,
    meals: Vec<AtomicU32>,
}

impl Table {
    pub fn new(seats: usize) -> Table {
        Table {
            forks: (0..seats).map(|_| Mutex::new(())).collect(),
            doing: (0..seats).map(|_| Mutex::new(Doing::Thinking)).collect(),
            meals: (0..seats).map(|_| AtomicU32::new(0)).collect(),
        }
    }

    fn note(&self, seat: usize, doing: Doing) {
        *self.doing[seat].lock() = doing;
    }

    /// How many times each philosopher has eaten.
    pub fn meals(&self) -> Vec<u32> {
        self.meals
            .iter()
            .map(|m| m.load(Ordering::SeqCst))
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
                    table.note(
                        seat,
                        Doing::Waiting {
                            holding: None,
                            fork: first,
                        },
                    );
                    let _first = table.forks[first].lock();
                    table.note(
                        seat,
                        Doing::Waiting {
                            holding: Some(first),
                            fork: second,
                        },
                    );
                    thread::sleep(reach);
                    let _second = table.forks[second].lock();
                    table.note(seat, Doing::Eating);
                    thread::sleep(eat);
                    table.meals[seat].fetch_add(1, Ordering::SeqCst);
                    table.note(seat, Doing::Thinking);
                }
            });
        }
    });
}
// ANCHOR_END: dine

/// Watches the table from a thread of its own: if nobody eats for
/// `patience`, it calls `give_up`, which must end the process (the
/// philosophers can be neither woken nor joined). Stop it with the
/// returned flag once `dine` has returned.
pub fn start_watchdog(
    table: Arc<Table>,
    patience: Duration,
    give_up: impl FnOnce(&Table) + Send + 'static,
) -> Arc<AtomicBool> {
    let finished = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&finished);
    thread::spawn(move || {
        let total = |table: &Table| table.meals().iter().map(|&m| u64::from(m)).sum::<u64>();
        let mut last_seen = total(&table);
        let mut last_change = Instant::now();
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(10));
            let now_seen = total(&table);
            if now_seen != last_seen {
                (last_seen, last_change) = (now_seen, Instant::now());
            } else if last_change.elapsed() >= patience {
                give_up(&table);
                return;
            }
        }
    });
    finished
}

/// The watchdog's words for the meals so far: "every philosopher had eaten
/// 3 time(s)" when the counts agree, else every count in seat order.
pub fn meals_so_far(meals: &[u32]) -> String {
    match meals.split_first() {
        Some((first, rest)) if rest.iter().all(|m| m == first) => {
            format!("every philosopher had eaten {first} time(s)")
        }
        _ => format!("the philosophers had eaten {meals:?} time(s), seat by seat"),
    }
}

/// What the lab's watchdog does when nobody eats any more: print where each
/// philosopher stands and end the process with [`DEADLOCK_EXIT_CODE`].
pub fn report_and_exit(table: &Table, patience: Duration) -> ! {
    println!(
        "watchdog: nobody ate for {:.1} s; meals so far: {:?}",
        patience.as_secs_f64(),
        table.meals()
    );
    for line in table.standings() {
        println!("  {line}");
    }
    println!("watchdog: deadlock; ending the process (exit status {DEADLOCK_EXIT_CODE})");
    let _ = std::io::stdout().flush();
    std::process::exit(DEADLOCK_EXIT_CODE)
}

/// A small run of the listing with the solution: 5 philosophers, 20 rounds,
/// lower fork first. Everyone eats exactly 20 times.
pub fn main() {
    let table = Arc::new(Table::new(5));
    let patience = Duration::from_secs(10);
    let finished = start_watchdog(Arc::clone(&table), patience, move |table| {
        report_and_exit(table, patience)
    });
    let reach = Duration::from_micros(200);
    dine(&table, 20, lower_first, reach, reach);
    finished.store(true, Ordering::SeqCst);
    println!("meals: {:?}", table.meals());
    assert_eq!(table.meals(), vec![20; 5]);
}
