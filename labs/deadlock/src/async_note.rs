// Listing: a lock guard held across `.await`, and why tokio has a Mutex.
//
// In async code many tasks share few threads. A task that holds a
// `std::sync::Mutex` (or parking_lot) guard across an `.await` keeps the
// lock while it is suspended; if another task on the same thread then
// blocks on that lock, the thread stops, and the first task, which would
// release the lock, can never be resumed: a deadlock with a single thread.
//
// This file is a module of the `deadlock` lab *and* a complete program the
// book compiles and runs on its own (see `main` at the bottom).

extern crate tokio;

use std::marker::PhantomData;
use std::sync::Mutex as StdMutex;

use tokio::sync::Mutex as TokioMutex;

// ANCHOR: std_guard
/// Holds a `std` guard across an `.await`. It compiles, but clippy warns
/// (`await_holding_lock`), and `tokio::spawn` refuses the future because the
/// guard cannot move to another thread (it is not `Send`).
#[allow(clippy::await_holding_lock)] // the point of the listing
pub async fn count_twice_holding_std_guard(counter: &StdMutex<u64>) {
    let mut count = counter.lock().unwrap();
    *count += 1;
    tokio::task::yield_now().await; // suspended, still holding the lock
    *count += 1;
}

/// Another task wants the same lock meanwhile. A blocking `lock()` here
/// would stop the only thread forever; `try_lock` shows the lock is taken.
pub async fn peek_at_std_lock(counter: &StdMutex<u64>) -> bool {
    counter.try_lock().is_err() // true: the first task still holds it
}
// ANCHOR_END: std_guard

// ANCHOR: tokio_mutex
/// The same with tokio's Mutex: `lock().await` suspends the *task* while the
/// lock is taken, so the thread runs the other task, which can finish and
/// release it. Its guard is `Send`, so this future may be spawned.
pub async fn count_twice_holding_tokio_guard(counter: &TokioMutex<u64>) {
    let mut count = counter.lock().await;
    *count += 1;
    tokio::task::yield_now().await; // suspended, still holding the lock
    *count += 1;
}

pub async fn add_ten(counter: &TokioMutex<u64>) {
    *counter.lock().await += 10; // waits (without blocking the thread) for the first task
}
// ANCHOR_END: tokio_mutex

/// Says whether a value's type is `Send`, decided at compile time: the
/// method of `ProbeSend` applies only when `T: Send`, and method lookup
/// tries it before the one of `ProbeNotSend`, which needs one more `&`.
struct SendProbe<T>(PhantomData<T>);

fn probe<T>(_: &T) -> SendProbe<T> {
    SendProbe(PhantomData)
}

trait ProbeSend {
    fn is_send(&self) -> bool {
        true
    }
}
impl<T: Send> ProbeSend for SendProbe<T> {}

trait ProbeNotSend {
    fn is_send(&self) -> bool {
        false
    }
}
impl<T> ProbeNotSend for &SendProbe<T> {}

/// A small run of the listing on a single-threaded runtime.
#[allow(clippy::needless_borrow)] // the `&` in `(&probe(..))` picks the probe
pub fn main() {
    // A future holding a std guard across `.await` cannot go to another
    // thread, so `tokio::spawn` would refuse it; the tokio version can.
    let std_counter = StdMutex::new(0);
    let std_future = count_twice_holding_std_guard(&std_counter);
    assert!(!(&probe(&std_future)).is_send());
    drop(std_future);
    let tokio_counter = TokioMutex::new(0);
    let tokio_future = count_twice_holding_tokio_guard(&tokio_counter);
    assert!((&probe(&tokio_future)).is_send());
    drop(tokio_future);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    runtime.block_on(async {
        let counter = StdMutex::new(0);
        let ((), lock_was_taken) = tokio::join!(
            count_twice_holding_std_guard(&counter),
            peek_at_std_lock(&counter)
        );
        println!("std::sync::Mutex: the second task found the lock taken: {lock_was_taken}");
        assert!(lock_was_taken);
        assert_eq!(*counter.lock().unwrap(), 2);

        let counter = TokioMutex::new(0);
        tokio::join!(count_twice_holding_tokio_guard(&counter), add_ten(&counter));
        println!(
            "tokio::sync::Mutex: both tasks done, count = {}",
            *counter.lock().await
        );
        assert_eq!(*counter.lock().await, 12);

        // The tokio version can be spawned onto another thread; the std one cannot.
        let shared = std::sync::Arc::new(TokioMutex::new(0));
        let spawned = tokio::spawn({
            let shared = shared.clone();
            async move { count_twice_holding_tokio_guard(&shared).await }
        });
        spawned.await.unwrap();
        assert_eq!(*shared.lock().await, 2);
    });
}
