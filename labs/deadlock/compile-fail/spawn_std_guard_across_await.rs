// Refused by the compiler: `tokio::spawn` may run a task on any of the
// runtime's threads, and this future holds a std guard (which is not `Send`)
// across an `.await`. The function is the listing's. This does not compile.
extern crate tokio;

use std::sync::{Arc, Mutex};

async fn count_twice_holding_std_guard(counter: &Mutex<u64>) {
    let mut count = counter.lock().unwrap();
    *count += 1;
    tokio::task::yield_now().await; // suspended, still holding the lock
    *count += 1;
}

#[tokio::main]
async fn main() {
    let counter = Arc::new(Mutex::new(0));
    let task = tokio::spawn(async move { count_twice_holding_std_guard(&counter).await });
    task.await.unwrap();
}
