// Listing: a channel (`std::sync::mpsc`, Python's `queue.Queue`): senders
// on any number of threads, one receiver. A receiver's `for` loop ends by
// itself once every `Sender` is gone; a Python queue has no such end, so
// Python producers put a sentinel.
//
// A module of the `primer` lab and a complete program the book runs on its
// own (see `main` at the bottom): standard library only.

use std::sync::mpsc;
use std::thread;

// ANCHOR: channel
/// `producers` threads each send `each` orders; the calling thread
/// receives them all. Each producer owns a clone of the `Sender`, dropped
/// when it finishes; dropping our own lets the loop end after the last one.
pub fn take_orders(producers: u64, each: u64) -> (u64, u64) {
    let (orders, inbox) = mpsc::channel();
    thread::scope(|s| {
        for producer in 0..producers {
            let orders = orders.clone();
            s.spawn(move || {
                for n in 1..=each {
                    orders.send(producer * 100 + n).unwrap();
                }
            }); // this producer's Sender is dropped here
        }
        drop(orders); // or the loop below would wait for us forever
        let (mut received, mut total) = (0, 0);
        for order in inbox {
            received += 1;
            total += order;
        }
        (received, total)
    })
}
// ANCHOR_END: channel

/// The lines the lab prints.
pub fn lines(producers: u64, each: u64) -> Vec<String> {
    let (received, total) = take_orders(producers, each);
    vec![format!(
        "{producers} producers sent {each} orders each; received {received}, numbers adding up to {total}"
    )]
}

pub fn main() {
    for line in lines(3, 5) {
        println!("{line}");
    }
    // 3 producers: (0 + 100 + 200) * 5 + 3 * (1 + 2 + 3 + 4 + 5)
    assert_eq!(take_orders(3, 5), (15, 1545));
}
