//! `gil`: the command line of the chapter "The GIL and its analogue".

use std::io;
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use clap::{Parser, Subcommand};
use gil::gil::{self as lock, Gil};
use gil::{ipc, pool, powersum, twins};
use labkit::bench::median;
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common, Results, measure, measure_best};

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
    /// The countdown's step on one thread: a round trip through memory vs register arithmetic.
    Step {
        /// Steps, before --scale is applied.
        #[arg(long, default_value_t = 500_000_000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..))]
        numbers: u64,
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
        /// How many small messages the throughput runs send, before --scale (1 to 100000000).
        #[arg(long, default_value_t = 100_000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..=MAX_MESSAGES))]
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
/// The CPython side-by-side run reports the fastest of this many runs of the
/// Rust countdown (the `python` experiment is not converted to the rounds yet).
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
        } => results.extend(countdown(
            &common,
            common.scale.count(numbers),
            Duration::from_micros(switch_us),
            Duration::from_micros(tiny_switch_us),
            chunks,
        )?),
        Experiment::Step { numbers } => results.extend(step(&common, common.scale.count(numbers))?),
        Experiment::Fib { n } => results.extend(fib(&common, n)?),
        Experiment::Io { waits, cpu_steps } => io_waits(&common, &mut results, waits, cpu_steps)?,
        Experiment::Powersum {
            numbers,
            chunks,
            workers,
            crash_task,
        } => {
            let workers = workers.map_or(labkit::os::cores(), |w| w as usize);
            results.extend(power_sum(
                &common,
                common.scale.count(numbers),
                chunks,
                workers,
                crash_task,
            )?)
        }
        Experiment::Ipc { messages } => ipc(&common, &mut results, messages)?,
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

/// What a countdown variant returns: the steps its threads counted and,
/// under a GIL, how many times a holder was made to hand it over.
#[derive(Debug, Clone, Copy)]
struct Counted {
    steps: u64,
    switches: Option<u64>,
}

fn countdown(
    common: &Common,
    n: u64,
    switch: Duration,
    tiny_switch: Duration,
    rayon_chunks: u64,
) -> Result<Results> {
    common.say(format!(
        "Counting down from {n}: the Python material's CPU-bound loop, {} switch interval.",
        format_duration(switch)
    ));
    let under_gil = |interval: Duration, threads: u64| {
        move || {
            let gil = Gil::new(interval);
            let steps = lock::count_down_gil_threads(&gil, n, threads);
            let switches = Some(gil.forced_switches());
            Counted { steps, switches }
        }
    };
    let free = |threads: u64| {
        move || Counted {
            steps: lock::count_down_free_threads(n, threads),
            switches: None,
        }
    };
    let gil_threads = |interval| {
        format!(
            "{THREADS} threads, GIL, {} switch",
            format_duration(interval)
        )
    };
    let (gil_name, tiny_name) = (gil_threads(switch), gil_threads(tiny_switch));
    let rayon_threads = rayon::current_num_threads();
    let rayon_name = format!("rayon, {rayon_chunks} jobs, {rayon_threads} threads");
    let mut bench = Bench::new("countdown", common);
    bench
        .variant("1 thread, GIL", under_gil(switch, 1))
        .variant(&gil_name, under_gil(switch, THREADS))
        .variant(&tiny_name, under_gil(tiny_switch, THREADS))
        .variant("1 thread, no GIL", free(1))
        .variant(&format!("{THREADS} threads, no GIL"), free(THREADS))
        .variant(&rayon_name, move || Counted {
            steps: lock::count_down_rayon(n, rayon_chunks),
            switches: None,
        });
    let run = bench.run(|variant, counted| {
        ensure!(
            counted.steps == n,
            "{variant} counted {} of {n}",
            counted.steps
        );
        Ok(())
    })?;
    let mut results = run.results_with(|measured, row| {
        row.with("counted", measured.median_value().steps);
        let switches: Vec<f64> = measured
            .values
            .iter()
            .filter_map(|c| c.switches)
            .map(|s| s as f64)
            .collect();
        if !switches.is_empty() {
            row.with("switches", median(&switches).round() as u64);
        }
    });
    // Each speedup compares runs that differ in one thing: threads or not,
    // under the same GIL setting; every run's threads are new threads.
    let one_at_a_time = Ceiling::one_at_a_time("threads under one GIL compute one at a time");
    for name in [&gil_name, &tiny_name] {
        results.paired_speedup("countdown", name, "1 thread, GIL", &one_at_a_time)?;
    }
    let two = format!("{THREADS} threads, no GIL");
    results.paired_speedup(
        "countdown",
        &two,
        "1 thread, no GIL",
        &Ceiling::cores(THREADS as usize),
    )?;
    results.paired_speedup(
        "countdown",
        &rayon_name,
        "1 thread, no GIL",
        &Ceiling::cores(rayon_threads),
    )?;
    Ok(results)
}

