// Listing: two threads take two locks in opposite orders, and a watchdog
// reports who holds what instead of letting the program hang.
//
// This file is a module of the `deadlock` lab *and* a complete program the
// book compiles and runs on its own (see `main` at the bottom). Its `main`
// never deadlocks: the deadlock itself runs only in the lab binary, where
// the watchdog ends the process.

extern crate parking_lot;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread::{self, JoinHandle, Scope, ThreadId};
use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};

/// The exit status of a run that a watchdog or the detector ended because
/// the program deadlocked (1 is a runtime error, 2 a bad argument).
pub const DEADLOCK_EXIT_CODE: i32 = 3;

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

// ANCHOR: watchdog
/// Watches a board from a thread of its own. If no lock changes hands for
/// `patience` (and the work has not finished), it calls `give_up` with the
/// board. `give_up` must end the process: deadlocked threads can be neither
/// woken nor joined, so `std::process::exit` is the only way out.
pub fn start_watchdog(
    board: Arc<Board>,
    patience: Duration,
    give_up: impl FnOnce(&Board) + Send + 'static,
) -> Watchdog {
    let finished = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&finished);
    let handle = thread::spawn(move || {
        let mut last_seen = board.progress();
        let mut last_change = Instant::now();
        while !stop.load(Ordering::SeqCst) {
            thread::sleep(Duration::from_millis(10));
            let now_seen = board.progress();
            if now_seen != last_seen {
                (last_seen, last_change) = (now_seen, Instant::now());
            } else if last_change.elapsed() >= patience {
                give_up(&board);
                return;
            }
        }
    });
    Watchdog { finished, handle }
}
// ANCHOR_END: watchdog

/// A running watchdog; [`Watchdog::finish`] stops it when the work is done.
pub struct Watchdog {
    finished: Arc<AtomicBool>,
    handle: JoinHandle<()>,
}

impl Watchdog {
    pub fn finish(self) {
        self.finished.store(true, Ordering::SeqCst);
        let _ = self.handle.join();
    }
}

/// What the lab's watchdog does when it gives up: print what the threads
/// said and where each stands, then end the process with
/// [`DEADLOCK_EXIT_CODE`].
pub fn report_and_exit(board: &Board, patience: Duration) -> ! {
    for line in board.log() {
        println!("  {line}");
    }
    println!(
        "watchdog: no lock changed hands for {:.1} s; the threads stand like this:",
        patience.as_secs_f64()
    );
    for line in board.standings() {
        println!("  {line}");
    }
    println!("watchdog: deadlock; ending the process (exit status {DEADLOCK_EXIT_CODE})");
    let _ = std::io::stdout().flush();
    std::process::exit(DEADLOCK_EXIT_CODE)
}

// ANCHOR: detector
/// Asks parking_lot every `every` whether some threads wait for each other
/// in a cycle, and calls `found` with one description per cycle.
///
/// parking_lot records, for every thread parked on one of its locks, which
/// lock it waits for and which locks it holds, and finds cycles in that
/// graph. It reports each thread's `ThreadId` and a backtrace, but no lock
/// names: the names come from the board.
#[cfg(feature = "detect")]
pub fn start_detector(
    board: Arc<Board>,
    every: Duration,
    found: impl FnOnce(Vec<Vec<String>>) + Send + 'static,
) {
    thread::spawn(move || {
        loop {
            thread::sleep(every);
            let cycles = parking_lot::deadlock::check_deadlock();
            if cycles.is_empty() {
                continue;
            }
            let described = cycles
                .iter()
                .map(|cycle| {
                    let mut lines: Vec<String> = cycle
                        .iter()
                        .map(|deadlocked| {
                            let id = deadlocked.thread_id();
                            let frames = deadlocked.backtrace().frames().len();
                            let name = board.name_of(id).unwrap_or_else(|| format!("{id:?}"));
                            let standing = describe(&name, &board.standing(&name));
                            format!(
                                "{} [parking_lot: {id:?}, a backtrace of {frames} frames]",
                                standing.unwrap_or(name)
                            )
                        })
                        .collect();
                    lines.sort();
                    lines
                })
                .collect();
            found(described);
            return;
        }
    });
}
// ANCHOR_END: detector

/// A small run of the listing that cannot deadlock: thread 1 holds lock A
/// and waits for lock B, which `main` holds for a moment. While thread 1 is
/// stuck the board says exactly that; then `main` lets go and thread 1
/// finishes.
pub fn main() {
    let board = Board::new();
    let lock_a = NamedLock::new("lock A", &board);
    let lock_b = NamedLock::new("lock B", &board);
    let b_held_by_main = lock_b.lock();
    let watchdog = start_watchdog(Arc::clone(&board), Duration::from_secs(10), |board| {
        report_and_exit(board, Duration::from_secs(10))
    });
    thread::scope(|s| {
        spawn_named(s, "thread 1", || {
            let _a = lock_a.lock();
            let _b = lock_b.lock();
            board.note("thread 1 finished");
        });
        let deadline = Instant::now() + Duration::from_secs(5);
        while board.standing("thread 1").waits_for != Some("lock B") {
            assert!(Instant::now() < deadline, "thread 1 never asked for lock B");
            thread::sleep(Duration::from_millis(1));
        }
        let stuck = board.standings();
        println!("while main holds lock B: {stuck:?}");
        assert!(stuck.contains(&"thread 1 holds lock A and waits for lock B".to_string()));
        drop(b_held_by_main);
    });
    watchdog.finish();
    println!("then: {:?}", board.log());
    assert!(board.log().contains(&"thread 1 finished".to_string()));
    assert!(board.standings().is_empty(), "every lock was released");

    // `let _ =` releases at once, whatever the guard type.
    assert!(underscore_on_parking_lot(&Mutex::new(())));
    assert!(underscore_on_named_lock(&lock_a));
    assert!(board.standings().is_empty(), "and tells the board so");
}
