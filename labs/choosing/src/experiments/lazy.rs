//! `choosing lazy`: the traps listing's `who_runs_when`, run on a one-thread
//! runtime, printing the order in which a future nobody awaited yet, a
//! spawned task and a thread ran (the chapter's self-check reveals it).

use anyhow::{Context as _, Result, ensure};
use labkit::Common;

use crate::traps;

/// The order the listing's log must come back in.
const EXPECTED: [&str; 4] = [
    "the thread ran",
    "the spawned task ran",
    "(nothing has awaited the future yet)",
    "the future ran",
];

pub fn run(common: &Common) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("starting a tokio runtime")?;
    let order = runtime.block_on(traps::who_runs_when());
    ensure!(
        order == EXPECTED,
        "the log came back in another order: {order:?}"
    );
    if common.json {
        println!("{}", serde_json::to_string_pretty(&order)?);
    } else {
        println!("The log of who_runs_when, on a one-thread runtime:");
        for (step, line) in order.iter().enumerate() {
            println!("{}. {line}", step + 1);
        }
    }
    Ok(())
}
