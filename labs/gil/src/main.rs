//! `gil`: the command line of the chapter "The GIL and its analogue".

use std::io;
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use clap::{Parser, Subcommand};
use gil::gil::{self as lock, Gil};
use gil::{ipc, pool, powersum, twins};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure, measure_best};

/// Build CPython's Global Interpreter Lock in Rust, measure what it costs,
/// then use the tools Rust has instead: threads, rayon and a process pool.
///
/// Sizes are the Python material's unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "gil", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// Count down from 500M: 1 thread, 2 threads under the GIL, 2 threads without it, rayon.
    Countdown {
        /// N, before --scale is applied.
        #[arg(long, default_value_t = 500_000_000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..))]
        numbers: u64,
        /// The GIL's switch interval in microseconds (CPython's default: 5000).
        #[arg(long, default_value_t = 5_000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        switch_us: u64,
        /// A tiny switch interval to compare with, in microseconds.
        #[arg(long, default_value_t = 5, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        tiny_switch_us: u64,
        /// How many jobs rayon gets (each a tight loop over its share).
        #[arg(long, default_value_t = 64, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        chunks: u64,
    },
    /// fib(n) + fib(n+1), naive recursion: one thread, then two, with and without the GIL.
    Fib {
        /// n; --scale changes it so that the work scales (fib(n) costs about 1.618^n).
        #[arg(long, default_value_t = 40, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u32).range(1..=50))]
        n: u32,
    },
    /// 10 blocking waits of 1 s: one after another, then on 10 threads, all under the GIL.
    Io {
        /// How many waits.
        #[arg(long, default_value_t = 10, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u32).range(1..=1000))]
        waits: u32,
        /// CPU work under the GIL before and after each wait (countdown steps).
        #[arg(long, default_value_t = 100_000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(0..=100_000_000))]
        cpu_steps: u64,
    },
    /// The Python lab's power sum: sequential, rayon, and a pool of worker processes.
    Powersum {
        /// N, before --scale is applied.
        #[arg(long, default_value_t = FULL_POWERSUM_NUMBERS, allow_negative_numbers = true,
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
    },
    /// The Python material's Queue and Pipe examples: a channel between threads, a pipe to a child process.
    Ipc {
        /// How many small messages the throughput runs send, before --scale.
        #[arg(long, default_value_t = 100_000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..))]
        messages: u64,
    },
    /// Run the Python twins of countdown and io with python3, next to the Rust GIL.
    Python {
        /// The Python interpreter to run.
        #[arg(long, default_value = "python3")]
        python: String,
        /// The tiny switch interval both sides also try, in microseconds.
        #[arg(long, default_value_t = 5, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        tiny_switch_us: u64,
    },
    /// (internal) A process-pool worker: answers power-sum tasks on stdin/stdout.
    #[command(hide = true)]
    Worker {
        #[arg(long)]
        crash_task: Option<usize>,
    },
    /// (internal) The child process of `ipc`.
    #[command(hide = true)]
    IpcChild {
        /// Add up the numbers on stdin instead of saying hello.
        #[arg(long)]
        add: bool,
    },
}

/// The countdown's Python size.
const FULL_COUNTDOWN: u64 = 500_000_000;
/// The power sum's size: half the baseline chapter's 100M (about 2.5 s on
/// one core), so that the process pool still gets more than a second of work.
const FULL_POWERSUM_NUMBERS: u64 = 50_000_000;
/// The Python material's wait.
const IO_WAIT: Duration = Duration::from_secs(1);
/// Two threads, as in the Python material.
const THREADS: u64 = 2;
/// CPU-bound rows report the fastest of this many runs (see `labkit::timing::measure_best`).
const BEST_OF: usize = 3;

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<()> {
    let mut results = Results::new();
    match experiment {
        Experiment::Countdown {
            numbers,
            switch_us,
            tiny_switch_us,
            chunks,
        } => countdown(
            &common,
            &mut results,
            common.scale.count(numbers),
            Duration::from_micros(switch_us),
            Duration::from_micros(tiny_switch_us),
            chunks,
        )?,
        Experiment::Fib { n } => fib(&common, &mut results, n)?,
        Experiment::Io { waits, cpu_steps } => io_waits(&common, &mut results, waits, cpu_steps)?,
        Experiment::Powersum {
            numbers,
            chunks,
            workers,
            crash_task,
        } => {
            let workers = workers.map_or(labkit::os::cores(), |w| w as usize);
            power_sum(
                &common,
                &mut results,
                common.scale.count(numbers),
                chunks,
                workers,
                crash_task,
            )?
        }
        Experiment::Ipc { messages } => ipc(&common, &mut results, common.scale.count(messages))?,
        Experiment::Python {
            python,
            tiny_switch_us,
        } => python_side_by_side(
            &common,
            &mut results,
            &python,
            Duration::from_micros(tiny_switch_us),
        )?,
        Experiment::Worker { crash_task } => return worker(crash_task),
        Experiment::IpcChild { add } => {
            return if add {
                ipc::add_up_lines(io::stdin().lock(), io::stdout().lock())
                    .context("adding up the numbers")
            } else {
                ipc::say_hello_to_parent().context("writing to the parent")
            };
        }
    }
    results.print(&common)?;
    Ok(())
}

