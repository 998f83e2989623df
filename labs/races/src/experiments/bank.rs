//! `bank`: the tutorial's bank served in turn, then all at once with the
//! bad interleaving forced, in interleaved rounds. The customers' lines are
//! said in the first round only.

use anyhow::{Result, ensure};
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};
use races::account::Account;
use races::bank::{self, Withdrawal};

use super::{TELLER_PAUSE, forced_balance, in_turn_balance, list, paid, refused};

pub fn run(common: &Common, account: &Account) -> Result<Results> {
    let (opening, amounts): (i64, &[i64]) = (account.balance, &account.amounts);
    let pause = common.scale.duration(TELLER_PAUSE);
    common.say(format!(
        "Balance {opening}; customers withdraw {}; the teller pauses {} between check and payment.",
        list(amounts.iter().copied()),
        format_duration(pause)
    ));
    // The customers' threads say the tutorial's lines as they happen.
    let say = |line: String| common.say(format!("  {line}"));
    let quiet = |_: String| {};
    let mut bench = Bench::new("bank", common);
    let mut round = 0;
    bench.variant("in turn", move || {
        round += 1;
        if round > 1 {
            return bank::in_turn(opening, amounts, pause, &quiet);
        }
        common.say("If they take turns to withdraw money at the counter in order.");
        bank::in_turn(opening, amounts, pause, &say)
    });
    let mut round = 0;
    bench.variant("all at once", move || {
        round += 1;
        if round > 1 {
            return bank::all_at_once(opening, amounts, pause, &quiet);
        }
        common.say(format!(
            "If all {} of them withdraw money at the counter simultaneously...",
            amounts.len()
        ));
        bank::all_at_once(opening, amounts, pause, &say)
    });
    let run = bench.run(|variant, (_, balance): &(Vec<Withdrawal>, i64)| {
        let expected = match variant {
            "in turn" => in_turn_balance(opening, amounts),
            _ => forced_balance(opening, amounts),
        };
        ensure!(*balance == expected, "ended at {balance}, not {expected}");
        Ok(())
    })?;
    Ok(run.results_with(|measured, row| {
        let (reports, balance) = measured.median_value();
        row.with("paid", paid(reports))
            .with("refused", refused(reports))
            .with("balance", *balance);
    }))
}
