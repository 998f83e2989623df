//! `python`: the Python twins beside the Rust, measured here. The forced
//! two-lock deadlock in both languages (each ended by its watchdog with exit
//! status 3), then the timeout fix, timed in the same rounds.
//!
//! The twins are built into the binary, so the experiment works from any
//! directory: each is written into a temporary directory (beside `twinkit`,
//! which the timing twin imports) and run bounded in time.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use deadlock::timeout::{self, Outcome};
use labkit::bench::Bench;
use labkit::python::{Twin, TwinError};
use labkit::timing::format_duration;
use labkit::{Common, Results};
use parking_lot::Mutex;
use serde_json::Value;

use super::{DEADLOCK_EXIT_CODE, WATCHDOG_PATIENCE, threads_where};

/// `python/two_locks.py`: the forced deadlock and its watchdog.
pub const TWO_LOCKS_PY: &str = include_str!("../../python/two_locks.py");
/// `python/timeout.py`: the timeout fix, timed by twinkit.
pub const TIMEOUT_PY: &str = include_str!("../../python/timeout.py");

/// How long either side of the deadlock may take before it counts as hung
/// (its watchdog ends it after [`WATCHDOG_PATIENCE`]).
const DEADLOCK_LIMIT: Duration = Duration::from_secs(60);

pub fn run(common: &Common, python: &str, timeout: Duration) -> Result<()> {
    let python = Path::new(python);
    common.say(format!(
        "The deadlock, forced by a barrier; each watchdog waits {:.1} s for a lock to change hands.",
        WATCHDOG_PATIENCE.as_secs_f64()
    ));
    let exe = std::env::current_exe().context("finding the lab's own program")?;
    let rust = deadlock_side(Command::new(exe).arg("two-locks"), "Rust")?;
    common.say(format!(
        "Rust (`deadlock two-locks`): exit status {}",
        rust.0
    ));
    for line in &rust.1 {
        common.say(format!("  {line}"));
    }
    let mut label = None;
    match labkit::python::facts(python) {
        Err(err) if err.is_missing() => common.say(format!(
            "{}: not found, so no CPython side (install Python 3 to compare).",
            python.display()
        )),
        Err(err) => bail!("{err}"),
        Ok(facts) => {
            let name = format!("{} (measured here)", facts.label());
            let mut command = Command::new(python);
            let script = Scratch::write("two_locks.py", TWO_LOCKS_PY)?;
            command
                .arg(&script.file)
                .args(["--patience", &WATCHDOG_PATIENCE.as_secs_f64().to_string()]);
            let twin = deadlock_side(&mut command, &name)?;
            common.say(format!("{name}: exit status {}", twin.0));
            for line in &twin.1 {
                common.say(format!("  {line}"));
            }
            ensure!(
                twin.1 == rust.1,
                "the twins disagree on where the threads stand: {:?} and {:?}",
                rust.1,
                twin.1
            );
            label = Some(name);
        }
    }

    let timeout = common.scale.duration(timeout);
    common.say(format!(
        "The timeout fix: each waits at most {}; thread 1 asks half a timeout after thread 2.",
        format_duration(timeout)
    ));
    let (lock_a, lock_b) = (Mutex::new(()), Mutex::new(()));
    let (a, b) = (&lock_a, &lock_b);
    let mut bench = Bench::new("timeout", common);
    bench.variant("Rust", move || {
        timeout::give_up_after_timeout(a, b, timeout)
    });
    let run = bench.run(|_, outcomes: &[Outcome; 2]| {
        ensure!(outcomes.contains(&Outcome::GaveUp), "both threads finished");
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        let outcomes = measured.median_value();
        row.with("finished", who(outcomes, Outcome::Finished))
            .with("gave up", who(outcomes, Outcome::GaveUp));
    });
    if let Some(label) = label {
        twin_rows(common, python, &label, &mut results)?;
    }
    results.print(common)
}

/// Runs one side of the deadlock: it must end with [`DEADLOCK_EXIT_CODE`]
/// and say where the threads stand. Returns the status and those lines.
fn deadlock_side(command: &mut Command, name: &str) -> Result<(i32, Vec<String>)> {
    let done = labkit::process::run(command, DEADLOCK_LIMIT)
        .with_context(|| format!("starting the {name} side"))?;
    let Some(code) = done.status.and_then(|s| s.code()) else {
        bail!("the {name} side did not end within {DEADLOCK_LIMIT:?}: killed");
    };
    ensure!(
        code == DEADLOCK_EXIT_CODE,
        "the {name} side ended with exit status {code}, not {DEADLOCK_EXIT_CODE}: {}",
        done.last_stderr_line()
    );
    let standings: Vec<String> = done
        .stdout
        .lines()
        .map(str::trim)
        .filter(|line| line.contains(" holds "))
        .map(String::from)
        .collect();
    ensure!(
        !standings.is_empty(),
        "the {name} side did not say where the threads stand"
    );
    Ok((code, standings))
}

/// The timing twin's rows, measured with the same rounds and scale.
fn twin_rows(common: &Common, python: &Path, label: &str, results: &mut Results) -> Result<()> {
    let args = vec![
        "--rounds".to_string(),
        common.rounds.to_string(),
        "--scale".to_string(),
        common.scale.factor().to_string(),
    ];
    let limit = Duration::from_secs(60) + WATCHDOG_PATIENCE * 2 * common.rounds;
    let twin = Twin::new("timeout.py", TIMEOUT_PY);
    let document = labkit::python::run_twin(python, twin, &args, limit)
        .map_err(|err: TwinError| anyhow::anyhow!("{err}"))?;
    let row = document
        .row("timeout", "give up")
        .context("the twin measured no timeout / give up")?;
    let column = |key: &str| -> Result<String> {
        let values = row.columns.get(key).and_then(Value::as_array);
        let values: Vec<&str> = values
            .with_context(|| format!("the twin's row has no {key} column"))?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        ensure!(
            values.len() == document.rounds,
            "{key}: one value per round expected"
        );
        Ok(if values.iter().all(|v| *v == values[0]) {
            values[0].to_string()
        } else {
            values.join(" / ")
        })
    };
    let (finished, gave_up) = (column("finished")?, column("gave_up")?);
    results
        .push_samples(
            "timeout",
            label,
            row.samples.clone(),
            Some(row.cpu_samples.clone()),
        )
        .with("finished", finished)
        .with("gave up", gave_up);
    Ok(())
}

/// `thread 1`, `both` or `nobody`: the twins' words.
fn who(outcomes: &[Outcome; 2], wanted: Outcome) -> String {
    match threads_where(outcomes, |o| *o == wanted) {
        both if both.contains(',') => "both".to_string(),
        one => one,
    }
}

/// A twin written into a fresh temporary directory, removed when dropped.
struct Scratch {
    dir: PathBuf,
    file: PathBuf,
}

impl Scratch {
    fn write(name: &str, source: &str) -> Result<Scratch> {
        let unique = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir =
            std::env::temp_dir().join(format!("deadlock-twin-{}-{unique}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let file = dir.join(name);
        std::fs::write(dir.join("twinkit.py"), labkit::python::TWINKIT_PY)
            .and_then(|()| std::fs::write(&file, source))
            .with_context(|| format!("writing {}", file.display()))?;
        Ok(Scratch { dir, file })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
