// Listing: two ways to start a thread. `thread::spawn` starts one that may
// outlive the function that started it; `thread::scope` starts threads that
// are all joined before the scope ends, and so may borrow local variables.
//
// A module of the `primer` lab and a complete program the book runs on its
// own (see `main` at the bottom): standard library only.

use std::thread;

/// Letters in `words`, the work each thread does.
pub fn letters(words: &[&str]) -> usize {
    words.iter().map(|w| w.len()).sum()
}

// ANCHOR: spawn
/// `thread::spawn` needs a closure that owns everything it uses (`move`),
/// since nothing stops the thread from running after this function has
/// returned. `join` waits for the thread and hands back what the closure
/// returned, or the panic that ended it (`Err`).
pub fn count_on_a_spawned_thread(words: Vec<&'static str>) -> usize {
    let handle = thread::spawn(move || letters(&words));
    handle.join().expect("the thread panicked")
}
// ANCHOR_END: spawn

// ANCHOR: scope
/// `thread::scope` joins every thread started in it before it returns, so
/// the threads may borrow `words`, which outlives the scope. Each `join`
/// gives back that thread's result.
pub fn count_on_scoped_threads(words: &[&str]) -> (usize, usize) {
    let (first, second) = words.split_at(words.len() / 2);
    thread::scope(|s| {
        let a = s.spawn(|| letters(first));
        let b = s.spawn(|| letters(second));
        (a.join().unwrap(), b.join().unwrap())
    })
}
// ANCHOR_END: scope

/// The words the demonstration counts.
pub const WORDS: [&str; 6] = ["spawn", "scope", "join", "guard", "atomic", "channel"];

/// The lines the lab prints (and the Python counterpart prints too).
pub fn lines() -> Vec<String> {
    let spawned = count_on_a_spawned_thread(WORDS.to_vec());
    let (a, b) = count_on_scoped_threads(&WORDS);
    vec![
        format!("spawn: one thread counted {spawned} letters in its own copy of the words"),
        format!("scope: two threads counted {a} and {b} letters in the same borrowed words"),
    ]
}

pub fn main() {
    let lines = lines();
    for line in &lines {
        println!("{line}");
    }
    assert_eq!(count_on_a_spawned_thread(WORDS.to_vec()), letters(&WORDS));
    let (a, b) = count_on_scoped_threads(&WORDS);
    assert_eq!(a + b, letters(&WORDS));
}
