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

use std::rc::Rc;
use std::sync::Arc;
use std::sync::Mutex as StdMutex;

use tokio::runtime::Builder;
use tokio::sync::Mutex as TokioMutex;
use tokio::task::LocalSet;

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

// ANCHOR: two_tasks
/// Runs the two functions above as two tasks on one thread. A `LocalSet`
/// runs the tasks spawned with `spawn_local` on the thread that drives it,
/// one at a time, switching only where a task awaits; neither the tasks nor
/// what they hold need to be `Send` (here an `Rc`). Returns whether the
/// second task found the lock taken.
pub fn two_tasks_one_std_lock() -> bool {
    let runtime = Builder::new_current_thread().build().expect("a runtime");
    let tasks = LocalSet::new();
    let counter = Rc::new(StdMutex::new(0));
    let first = tasks.spawn_local({
        let counter = Rc::clone(&counter);
        async move { count_twice_holding_std_guard(&counter).await }
    });
    let second = tasks.spawn_local({
        let counter = Rc::clone(&counter);
        async move { peek_at_std_lock(&counter).await }
    });
    let found_it_taken = tasks.block_on(&runtime, async {
        first.await.expect("the first task does not panic");
        second.await.expect("the second task does not panic")
    });
    assert_eq!(*counter.lock().unwrap(), 2);
    found_it_taken
}
// ANCHOR_END: two_tasks

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

// ANCHOR: spawned
/// Both tokio-mutex functions as tasks on a runtime with two worker threads:
/// `tokio::spawn` accepts them (their futures are `Send`), and the tasks may
/// run on either thread, one holding the lock across its `.await` while the
/// other waits for it. Returns the final count.
pub fn two_spawned_tasks_one_tokio_lock() -> u64 {
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a runtime");
    let counter = Arc::new(TokioMutex::new(0));
    runtime.block_on(async {
        let first = tokio::spawn({
            let counter = Arc::clone(&counter);
            async move { count_twice_holding_tokio_guard(&counter).await }
        });
        let second = tokio::spawn({
            let counter = Arc::clone(&counter);
            async move { add_ten(&counter).await }
        });
        first.await.expect("the first task does not panic");
        second.await.expect("the second task does not panic");
        *counter.lock().await
    })
}
// ANCHOR_END: spawned

/// The tokio version as two tasks on one thread, like the std one: the
/// second task waits for the lock instead of finding it taken.
pub fn two_tasks_one_tokio_lock() -> u64 {
    let runtime = Builder::new_current_thread().build().expect("a runtime");
    let tasks = LocalSet::new();
    let counter = Rc::new(TokioMutex::new(0));
    let first = tasks.spawn_local({
        let counter = Rc::clone(&counter);
        async move { count_twice_holding_tokio_guard(&counter).await }
    });
    let second = tasks.spawn_local({
        let counter = Rc::clone(&counter);
        async move { add_ten(&counter).await }
    });
    tasks.block_on(&runtime, async {
        first.await.expect("the first task does not panic");
        second.await.expect("the second task does not panic");
        *counter.lock().await
    })
}

/// A small run of the listing. (That `tokio::spawn` refuses the std version
/// is a compile error, so it is not here: see the lab's `compile-fail/`.)
pub fn main() {
    let found_it_taken = two_tasks_one_std_lock();
    println!("std::sync::Mutex: the second task found the lock taken: {found_it_taken}");
    assert!(found_it_taken);

    let count = two_tasks_one_tokio_lock();
    println!("tokio::sync::Mutex, two tasks on one thread: count = {count}");
    assert_eq!(count, 12);

    let count = two_spawned_tasks_one_tokio_lock();
    println!("tokio::sync::Mutex, two tasks spawned on two threads: count = {count}");
    assert_eq!(count, 12);
}
