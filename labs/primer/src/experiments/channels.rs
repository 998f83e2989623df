//! `channels`: producers send orders into one channel; the receiver's loop
//! ends when the last sender is dropped.

use anyhow::{Result, ensure};
use labkit::{Common, Results, measure};
use primer::channels;

pub fn run(common: &Common, producers: u64, each: u64) -> Result<Results> {
    super::say_all(common, &channels::lines(producers, each));
    let ((received, total), cost) = measure(|| channels::take_orders(producers, each));
    let expected = (0..producers)
        .flat_map(|p| (1..=each).map(move |n| p * 100 + n))
        .sum::<u64>();
    ensure!(
        received == producers * each && total == expected,
        "received {received} orders adding up to {total}"
    );
    let mut results = Results::new();
    results
        .push("channels", "mpsc", cost.wall)
        .with("producers", producers)
        .with("received", received);
    Ok(results)
}
