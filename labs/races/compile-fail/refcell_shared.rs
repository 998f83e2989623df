// Sharing a `RefCell` between threads: its borrow flag is a plain integer,
// so two threads could both "borrow mutably" at once. This does not compile.
use std::cell::RefCell;
use std::thread;

fn main() {
    let balance = RefCell::new(100);
    thread::scope(|s| {
        s.spawn(|| *balance.borrow_mut() -= 80);
        s.spawn(|| *balance.borrow_mut() -= 70);
    });
    println!("{} remaining", balance.into_inner());
}
