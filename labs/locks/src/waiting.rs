// Listing: two locks for other shapes of sharing. An `RwLock` lets many
// readers in at once; a `Condvar` lets a thread sleep until a condition on
// the locked data holds.
//
// A module of the `locks` lab and a complete program the book runs on its own
// (see `main` at the bottom): standard library only.

use std::sync::{Barrier, Condvar, Mutex, RwLock};
use std::thread;
use std::time::Duration;

// ANCHOR: rwlock
/// Several clerks read the balance at the same time. With a `RwLock` any
/// number of `read()` guards may be alive together; a `write()` guard waits
/// until there are none, and keeps everyone out while it lives. Here all
/// clerks prove they were inside together: each waits at a barrier while
/// holding its read guard, which would never finish with a `Mutex`.
pub fn clerks_read_together(clerks: usize) -> Vec<i64> {
    let balance = RwLock::new(100);
    let all_inside = Barrier::new(clerks);
    thread::scope(|s| {
        let readers: Vec<_> = (0..clerks)
            .map(|_| {
                s.spawn(|| {
                    let seen = balance.read().unwrap();
                    all_inside.wait(); // every clerk holds a read guard right now
                    *seen
                })
            })
            .collect();
        readers.into_iter().map(|r| r.join().unwrap()).collect()
    })
}
// ANCHOR_END: rwlock

// ANCHOR: condvar
/// Instead of refusing, the customer waits until the balance is enough.
/// `Condvar::wait` unlocks the mutex while it sleeps and locks it again
/// before it returns; the loop re-checks the condition, because a wake-up
/// only means "something changed", not "your condition holds".
pub fn withdraw_when_possible(account: &(Mutex<i64>, Condvar), amount: i64) -> i64 {
    let (balance, changed) = account;
    let mut balance = balance.lock().unwrap();
    while *balance < amount {
        balance = changed.wait(balance).unwrap();
    }
    *balance -= amount;
    *balance
}

/// A deposit: change the data under the lock, then wake the waiters.
pub fn deposit(account: &(Mutex<i64>, Condvar), amount: i64) {
    let (balance, changed) = account;
    *balance.lock().unwrap() += amount;
    changed.notify_all();
}
// ANCHOR_END: condvar

/// A small run of both.
pub fn main() {
    let seen = clerks_read_together(4);
    println!("4 clerks read at once and saw {seen:?}");
    assert_eq!(seen, [100; 4]);

    let account = (Mutex::new(20), Condvar::new());
    let left = thread::scope(|s| {
        let customer = s.spawn(|| withdraw_when_possible(&account, 80));
        // The customer may or may not be waiting yet: either way it cannot
        // withdraw 80 from 20, and after the deposit it can.
        thread::sleep(Duration::from_millis(10));
        deposit(&account, 100);
        customer.join().unwrap()
    });
    println!("after a deposit of 100 the customer took 80, leaving {left}");
    assert_eq!(left, 40);
}
