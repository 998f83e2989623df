// Listing: `Arc`, an atomically reference-counted pointer: several owners,
// on several threads, of one value that is freed when the last owner drops
// it. `Arc::strong_count` shows the owners come and go.
//
// A module of the `primer` lab and a complete program the book runs on its
// own (see `main` at the bottom): standard library only.

use std::sync::{Arc, Barrier};
use std::thread;

// ANCHOR: arc
/// `readers` spawned threads each sum the same prices. `Arc::clone` copies
/// the pointer, not the vector, and counts one more owner; each thread's
/// clone is dropped when the thread ends. (The barrier, explained below,
/// keeps every thread alive until the owners have been counted.)
pub fn share(prices: Vec<u64>, readers: usize) -> (Vec<u64>, usize, usize) {
    let prices = Arc::new(prices);
    let counted = Arc::new(Barrier::new(readers + 1));
    let handles: Vec<_> = (0..readers)
        .map(|_| {
            let (prices, counted) = (Arc::clone(&prices), Arc::clone(&counted));
            thread::spawn(move || {
                counted.wait();
                prices.iter().sum::<u64>()
            })
        })
        .collect();
    let while_running = Arc::strong_count(&prices); // ours + one per thread
    counted.wait();
    let sums = handles.into_iter().map(|h| h.join().unwrap()).collect();
    (sums, while_running, Arc::strong_count(&prices))
}
// ANCHOR_END: arc

/// The lines the lab prints.
pub fn lines() -> Vec<String> {
    let (sums, while_running, after) = share(vec![10, 20, 30], 3);
    let sums: Vec<String> = sums.iter().map(u64::to_string).collect();
    vec![
        format!(
            "{} threads summed the same prices: {}",
            sums.len(),
            sums.join(", ")
        ),
        format!("owners while they ran: {while_running}; after they were joined: {after}"),
    ]
}

pub fn main() {
    for line in lines() {
        println!("{line}");
    }
    let (sums, while_running, after) = share(vec![1, 2, 3], 4);
    assert_eq!(sums, [6; 4]);
    assert_eq!((while_running, after), (5, 1));
}
