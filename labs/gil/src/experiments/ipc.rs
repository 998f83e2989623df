//! `gil ipc`: the Python material's Queue and Pipe examples, and what each
//! message costs, through a channel between threads and a pipe to a child
//! process; and `gil ipc-child`, that child.

use std::io;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use labkit::timing::format_duration;
use labkit::{Bench, Common};

use crate::ipc;

/// The most messages `ipc` sends, after --scale: about ten seconds through
/// the pipe, and a total (`n * (n - 1) / 2`) far inside a `u64`.
pub const MAX_MESSAGES: u64 = 100_000_000;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// How many small messages the throughput runs send, before --scale (1 to 100000000).
    #[arg(long, default_value_t = 100_000, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(1..=MAX_MESSAGES))]
    messages: u64,
}

/// The arguments of `gil ipc-child` (internal).
#[derive(clap::Args, Debug)]
pub struct ChildArgs {
    /// Add up the numbers on stdin instead of saying hello.
    #[arg(long)]
    add: bool,
}

/// How long `ipc` waits for a child before it decides the child hangs (and
/// kills it): far more than a healthy child takes, and more with more messages.
fn patience(messages: u64) -> Duration {
    Duration::from_secs(30) + Duration::from_micros(messages)
}

/// What a variant brought back: a greeting, or a total of numbers.
#[derive(Debug, Clone, PartialEq)]
enum Received {
    Hello(String),
    Total(u64),
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let messages = common.scale.count(args.messages);
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
    let patience = patience(messages);
    let expected = messages * (messages - 1) / 2;
    let hello = |got: io::Result<String>| got.map(Received::Hello);
    let total = |got: io::Result<u64>| got.map(Received::Total);
    let variants: [(&str, u64); 4] = [
        ("channel to a new thread, 1 message", 1),
        ("pipe to a new process, 1 message", 1),
        ("channel, numbers", messages),
        ("pipe, numbers as text lines", messages),
    ];
    let mut bench = Bench::new("ipc", common);
    bench
        .variant(variants[0].0, || {
            Ok(Received::Hello(ipc::hello_over_channel()))
        })
        .variant(variants[1].0, || {
            hello(ipc::hello_over_pipe(child(false), patience))
        })
        .variant(variants[2].0, || {
            Ok(Received::Total(ipc::many_over_channel(messages)))
        })
        .variant(variants[3].0, || {
            total(ipc::many_over_pipe(child(true), messages, patience))
        });
    let run = bench.run(|variant, received| {
        let received = received
            .as_ref()
            .map_err(|err| anyhow::anyhow!("{variant}: {err}"))?;
        match received {
            Received::Hello(text) if text.starts_with("Hello from worker thread") => {}
            Received::Hello(text) if text.starts_with("Message from child process") => {}
            Received::Total(total) if *total == expected => {}
            other => bail!("{variant} received {other:?}"),
        }
        Ok(())
    })?;
    for (variant, name) in [(0, "channel:"), (1, "pipe:   ")] {
        if let Ok(Received::Hello(text)) = run.measured[variant].median_value() {
            common.say(format!("{name} received \"{text}\""));
        }
    }
    common.say(format!("both added up 0..{messages} to {expected}"));
    let results = run.results_with(|measured, row| {
        let count = variants
            .iter()
            .find(|(name, _)| *name == measured.variant)
            .map_or(1, |(_, count)| *count);
        let each = measured.median_wall().as_secs_f64() / count as f64;
        row.with("messages", count).with(
            "per message",
            format_duration(Duration::from_secs_f64(each)),
        );
    });
    results.print(common)
}

/// `gil ipc-child`: the other end of the pipe.
pub fn child(args: &ChildArgs) -> Result<()> {
    if args.add {
        ipc::add_up_lines(io::stdin().lock(), io::stdout().lock()).context("adding up the numbers")
    } else {
        ipc::say_hello_to_parent().context("writing to the parent")
    }
}
