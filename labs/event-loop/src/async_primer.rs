// Listing: the async primer. What a future is (a value), how it is driven
// (`poll`, `Pending`/`Ready`, the `Waker`), why it is pinned, what
// `#[tokio::main]` writes for you, and what cancelling one means (dropping
// it). Each function records what happened, in order, in a `Log`, which the
// lab prints next to the same steps in asyncio
// (`labs/event-loop/python/async_primer.py`).
//
// This file is also a complete program (see `main` at the bottom).

extern crate tokio;

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

/// What happened, in order: the lab prints it, the tests read it.
#[derive(Debug, Clone, Default)]
pub struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    pub fn say(&self, line: impl Into<String>) {
        self.0.lock().unwrap().push(line.into());
    }

    pub fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

// ANCHOR: value
/// Calling an `async fn` runs none of its body: it returns a future, a
/// value holding the arguments and the place to start from.
async fn greet(log: Log, name: &'static str) -> String {
    log.say(format!("greet({name}) runs"));
    format!("hello, {name}")
}

pub async fn a_future_is_a_value(log: &Log) {
    let ada = greet(log.clone(), "Ada"); // nothing runs yet
    let size = std::mem::size_of_val(&ada);
    log.say(format!("made greet(Ada): a value of {size} bytes"));
    let bob = tokio::spawn(greet(log.clone(), "Bob")); // a task: the runtime runs it
    log.say("spawned greet(Bob)");
    tokio::task::yield_now().await; // let the runtime run something else
    log.say("yielded once");
    let text = ada.await; // now greet(Ada) runs, here, in this task
    log.say(format!("awaited greet(Ada): {text}"));
    drop(greet(log.clone(), "Eve")); // made and dropped: never runs
    let text = bob.await.expect("greet(Bob) panicked");
    log.say(format!("joined greet(Bob): {text}"));
}
// ANCHOR_END: value

// ANCHOR: countdown
/// A future written by hand. It answers `Pending` ("not yet") `left`
/// times, then `Ready`. Each time it first wakes its own waker, which tells
/// whoever polls it to poll again; without that, nobody ever would.
pub struct Countdown {
    pub left: u32,
    pub log: Log,
}

impl Future for Countdown {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.left == 0 {
            self.log.say("poll: Ready");
            return Poll::Ready("liftoff");
        }
        self.log.say(format!("poll: Pending, {} left", self.left));
        self.left -= 1;
        cx.waker().wake_by_ref(); // "poll me again"
        Poll::Pending
    }
}
// ANCHOR_END: countdown

// ANCHOR: block_on
/// The smallest executor: poll the future on this thread; while it says
/// `Pending`, sleep (park the thread) until its waker unparks it, then poll
/// again. Returns the output and how many polls it took.
pub fn block_on<F: Future>(future: F) -> (F::Output, u32) {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    let mut polls = 0;
    loop {
        polls += 1;
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return (output, polls),
            Poll::Pending => std::thread::park(), // until a wake
        }
    }
}
// ANCHOR_END: block_on

// ANCHOR: woken_from_elsewhere
/// A future that another thread completes: the receiving end of a
/// channel. Polled before the value is there, it keeps the waker, and the
/// sending thread's `send` wakes it.
pub fn woken_from_elsewhere(log: &Log, after: Duration) -> u32 {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let thread_log = log.clone();
    std::thread::spawn(move || {
        std::thread::sleep(after);
        thread_log.say("the other thread sends 42");
        let _ = sender.send(42);
    });
    let (value, polls) = block_on(receiver);
    log.say(format!("block_on got {value:?} after {polls} polls"));
    value.expect("the thread sent a value")
}
// ANCHOR_END: woken_from_elsewhere

// ANCHOR: pin
/// An `async fn` that keeps a reference to its own local across an
/// `.await`: once it has run to that point, its future points into itself,
/// and moving it would leave the reference pointing at the old place.
pub async fn self_referential() -> u8 {
    let bytes = [7u8, 8, 9];
    let first = &bytes[0]; // a reference into this future's own state...
    let log = Log::default();
    Countdown { left: 1, log }.await; // ...kept across a pause
    *first
}

