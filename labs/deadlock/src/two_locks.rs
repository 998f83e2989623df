// Listing: two threads take two locks in opposite orders, on named locks
// that write down who holds what, so that a watchdog (watchdog.rs) can say
// where each thread stands instead of letting the program hang.
//
// This file is a module of the `deadlock` lab *and* a complete program the
// book compiles and runs on its own (see `main` at the bottom). Its `main`
// never deadlocks: the deadlock itself runs only in the lab binary, where
// the watchdog ends the process.
//
// Longer than the lab's usual 300 lines, for a reason: the board, its named
// locks and every program that runs on them (forced, unstaged, detected)
// must share one file, since each listing compiles as a program of its own
// and cannot reach another listing's types.

extern crate parking_lot;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::{self, Scope, ThreadId};
use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};

/// Where one thread stands: the locks it holds, the one it waits for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Standing {
    pub holds: Vec<&'static str>,
    pub waits_for: Option<&'static str>,
    id: Option<ThreadId>,
}

// ANCHOR: board
/// The notes a watchdog reads when the program stops moving: which thread
/// holds which lock and which lock it waits for.
///
/// A deadlocked thread cannot explain itself afterwards, so every
/// [`NamedLock`] writes here *before* it starts waiting and *after* it gets
/// the lock. Threads are known by the names they were spawned with.
#[derive(Default)]
pub struct Board {
    standings: Mutex<BTreeMap<String, Standing>>,
    log: Mutex<Vec<String>>,
    /// Bumped every time a lock changes hands: the watchdog's sign of life.
    progress: AtomicU64,
}
// ANCHOR_END: board

impl Board {
    pub fn new() -> Arc<Board> {
        Arc::new(Board::default())
    }

    fn waiting(&self, thread: &str, lock: &'static str) {
        let mut standings = self.standings.lock();
        let standing = standings.entry(thread.to_string()).or_default();
        standing.waits_for = Some(lock);
        standing.id = Some(thread::current().id());
    }

    fn acquired(&self, thread: &str, lock: &'static str) {
        let mut standings = self.standings.lock();
        let standing = standings.entry(thread.to_string()).or_default();
        standing.waits_for = None;
        standing.holds.push(lock);
        drop(standings);
        self.note(format!("{thread} acquired {lock}"));
        self.progress.fetch_add(1, Ordering::SeqCst);
    }

    fn released(&self, thread: &str, lock: &'static str) {
        let mut standings = self.standings.lock();
        if let Some(standing) = standings.get_mut(thread) {
            standing.holds.retain(|held| *held != lock);
        }
        drop(standings);
        self.progress.fetch_add(1, Ordering::SeqCst);
    }

    /// Adds a line to what the threads said (printed sorted, so the output
    /// does not depend on which thread ran first).
    pub fn note(&self, line: impl Into<String>) {
        self.log.lock().push(line.into());
    }

    /// What the threads said, sorted.
    pub fn log(&self) -> Vec<String> {
        let mut log = self.log.lock().clone();
        log.sort();
        log
    }

    /// How many times a lock has changed hands so far.
    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::SeqCst)
    }

    /// Where `thread` stands now.
    pub fn standing(&self, thread: &str) -> Standing {
        self.standings
            .lock()
            .get(thread)
            .cloned()
            .unwrap_or_default()
    }

    /// The name of the thread whose id is `id`, if it ever touched a lock.
    pub fn name_of(&self, id: ThreadId) -> Option<String> {
        self.standings
            .lock()
            .iter()
            .find(|(_, standing)| standing.id == Some(id))
            .map(|(name, _)| name.clone())
    }

    /// One line per thread that holds or waits for a lock, sorted by name:
    /// `thread 1 holds lock A and waits for lock B`.
    pub fn standings(&self) -> Vec<String> {
        self.standings
            .lock()
            .iter()
            .filter_map(|(name, standing)| describe(name, standing))
            .collect()
    }
}

impl Board {
    /// Do the threads on the board wait in a circle, each for a lock that
    /// the next one holds? With plain `lock()` calls (no timeouts) that is a
    /// deadlock for certain: the board writes "holds" only once a lock is
    /// taken and "waits for" just before a thread blocks.
    pub fn in_a_cycle(&self) -> bool {
        let standings = self.standings.lock();
        let holder = |lock: &str| {
            standings
                .iter()
                .find(|(_, s)| s.holds.contains(&lock))
                .map(|(name, _)| name)
        };
        standings.keys().any(|start| {
            let mut at = start;
            for _ in 0..standings.len() {
                let Some(next) = standings[at].waits_for.and_then(holder) else {
                    return false;
                };
                if next == start {
                    return true;
                }
                at = next;
            }
            false
        })
    }
}

