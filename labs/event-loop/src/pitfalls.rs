// Listing: blocking the runtime, measured, and the cures.
//
// Five tasks each sleep 100 ms (`tokio::time::sleep`, the polite way) next
// to one task that holds the thread: `std::thread::sleep`, or a loop of CPU
// work. On a single-threaded runtime, like asyncio's one loop, nobody else
// runs until it lets go. This file is also a complete program (see `main`
// at the bottom).

extern crate rayon;
extern crate tokio;

use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;

/// What the sixth task does for `hold` while five others sleep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neighbour {
    /// `tokio::time::sleep(hold).await`: waits politely.
    AsyncSleep,
    /// `std::thread::sleep(hold)` inside the task: holds the thread.
    ThreadSleep,
    /// The same blocking sleep, moved to tokio's blocking pool.
    SpawnBlocking,
    /// CPU work for `hold` inside the task: holds the thread too.
    CpuWork,
    /// The same CPU work, sent to rayon's thread pool.
    CpuOnRayon,
}

impl Neighbour {
    /// Does this neighbour keep the runtime's one thread for the whole `hold`?
    pub fn holds_the_thread(self) -> bool {
        matches!(self, Neighbour::ThreadSleep | Neighbour::CpuWork)
    }
}

// ANCHOR: neighbours
async fn neighbour(kind: Neighbour, hold: Duration) {
    match kind {
        Neighbour::AsyncSleep => tokio::time::sleep(hold).await,
        Neighbour::ThreadSleep => std::thread::sleep(hold), // blocks every task
        Neighbour::SpawnBlocking => {
            tokio::task::spawn_blocking(move || std::thread::sleep(hold))
                .await
                .expect("the blocking sleep panicked");
        }
        Neighbour::CpuWork => {
            crunch_for(hold); // no .await inside: nobody else runs meanwhile
        }
        Neighbour::CpuOnRayon => {
            let (done, result) = tokio::sync::oneshot::channel();
            rayon::spawn(move || {
                let _ = done.send(crunch_for(hold));
            });
            result.await.expect("the rayon job panicked");
        }
    }
}
// ANCHOR_END: neighbours

// ANCHOR: measure
/// Runs five sleepers of `nap` and one `neighbour` on a single-threaded
/// runtime; returns how late the last sleeper woke (0 = on time).
pub fn sleepers_late_by(kind: Neighbour, hold: Duration, nap: Duration) -> Duration {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("building a runtime");
    runtime.block_on(async {
        let start = Instant::now();
        let mut sleepers = JoinSet::new();
        for _ in 0..5 {
            sleepers.spawn(async move {
                tokio::time::sleep(nap).await;
                start.elapsed()
            });
        }
        let neighbour = tokio::spawn(neighbour(kind, hold));
        let mut last_woke = Duration::ZERO;
        while let Some(woke) = sleepers.join_next().await {
            last_woke = last_woke.max(woke.expect("a sleeper panicked"));
        }
        neighbour.await.expect("the neighbour panicked");
        last_woke.saturating_sub(nap)
    })
}
// ANCHOR_END: measure

/// CPU work that lasts `duration`: it checks the clock but never awaits.
pub fn crunch_for(duration: Duration) -> u64 {
    let end = std::time::Instant::now() + duration;
    let mut x: u64 = 1;
    while std::time::Instant::now() < end {
        for _ in 0..1000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
        }
    }
    x
}

/// A blocked neighbour of 200 ms makes 20 ms sleepers at least 180 ms late.
pub fn main() {
    let (hold, nap) = (Duration::from_millis(200), Duration::from_millis(20));
    for kind in [
        Neighbour::AsyncSleep,
        Neighbour::ThreadSleep,
        Neighbour::SpawnBlocking,
    ] {
        let late = sleepers_late_by(kind, hold, nap);
        println!("{kind:?}: the sleepers woke {late:.2?} late");
        if kind == Neighbour::ThreadSleep {
            assert!(late >= hold - nap, "a blocked thread delays every task");
        }
    }
}
