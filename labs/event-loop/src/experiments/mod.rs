//! The experiments: each module runs the listings of one subcommand,
//! measures them with the method of `labkit::bench`, checks what they
//! returned every round, and builds its table. `main.rs` only dispatches.

pub mod blocking;
pub mod blocking_sockets;
pub mod by_hand;
pub mod fetch;
pub mod lifecycle;
pub mod limit;
pub mod pages;
pub mod primer;
pub mod python;
pub mod reactor;
pub mod scale;
pub mod user_input;
pub mod weather;

use std::time::Duration;

use anyhow::{Context, Result};
use labkit::Ceiling;

/// A multi-threaded tokio runtime (one worker per core), as `#[tokio::main]` makes.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("starting the tokio runtime")
}

/// The ceiling of a speedup that comes from overlapping waits. One after
/// another, the waits add up; all in flight at once, the batch lasts at
/// least as long as the longest. So at most their sum over the longest:
/// N equal waits, N times faster.
pub fn waits_in_flight(waits: &[Duration]) -> Ceiling {
    let total: f64 = waits.iter().map(Duration::as_secs_f64).sum();
    let longest = waits.iter().max().map_or(0.0, Duration::as_secs_f64);
    let value = if longest > 0.0 { total / longest } else { 1.0 };
    Ceiling::new(
        value,
        format!("{} waits in flight: their sum ÷ the longest", waits.len()),
    )
}

/// A thousand requests and the server's thousand answers are two thousand
/// sockets in this one process; many systems allow 1,024 open files unless
/// asked. Raise the soft limit to the hard one (no privilege needed).
pub fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid, writable rlimit; getrlimit only writes into it.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0
        && limit.rlim_cur < limit.rlim_max
    {
        limit.rlim_cur = limit.rlim_max;
        // SAFETY: `limit` is a valid rlimit read from the OS; raising the soft
        // limit up to the hard limit is always allowed.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_in_flight_is_their_sum_over_the_longest() {
        let six = vec![Duration::from_millis(450); 6];
        assert!((waits_in_flight(&six).value - 6.0).abs() < 1e-9);
        // Six pages, a refused connection (no wait), a silent server (the
        // 1 s timeout) and garbage after the latency: 4.15 s over 1 s.
        let mut mixed = six.clone();
        mixed.extend([
            Duration::ZERO,
            Duration::from_secs(1),
            Duration::from_millis(450),
        ]);
        assert!((waits_in_flight(&mixed).value - 4.15).abs() < 1e-9);
        assert_eq!(waits_in_flight(&[]).value, 1.0);
    }
}
