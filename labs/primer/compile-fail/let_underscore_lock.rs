// Does not compile: `let _ = m.lock()` keeps no guard (`_` is not a name),
// so the lock would be released on the spot. For the standard library's
// locks the compiler knows this is never meant, and refuses it.
use std::sync::Mutex;

fn main() {
    let balance = Mutex::new(100);
    let _ = balance.lock().unwrap(); // meant: hold the lock until the end of main
    println!("{}", balance.try_lock().is_ok());
}
