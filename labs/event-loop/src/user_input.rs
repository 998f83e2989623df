// Listing: the user-input simulation, waiting for each input vs spawning
// each wait as a task while the main loop goes on.
//
// The Python material counts down from 100 and, at every multiple of 20,
// waits 2 s for "user input" (a number from 1 to 5). This file is also a
// complete program (see `main` at the bottom).

extern crate tokio;

use std::time::Duration;

use tokio::time::Instant;

/// How a countdown went.
#[derive(Debug, Clone, PartialEq)]
pub struct Countdown {
    /// The value left at the end (inputs are subtracted from it).
    pub total: i64,
    /// The inputs, in the order they were asked for.
    pub inputs: Vec<i64>,
    /// When the counting loop itself reached the end.
    pub loop_finished: Duration,
    /// When everything, inputs included, was done.
    pub all_done: Duration,
}

/// The inputs the Python run happened to get, used in turn so every run
/// prints the same numbers.
const INPUTS: [i64; 5] = [1, 3, 4, 4, 2];

// ANCHOR: user_input
/// Waits for the user (here: a timer) and returns what they typed.
pub async fn user_input(nth: usize, wait: Duration) -> i64 {
    tokio::time::sleep(wait).await;
    INPUTS[nth % INPUTS.len()]
}
// ANCHOR_END: user_input

// ANCHOR: await_each
/// The loop stops at every input: five inputs, five waits, one after another.
pub async fn countdown_awaiting_each_input(wait: Duration) -> Countdown {
    let start = Instant::now();
    let (mut total, mut inputs) = (100, Vec::new());
    while total > 0 {
        total -= 1;
        if total % 20 == 0 {
            let input = user_input(inputs.len(), wait).await; // the loop waits here
            inputs.push(input);
            total -= input;
        }
    }
    let done = start.elapsed();
    Countdown {
        total,
        inputs,
        loop_finished: done,
        all_done: done,
    }
}
// ANCHOR_END: await_each

// ANCHOR: input_tasks
/// Each wait becomes a task (`tokio::spawn`, like `asyncio.create_task`)
/// and the loop goes on at once; the inputs are collected at the end, and
/// their waits overlap.
pub async fn countdown_with_input_tasks(wait: Duration) -> Countdown {
    let start = Instant::now();
    let (mut total, mut pending) = (100, Vec::new());
    while total > 0 {
        total -= 1;
        if total % 20 == 0 {
            pending.push(tokio::spawn(user_input(pending.len(), wait)));
        }
    }
    let loop_finished = start.elapsed();
    let mut inputs = Vec::new();
    for task in pending {
        let input = task.await.expect("an input task panicked");
        inputs.push(input);
        total -= input;
    }
    Countdown {
        total,
        inputs,
        loop_finished,
        all_done: start.elapsed(),
    }
}
// ANCHOR_END: input_tasks

/// Both countdowns with 40 ms inputs: five waits in a row, or five at once.
#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    let wait = Duration::from_millis(40);
    let one_by_one = countdown_awaiting_each_input(wait).await;
    let as_tasks = countdown_with_input_tasks(wait).await;
    println!("{one_by_one:?}\n{as_tasks:?}");
    assert_eq!(one_by_one.inputs, as_tasks.inputs);
    // Sleeps never end early, so this lower bound holds on any machine.
    assert!(one_by_one.all_done >= 5 * wait);
    // On this one-thread runtime no input task can start before the loop
    // has finished, so a whole wait is left after it: the loop did not
    // wait for the inputs. (Awaiting each input, nothing is left after it.)
    assert!(as_tasks.all_done - as_tasks.loop_finished >= wait);
    assert_eq!(one_by_one.all_done, one_by_one.loop_finished);
}