fn describe(name: &str, standing: &Standing) -> Option<String> {
    let holds = if standing.holds.is_empty() {
        "holds nothing".to_string()
    } else {
        format!("holds {}", standing.holds.join(" and "))
    };
    match standing.waits_for {
        Some(lock) => Some(format!("{name} {holds} and waits for {lock}")),
        None if !standing.holds.is_empty() => Some(format!("{name} {holds}")),
        None => None,
    }
}

// ANCHOR: named_lock
/// A `parking_lot::Mutex` with a name, which tells a [`Board`] who holds it
/// and who waits for it. It costs two extra short critical sections per
/// `lock()`: a price for a lab, not for a hot path.
pub struct NamedLock {
    name: &'static str,
    mutex: Mutex<()>,
    board: Arc<Board>,
}

impl NamedLock {
    pub fn new(name: &'static str, board: &Arc<Board>) -> NamedLock {
        NamedLock {
            name,
            mutex: Mutex::new(()),
            board: Arc::clone(board),
        }
    }

    pub fn lock(&self) -> NamedGuard<'_> {
        let me = current_thread_name();
        self.board.waiting(&me, self.name); // written down before we block
        let guard = self.mutex.lock();
        self.board.acquired(&me, self.name);
        NamedGuard {
            lock: self,
            thread: me,
            _guard: guard,
        }
    }
}
// ANCHOR_END: named_lock

/// Holds a [`NamedLock`]; dropping it releases the lock and tells the board.
#[must_use = "if unused the lock is released at once"]
pub struct NamedGuard<'a> {
    lock: &'a NamedLock,
    thread: String,
    _guard: MutexGuard<'a, ()>,
}

impl Drop for NamedGuard<'_> {
    fn drop(&mut self) {
        self.lock.board.released(&self.thread, self.lock.name);
    }
}

fn current_thread_name() -> String {
    thread::current()
        .name()
        .unwrap_or("unnamed thread")
        .to_string()
}

/// Spawns a scoped thread with a name, so the board can say who is stuck.
pub fn spawn_named<'scope, 'env, T: Send + 'scope>(
    scope: &'scope Scope<'scope, 'env>,
    name: &str,
    body: impl FnOnce() -> T + Send + 'scope,
) -> thread::ScopedJoinHandle<'scope, T> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn_scoped(scope, body)
        .expect("the OS refused to start a thread")
}

// ANCHOR: opposite_orders
/// Thread 1 takes lock A then lock B; thread 2 takes lock B then lock A.
///
/// The barrier makes the unlucky interleaving certain: neither thread asks
/// for its second lock until both hold their first. From then on each waits
/// for a lock the other will release only after getting the lock it waits
/// for. This function never returns; the watchdog ends the process.
pub fn opposite_orders(board: &Board, lock_a: &NamedLock, lock_b: &NamedLock) {
    let both_hold_one = Barrier::new(2);
    thread::scope(|s| {
        spawn_named(s, "thread 1", || {
            let _a = lock_a.lock();
            both_hold_one.wait();
            let _b = lock_b.lock(); // thread 2 holds B and wants A: wait forever
            board.note("thread 1 finished");
        });
        spawn_named(s, "thread 2", || {
            let _b = lock_b.lock();
            both_hold_one.wait();
            let _a = lock_a.lock(); // thread 1 holds A and wants B: wait forever
            board.note("thread 2 finished");
        });
    });
}
// ANCHOR_END: opposite_orders

// ANCHOR: unstaged
/// The Python program as it is, with no barrier: thread 1 takes `order_1`
/// (lock A, then lock B), thread 2 takes `order_2`, and each holds its first
/// lock for `pause` before it asks for the second (the Python program
/// prints there). Whether they deadlock is now a matter of timing.
pub fn unstaged(
    board: &Board,
    order_1: [&NamedLock; 2],
    order_2: [&NamedLock; 2],
    pause: Duration,
) {
    let run = |[first, second]: [&NamedLock; 2], me: &str| {
        let _first = first.lock();
        thread::sleep(pause);
        let _second = second.lock();
        board.note(format!("{me} finished"));
    };
    thread::scope(|s| {
        spawn_named(s, "thread 1", || run(order_1, "thread 1"));
        spawn_named(s, "thread 2", || run(order_2, "thread 2"));
    });
}
// ANCHOR_END: unstaged

