// Listing: two Rust traps for Python programmers, and how to stay out of them.
//
// A module of the `choosing` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom).
extern crate tokio;

use std::sync::{Arc, Mutex};
use std::time::Duration;

// ANCHOR: lazy
/// Records who runs when: a future nobody awaits, a spawned task, a thread.
pub async fn who_runs_when() -> Vec<&'static str> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let note = |what: &'static str| {
        let log = Arc::clone(&log);
        move || log.lock().unwrap().push(what)
    };

    let future = {
        let ran = note("the future ran");
        async move { ran() } // like calling an `async def`: nothing runs yet
    };
    let task = tokio::spawn({
        let ran = note("the spawned task ran");
        async move { ran() } // like asyncio.create_task: scheduled now
    });
    let thread = std::thread::spawn(note("the thread ran")); // like executor.submit
    thread.join().unwrap();
    tokio::task::yield_now().await; // let the runtime run other tasks
    note("(nothing has awaited the future yet)")();

    future.await; // only now does its body run
    task.await.unwrap();
    log.lock().unwrap().clone()
}
// ANCHOR_END: lazy

// ANCHOR: lock_then_await
/// Withdraws `amount` if the balance allows it, then does something slow
/// and asynchronous (an audit log, say). The guard lives in its own block,
/// so it is dropped before the `.await`: no task ever waits holding it.
pub async fn withdraw_then_audit(balance: Arc<Mutex<i64>>, amount: i64) -> bool {
    let paid = {
        let mut money = balance.lock().unwrap();
        if *money >= amount {
            *money -= amount;
            true
        } else {
            false
        }
    }; // guard dropped here
    tokio::time::sleep(Duration::from_millis(1)).await; // the slow audit
    paid
}
// ANCHOR_END: lock_then_await

/// Runs both listings on a small scale and checks what they claim.
pub fn main() {
    let one_thread = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let order = one_thread.block_on(who_runs_when());
    println!("{order:#?}");
    assert_eq!(
        order,
        [
            "the thread ran",
            "the spawned task ran",
            "(nothing has awaited the future yet)",
            "the future ran",
        ]
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let balance = Arc::new(Mutex::new(100));
    let paid: i64 = runtime.block_on(async {
        let tasks: Vec<_> = [80, 70, 50, 20]
            .into_iter()
            .map(|amount| {
                let balance = Arc::clone(&balance);
                tokio::spawn(async move {
                    if withdraw_then_audit(balance, amount).await {
                        amount
                    } else {
                        0
                    }
                })
            })
            .collect();
        let mut paid = 0;
        for task in tasks {
            paid += task.await.unwrap();
        }
        paid
    });
    let left = *balance.lock().unwrap();
    println!("paid {paid}, balance {left}");
    assert!(left >= 0, "never overdrawn");
    assert_eq!(paid + left, 100, "no money created or lost");
}