fn countdown(
    common: &Common,
    results: &mut Results,
    n: u64,
    switch: Duration,
    tiny_switch: Duration,
    rayon_chunks: u64,
) -> Result<()> {
    common.say(format!(
        "Counting down from {n}: the Python material's CPU-bound loop, {} switch interval.",
        format_duration(switch)
    ));
    common.say(format!(
        "Each row is the fastest of {BEST_OF} runs: other programs can only slow a run down."
    ));
    warm_up();
    let ((counted, switches), cost) = measure_best(BEST_OF, || {
        let gil = Gil::new(switch);
        (lock::count_down_holding(&gil, n), gil.forced_switches())
    });
    ensure!(counted == n, "1 thread counted {counted} of {n}");
    results
        .push_measured("countdown", "1 thread, GIL", cost)
        .with("counted", counted)
        .with("switches", switches);

    let ((counted, switches), cost) = measure_best(BEST_OF, || {
        let gil = Gil::new(switch);
        (
            lock::count_down_gil_threads(&gil, n, THREADS),
            gil.forced_switches(),
        )
    });
    ensure!(counted == n, "2 threads counted {counted} of {n}");
    results
        .push_measured(
            "countdown",
            &format!("{THREADS} threads, GIL, {} switch", format_duration(switch)),
            cost,
        )
        .with("counted", counted)
        .with("switches", switches);

    // The same, handing the lock over every few microseconds.
    let ((counted, switches), cost) = measure_best(BEST_OF, || {
        let gil = Gil::new(tiny_switch);
        (
            lock::count_down_gil_threads(&gil, n, THREADS),
            gil.forced_switches(),
        )
    });
    ensure!(counted == n, "2 threads counted {counted} of {n}");
    results
        .push_measured(
            "countdown",
            &format!(
                "{THREADS} threads, GIL, {} switch",
                format_duration(tiny_switch)
            ),
            cost,
        )
        .with("counted", counted)
        .with("switches", switches);

    let (counted, cost) = measure_best(BEST_OF, || lock::count_down_free_threads(n, THREADS));
    ensure!(counted == n, "2 free threads counted {counted} of {n}");
    results
        .push_measured("countdown", &format!("{THREADS} threads, no GIL"), cost)
        .with("counted", counted);

    let (counted, cost) = measure_best(BEST_OF, || lock::count_down_rayon(n, rayon_chunks));
    ensure!(counted == n, "rayon counted {counted} of {n}");
    results
        .push_measured(
            "countdown",
            &format!(
                "rayon, {rayon_chunks} jobs, {} threads",
                rayon::current_num_threads()
            ),
            cost,
        )
        .with("counted", counted);
    results.speedups_against("countdown", "1 thread, GIL")
}

/// A few milliseconds of the same work before the first measured run, so
/// that the first row does not also pay for cold caches and a CPU that is
/// still raising its clock.
fn warm_up() {
    let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
    lock::count_down_holding(&gil, 20_000_000);
    std::hint::black_box(lock::fib_holding(25, &mut gil.acquire()));
}

/// `n` moved so that fib(n) does about `scale` times the work of fib(n) at
/// scale 1: the work grows by the golden ratio per step of n.
fn scaled_fib_n(n: u32, scale: labkit::Scale) -> u32 {
    let golden = (1.0 + 5f64.sqrt()) / 2.0;
    let shift = (scale.factor().ln() / golden.ln()).round();
    (f64::from(n) + shift).clamp(1.0, f64::from(n) + 10.0) as u32
}

