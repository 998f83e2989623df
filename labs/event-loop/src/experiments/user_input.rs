//! `user-input`: the Python material's countdown with five inputs of 2 s,
//! each awaited in turn, or each spawned as a task.

use std::time::Duration;

use anyhow::{Result, ensure};
use event_loop::user_input::{self, Countdown};
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};

use super::{runtime, waits_in_flight};

/// The wait the Python user-input simulation uses for one input.
pub const INPUT_WAIT: Duration = Duration::from_secs(2);

pub const AWAIT_EACH: &str = "await each input";
pub const TASKS: &str = "input tasks";

/// The inputs the "user" types and the totals each way ends with.
const INPUTS: [i64; 5] = [1, 3, 4, 4, 2];
const AWAITED_TOTAL: i64 = -2;
const TASKS_TOTAL: i64 = -14;

pub fn run(common: &Common) -> Result<Results> {
    let wait = common.scale.duration(INPUT_WAIT);
    common.say(format!(
        "Counting down from 100; at every multiple of 20 the user types a number ({} wait).",
        format_duration(wait)
    ));
    let results = measure(common, wait, "")?;
    for (variant, total) in [(AWAIT_EACH, AWAITED_TOTAL), (TASKS, TASKS_TOTAL)] {
        let inputs: Vec<String> = INPUTS.iter().map(i64::to_string).collect();
        common.say(format!(
            "  {variant}: inputs {}, final total {total}",
            inputs.join(", ")
        ));
    }
    Ok(results)
}

/// Both countdowns in interleaved rounds; names start with `prefix` (the
/// `python` experiment's "tokio, ").
pub fn measure(common: &Common, wait: Duration, prefix: &str) -> Result<Results> {
    let runtime = runtime()?;
    let (await_each, tasks) = (format!("{prefix}{AWAIT_EACH}"), format!("{prefix}{TASKS}"));
    let mut bench = Bench::new("user-input", common);
    bench.variant(&await_each, || {
        runtime.block_on(user_input::countdown_awaiting_each_input(wait))
    });
    bench.variant(&tasks, || {
        runtime.block_on(user_input::countdown_with_input_tasks(wait))
    });
    let run = bench.run(|variant, countdown: &Countdown| {
        let total = if variant == await_each {
            AWAITED_TOTAL
        } else {
            TASKS_TOTAL
        };
        ensure!(
            countdown.inputs == INPUTS && countdown.total == total,
            "{variant}: inputs {:?}, total {}",
            countdown.inputs,
            countdown.total
        );
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        let countdown = measured.median_value();
        row.with("inputs", countdown.inputs.len())
            .with("loop done", format_duration(countdown.loop_finished));
    });
    let ceiling = waits_in_flight(&[wait; INPUTS.len()]);
    results.paired_speedup("user-input", &tasks, &await_each, &ceiling)?;
    Ok(results)
}
