//! The power sum of the Python lab's `03_process_pool_math`, three ways.
//!
//! The sum itself is the baseline chapter's ([`baseline::powersum`]), so the
//! sequential run, rayon and the process pool compute exactly the same
//! number. This module is not a listing: it wires that workload to rayon and
//! to [`crate::pool::ProcessPool`], whose tasks are chunks written as
//! `start end` lines.

use std::ops::Range;
use std::process::Command;

use anyhow::{Context, Result, bail};
use baseline::powersum::{EXPONENT, MODULUS, chunk_ranges, power_sum};
use rayon::prelude::*;

use crate::pool::{ProcessPool, TaskFailed};

/// The whole sum, one chunk after another on this thread.
pub fn sequential(n: u64, chunks: u64) -> u64 {
    baseline::powersum::power_sum_sequential(n, chunks, EXPONENT)
}

/// Each chunk a rayon job: a tight loop over its own range of numbers.
pub fn with_rayon(n: u64, chunks: u64) -> u64 {
    chunk_ranges(n, chunks)
        .into_par_iter()
        .map(|chunk| power_sum(chunk, EXPONENT))
        .reduce(|| 0, |a, b| (a + b) % MODULUS)
}

/// A chunk as a task line: `start end` (end exclusive).
pub fn encode_task(chunk: &Range<u64>) -> String {
    format!("{} {}", chunk.start, chunk.end)
}

/// The worker's job: parse a chunk, sum it, answer with the number.
pub fn worker_job(input: &str) -> Result<String, String> {
    let mut fields = input.split(' ').map(str::parse::<u64>);
    match (fields.next(), fields.next(), fields.next()) {
        (Some(Ok(start)), Some(Ok(end)), None) if start <= end => {
            Ok(power_sum(start..end, EXPONENT).to_string())
        }
        _ => Err(format!("expected 'start end', got {input:?}")),
    }
}

/// What a pool run cost besides the sum.
#[derive(Debug, Clone, Copy)]
pub struct PoolReport {
    pub sum: u64,
    pub tasks: usize,
    pub bytes_through_pipes: usize,
}

/// Starts `workers` processes with `worker_command`, sends them the chunks,
/// adds up their answers and shuts the pool down (all inside the caller's
/// timing, as `with ProcessPoolExecutor() as pool:` is in Python).
pub fn with_process_pool(
    n: u64,
    chunks: u64,
    workers: usize,
    worker_command: impl Fn() -> Command,
) -> Result<PoolReport> {
    let mut pool = ProcessPool::start(workers, worker_command).context("starting the pool")?;
    let tasks: Vec<String> = chunk_ranges(n, chunks).iter().map(encode_task).collect();
    let answers = pool
        .map(&tasks)
        .map_err(|failed: TaskFailed| anyhow::anyhow!("process pool: {failed}"))?;
    let mut sum = 0;
    for (task, answer) in answers.iter().enumerate() {
        let part: u64 = match answer.parse() {
            Ok(part) => part,
            Err(_) => bail!("process pool: task {task} answered {answer:?}, not a number"),
        };
        sum = (sum + part) % MODULUS;
    }
    let bytes_through_pipes = pool.bytes_through_pipes();
    pool.shutdown().context("shutting the pool down")?;
    Ok(PoolReport {
        sum,
        tasks: tasks.len(),
        bytes_through_pipes,
    })
}

/// What a pool costs with no work in it: start `workers` processes, give
/// each an empty chunk, shut them down.
pub fn pool_overhead(workers: usize, worker_command: impl Fn() -> Command) -> Result<()> {
    let mut pool = ProcessPool::start(workers, worker_command).context("starting the pool")?;
    let tasks = vec![encode_task(&(1..1)); workers];
    let answers = pool
        .map(&tasks)
        .map_err(|failed| anyhow::anyhow!("process pool: {failed}"))?;
    anyhow::ensure!(
        answers.iter().all(|a| a == "0"),
        "empty chunks summed to {answers:?}"
    );
    pool.shutdown().context("shutting the pool down")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_round_trip_and_bad_tasks_are_refused() {
        let chunk = 5..9;
        let answer = worker_job(&encode_task(&chunk)).unwrap();
        assert_eq!(answer, power_sum(5..9, EXPONENT).to_string());
        for bad in ["", "1", "1 2 3", "a b", "9 5"] {
            assert!(worker_job(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn rayon_and_sequential_agree() {
        assert_eq!(with_rayon(10_000, 7), sequential(10_000, 3));
    }
}
