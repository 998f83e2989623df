//! The Python twins: the countdown and io experiments as CPython scripts.
//!
//! The scripts live in `labs/gil/python/` and are built into the binary, so
//! `gil python` works from any directory: it feeds a script to `python3 -`
//! on standard input and reads one JSON object per line back.

use std::io::{ErrorKind, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// `python/countdown.py`: `count_down(n)` on one thread, then on two.
pub const COUNTDOWN_PY: &str = include_str!("../python/countdown.py");
/// `python/io.py`: `time.sleep` waits in sequence, then on threads.
pub const IO_PY: &str = include_str!("../python/io.py");

/// The first line a twin prints: which CPython ran it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Interpreter {
    pub python: String,
    pub switch_interval: f64,
}

/// One variant a twin measured.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PythonRow {
    pub variant: String,
    pub wall_seconds: f64,
    pub cpu_seconds: f64,
}

impl PythonRow {
    pub fn measurement(&self) -> labkit::Measurement {
        labkit::Measurement {
            wall: Duration::from_secs_f64(self.wall_seconds),
            cpu: Duration::from_secs_f64(self.cpu_seconds),
        }
    }
}

/// Runs `source` with `python` and the given arguments. `Ok(None)` means
/// there is no such interpreter: the caller skips the CPython side.
pub fn run_twin(
    python: &str,
    source: &str,
    args: &[String],
) -> Result<Option<(Interpreter, Vec<PythonRow>)>> {
    let mut child = match Command::new(python)
        .arg("-")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("starting {python}")),
    };
    {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin
            .write_all(source.as_bytes())
            .with_context(|| format!("sending the script to {python}"))?;
    } // closing stdin tells python the script is complete
    let output = child
        .wait_with_output()
        .with_context(|| format!("running {python}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "{python} exited with {}: {}",
            output.status,
            stderr.lines().last().unwrap_or("").trim()
        );
    }
    parse_twin_output(&String::from_utf8_lossy(&output.stdout)).map(Some)
}

/// Reads a twin's output: the interpreter line, then one line per variant.
pub fn parse_twin_output(text: &str) -> Result<(Interpreter, Vec<PythonRow>)> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().context("the Python twin printed nothing")?;
    let interpreter: Interpreter =
        serde_json::from_str(first).with_context(|| format!("reading {first:?}"))?;
    let rows = lines
        .map(|line| serde_json::from_str(line).with_context(|| format!("reading {line:?}")))
        .collect::<Result<Vec<PythonRow>>>()?;
    Ok((interpreter, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twin_output_parses() {
        let text = "{\"python\": \"3.11.7\", \"switch_interval\": 0.005}\n\
                    {\"variant\": \"1 thread\", \"wall_seconds\": 2.0, \"cpu_seconds\": 1.9}\n";
        let (interpreter, rows) = parse_twin_output(text).unwrap();
        assert_eq!(interpreter.python, "3.11.7");
        assert_eq!(rows[0].variant, "1 thread");
        assert!((rows[0].measurement().utilisation() - 0.95).abs() < 1e-9);
        assert!(parse_twin_output("").is_err());
        assert!(parse_twin_output("not json").is_err());
    }

    #[test]
    fn a_missing_interpreter_is_a_skip_not_an_error() {
        let skipped = run_twin("/nonexistent/python3", COUNTDOWN_PY, &["10".into()]).unwrap();
        assert!(skipped.is_none());
    }
}
