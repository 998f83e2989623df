//! `relock`: a thread locking a mutex it already holds, watched by a
//! timeout, next to the fix. The stuck thread is left behind and ends with
//! the process (the watchdog is the listing's own, `reentrant::watched`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Result, bail};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure};
use locks::reentrant::{self, Watched};

/// How long the watchdog waits before calling the call stuck, before
/// --scale; never less than [`MIN_PATIENCE`], which the call that does
/// return needs on a busy machine.
const PATIENCE: Duration = Duration::from_secs(1);
const MIN_PATIENCE: Duration = Duration::from_millis(250);

pub fn run(common: &Common) -> Result<Results> {
    let patience = common.scale.duration(PATIENCE).max(MIN_PATIENCE);
    common.say(format!(
        "Balance 100; a fee of 1; each call is watched for {}.",
        format_duration(patience)
    ));
    let mut results = Results::new();
    let account = Arc::new(Mutex::new(100));
    let (relocking, cost) =
        measure(|| reentrant::watched(patience, move || reentrant::charge_fee(&account, 1)));
    let verdict = match relocking {
        Watched::StillWaiting => "still waiting: deadlocked on itself",
        Watched::Panicked => "panicked (std may panic on a re-lock)",
        Watched::Returned(_) => bail!("locking a std Mutex twice on one thread returned"),
    };
    common.say(format!("charge_fee (locks twice): {verdict}"));
    results
        .push("relock", "charge_fee", cost.wall)
        .with("ended", verdict.split(':').next().unwrap_or(verdict));
    let account = Arc::new(Mutex::new(100));
    let (fixed, cost) =
        measure(|| reentrant::watched(patience, move || reentrant::charge_fee_fixed(&account, 1)));
    let Watched::Returned(balance) = fixed else {
        bail!("charge_fee_fixed did not return: {fixed:?}");
    };
    common.say(format!("charge_fee_fixed (locks once): returned {balance}"));
    results
        .push("relock", "charge_fee_fixed", cost.wall)
        .with("ended", format!("returned {balance}"));
    Ok(results)
}
