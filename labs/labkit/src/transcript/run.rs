//! Running a lab bounded in time and capturing what it printed.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// What a finished lab run printed, and how it ended.
#[derive(Debug, Clone)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
    /// The exit code; `None` if a signal ended it.
    pub code: Option<i32>,
}

/// Runs `bin` with `args` and kills it (its whole process group, through
/// [`crate::process::run`]) if it outlives `timeout`, so a test that reruns
/// a lab can never hang and leaves nothing running.
pub fn run_bounded(
    bin: &Path,
    args: &[String],
    envs: &[(&str, &Path)],
    timeout: Duration,
) -> Result<Captured> {
    let mut command = Command::new(bin);
    command.args(args);
    for (key, value) in envs {
        command.env(key, value);
    }
    let done = crate::process::run(&mut command, timeout)
        .with_context(|| format!("starting {}", bin.display()))?;
    let Some(status) = done.status else {
        bail!(
            "{} {} did not finish within {timeout:?} and was killed",
            bin.display(),
            args.join(" ")
        );
    };
    Ok(Captured {
        stdout: done.stdout,
        stderr: done.stderr,
        code: status.code(),
    })
}

/// The body of a transcript: standard output, then the exit status if not 0.
pub(super) fn body(captured: &Captured) -> String {
    let mut text = captured.stdout.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    match captured.code {
        Some(0) => {}
        Some(code) => text.push_str(&format!("[exit status {code}]\n")),
        None => text.push_str("[killed by a signal]\n"),
    }
    text
}