/// The countdown's first step, kept to compare: `left = black_box(left) - 1`
/// sends every step through memory (a store, then a load of the same place).
fn count_down_through_memory(n: u64) -> u64 {
    let mut left = n;
    while left > 0 {
        left = std::hint::black_box(left) - 1;
    }
    n - left
}

/// The two countdown steps, each on one new thread, in interleaved rounds.
fn step(common: &Common, n: u64) -> Result<Results> {
    common.say(format!(
        "Counting down from {n} on one thread, two ways: a round trip through memory per step, and the lab's step (xor, multiply, rotate in registers)."
    ));
    let on_a_thread = |count: fn(u64) -> u64| {
        move || std::thread::scope(|s| s.spawn(move || count(n)).join().unwrap())
    };
    let mut bench = Bench::new("step", common);
    bench
        .variant(
            "through memory: black_box(left) - 1",
            on_a_thread(count_down_through_memory),
        )
        .variant(
            "in registers: the lab's count_down",
            on_a_thread(lock::count_down),
        );
    let run = bench.run(|variant, counted| {
        ensure!(*counted == n, "{variant} counted {counted} of {n}");
        Ok(())
    })?;
    Ok(run.results_with(|measured, row| {
        let spread = labkit::bench::spread(&measured.walls());
        row.with(
            "ns per step",
            measured.median_wall().as_secs_f64() * 1e9 / n as f64,
        )
        .with("slowest / fastest", spread.max / spread.min);
    }))
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

fn fib(common: &Common, n: u32) -> Result<Results> {
    let n = scaled_fib_n(n, common.scale);
    let expected = fib_by_iteration(n);
    // fib(k) makes 2 fib(k+1) - 1 calls; two threads finish when the larger
    // job does, so the speedup cannot beat all the calls over fib(n+1)'s.
    let calls = |next: u64| 2.0 * next as f64 - 1.0;
    let (small, large) = (calls(expected.1), calls(expected.0 + expected.1));
    common.say(format!(
        "fib({n}) and fib({}) by naive recursion: fib({}) is {:.0}% of the calls.",
        n + 1,
        n + 1,
        100.0 * large / (small + large)
    ));
    let gil = || Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
    let mut bench = Bench::new("fib", common);
    bench
        .variant("1 thread, GIL", move || {
            lock::fib_pair_on_one_thread(n, Some(&gil()))
        })
        .variant("2 threads, GIL", move || {
            lock::fib_pair_on_threads(n, Some(&gil()))
        })
        .variant("1 thread, no GIL", move || {
            lock::fib_pair_on_one_thread(n, None)
        })
        .variant("2 threads, no GIL", move || {
            lock::fib_pair_on_threads(n, None)
        });
    let run = bench.run(|variant, pair| {
        ensure!(
            *pair == expected,
            "{variant} gave {pair:?}, not {expected:?}"
        );
        Ok(())
    })?;
    let mut results = run.results_with(|_, row| {
        row.with("fib(n)", expected.0).with("fib(n+1)", expected.1);
    });
    let one_at_a_time = Ceiling::one_at_a_time("threads under one GIL compute one at a time");
    results.paired_speedup("fib", "2 threads, GIL", "1 thread, GIL", &one_at_a_time)?;
    let largest_job = Ceiling::new(
        (small + large) / large,
        format!(
            "all the calls ÷ those of fib({}), the larger job (about φ = 1.618)",
            n + 1
        ),
    );
    results.paired_speedup("fib", "2 threads, no GIL", "1 thread, no GIL", &largest_job)?;
    Ok(results)
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
    n: u64,
    chunks: u64,
    workers: usize,
    crash_task: Option<usize>,
) -> Result<Results> {
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
    let expected = powersum::with_rayon(n, chunks);
    // Each variant returns the sum and the bytes its pipes carried.
    let in_process = |sum: u64| -> Result<(u64, usize)> { Ok((sum, 0)) };
    let rayon_name = format!("rayon, {} threads", rayon::current_num_threads());
    let pool_name = format!("process pool, {workers} workers");
    let empty_name = format!("process pool, {workers} workers, no work");
    let mut bench = Bench::new("powersum", common);
    bench
        .variant("sequential", || {
            in_process(std::thread::scope(|s| {
                s.spawn(|| powersum::sequential(n, chunks)).join().unwrap()
            }))
        })
        .variant(&rayon_name, || in_process(powersum::with_rayon(n, chunks)))
        .variant(&pool_name, || {
            let report = powersum::with_process_pool(n, chunks, workers, &make_worker)?;
            Ok((report.sum, report.bytes_through_pipes))
        })
        .variant(&empty_name, || {
            powersum::pool_overhead(workers, &make_worker).map(|()| (0, 0))
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
    results.paired_speedup(
        "powersum",
        &pool_name,
        "sequential",
        &Ceiling::cores(workers),
    )?;
    common.say(format!(
        "  sum = {expected}, the same every way and every round"
    ));
    Ok(results)
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

/// The most messages `ipc` sends, after --scale: about ten seconds through
/// the pipe, and a total (`n * (n - 1) / 2`) far inside a `u64`.
const MAX_MESSAGES: u64 = 100_000_000;

/// How long `ipc` waits for a child before it decides the child hangs (and
/// kills it): far more than a healthy child takes, and more with more messages.
fn ipc_patience(messages: u64) -> Duration {
    Duration::from_secs(30) + Duration::from_micros(messages)
}

/// The wall time of a run divided by its messages, without truncating the
/// count (`messages` is at least 1).
fn per_message(wall: Duration, messages: u64) -> Duration {
    Duration::from_secs_f64(wall.as_secs_f64() / messages.max(1) as f64)
}

fn ipc(common: &Common, results: &mut Results, messages: u64) -> Result<()> {
    let messages = common.scale.count(messages);
    ensure!(
        messages <= MAX_MESSAGES,
        "--messages at --scale {} is {messages} messages; the most is {MAX_MESSAGES}",
        common.scale.factor()
    );
    let exe = std::env::current_exe().context("finding the lab's own executable")?;
    let child = |add: bool| {
        let mut command = Command::new(&exe);
        command.arg("ipc-child");
        if add {
            command.arg("--add");
        }
        command
    };
    let patience = ipc_patience(messages);

    let (message, cost) = measure(ipc::hello_over_channel);
    common.say(format!("channel: received \"{message}\""));
    results
        .push_measured("ipc", "channel to a new thread, 1 message", cost)
        .with("messages", 1)
        .with("per message", format_duration(cost.wall));

    let (message, cost) = measure(|| ipc::hello_over_pipe(child(false), patience));
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
        .with(
            "per message",
            format_duration(per_message(cost.wall, messages)),
        );

    let (total, cost) = measure(|| ipc::many_over_pipe(child(true), messages, patience));
    let total = total.context("the pipe to a child process")?;
    ensure!(total == expected, "the child added up to {total}");
    results
        .push_measured("ipc", "pipe, numbers as text lines", cost)
        .with("messages", messages)
        .with(
            "per message",
            format_duration(per_message(cost.wall, messages)),
        );
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
