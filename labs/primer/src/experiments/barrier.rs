//! `barrier`: customers check, meet at a barrier, then act; the log shows
//! every check before every act.

use anyhow::{Result, ensure};
use labkit::{Common, Results, measure};
use primer::barrier;

pub fn run(common: &Common, customers: usize) -> Result<Results> {
    super::say_all(common, &barrier::lines(customers));
    let (log, cost) = measure(|| barrier::check_then_act(customers));
    let first_act = log.iter().position(|e| *e == "act").unwrap_or(log.len());
    ensure!(
        first_act == customers && log.len() == 2 * customers,
        "the log was {log:?}"
    );
    let mut results = Results::new();
    results
        .push("barrier", "check, wait, act", cost.wall)
        .with("customers", customers)
        .with("checks before the first act", first_act);
    Ok(results)
}
