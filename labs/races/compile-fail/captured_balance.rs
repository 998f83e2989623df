// The Python bank, ported word for word: two customers' threads change the
// same `balance` variable. This program does not compile.
use std::thread;

fn main() {
    let mut balance = 100;
    thread::scope(|s| {
        s.spawn(|| {
            if balance >= 80 {
                balance -= 80;
            }
        });
        s.spawn(|| {
            if balance >= 70 {
                balance -= 70;
            }
        });
    });
    println!("{balance} remaining");
}
