// Listing: the "agent" pattern, many producers and one logger thread that
// owns the file, against producers that share a locked file.
//
// A module of the `io-threads` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom); standard library only.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// What one way of logging did: lines written and device waits paid,
/// counted as they happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogReport {
    pub lines: u32,
    /// How many times the file was flushed and waited for the device.
    pub syncs: u32,
}

/// The line agent `agent` writes for its `event`-th event.
pub fn event_line(agent: u32, event: u32) -> String {
    format!("[agent-{agent}] event {event} recorded")
}

/// The baseline: one thread does every agent's work and logging in turn,
/// waiting for the device after each line (no thread, no lock).
pub fn one_thread_logs_everything(
    path: &Path,
    agents: u32,
    events: u32,
    work: Duration,
    sync_delay: Duration,
) -> io::Result<LogReport> {
    let mut file = BufWriter::new(File::create(path)?);
    let mut report = LogReport::default();
    for event in 1..=events {
        for agent in 1..=agents {
            thread::sleep(work);
            writeln!(file, "{}", event_line(agent, event))?;
            file.flush()?;
            thread::sleep(sync_delay);
            report.lines += 1;
            report.syncs += 1;
        }
    }
    Ok(report)
}

// ANCHOR: locked_file
/// Every agent writes its own lines into one shared file behind a mutex and
/// waits for each line to reach the device before it goes on.
///
/// The lock keeps lines whole, but it also queues the agents behind each
/// other's device waits: `agents * events` syncs, one at a time.
pub fn agents_share_a_locked_file(
    path: &Path,
    agents: u32,
    events: u32,
    work: Duration,
    sync_delay: Duration,
) -> io::Result<LogReport> {
    let file = Mutex::new(BufWriter::new(File::create(path)?));
    let lines = thread::scope(|scope| {
        let running: Vec<_> = (1..=agents)
            .map(|agent| {
                let file = &file;
                scope.spawn(move || -> io::Result<u32> {
                    for event in 1..=events {
                        thread::sleep(work); // the agent's own job
                        let mut file = file.lock().expect("no agent panicked");
                        writeln!(file, "{}", event_line(agent, event))?;
                        file.flush()?;
                        thread::sleep(sync_delay); // waiting for the device, lock held
                    } // (the guard drops here, at the end of each turn: unlocked)
                    Ok(events)
                })
            })
            .collect();
        let joined = running
            .into_iter()
            .map(|a| a.join().expect("an agent panicked"));
        joined.sum::<io::Result<u32>>()
    })?;
    let syncs = lines; // each agent waited once per line it wrote
    Ok(LogReport { lines, syncs })
}
// ANCHOR_END: locked_file

// ANCHOR: logger
/// A logger thread: where to send it messages, and its handle to join.
pub type Logger<M> = (mpsc::Sender<M>, thread::JoinHandle<io::Result<LogReport>>);

/// Starts the logger thread: the only code that touches the file.
///
/// It sleeps in `recv` until a line arrives, then takes every line already
/// queued (`try_recv`) and pays for one device wait per batch. It stops when
/// every `Sender` is gone and the queue is empty.
pub fn spawn_logger(file: File, sync_delay: Duration) -> Logger<String> {
    let (sender, queue) = mpsc::channel::<String>();
    let logger = thread::spawn(move || {
        let mut file = BufWriter::new(file);
        let mut report = LogReport::default();
        while let Ok(first) = queue.recv() {
            let mut batch = vec![first];
            batch.extend(queue.try_iter());
            for line in &batch {
                writeln!(file, "{line}")?;
            }
            file.flush()?;
            thread::sleep(sync_delay); // one device wait for the whole batch
            report.lines += batch.len() as u32;
            report.syncs += 1;
        }
        Ok(report)
    });
    (sender, logger)
}
// ANCHOR_END: logger

// ANCHOR: send_to_logger
/// The agents send their lines to the logger and go straight back to work.
pub fn agents_send_to_a_logger(
    path: &Path,
    agents: u32,
    events: u32,
    work: Duration,
    sync_delay: Duration,
) -> io::Result<LogReport> {
    let (log, logger) = spawn_logger(File::create(path)?, sync_delay);
    thread::scope(|scope| {
        for agent in 1..=agents {
            let log = log.clone();
            scope.spawn(move || {
                for event in 1..=events {
                    thread::sleep(work); // the agent's own job
                    if log.send(event_line(agent, event)).is_err() {
                        break; // the logger stopped on an error; join reports it
                    }
                }
            });
        }
    });
    drop(log); // the last sender: the logger drains the queue and returns
    logger.join().expect("the logger panicked")
}
// ANCHOR_END: send_to_logger

// ANCHOR: flush_exercise
/// What an agent can send to the logger of the exercise: a line, or a
/// request to be told when everything sent before it is on the device.
pub enum LogMessage {
    Line(String),
    Flush(mpsc::Sender<()>),
}

