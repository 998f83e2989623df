//! `threads`: a spawned thread and two scoped ones count the same letters.

use anyhow::{Result, ensure};
use labkit::{Common, Results, measure};
use primer::threads::{self, WORDS};

pub fn run(common: &Common) -> Result<Results> {
    super::say_all(common, &threads::lines());
    let all = threads::letters(&WORDS);
    let mut results = Results::new();
    let (spawned, cost) = measure(|| threads::count_on_a_spawned_thread(WORDS.to_vec()));
    ensure!(
        spawned == all,
        "the spawned thread counted {spawned} of {all}"
    );
    results
        .push("threads", "thread::spawn", cost.wall)
        .with("threads", 1)
        .with("letters", spawned);
    let ((a, b), cost) = measure(|| threads::count_on_scoped_threads(&WORDS));
    ensure!(
        a + b == all,
        "the scoped threads counted {a} + {b} of {all}"
    );
    results
        .push("threads", "thread::scope", cost.wall)
        .with("threads", 2)
        .with("letters", a + b);
    Ok(results)
}
