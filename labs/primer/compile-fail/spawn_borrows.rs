// Does not compile: a spawned thread borrows a local variable. Nothing
// stops the thread from running after `main`'s `words` is gone, so the
// compiler refuses the borrow (E0373) and suggests `move`.
use std::thread;

fn main() {
    let words = vec!["spawn", "scope"];
    let handle = thread::spawn(|| words.len());
    println!("{}", handle.join().unwrap());
}