fn fib(common: &Common, results: &mut Results, n: u32) -> Result<()> {
    let n = scaled_fib_n(n, common.scale);
    common.say(format!(
        "fib({n}) and fib({}) by naive recursion: fib({}) is {:.0}% of the work.",
        n + 1,
        n + 1,
        100.0 / (1.0 + 1.0 / ((1.0 + 5f64.sqrt()) / 2.0))
    ));
    common.say(format!(
        "Each row is the fastest of {BEST_OF} runs: other programs can only slow a run down."
    ));
    warm_up();
    let ((a, b), cost) = measure_best(BEST_OF, || {
        let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
        let mut held = gil.acquire();
        let a = lock::fib_holding(n, &mut held);
        let b = lock::fib_holding(n + 1, &mut held);
        (a, b)
    });
    let expected = fib_by_iteration(n);
    ensure!((a, b) == expected, "sequential fib gave {a}, {b}");
    results
        .push_measured("fib", "1 thread, GIL", cost)
        .with("fib(n)", a)
        .with("fib(n+1)", b);

    let ((a, b), cost) = measure_best(BEST_OF, || {
        let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
        lock::fib_pair_on_threads(n, Some(&gil))
    });
    ensure!((a, b) == expected, "threads under the GIL gave {a}, {b}");
    results
        .push_measured("fib", "2 threads, GIL", cost)
        .with("fib(n)", a)
        .with("fib(n+1)", b);

    let ((a, b), cost) = measure_best(BEST_OF, || lock::fib_pair_on_threads(n, None));
    ensure!((a, b) == expected, "threads without the GIL gave {a}, {b}");
    results
        .push_measured("fib", "2 threads, no GIL", cost)
        .with("fib(n)", a)
        .with("fib(n+1)", b);
    results.speedups_against("fib", "1 thread, GIL")
}

/// fib(n) and fib(n + 1) the fast way, to check the slow ones.
fn fib_by_iteration(n: u32) -> (u64, u64) {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a + b);
    }
    (a, b)
}