pub fn pinned(log: &Log) -> u8 {
    // pin!: pinned where it is, on this stack frame; it cannot move any more.
    let mut here = pin!(self_referential());
    let (first, polls) = block_on(here.as_mut());
    log.say(format!("pin!: {first} after {polls} polls"));
    // Box::pin: pinned on the heap. The box may move; the future inside
    // stays put. Different futures fit in one list this way, as tasks do.
    let tasks: Vec<Pin<Box<dyn Future<Output = u8>>>> =
        vec![Box::pin(self_referential()), Box::pin(async { 1 })];
    let outputs: Vec<u8> = tasks.into_iter().map(|task| block_on(task).0).collect();
    log.say(format!(
        "Box::pin, two kinds of future in one Vec: {outputs:?}"
    ));
    first
}
// ANCHOR_END: pin

/// Where the body and a spawned task of a runtime ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Places {
    pub body: String,
    pub task: String,
}

fn thread_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string()
}

// ANCHOR: runtime
/// The thread the body runs on, and the one a task it spawns runs on.
async fn where_things_run() -> Places {
    let task = tokio::spawn(async { thread_name() });
    let task = task.await.expect("the task ran");
    Places {
        body: thread_name(),
        task,
    }
}

/// `#[tokio::main]` turns this `async fn` into a plain one that builds a
/// runtime (one worker thread per core) and `block_on`s the body...
#[tokio::main]
pub async fn with_the_attribute() -> Places {
    where_things_run().await
}

/// ...which is exactly what this one does by hand.
pub fn by_hand() -> std::io::Result<Places> {
    let runtime = tokio::runtime::Runtime::new()?;
    Ok(runtime.block_on(where_things_run()))
}

/// Inside a runtime, `block_on` would park the very thread that runs the
/// tasks, and tokio refuses: a panic.
pub fn block_on_inside_a_runtime() -> std::io::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let handle = tokio::runtime::Handle::current();
        handle.block_on(async {}) // panics
    });
    Ok(())
}
// ANCHOR_END: runtime

// ANCHOR: cancel
/// Says when it is dropped: a stand-in for a socket or a lock guard.
struct Connection(Log);

impl Drop for Connection {
    fn drop(&mut self) {
        self.0.say("the connection is dropped (closed)");
    }
}

async fn download(log: Log) -> &'static str {
    let _connection = Connection(log.clone());
    log.say("download: request sent");
    tokio::time::sleep(Duration::from_millis(100)).await; // cancelled here
    log.say("download: answer read"); // never runs when cancelled
    "the page"
}

/// The timeout stops polling `download` and drops it: its locals are
/// dropped where it was waiting, and the rest of its body never runs.
pub async fn cancelled_by_a_timeout(log: &Log) {
    let limit = Duration::from_millis(10);
    let outcome = tokio::time::timeout(limit, download(log.clone())).await;
    log.say(format!("timeout returned {outcome:?}"));
}
// ANCHOR_END: cancel

// ANCHOR: never_awaits
/// A future that computes for `work` without an `.await` inside. A timeout
/// can only act when the future hands the thread back (returns `Pending`),
/// and this one never does: it runs to the end, however long that takes.
pub async fn a_timeout_cannot_stop_it(log: &Log, work: Duration) {
    let start = Instant::now();
    let outcome = tokio::time::timeout(work / 5, async {
        let end = Instant::now() + work;
        while Instant::now() < end {
            std::hint::spin_loop(); // busy, and never .await
        }
        "finished anyway"
    })
    .await;
    let took = start.elapsed().as_secs_f64() * 1e3;
    log.say(format!("timeout returned {outcome:?} after {took:.1} ms"));
}
// ANCHOR_END: never_awaits

/// Every step at a small size, checking the order of events.
pub fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let log = Log::default();
    runtime.block_on(a_future_is_a_value(&log));
    let lines = log.lines();
    assert!(lines[0].starts_with("made greet(Ada)"), "{lines:?}");
    assert!(!lines.iter().any(|line| line.contains("Eve")), "{lines:?}");

    let log = Log::default();
    let (output, polls) = block_on(Countdown {
        left: 3,
        log: log.clone(),
    });
    assert_eq!((output, polls), ("liftoff", 4));
    assert_eq!(woken_from_elsewhere(&log, Duration::from_millis(20)), 42);
    assert_eq!(pinned(&log), 7);

    // Spawned tasks run on the runtime's worker threads, not on this one.
    assert!(with_the_attribute().task.starts_with("tokio"));
    assert!(by_hand().unwrap().task.starts_with("tokio"));

    let log = Log::default();
    runtime.block_on(cancelled_by_a_timeout(&log));
    assert!(!log.lines().iter().any(|line| line.contains("answer read")));
    runtime.block_on(a_timeout_cannot_stop_it(&log, Duration::from_millis(20)));
    println!("{:#?}", log.lines());
}
