//! `arc`: three threads own one vector through `Arc`; the owners counted.

use anyhow::{Result, ensure};
use labkit::{Common, Results, measure};
use primer::arc;

pub fn run(common: &Common) -> Result<Results> {
    super::say_all(common, &arc::lines());
    let ((sums, while_running, after), cost) = measure(|| arc::share(vec![10, 20, 30], 3));
    ensure!(sums == [60; 3], "the threads summed {sums:?}");
    ensure!(
        (while_running, after) == (4, 1),
        "owners {while_running} then {after}"
    );
    let mut results = Results::new();
    results
        .push("arc", "3 readers", cost.wall)
        .with("owners while running", while_running)
        .with("owners after join", after);
    Ok(results)
}
