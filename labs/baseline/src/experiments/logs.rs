//! `baseline logs`: five log files, each waiting 1 s for the device.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, ensure};
use baseline::logs;
use labkit::timing::format_duration;
use labkit::{Bench, Common};

use super::LOG_DELAY;

/// Checks the files the run wrote: `files` of them, each `lines` lines long
/// (read back from the disk, so a skipped line would show). Returns the
/// total of their sizes.
pub fn check(written: &std::io::Result<Vec<PathBuf>>, files: u32, lines: u32) -> Result<u64> {
    let written = written
        .as_ref()
        .map_err(|err| anyhow::anyhow!("writing the logs: {err}"))?;
    ensure!(
        written.len() == files as usize,
        "{} files written, not {files}",
        written.len()
    );
    let mut bytes = 0;
    for path in written {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading {} back", path.display()))?;
        let count = text.lines().count();
        ensure!(
            count == lines as usize,
            "{} has {count} lines, not {lines}",
            path.display()
        );
        bytes += text.len() as u64;
    }
    Ok(bytes)
}

/// A fresh directory for this process's log files.
pub fn log_dir(what: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("baseline-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

fn remove(dir: &Path) -> Result<()> {
    std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))
}

pub fn run(common: &Common, files: u32, lines: u32) -> Result<()> {
    let delay = common.scale.duration(LOG_DELAY);
    let dir = log_dir("logs")?;
    common.say(format!(
        "Writing {files} log files of {lines} lines, {} of device wait each, one after another.",
        format_duration(delay)
    ));
    let names = logs::log_names(files);
    let mut bench = Bench::new("logs", common);
    bench.variant("sequential", || {
        logs::write_all_logs(&dir, &names, lines, delay)
    });
    let bytes = std::cell::Cell::new(0);
    let run = bench.run(|_, written| {
        bytes.set(check(written, files, lines)?);
        Ok(())
    });
    let cleaned = remove(&dir);
    let run = run?;
    cleaned?;
    let results = run.results_with(|measured, row| {
        row.with(
            "files",
            measured.median_value().as_ref().map_or(0, Vec::len),
        )
        .with("bytes", bytes.get())
        .with("waiting", format_duration(delay * files));
    });
    results.print(common)
}
