// Listing: a guard's scope decides how long the lock is held.
//
// A module of the `locks` lab and a complete program the book runs on its own
// (see `main` at the bottom): standard library only.

use std::sync::{Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: holding
/// Records a sale, then waits for the receipt printer while *still holding*
/// the guard: it lives until the end of the function, so the lock does too.
pub fn sell_holding_the_lock(sales: &Mutex<Vec<u32>>, item: u32, printer: Duration) {
    let mut sales = sales.lock().unwrap();
    sales.push(item);
    thread::sleep(printer); // everyone else waits for our printer
} // unlocked only here
// ANCHOR_END: holding

// ANCHOR: releasing
/// The same work with the guard in a block of its own: the lock is released
/// at the closing brace, before the slow wait.
pub fn sell_then_release(sales: &Mutex<Vec<u32>>, item: u32, printer: Duration) {
    {
        let mut sales = sales.lock().unwrap();
        sales.push(item);
    } // unlocked here (or write `drop(sales);`)
    thread::sleep(printer); // waits alone, holding nothing
}
// ANCHOR_END: releasing

/// Starts `sellers` threads together, each making one sale with `sell`, and
/// returns how long it took until all were done, and the sales recorded.
pub fn run_sellers(
    sellers: u32,
    printer: Duration,
    sell: fn(&Mutex<Vec<u32>>, u32, Duration),
) -> (Duration, Vec<u32>) {
    let sales = Mutex::new(Vec::new());
    let start_line = Barrier::new(sellers as usize + 1);
    let wall = thread::scope(|s| {
        for item in 0..sellers {
            let (sales, start_line) = (&sales, &start_line);
            s.spawn(move || {
                start_line.wait();
                sell(sales, item, printer);
            });
        }
        // The clock starts before the sellers are let go, so no seller's
        // wait can begin before it: the lower bounds below cannot fail.
        let start = Instant::now();
        start_line.wait();
        start
    })
    .elapsed();
    let mut sales = sales.into_inner().unwrap();
    sales.sort();
    (wall, sales)
}

/// A small run: 4 sellers, a 20 ms printer.
pub fn main() {
    let printer = Duration::from_millis(20);
    let (held, sales) = run_sellers(4, printer, sell_holding_the_lock);
    println!("holding the lock across the wait: {held:?}");
    assert_eq!(sales, [0, 1, 2, 3]);
    // One at a time: the four waits add up, and a sleep never ends early.
    assert!(held >= 4 * printer);
    let (released, sales) = run_sellers(4, printer, sell_then_release);
    println!("releasing it first: {released:?}");
    assert_eq!(sales, [0, 1, 2, 3]);
    assert!(released >= printer);
}