fn io_waits(common: &Common, results: &mut Results, waits: u32, cpu_steps: u64) -> Result<()> {
    let latency = common.scale.duration(IO_WAIT);
    common.say(format!(
        "{waits} blocking waits of {}, the GIL held only around {cpu_steps} countdown steps before and after each.",
        format_duration(latency)
    ));
    let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
    let (waited, cost) = measure(|| lock::requests_in_sequence(&gil, waits, latency, cpu_steps));
    results
        .push_measured("io", "sequential, GIL", cost)
        .with("waits", waits)
        .with("waited in all", format_duration(waited));
    let (waited, cost) = measure(|| lock::requests_on_threads(&gil, waits, latency, cpu_steps));
    results
        .push_measured("io", &format!("{waits} threads, GIL"), cost)
        .with("waits", waits)
        .with("waited in all", format_duration(waited));
    results.speedups_against("io", "sequential, GIL")
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

fn power_sum(
    common: &Common,
    results: &mut Results,
    n: u64,
    chunks: u64,
    workers: usize,
    crash_task: Option<usize>,
) -> Result<()> {
    ensure!(
        n >= chunks,
        "{n} numbers cannot be split into {chunks} chunks"
    );
    common.say(format!(
        "Summing i^{} mod {} for i in 1..={n}, in {chunks} chunks.",
        baseline::powersum::EXPONENT,
        baseline::powersum::MODULUS
    ));
    let make_worker = worker_command(crash_task)?;

    // What the pool costs before any work: spawn, one empty task each, shutdown.
    let (empty, startup) = measure(|| powersum::pool_overhead(workers, &make_worker));
    empty?;
    common.say(format!(
        "Starting {workers} worker processes, sending each nothing to do and shutting them down: {}.",
        format_duration(startup.wall)
    ));

    common.say(format!(
        "Each row is the fastest of {BEST_OF} runs: other programs can only slow a run down."
    ));
    let (sum, cost) = measure_best(BEST_OF, || powersum::sequential(n, chunks));
    results
        .push_measured("powersum", "sequential", cost)
        .with("sum", sum)
        .with("pipe bytes", 0);

    let (rayon_sum, cost) = measure_best(BEST_OF, || powersum::with_rayon(n, chunks));
    ensure!(rayon_sum == sum, "rayon summed {rayon_sum}, not {sum}");
    results
        .push_measured(
            "powersum",
            &format!("rayon, {} threads", rayon::current_num_threads()),
            cost,
        )
        .with("sum", rayon_sum)
        .with("pipe bytes", 0);

    let (report, cost) = measure_best(BEST_OF, || {
        powersum::with_process_pool(n, chunks, workers, &make_worker)
    });
    let report = report?;
    ensure!(
        report.sum == sum,
        "the process pool summed {}, not {sum}",
        report.sum
    );
    results
        .push_measured(
            "powersum",
            &format!("process pool, {workers} workers"),
            cost,
        )
        .with("sum", report.sum)
        .with("pipe bytes", report.bytes_through_pipes);
    common.say(format!("  sum = {sum}, the same three ways"));
    results.speedups_against("powersum", "sequential")
}

/// `gil worker`: answer power-sum tasks until stdin closes.
fn worker(crash_task: Option<usize>) -> Result<()> {
    let stdin = io::stdin().lock();
    let stdout = io::stdout().lock();
    pool::serve(stdin, stdout, |task, input| {
        if crash_task == Some(task) {
            // Simulates a worker killed mid-task (out of memory, a segfault...).
            std::process::exit(3);
        }
        powersum::worker_job(input)
    })
    .context("serving tasks")
}

fn ipc(common: &Common, results: &mut Results, messages: u64) -> Result<()> {
    let exe = std::env::current_exe().context("finding the lab's own executable")?;
    let child = |add: bool| {
        let mut command = Command::new(&exe);
        command.arg("ipc-child");
        if add {
            command.arg("--add");
        }
        command
    };

    let (message, cost) = measure(ipc::hello_over_channel);
    common.say(format!("channel: received \"{message}\""));
    results
        .push_measured("ipc", "channel to a new thread, 1 message", cost)
        .with("messages", 1)
        .with("per message", format_duration(cost.wall));

    let (message, cost) = measure(|| ipc::hello_over_pipe(child(false)));
    let message = message.context("the pipe to a child process")?;
    common.say(format!("pipe:    received \"{message}\""));
    results
        .push_measured("ipc", "pipe to a new process, 1 message", cost)
        .with("messages", 1)
        .with("per message", format_duration(cost.wall));

    let expected = messages * (messages - 1) / 2;
    let (total, cost) = measure(|| ipc::many_over_channel(messages));
    ensure!(total == expected, "the channel added up to {total}");
    results
        .push_measured("ipc", "channel, numbers", cost)
        .with("messages", messages)
        .with("per message", format_duration(cost.wall / messages as u32));

    let (total, cost) = measure(|| ipc::many_over_pipe(child(true), messages));
    let total = total.context("the pipe to a child process")?;
    ensure!(total == expected, "the child added up to {total}");
    results
        .push_measured("ipc", "pipe, numbers as text lines", cost)
        .with("messages", messages)
        .with("per message", format_duration(cost.wall / messages as u32));
    common.say(format!("both added up 0..{messages} to {expected}"));
    Ok(())
}

fn python_side_by_side(
    common: &Common,
    results: &mut Results,
    python: &str,
    tiny_switch: Duration,
) -> Result<()> {
    let n = common.scale.count(FULL_COUNTDOWN);
    let waits = 10;
    let latency = common.scale.duration(IO_WAIT);
    let countdown_args = [n.to_string(), tiny_switch.as_secs_f64().to_string()];
    let io_args = [waits.to_string(), latency.as_secs_f64().to_string()];

    let countdown = twins::run_twin(python, twins::COUNTDOWN_PY, &countdown_args)?;
    let io = twins::run_twin(python, twins::IO_PY, &io_args)?;
    match (countdown, io) {
        (Some((interpreter, countdown_rows)), Some((_, io_rows))) => {
            common.say(format!(
                "CPython {} (switch interval {}) and the Rust Gil, on the same machine.",
                interpreter.python,
                format_duration(Duration::from_secs_f64(interpreter.switch_interval))
            ));
            for row in countdown_rows {
                results.push_measured("countdown, CPython", &row.variant, row.measurement());
            }
            results.speedups_against("countdown, CPython", "1 thread")?;
            add_rust_countdown(results, n, tiny_switch)?;
            for row in io_rows {
                results.push_measured("io, CPython", &row.variant, row.measurement());
            }
            results.speedups_against("io, CPython", "sequential")?;
        }
        _ => {
            common.say(format!(
                "{python} was not found: skipping the CPython side (install Python 3 to compare)."
            ));
            add_rust_countdown(results, n, tiny_switch)?;
        }
    }
    let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
    let (_, cost) = measure(|| lock::requests_in_sequence(&gil, waits, latency, 0));
    results.push_measured("io, Rust Gil", "sequential", cost);
    let (_, cost) = measure(|| lock::requests_on_threads(&gil, waits, latency, 0));
    results.push_measured("io, Rust Gil", &format!("{waits} threads"), cost);
    results.speedups_against("io, Rust Gil", "sequential")?;
    if results.rows().is_empty() {
        bail!("no rows measured");
    }
    Ok(())
}

fn add_rust_countdown(results: &mut Results, n: u64, tiny_switch: Duration) -> Result<()> {
    warm_up();
    let (_, cost) = measure_best(BEST_OF, || {
        lock::count_down_holding(&Gil::new(Gil::DEFAULT_SWITCH_INTERVAL), n)
    });
    results.push_measured("countdown, Rust Gil", "1 thread", cost);
    let (_, cost) = measure_best(BEST_OF, || {
        lock::count_down_gil_threads(&Gil::new(Gil::DEFAULT_SWITCH_INTERVAL), n, THREADS)
    });
    results.push_measured("countdown, Rust Gil", "2 threads", cost);
    let (_, cost) = measure_best(BEST_OF, || {
        lock::count_down_gil_threads(&Gil::new(tiny_switch), n, THREADS)
    });
    results.push_measured(
        "countdown, Rust Gil",
        &format!("2 threads, {} switch", format_duration(tiny_switch)),
        cost,
    );
    results.speedups_against("countdown, Rust Gil", "1 thread")
}
