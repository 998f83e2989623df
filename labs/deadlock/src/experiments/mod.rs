//! The lab's experiments, one module each: each runs the listings, checks
//! what they return and builds its rows. What several of them share lives
//! here: how a deadlocked run ends, and how long a watchdog waits.

pub mod once;
pub mod ordered;
pub mod philosophers;
pub mod python;
pub mod runs;
pub mod timeout;
pub mod two_locks;

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use labkit::{Common, Results};

/// The exit status of a run that a watchdog or the detector ended because
/// the program deadlocked (1 is a runtime error, 2 a bad argument). The
/// Python twin of the two-lock deadlock ends with it too.
pub const DEADLOCK_EXIT_CODE: i32 = 3;

/// How long the watchdogs wait for a sign of life. Not scaled: it is not a
/// simulated delay but how long a loaded machine may pause a thread.
pub const WATCHDOG_PATIENCE: Duration = Duration::from_secs(2);

/// Ends a deadlocked run: prints what the threads said (`log`), who found
/// the deadlock and where each thread stands (as one JSON document with
/// `--json`), then exits with [`DEADLOCK_EXIT_CODE`]. The deadlocked threads
/// can be neither woken nor joined, so ending the process is the only way out.
pub fn deadlock_exit(
    json: bool,
    who: &str,
    summary: &str,
    log: &[String],
    standings: &[String],
) -> ! {
    if json {
        let report = serde_json::json!({
            "deadlock": true,
            "found_by": who,
            "summary": summary,
            "standings": standings,
        });
        println!("{report:#}");
    } else {
        for line in log {
            println!("  {line}");
        }
        println!("{who}: {summary}");
        for line in standings {
            println!("  {line}");
        }
        println!("{who}: deadlock; ending the process (exit status {DEADLOCK_EXIT_CODE})");
    }
    let _ = std::io::stdout().flush();
    std::process::exit(DEADLOCK_EXIT_CODE)
}

/// Prints `results` like [`Results::print`], but with one table per
/// experiment under a line naming it, so that no table needs an
/// `experiment` column and each stays narrow. (`labkit`'s transcript check
/// accepts this rendering.) With `--json`, or a single experiment, it is
/// [`Results::print`].
pub fn print_by_experiment(results: &Results, common: &Common) -> Result<()> {
    let mut experiments: Vec<&str> = Vec::new();
    for row in results.rows() {
        if !experiments.contains(&row.experiment.as_str()) {
            experiments.push(&row.experiment);
        }
    }
    if common.json || experiments.len() < 2 {
        return results.print(common);
    }
    {
        let whole = results.to_text();
        let table = results.to_table();
        let (before, after) = whole.split_once(&table).unwrap_or((&whole, ""));
        print!("{before}");
        for experiment in experiments {
            let rows = results.rows().iter().filter(|r| r.experiment == experiment);
            println!("{experiment}:");
            print!("{}", Results::from_rows(rows.cloned().collect()).to_table());
        }
        print!("{after}");
    }
    if let Some(path) = &common.json_out {
        results.document().write(path)?;
    }
    Ok(())
}

/// `thread 1`, `thread 1, thread 2` or `nobody`: the threads (numbered from
/// 1) for which `pick` is true.
pub fn threads_where<T>(items: &[T], pick: impl Fn(&T) -> bool) -> String {
    let names: Vec<String> = (1..)
        .zip(items)
        .filter(|(_, item)| pick(item))
        .map(|(number, _)| format!("thread {number}"))
        .collect();
    if names.is_empty() {
        "nobody".to_string()
    } else {
        names.join(", ")
    }
}
