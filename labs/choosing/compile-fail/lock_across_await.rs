// Refused by the compiler: a std MutexGuard held across an `.await` in a
// task that tokio may move between threads. This does not compile.
extern crate tokio;

use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::main]
async fn main() {
    let balance = Arc::new(Mutex::new(100));
    let task = tokio::spawn({
        let balance = Arc::clone(&balance);
        async move {
            let mut money = balance.lock().unwrap();
            tokio::time::sleep(Duration::from_millis(1)).await; // guard still held
            *money -= 80;
        }
    });
    task.await.unwrap();
}
