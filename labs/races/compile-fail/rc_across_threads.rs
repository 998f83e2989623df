// Sharing the balance through `Rc` (a reference count that is not atomic)
// and `Cell` (mutation through a shared reference). This does not compile.
use std::cell::Cell;
use std::rc::Rc;
use std::thread;

fn main() {
    let balance = Rc::new(Cell::new(100));
    let for_the_customer = Rc::clone(&balance);
    let customer = thread::spawn(move || {
        for_the_customer.set(for_the_customer.get() - 80);
    });
    customer.join().unwrap();
    println!("{} remaining", balance.get());
}
