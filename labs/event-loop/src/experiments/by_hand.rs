//! `by-hand`: the parts of mini tokio driven by hand, so the chapter can
//! show what each does before they are put together.
//!
//! - `reactor`: no executor at all. A socket (one end of a pair whose other
//!   end a thread writes to after 100 ms) and a timer (50 ms), each with a
//!   waker that only records that it was woken; then the reactor's
//!   `wait_and_dispatch`, called in a loop, and what each call did.
//! - `executor`: three tasks on mini tokio's executor, one that yields
//!   twice, one that sleeps 20 ms, one that finishes at once; the loop's
//!   trace, turn by turn.
//! - `sleeps`: the chapter's exercise, answered: three tasks that each
//!   sleep 30 ms with the solution's `sleep`, on one thread.

use std::cell::RefCell;
use std::io::{ErrorKind, Read, Write};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Wake, Waker};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use clap::ValueEnum;
use event_loop::mini_tokio::{self, Executor, Reactor, Timer};
use labkit::Common;
use labkit::timing::format_duration;

/// Which part of mini tokio to drive by hand.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The reactor alone: a socket and a timer, woken by the OS.
    Reactor,
    /// The executor: three tasks and the loop's turns.
    Executor,
    /// The exercise's answer: three sleeps of 30 ms on mini tokio's one thread.
    Sleeps,
}

/// How long the other end of the socket waits before it writes, and the
/// timer; and the executor's sleeping task. Not scaled: the order of the
/// events is the lesson, and it needs these margins on a busy machine.
const WRITE_AFTER: Duration = Duration::from_millis(100);
const TIMER: Duration = Duration::from_millis(50);
const NAP: Duration = Duration::from_millis(20);
const EXERCISE_NAP: Duration = Duration::from_millis(30);

/// The lines of a run, in order; `--json` prints them as a document.
pub fn run(common: &Common, part: Part) -> Result<Vec<String>> {
    match part {
        Part::Reactor => reactor(common),
        Part::Executor => executor(common),
        Part::Sleeps => sleeps(common),
    }
}

/// A waker that records its name in `woken` when it is woken.
struct Named {
    name: &'static str,
    woken: Arc<Mutex<Vec<&'static str>>>,
}

impl Wake for Named {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.lock().unwrap().push(self.name);
    }
}

const SOCKET_TASK: &str = "the socket's task";
const TIMER_TASK: &str = "the timer's task";

fn reactor(common: &Common) -> Result<Vec<String>> {
    let (write_after, timer_at) = (WRITE_AFTER, TIMER);
    let reactor = Rc::new(RefCell::new(Reactor::new()?));
    let woken = Arc::new(Mutex::new(Vec::new()));
    let waker = |name| {
        Waker::from(Arc::new(Named {
            name,
            woken: woken.clone(),
        }))
    };
    let (mut ours, theirs) = mio::net::UnixStream::pair().context("making a socket pair")?;
    let writer = std::thread::spawn(move || {
        std::thread::sleep(write_after);
        let mut theirs = theirs;
        let _ = theirs.write_all(b"hello");
        theirs // kept open until joined: no end-of-stream event
    });
    let token = reactor.borrow_mut().register(&mut ours)?;
    reactor
        .borrow_mut()
        .wake_when_ready(token, waker(SOCKET_TASK));
    let start = Instant::now();
    let mut timer = Timer::new(&reactor);
    timer.wake_at(start + timer_at, &waker(TIMER_TASK));
    let mut lines = vec![format!(
        "registered a socket and left its task's waker; set a timer due in {}",
        format_duration(timer_at)
    )];
    let (mut read, mut timer_fired) = (None, false);
    for wait in 1..=6 {
        let before = Instant::now();
        let events = reactor.borrow_mut().wait_and_dispatch()?;
        let names = std::mem::take(&mut *woken.lock().unwrap());
        lines.push(format!(
            "wait {wait}: back after {}, {events} event{} from the OS; woke {}",
            format_duration(before.elapsed()),
            if events == 1 { "" } else { "s" },
            if names.is_empty() {
                "nobody".to_string()
            } else {
                names.join(", ")
            }
        ));
        for name in names {
            if name == TIMER_TASK {
                timer_fired = true;
                continue;
            }
            let mut buffer = [0u8; 64];
            match ours.read(&mut buffer) {
                Ok(n) => {
                    let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
                    lines.push(format!("  {SOCKET_TASK} reads {text:?}: done"));
                    read = Some(text);
                }
                Err(err) if err.kind() == ErrorKind::WouldBlock => {
                    lines.push(format!(
                        "  {SOCKET_TASK} reads: WouldBlock (nothing yet); it leaves its waker again"
                    ));
                    reactor
                        .borrow_mut()
                        .wake_when_ready(token, waker(SOCKET_TASK));
                }
                Err(err) => return Err(err).context("reading the socket"),
            }
        }
        if read.is_some() && timer_fired {
            break;
        }
    }
    drop(writer.join());
    ensure!(
        read.as_deref() == Some("hello") && timer_fired,
        "the reactor did not wake both tasks: {lines:#?}"
    );
    for line in &lines {
        common.say(line);
    }
    Ok(lines)
}

/// One line per turn of the loop: the tasks polled and what they answered,
/// then (every turn but the last) how long the reactor waited.
fn turns(trace: &[mini_tokio::Turn]) -> Vec<String> {
    let mut lines = Vec::new();
    for (number, turn) in trace.iter().enumerate() {
        let polled: Vec<String> = turn
            .polled
            .iter()
            .map(|&(task, finished)| {
                format!("{task} {}", if finished { "Ready" } else { "Pending" })
            })
            .collect();
        lines.push(format!("turn {}: polled {}", number + 1, polled.join(", ")));
        // Every turn but the last ends with a wait (the last finished every task).
        if number + 1 < trace.len() {
            lines.push(format!(
                "  then the reactor waited {} ({} events)",
                format_duration(turn.waited),
                turn.events
            ));
        }
    }
    lines
}

fn sleeps(common: &Common) -> Result<Vec<String>> {
    let mut executor = Executor::new()?;
    for _ in 0..3 {
        let reactor = executor.reactor();
        executor.spawn(async move { mini_tokio::sleep(&reactor, EXERCISE_NAP).await });
    }
    let start = Instant::now();
    executor.run()?;
    let took = start.elapsed();
    ensure!(took >= EXERCISE_NAP, "the sleeps ended early: {took:?}");
    let mut lines = vec![format!(
        "three tasks each sleep {} on one thread: all done after {}",
        format_duration(EXERCISE_NAP),
        format_duration(took)
    )];
    lines.extend(turns(&executor.trace));
    for line in &lines {
        common.say(line);
    }
    Ok(lines)
}

fn executor(common: &Common) -> Result<Vec<String>> {
    let nap = NAP;
    let mut executor = Executor::new()?;
    executor.spawn(async {
        let mut yields = 0;
        std::future::poll_fn(|cx| {
            if yields == 2 {
                return Poll::Ready(());
            }
            yields += 1;
            cx.waker().wake_by_ref(); // "run me again": back of the ready queue
            Poll::Pending
        })
        .await;
    });
    let reactor = executor.reactor();
    executor.spawn(async move { mini_tokio::sleep(&reactor, nap).await });
    executor.spawn(async {});
    executor.run()?;
    let mut lines = vec![format!(
        "task 0 yields twice, task 1 sleeps {}, task 2 finishes at once",
        format_duration(nap)
    )];
    lines.extend(turns(&executor.trace));
    for line in &lines {
        common.say(line);
    }
    Ok(lines)
}
