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
    fn spawned_threads_are_counted() {
        // Other tests of this crate run in threads of this process at the same
        // time, so the count is only known from below: the main thread, this
        // test's thread and the 16 parked here are certainly alive. A wrong
        // field (or a count of something else) would read far less.
        const PARKED: u64 = 16;
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let stop_rx = std::sync::Arc::new(std::sync::Mutex::new(stop_rx));
        let handles: Vec<_> = (0..PARKED)
            .map(|_| {
                let (ready_tx, stop_rx) = (ready_tx.clone(), stop_rx.clone());
                std::thread::spawn(move || {
                    ready_tx.send(()).unwrap();
                    let _ = stop_rx.lock().unwrap().recv();
                })
            })
            .collect();
        for _ in 0..PARKED {
            ready_rx.recv().unwrap();
        }
        let counted = thread_count().unwrap();
        assert!(counted >= PARKED + 2, "{counted} threads");
        // Cross-check with the kernel's own list of this process's threads,
        // read right after: it holds at least the threads certainly alive.
        let listed = std::fs::read_dir("/proc/self/task").unwrap().count() as u64;
        assert!(listed >= PARKED + 2, "{listed} tasks");
        drop(stop_tx);
        for handle in handles {
            handle.join().unwrap();
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn touched_memory_shows_in_the_peak_rss() {
        // 64 MiB written page by page are resident while the buffer lives
        // (this machine does not swap them out in a test's time): the peak
        // resident size must be at least that. A kB/bytes mix-up would read
        // 1024 times too little.
        const SIZE: usize = 64 << 20;
        let mut buffer = vec![0u8; SIZE];
        for page in buffer.chunks_mut(4096) {
            page[0] = 1;
        }
        let peak = peak_rss_bytes().unwrap();
        assert!(peak >= SIZE as u64, "VmHWM {peak} bytes");
        assert_eq!(std::hint::black_box(&buffer)[SIZE - 4096], 1);
    }
}
