//! `gil powersum`: the power sum of the Python lab's `03_process_pool_math`,
//! three ways, and `gil worker`, the pool's worker process.
//!
//! The sum itself is the baseline chapter's ([`baseline::powersum`]), so the
//! sequential run, rayon and the process pool compute exactly the same
//! number. This module wires that workload to rayon and to
//! [`crate::pool::ProcessPool`], whose tasks are chunks written as
//! `start end` lines.

use std::io;
use std::ops::Range;
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use baseline::powersum::{EXPONENT, MODULUS, chunk_ranges, power_sum};
use labkit::{Bench, Ceiling, Common};
use rayon::prelude::*;

use crate::pool::{self, ProcessPool, TaskFailed};

/// The power sum's size: half the baseline chapter's 100M (about 2.5 s on
/// one core), so that the process pool still gets more than a second of work.
pub const FULL_NUMBERS: u64 = 50_000_000;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// N, before --scale is applied.
    #[arg(long, default_value_t = FULL_NUMBERS, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..))]
    numbers: u64,
    /// How many chunks (tasks) the numbers are split into.
    #[arg(long, default_value_t = 16, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    chunks: u64,
    /// Worker processes in the pool (default: one per core).
    #[arg(long, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=256))]
    workers: Option<u64>,
    /// Testing aid: the worker that receives this task exits without answering.
    #[arg(long, hide = true)]
    crash_task: Option<usize>,
}

/// The arguments of `gil worker` (internal).
#[derive(clap::Args, Debug)]
pub struct WorkerArgs {
    #[arg(long)]
    crash_task: Option<usize>,
}

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
    let answers = pool.map(&tasks).map_err(pool_failure)?;
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
    let answers = pool.map(&tasks).map_err(pool_failure)?;
    anyhow::ensure!(
        answers.iter().all(|a| a == "0"),
        "empty chunks summed to {answers:?}"
    );
    pool.shutdown().context("shutting the pool down")
}

fn pool_failure(failed: TaskFailed) -> anyhow::Error {
    anyhow::anyhow!("process pool: {failed}")
}

/// A command that starts this very program as a pool worker.
fn worker_command(crash_task: Option<usize>) -> Result<impl Fn() -> Command> {
    let exe = std::env::current_exe().context("finding the lab's own executable")?;
    Ok(move || {
        let mut command = Command::new(&exe);
        command.arg("worker");
        if let Some(task) = crash_task {
            command.args(["--crash-task", &task.to_string()]);
        }
        command
    })
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let n = common.scale.count(args.numbers);
    let chunks = args.chunks;
    let workers = args.workers.map_or(labkit::os::cores(), |w| w as usize);
    ensure!(
        n >= chunks,
        "{n} numbers cannot be split into {chunks} chunks"
    );
    common.say(format!(
        "Summing i^{EXPONENT} mod {MODULUS} for i in 1..={n}, in {chunks} chunks."
    ));
    let make_worker = worker_command(args.crash_task)?;
    let expected = with_rayon(n, chunks);
    // Each variant returns the sum and the bytes its pipes carried.
    let in_process = |sum: u64| -> Result<(u64, usize)> { Ok((sum, 0)) };
    let rayon_name = format!("rayon, {} threads", rayon::current_num_threads());
    let pool_name = format!("process pool, {workers} workers");
    let empty_name = format!("process pool, {workers} workers, no work");
    let mut bench = Bench::new("powersum", common);
    bench
        .variant("sequential", || {
            in_process(std::thread::scope(|s| {
                s.spawn(|| sequential(n, chunks)).join().unwrap()
            }))
        })
        .variant(&rayon_name, || in_process(with_rayon(n, chunks)))
        .variant(&pool_name, || {
            let report = with_process_pool(n, chunks, workers, &make_worker)?;
            Ok((report.sum, report.bytes_through_pipes))
        })
        .variant(&empty_name, || {
            pool_overhead(workers, &make_worker).map(|()| (0, 0))
        });
    let run = bench.run(|variant, outcome| {
        let (sum, _) = outcome.as_ref().map_err(|err| anyhow::anyhow!("{err:#}"))?;
        let want = if variant == empty_name { 0 } else { expected };
        ensure!(*sum == want, "{variant} summed {sum}, not {want}");
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        if let Ok((sum, bytes)) = measured.median_value() {
            row.with("sum", *sum).with("pipe bytes", *bytes as u64);
        }
    });
    let rayon_ceiling = Ceiling::cores(rayon::current_num_threads());
    results.paired_speedup("powersum", &rayon_name, "sequential", &rayon_ceiling)?;
    let pool_ceiling = Ceiling::cores(workers);
    results.paired_speedup("powersum", &pool_name, "sequential", &pool_ceiling)?;
    common.say(format!(
        "  sum = {expected}, the same every way and every round"
    ));
    results.print(common)
}

/// `gil worker`: answer power-sum tasks until stdin closes.
pub fn worker(args: &WorkerArgs) -> Result<()> {
    let stdin = io::stdin().lock();
    let stdout = io::stdout().lock();
    pool::serve(stdin, stdout, |task, input| {
        if args.crash_task == Some(task) {
            // Simulates a worker killed mid-task (out of memory, a segfault...).
            std::process::exit(3);
        }
        worker_job(input)
    })
    .context("serving tasks")
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
