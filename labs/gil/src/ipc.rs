// Listing: passing messages between threads and between processes.
//
// A module of the `gil` lab and a complete program the book compiles and
// runs on its own (see `main` at the bottom); standard library only.
//
// The Python material sends one message with `multiprocessing.Queue` and one
// with `multiprocessing.Pipe`, each from a child process. In Rust, threads
// share one address space, so the usual queue is a channel between threads
// (`std::sync::mpsc`); a child process is reached through an OS pipe, its
// standard output, and only bytes cross it.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

// ANCHOR: channel
/// A worker thread sends one message through a channel; the caller receives it.
/// Nothing is copied into bytes: the `String` itself moves to the receiver.
pub fn hello_over_channel() -> String {
    let (sender, receiver) = mpsc::channel();
    let worker = thread::spawn(move || {
        let me = thread::current().id();
        sender
            .send(format!("Hello from worker thread {me:?}"))
            .expect("the receiver is waiting");
    });
    let message = receiver.recv().expect("the worker sends one message");
    worker.join().expect("the worker does not panic");
    message
}
// ANCHOR_END: channel

// ANCHOR: pipe
/// Starts `child` with its standard output connected to a pipe and reads
/// the one line it writes there.
pub fn hello_over_pipe(mut child: Command) -> io::Result<String> {
    let mut child = child.stdout(Stdio::piped()).spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped")).read_line(&mut line)?;
    let status = child.wait()?;
    if !status.success() {
        return Err(io::Error::other(format!("the child exited with {status}")));
    }
    Ok(line.trim_end().to_string())
}

/// The child's side: write one message to standard output, which is the pipe.
pub fn say_hello_to_parent() -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "Message from child process {}", std::process::id())?;
    out.flush()
}
// ANCHOR_END: pipe

// ANCHOR: many
/// Sends `count` small messages to a thread through a channel; returns their total.
pub fn many_over_channel(count: u64) -> u64 {
    let (sender, receiver) = mpsc::channel::<u64>();
    let adder = thread::spawn(move || receiver.iter().sum::<u64>());
    for i in 0..count {
        sender.send(i).expect("the adder is listening");
    }
    drop(sender); // end of messages: the adder's loop ends
    adder.join().expect("the adder does not panic")
}

/// Sends `count` numbers, one per line, to a child process through its
/// standard input and reads back the total it prints: every number is
/// turned into text, written to a pipe, read and parsed on the other side.
pub fn many_over_pipe(mut child: Command, count: u64) -> io::Result<u64> {
    let mut child = child.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    let mut to_child = io::BufWriter::new(child.stdin.take().expect("stdin is piped"));
    for i in 0..count {
        writeln!(to_child, "{i}")?;
    }
    drop(to_child); // flushes, then closes: end of input for the child
    let mut answer = String::new();
    child
        .stdout
        .take()
        .expect("stdout is piped")
        .read_to_string(&mut answer)?;
    let status = child.wait()?;
    if !status.success() {
        return Err(io::Error::other(format!("the child exited with {status}")));
    }
    answer
        .trim()
        .parse()
        .map_err(|_| io::Error::other(format!("the child answered {answer:?}")))
}

/// The child's side: add up the numbers on standard input, print the total.
pub fn add_up_lines(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    let mut total: u64 = 0;
    for line in input.lines() {
        let line = line?;
        total += line
            .trim()
            .parse::<u64>()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, line.clone()))?;
    }
    writeln!(output, "{total}")
}
// ANCHOR_END: many

/// A small run of the listing. The lab's child is its own executable; here
/// `sh` and `awk` play the child, since a pipe only carries bytes.
pub fn main() {
    let message = hello_over_channel();
    println!("received through a channel: {message}");
    assert!(message.starts_with("Hello from worker thread"));

    let mut child = Command::new("sh");
    child.args(["-c", "echo \"Message from child process $$\""]);
    let message = hello_over_pipe(child).expect("sh runs");
    println!("received through a pipe: {message}");
    assert!(message.starts_with("Message from child process"));

    let count = 10_000;
    let expected = count * (count - 1) / 2;
    assert_eq!(many_over_channel(count), expected);
    let mut adder = Command::new("awk");
    adder.args(["{ total += $1 } END { print total }"]);
    assert_eq!(many_over_pipe(adder, count).expect("awk runs"), expected);
    let mut text = Vec::new();
    add_up_lines("1\n2\n3\n".as_bytes(), &mut text).unwrap();
    assert_eq!(text, b"6\n");
    println!("{count} numbers added up through a channel and through a pipe: {expected}");
}
