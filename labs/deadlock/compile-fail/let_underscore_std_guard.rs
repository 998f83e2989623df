// Refused by rustc: `let _ =` binds nothing, so the std guard is dropped,
// and the lock released, at the end of the statement. This does not compile.
use std::sync::Mutex;

fn main() {
    let balance = Mutex::new(100);
    let _ = balance.lock().unwrap(); // meant: hold the lock until the end of main
    println!("the lock is already free: {}", balance.try_lock().is_ok());
}
