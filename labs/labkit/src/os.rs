//! What the operating system reports about this process.
//!
//! Threads and memory are facts only the OS knows for sure, so the labs ask
//! it instead of counting for themselves. On Linux the answers come from
//! `/proc/self/status`; elsewhere the functions say plainly that they cannot
//! tell, rather than printing a made-up number.

use anyhow::{Context, Result, bail};

/// How many threads this process is running right now (`Threads:`).
pub fn thread_count() -> Result<u64> {
    status_field("Threads").context("counting this process's threads")
}

/// The peak resident set size of this process so far, in bytes (`VmHWM`):
/// the most physical memory it has used at once.
pub fn peak_rss_bytes() -> Result<u64> {
    Ok(status_field("VmHWM").context("reading peak memory use")? * 1024)
}

/// The resident set size of this process now, in bytes (`VmRSS`).
pub fn rss_bytes() -> Result<u64> {
    Ok(status_field("VmRSS").context("reading memory use")? * 1024)
}

/// The number of CPU cores this process may run on.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Reads one numeric field of `/proc/self/status` (kB fields are returned in kB).
fn status_field(name: &str) -> Result<u64> {
    if !cfg!(target_os = "linux") {
        bail!("only Linux exposes /proc/self/status; this lab cannot read '{name}' here");
    }
    let status =
        std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    parse_status_field(&status, name)
}

fn parse_status_field(status: &str, name: &str) -> Result<u64> {
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .with_context(|| format!("no '{name}' line in /proc/self/status"))?;
    let number = line.split_whitespace().next().unwrap_or("");
    number
        .parse()
        .with_context(|| format!("'{name}' is not a number: {line:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_lines() {
        let status = "Name:\tlab\nThreads:\t3\nVmHWM:\t  2048 kB\n";
        assert_eq!(parse_status_field(status, "Threads").unwrap(), 3);
        assert_eq!(parse_status_field(status, "VmHWM").unwrap(), 2048);
        assert!(parse_status_field(status, "VmRSS").is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_spawned_thread_is_counted() {
        let before = thread_count().unwrap();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let handle = std::thread::spawn(move || {
            ready_tx.send(()).unwrap();
            let _ = stop_rx.recv();
        });
        ready_rx.recv().unwrap();
        // Other tests run in parallel threads, so only a lower bound is certain.
        assert!(thread_count().unwrap() >= 2);
        assert!(before >= 1);
        drop(stop_tx);
        handle.join().unwrap();
        assert!(peak_rss_bytes().unwrap() >= rss_bytes().unwrap() / 2);
    }
}
