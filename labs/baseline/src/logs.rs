// Listing: writing log files one after another.
//
// A module of the `baseline` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom); standard library only.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: write_log
/// Writes one log file of `lines` lines, then waits `slow_device` for it to
/// reach storage.
///
/// The wait stands for a slow disk, a network share or an `fsync`: the
/// thread is blocked in the operating system and the CPU is idle.
pub fn write_log(dir: &Path, name: &str, lines: u32, slow_device: Duration) -> io::Result<PathBuf> {
    let path = dir.join(format!("{name}.log"));
    let mut file = BufWriter::new(File::create(&path)?);
    for line in 1..=lines {
        writeln!(file, "[{name}] event {line} recorded")?;
    }
    file.flush()?;
    thread::sleep(slow_device); // waiting for the device
    Ok(path)
}
// ANCHOR_END: write_log

// ANCHOR: write_all_logs
/// Writes the logs one after another: each file waits for the one before.
pub fn write_all_logs(
    dir: &Path,
    names: &[String],
    lines: u32,
    slow_device: Duration,
) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for name in names {
        paths.push(write_log(dir, name, lines, slow_device)?);
    }
    Ok(paths)
}
// ANCHOR_END: write_all_logs

/// The names of `count` log files: `agent-1`, `agent-2`, ...
pub fn log_names(count: u32) -> Vec<String> {
    (1..=count).map(|n| format!("agent-{n}")).collect()
}

/// A small run of the listing: 3 files of 100 lines, 30 ms each.
pub fn main() {
    let dir = std::env::temp_dir().join(format!("baseline-logs-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let slow_device = Duration::from_millis(30);
    let start = Instant::now();
    let paths = write_all_logs(&dir, &log_names(3), 100, slow_device).expect("logs written");
    let elapsed = start.elapsed();
    for path in &paths {
        let lines = std::fs::read_to_string(path)
            .expect("readable")
            .lines()
            .count();
        println!(
            "{}: {lines} lines",
            path.file_name().unwrap().to_string_lossy()
        );
        assert_eq!(lines, 100);
    }
    println!("3 files in {elapsed:.2?}");
    assert!(elapsed >= 3 * slow_device, "the waits add up");
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