// ANCHOR: underscore
/// `let _ =` on parking_lot's guard: rustc compiles it without a word, and
/// clippy refuses it (its `let_underscore_lock`, deny by default). The
/// `expect` makes `cargo clippy` fail the day clippy stops saying so.
#[expect(clippy::let_underscore_lock)]
pub fn underscore_on_parking_lot(lock: &Mutex<()>) -> bool {
    let _ = lock.lock(); // locked, and unlocked at the end of this line
    lock.try_lock().is_some() // so this finds it free
}

/// The same on this file's own guard type: neither rustc nor clippy warns.
pub fn underscore_on_named_lock(lock: &NamedLock) -> bool {
    let _ = lock.lock(); // locked, and unlocked at the end of this line
    lock.mutex.try_lock().is_some() // so this finds it free
}
// ANCHOR_END: underscore

// ANCHOR: detector
/// Asks parking_lot every `every` whether some threads wait for each other
/// in a cycle, and calls `found` with the cycles it reports.
///
/// parking_lot records, for every thread parked on one of its locks, which
/// lock it waits for and which locks it holds, and finds cycles in that
/// graph. For each thread in a cycle it gives a `ThreadId` and a backtrace
/// (here only its length), but no lock names: those come from the board.
#[cfg(feature = "detect")]
pub fn start_detector(every: Duration, found: impl FnOnce(Vec<Cycle>) + Send + 'static) {
    thread::spawn(move || {
        loop {
            thread::sleep(every);
            let cycles = parking_lot::deadlock::check_deadlock();
            if !cycles.is_empty() {
                let cycles = cycles.iter().map(|cycle| {
                    let ids = cycle
                        .iter()
                        .map(|t| (t.thread_id(), t.backtrace().frames().len()));
                    ids.collect()
                });
                return found(cycles.collect());
            }
        }
    });
}
// ANCHOR_END: detector

/// One cycle parking_lot found: each thread's id and the length of its backtrace.
pub type Cycle = Vec<(ThreadId, usize)>;

/// One line per thread of a cycle parking_lot found, sorted: where the
/// board says the thread stands, and what parking_lot says about it.
pub fn describe_cycle(board: &Board, cycle: &Cycle) -> Vec<String> {
    let mut lines: Vec<String> = cycle
        .iter()
        .map(|&(id, frames)| {
            let name = board.name_of(id).unwrap_or_else(|| format!("{id:?}"));
            let standing = describe(&name, &board.standing(&name)).unwrap_or(name);
            format!("{standing} [parking_lot: {id:?}, a backtrace of {frames} frames]")
        })
        .collect();
    lines.sort();
    lines
}

/// A small run of the listing that cannot deadlock: thread 1 holds lock A
/// and waits for lock B, which `main` holds for a moment. While thread 1 is
/// stuck the board says exactly that; then `main` lets go and thread 1
/// finishes. The same two threads unstaged, in one lock order, always finish.
pub fn main() {
    let board = Board::new();
    let lock_a = NamedLock::new("lock A", &board);
    let lock_b = NamedLock::new("lock B", &board);
    let b_held_by_main = lock_b.lock();
    thread::scope(|s| {
        spawn_named(s, "thread 1", || {
            let _a = lock_a.lock();
            let _b = lock_b.lock();
            board.note("thread 1 finished");
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while board.standing("thread 1").waits_for != Some("lock B") {
            assert!(Instant::now() < deadline, "thread 1 never asked for lock B");
            thread::sleep(Duration::from_millis(1));
        }
        let stuck = board.standings();
        println!("while main holds lock B: {stuck:?}");
        assert!(stuck.contains(&"thread 1 holds lock A and waits for lock B".to_string()));
        assert!(!board.in_a_cycle(), "main is not on the board: no cycle");
        drop(b_held_by_main);
    });
    println!("then: {:?}", board.log());
    assert!(board.log().contains(&"thread 1 finished".to_string()));
    assert!(board.standings().is_empty(), "every lock was released");

    unstaged(
        &board,
        [&lock_a, &lock_b],
        [&lock_a, &lock_b],
        Duration::from_micros(50),
    );
    assert!(
        board.standings().is_empty(),
        "one lock order: both finished"
    );

    // `let _ =` releases at once, whatever the guard type.
    assert!(underscore_on_parking_lot(&Mutex::new(())));
    assert!(underscore_on_named_lock(&lock_a));
    assert!(board.standings().is_empty(), "and tells the board so");
}