/// The exercise's solution: the logger of [`spawn_logger`], plus `Flush`.
///
/// A channel keeps each sender's messages in order, so every line an agent
/// sent before its `Flush` is in the same batch or an earlier one; the reply
/// goes out only after that batch's device wait.
pub fn spawn_logger_with_flush(file: File, sync_delay: Duration) -> Logger<LogMessage> {
    let (sender, queue) = mpsc::channel::<LogMessage>();
    let logger = thread::spawn(move || {
        let mut file = BufWriter::new(file);
        let mut report = LogReport::default();
        while let Ok(first) = queue.recv() {
            let mut waiting = Vec::new();
            for message in std::iter::once(first).chain(queue.try_iter()) {
                match message {
                    LogMessage::Line(line) => {
                        writeln!(file, "{line}")?;
                        report.lines += 1;
                    }
                    LogMessage::Flush(reply) => waiting.push(reply),
                }
            }
            file.flush()?;
            thread::sleep(sync_delay);
            report.syncs += 1;
            for reply in waiting {
                let _ = reply.send(()); // an agent that stopped waiting is fine
            }
        }
        Ok(report)
    });
    (sender, logger)
}
// ANCHOR_END: flush_exercise

// ANCHOR: flush_each_line
/// The agents of the exercise: after each line, a `Flush`, and they wait
/// for the answer. The same promise as the locked file (a line is on the
/// device before its agent goes on), but one device wait answers everyone
/// whose `Flush` was in that batch.
pub fn agents_flush_each_line(
    path: &Path,
    agents: u32,
    events: u32,
    work: Duration,
    sync_delay: Duration,
) -> io::Result<LogReport> {
    let (log, logger) = spawn_logger_with_flush(File::create(path)?, sync_delay);
    thread::scope(|scope| {
        for agent in 1..=agents {
            let log = log.clone();
            scope.spawn(move || {
                for event in 1..=events {
                    thread::sleep(work); // the agent's own job
                    let line = LogMessage::Line(event_line(agent, event));
                    let (reply, written) = mpsc::channel();
                    let sent = log.send(line).is_ok() && log.send(LogMessage::Flush(reply)).is_ok();
                    if !sent || written.recv().is_err() {
                        break; // the logger stopped on an error; join reports it
                    }
                }
            });
        }
    });
    drop(log);
    logger.join().expect("the logger panicked")
}
// ANCHOR_END: flush_each_line

/// Checks a finished log: every line present once, each agent's in order.
pub fn check_log(path: &Path, agents: u32, events: u32) -> io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let lines: Vec<&str> = text.lines().collect();
    let problem = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
    if lines.len() != (agents * events) as usize {
        return Err(problem(format!(
            "{} lines, expected {}",
            lines.len(),
            agents * events
        )));
    }
    for agent in 1..=agents {
        let tag = format!("[agent-{agent}] ");
        let own: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with(&tag))
            .collect();
        let expected: Vec<String> = (1..=events).map(|e| event_line(agent, e)).collect();
        if own != expected {
            return Err(problem(format!(
                "agent-{agent}'s lines are missing or out of order"
            )));
        }
    }
    Ok(())
}

/// A small run of the listing: 3 agents, 4 events each, 5 ms of work and 5 ms per sync.
pub fn main() {
    let dir = std::env::temp_dir().join(format!("io-threads-agent-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let (agents, events) = (3, 4);
    let (work, sync) = (Duration::from_millis(5), Duration::from_millis(5));

    let locked_path = dir.join("locked.log");
    let start = Instant::now();
    let locked = agents_share_a_locked_file(&locked_path, agents, events, work, sync).unwrap();
    let locked_time = start.elapsed();
    let logger_path = dir.join("logger.log");
    let logger = agents_send_to_a_logger(&logger_path, agents, events, work, sync).unwrap();
    let flush_path = dir.join("flush.log");
    let start = Instant::now();
    let flushed = agents_flush_each_line(&flush_path, agents, events, work, sync).unwrap();
    let flush_time = start.elapsed();

    for path in [&locked_path, &logger_path, &flush_path] {
        check_log(path, agents, events).expect("every line, each agent's in order");
    }
    println!("locked file: {locked:?} in {locked_time:.2?}; logger: {logger:?}");
    println!("flush each line: {flushed:?} in {flush_time:.2?}");
    assert_eq!(locked.syncs, 12, "one device wait per line");
    assert!(logger.syncs >= 1 && logger.syncs <= 12, "one per batch");
    assert_eq!(flushed.lines, 12);
    // Twelve device waits one at a time: a bound no scheduler can beat; an
    // agent that waits for each line waits at least one sync per event.
    assert!(locked_time >= 12 * sync);
    assert!(flush_time >= 4 * (work + sync));
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
