//! `rwlock` and `condvar`: what the two listings of other shapes of sharing
//! return, and what waiting on a condition variable costs (nothing, in CPU).

use std::sync::{Condvar, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure};
use locks::waiting;

/// How long after the customer starts waiting the deposit arrives.
const DEPOSIT_AFTER: Duration = Duration::from_millis(500);

pub fn rwlock(common: &Common, clerks: usize) -> Result<Results> {
    let (seen, cost) = measure(|| waiting::clerks_read_together(clerks));
    ensure!(seen == vec![100; clerks], "the clerks saw {seen:?}");
    common.say(format!(
        "{clerks} clerks each waited at a barrier for all {clerks} while holding a read guard: \
         all were inside at once."
    ));
    let saw: Vec<String> = seen.iter().map(i64::to_string).collect();
    common.say(format!("Each saw the balance: {}.", saw.join(", ")));
    let mut results = Results::new();
    results
        .push("rwlock", "read guards at once", cost.wall)
        .with("clerks", clerks);
    Ok(results)
}

pub fn condvar(common: &Common) -> Result<Results> {
    let after = common.scale.duration(DEPOSIT_AFTER);
    common.say(format!(
        "Balance 20; a customer waits to withdraw 80; a deposit of 100 arrives after {}.",
        format_duration(after)
    ));
    let account = (Mutex::new(20), Condvar::new());
    let (left, cost) = measure(|| {
        thread::scope(|s| {
            let customer = s.spawn(|| waiting::withdraw_when_possible(&account, 80));
            thread::sleep(after);
            waiting::deposit(&account, 100);
            customer.join().expect("the customer's thread panicked")
        })
    });
    ensure!(left == 40, "the customer left {left}");
    common.say(format!(
        "The customer was woken by the deposit, took 80 and left {left}."
    ));
    let mut results = Results::new();
    results
        .push_measured("condvar", "wait for a deposit", cost)
        .with("left", left);
    Ok(results)
}
