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

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

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

// ANCHOR: reaper
/// A child process that cannot be left behind: dropped before it was
/// waited for (an early `?`, a panic), it is killed and reaped, so it
/// neither keeps running nor lingers as a "zombie" in the process table.
pub struct ChildGuard(Child);

impl ChildGuard {
    pub fn spawn(command: &mut Command) -> io::Result<ChildGuard> {
        command.spawn().map(ChildGuard)
    }

    fn stop(&mut self) {
        let _ = self.0.kill(); // fails only if it has exited already
        let _ = self.0.wait(); // reap it
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            self.stop();
        }
    }
}
// ANCHOR_END: reaper

// ANCHOR: reaper_wait
impl ChildGuard {
    /// Runs `read` (which reads the child's output) on a thread of its own
    /// and waits at most `patience` for its answer. A child that has not
    /// answered by then is killed, which closes its pipes and ends the read.
    pub fn read_within<T: Send + 'static>(
        &mut self,
        patience: Duration,
        read: impl FnOnce() -> io::Result<T> + Send + 'static,
    ) -> io::Result<T> {
        let (answer, answered) = mpsc::channel();
        thread::spawn(move || answer.send(read()));
        answered.recv_timeout(patience).unwrap_or_else(|_| {
            self.stop();
            let message = format!("the child did not answer within {patience:?} and was killed");
            Err(io::Error::new(io::ErrorKind::TimedOut, message))
        })
    }

    /// Waits at most `patience` for the child to exit; then kills it.
    pub fn wait_within(mut self, patience: Duration) -> io::Result<ExitStatus> {
        let (deadline, mut nap) = (Instant::now() + patience, Duration::from_micros(50));
        while Instant::now() < deadline {
            if let Some(status) = self.0.try_wait()? {
                return Ok(status);
            }
            thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(10));
        }
        self.stop();
        let message = format!("the child did not exit within {patience:?} and was killed");
        Err(io::Error::new(io::ErrorKind::TimedOut, message))
    }
}
// ANCHOR_END: reaper_wait

impl Deref for ChildGuard {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl DerefMut for ChildGuard {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

// ANCHOR: pipe
/// Starts `child` with its standard output connected to a pipe and reads
/// the one line it writes there, waiting at most `patience` for it.
pub fn hello_over_pipe(mut child: Command, patience: Duration) -> io::Result<String> {
    let mut child = ChildGuard::spawn(child.stdout(Stdio::piped()))?;
    let from_child = child.stdout.take().expect("stdout is piped");
    let line = child.read_within(patience, move || {
        let mut line = String::new();
        BufReader::new(from_child).read_line(&mut line)?;
        Ok(line)
    })?;
    let status = child.wait_within(patience)?;
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

// ANCHOR: many_channel
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
// ANCHOR_END: many_channel

// ANCHOR: many_pipe
/// Sends `count` numbers, one per line, to a child process through its
/// standard input and reads back the total it prints: every number is
/// turned into text, written to a pipe, read and parsed on the other side.
pub fn many_over_pipe(mut child: Command, count: u64, patience: Duration) -> io::Result<u64> {
    let mut child = ChildGuard::spawn(child.stdin(Stdio::piped()).stdout(Stdio::piped()))?;
    let to_child = child.stdin.take().expect("stdin is piped");
    let mut from_child = child.stdout.take().expect("stdout is piped");
    let answer = child.read_within(patience, move || {
        // Write on a thread of its own: a child that stops reading would
        // otherwise block this one on a full pipe.
        let writer = thread::spawn(move || -> io::Result<()> {
            let mut to_child = BufWriter::new(to_child);
            for i in 0..count {
                writeln!(to_child, "{i}")?;
            }
            // Flush, and see its error; then dropping the pipe closes it: end of input.
            drop(
                to_child
                    .into_inner()
                    .map_err(io::IntoInnerError::into_error)?,
            );
            Ok(())
        });
        let mut answer = String::new();
        from_child.read_to_string(&mut answer)?;
        writer.join().expect("the writer does not panic")?;
        Ok(answer)
    })?;
    let status = child.wait_within(patience)?;
    if !status.success() {
        return Err(io::Error::other(format!("the child exited with {status}")));
    }
    answer
        .trim()
        .parse()
        .map_err(|_| io::Error::other(format!("the child answered {answer:?}")))
}
// ANCHOR_END: many_pipe

// ANCHOR: add_up
/// The child's side: add up the numbers on standard input, print the total.
pub fn add_up_lines(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    let mut total: u64 = 0;
    for line in input.lines() {
        let line = line?;
        let number = (line.trim().parse::<u64>())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, line.clone()))?;
        total = total
            .checked_add(number)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "the total overflows"))?;
    }
    writeln!(output, "{total}")
}
// ANCHOR_END: add_up

/// A small run of the listing. The lab's child is its own executable; here
/// `sh` and `awk` play the child, since a pipe only carries bytes.
pub fn main() {
    let message = hello_over_channel();
    println!("received through a channel: {message}");
    assert!(message.starts_with("Hello from worker thread"));

    let patience = Duration::from_secs(30);
    let mut child = Command::new("sh");
    child.args(["-c", "echo \"Message from child process $$\""]);
    let message = hello_over_pipe(child, patience).expect("sh runs");
    println!("received through a pipe: {message}");
    assert!(message.starts_with("Message from child process"));

    let count = 10_000;
    let expected = count * (count - 1) / 2;
    assert_eq!(many_over_channel(count), expected);
    let mut adder = Command::new("awk");
    adder.args(["{ total += $1 } END { print total }"]);
    assert_eq!(
        many_over_pipe(adder, count, patience).expect("awk runs"),
        expected
    );
    let mut text = Vec::new();
    add_up_lines("1\n2\n3\n".as_bytes(), &mut text).unwrap();
    assert_eq!(text, b"6\n");
    println!("{count} numbers added up through a channel and through a pipe: {expected}");

    // A child that never answers is killed when the patience runs out.
    let mut silent = Command::new("sleep");
    silent.arg("60");
    let error = hello_over_pipe(silent, Duration::from_millis(100)).unwrap_err();
    println!("a silent child: {error}");
    assert_eq!(error.kind(), io::ErrorKind::TimedOut);
}
