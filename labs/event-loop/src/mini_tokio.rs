// Listing: an event loop built by hand, "mini tokio".
//
// Three small parts, the same three tokio has: a reactor on `mio` that asks
// the OS which sockets are ready, an executor that runs tasks (futures)
// until they wait and runs them again when woken, and sockets whose reads
// and writes are `async fn`s joining the two. Everything runs on one thread.
// This file is also a complete program (see `main` at the bottom); it uses
// `labkit` for what is not its lesson (reading the HTTP answer, a stand-in
// server when it runs on its own).
//
// Why this file is longer than 300 lines: a listing must compile on its own
// (the book compiles each included file as one program), and the reactor,
// the executor, the sockets and the timers only work together. The book
// shows it in steps of under 40 lines each.

extern crate anyhow;
extern crate labkit;
extern crate mio;

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use mio::{Events, Interest, Token};

// ANCHOR: reactor
/// The reactor: the part of the loop that talks to the OS.
///
/// It owns one `mio::Poll` (epoll on Linux, kqueue on macOS) and remembers,
/// for every socket a task is waiting on, that task's `Waker`, and for
/// every timer (by its key), its deadline and the waker of the task
/// sleeping until it. It never runs a task: it only says which may go on.
pub struct Reactor {
    poll: mio::Poll,
    events: Events,
    next_token: usize,
    waiting_for_io: HashMap<Token, Waker>,
    next_timer: usize,
    timers: HashMap<usize, (Instant, Waker)>,
}

impl Reactor {
    /// Register interest: "tell me whenever this socket becomes readable or writable".
    pub fn register(&mut self, socket: &mut impl mio::event::Source) -> io::Result<Token> {
        let token = Token(self.next_token);
        self.next_token += 1;
        let interest = Interest::READABLE | Interest::WRITABLE;
        self.poll.registry().register(socket, token, interest)?;
        Ok(token)
    }

    /// A task found the socket `token` not ready: wake it when the OS says it is.
    pub fn wake_when_ready(&mut self, token: Token, waker: Waker) {
        self.waiting_for_io.insert(token, waker);
    }
}
// ANCHOR_END: reactor

impl Reactor {
    pub fn new() -> io::Result<Reactor> {
        Ok(Reactor {
            poll: mio::Poll::new()?,
            events: Events::with_capacity(1024),
            next_token: 0,
            waiting_for_io: HashMap::new(),
            next_timer: 0,
            timers: HashMap::new(),
        })
    }

    /// Forget a socket (it is being closed) and the waker waiting for it.
    pub fn deregister(&mut self, socket: &mut impl mio::event::Source, token: Token) {
        let _ = self.poll.registry().deregister(socket);
        self.waiting_for_io.remove(&token);
    }

    /// A task sleeps until `deadline`; returns the timer's key (see [`Timer`]).
    fn add_timer(&mut self, deadline: Instant, waker: Waker) -> usize {
        self.next_timer += 1;
        self.timers.insert(self.next_timer, (deadline, waker));
        self.next_timer
    }

    /// How many timers are set: a finished or dropped wait leaves none.
    pub fn timers_set(&self) -> usize {
        self.timers.len()
    }
}

// ANCHOR: dispatch
impl Reactor {
    /// Wait, then dispatch: block in the OS until a socket is ready or the
    /// next timer is due, and wake the tasks concerned. Returns how many
    /// readiness events the OS reported.
    pub fn wait_and_dispatch(&mut self) -> io::Result<usize> {
        if self.waiting_for_io.is_empty() && self.timers.is_empty() {
            return Err(io::Error::other(
                "every task is waiting, but on nothing that could wake it",
            ));
        }
        let now = Instant::now();
        let until_next_timer = self
            .timers
            .values()
            .map(|(deadline, _)| deadline.saturating_duration_since(now))
            .min();
        match self.poll.poll(&mut self.events, until_next_timer) {
            Err(err) if err.kind() == ErrorKind::Interrupted => return Ok(0),
            other => other?,
        }
        let mut count = 0;
        for event in self.events.iter() {
            count += 1;
            if let Some(waker) = self.waiting_for_io.remove(&event.token()) {
                waker.wake();
            }
        }
        let now = Instant::now();
        self.timers.retain(|_key, (deadline, waker)| {
            let due = *deadline <= now;
            if due {
                waker.wake_by_ref();
            }
            !due
        });
        Ok(count)
    }
}
// ANCHOR_END: dispatch

// ANCHOR: waker
/// A task is a future the executor owns until it finishes.
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// The ids of the tasks ready to run. Wakers push onto it. Std requires
/// wakers to be `Send + Sync`, hence the `Arc<Mutex<..>>` even though every
/// task runs on this one thread.
type ReadyQueue = Arc<Mutex<VecDeque<usize>>>;

/// Waking a task means: put its id back in the ready queue.
struct TaskWaker {
    task: usize,
    ready: ReadyQueue,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.lock().unwrap().push_back(self.task);
    }
}
// ANCHOR_END: waker

// ANCHOR: executor
/// The executor: a list of tasks, a queue of the ready ones, and the reactor.
pub struct Executor {
    reactor: Rc<RefCell<Reactor>>,
    tasks: Vec<Option<Task>>,
    ready: ReadyQueue,
    /// What each turn of the loop did, for the lifecycle diagram.
    pub trace: Vec<Turn>,
}

impl Executor {
    pub fn new() -> io::Result<Executor> {
        Ok(Executor {
            reactor: Rc::new(RefCell::new(Reactor::new()?)),
            tasks: Vec::new(),
            ready: ReadyQueue::default(),
            trace: Vec::new(),
        })
    }

    /// The reactor, for the sockets and timers the tasks create.
    pub fn reactor(&self) -> Rc<RefCell<Reactor>> {
        self.reactor.clone()
    }

    /// Adds a task; it first runs when the loop starts.
    pub fn spawn(&mut self, task: impl Future<Output = ()> + 'static) {
        self.ready.lock().unwrap().push_back(self.tasks.len());
        self.tasks.push(Some(Box::pin(task)));
    }

    fn next_ready(&self) -> Option<usize> {
        self.ready.lock().unwrap().pop_front()
    }
}
// ANCHOR_END: executor

// ANCHOR: run
impl Executor {
    /// The event loop: run every ready task until it has to wait, then let
    /// the reactor wait for the OS and wake the tasks that may go on.
    /// Repeat until every task has finished.
    pub fn run(&mut self) -> io::Result<()> {
        let mut unfinished = self.tasks.iter().flatten().count();
        while unfinished > 0 {
            let mut turn = Turn::default();
            // 1. Run what is ready.
            while let Some(id) = self.next_ready() {
                let Some(task) = self.tasks[id].as_mut() else {
                    continue; // woken after it finished: nothing to do
                };
                let waker = Waker::from(Arc::new(TaskWaker {
                    task: id,
                    ready: self.ready.clone(),
                }));
                let finished = task
                    .as_mut()
                    .poll(&mut Context::from_waker(&waker))
                    .is_ready();
                if finished {
                    self.tasks[id] = None;
                    unfinished -= 1;
                }
                turn.polled.push((id, finished));
            }
            // 2. Nothing is ready: wait for the OS to say what is.
            if unfinished > 0 {
                let started = Instant::now();
                turn.events = self.reactor.borrow_mut().wait_and_dispatch()?;
                turn.waited = started.elapsed();
            }
            self.trace.push(turn);
        }
        Ok(())
    }
}
// ANCHOR_END: run

/// One turn of the loop: which tasks ran (and whether they finished), then
/// how long the reactor waited and how many events the OS reported.
#[derive(Debug, Clone, Default)]
pub struct Turn {
    pub polled: Vec<(usize, bool)>,
    pub waited: Duration,
    pub events: usize,
}

// ANCHOR: async_io
/// A TCP connection with `async` reads and writes. Each one tries the
/// non-blocking call; on `WouldBlock` it leaves its task's waker with the
/// reactor and returns `Pending`, handing the thread back to the loop.
pub struct AsyncTcpStream {
    stream: mio::net::TcpStream,
    token: Token,
    reactor: Rc<RefCell<Reactor>>,
}

impl AsyncTcpStream {
    /// Tries `attempt` each time the task runs, until it stops saying
    /// `WouldBlock`. In between, the task sleeps and the reactor watches.
    async fn until_ready<T>(
        &mut self,
        mut attempt: impl FnMut(&mut mio::net::TcpStream) -> io::Result<T>,
    ) -> io::Result<T> {
        std::future::poll_fn(|cx| match attempt(&mut self.stream) {
            Err(err) if err.kind() == ErrorKind::WouldBlock => {
                let waker = cx.waker().clone();
                self.reactor.borrow_mut().wake_when_ready(self.token, waker);
                Poll::Pending
            }
            result => Poll::Ready(result),
        })
        .await
    }
}
// ANCHOR_END: async_io

// ANCHOR: connect
impl AsyncTcpStream {
    pub async fn connect(
        addr: SocketAddr,
        reactor: Rc<RefCell<Reactor>>,
    ) -> io::Result<AsyncTcpStream> {
        // Returns at once: the handshake goes on in the kernel.
        let mut stream = mio::net::TcpStream::connect(addr)?;
        let token = reactor.borrow_mut().register(&mut stream)?;
        let mut connection = AsyncTcpStream {
            stream,
            token,
            reactor,
        };
        // Connected once the socket has no error and knows its peer.
        connection
            .until_ready(|stream| {
                if let Some(err) = stream.take_error()? {
                    return Err(err);
                }
                match stream.peer_addr() {
                    Err(err) if err.kind() == ErrorKind::NotConnected => {
                        Err(ErrorKind::WouldBlock.into())
                    }
                    other => other.map(|_| ()),
                }
            })
            .await?;
        Ok(connection)
    }
}
// ANCHOR_END: connect

// ANCHOR: read_write
impl AsyncTcpStream {
    pub async fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let written = self.until_ready(|stream| stream.write(bytes)).await?;
            bytes = &bytes[written..];
        }
        Ok(())
    }

    pub async fn read_to_end(&mut self, out: &mut Vec<u8>) -> io::Result<()> {
        let mut buffer = [0u8; 4096];
        loop {
            match self.until_ready(|stream| stream.read(&mut buffer)).await? {
                0 => return Ok(()),
                n => out.extend_from_slice(&buffer[..n]),
            }
        }
    }
}

/// Closing the connection (dropping it: the task finished, or was dropped
/// unfinished) tells the reactor to forget the socket and its waker.
impl Drop for AsyncTcpStream {
    fn drop(&mut self) {
        self.reactor
            .borrow_mut()
            .deregister(&mut self.stream, self.token);
    }
}
// ANCHOR_END: read_write

// ANCHOR: timer
/// A future's timer in the reactor. The future owns it, so the entry lives
/// exactly as long as the wait: dropping the `Timer` (the future finished,
/// or was dropped unfinished) removes it, and no task is ever woken for a
/// wait that is over.
pub struct Timer {
    reactor: Rc<RefCell<Reactor>>,
    key: Option<usize>,
}

impl Timer {
    pub fn new(reactor: &Rc<RefCell<Reactor>>) -> Timer {
        let reactor = reactor.clone();
        Timer { reactor, key: None }
    }

    /// Have the reactor wake `waker` at `deadline`. Call it on every poll
    /// that returns `Pending`: the `Future` contract says only the waker of
    /// the most recent poll counts, and a future may be polled with another
    /// one each time (by `select!`, or after moving to another task).
    pub fn wake_at(&mut self, deadline: Instant, waker: &Waker) {
        let mut reactor = self.reactor.borrow_mut();
        match self.key.and_then(|key| reactor.timers.get_mut(&key)) {
            Some((_, set)) if set.will_wake(waker) => {} // the same task: nothing to do
            Some((_, set)) => *set = waker.clone(),
            None => self.key = Some(reactor.add_timer(deadline, waker.clone())),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.reactor.borrow_mut().timers.remove(&key);
        }
    }
}
// ANCHOR_END: timer

// ANCHOR: timeout
/// Runs `future` but gives up after `limit`: a tiny `tokio::time::timeout`.
/// `None` means the time ran out first; the unfinished future is dropped.
pub async fn timeout<T>(
    reactor: &Rc<RefCell<Reactor>>,
    limit: Duration,
    future: impl Future<Output = T>,
) -> Option<T> {
    let deadline = Instant::now() + limit;
    let mut future = pin!(future);
    let mut timer = Timer::new(reactor); // removed when this function returns or is dropped
    std::future::poll_fn(|cx| {
        if let Poll::Ready(value) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(value));
        }
        if Instant::now() >= deadline {
            return Poll::Ready(None);
        }
        timer.wake_at(deadline, cx.waker());
        Poll::Pending
    })
    .await
}
// ANCHOR_END: timeout

// ANCHOR: sleep
/// The exercise's solution: `tokio::time::sleep` for mini tokio. Every
/// poll checks the clock (a future may be polled before its time) and, if
/// it must wait on, leaves this poll's waker with the timer.
pub async fn sleep(reactor: &Rc<RefCell<Reactor>>, duration: Duration) {
    let deadline = Instant::now() + duration;
    let mut timer = Timer::new(reactor); // removed when the sleep ends or is dropped
    std::future::poll_fn(|cx| {
        if Instant::now() >= deadline {
            return Poll::Ready(());
        }
        timer.wake_at(deadline, cx.waker());
        Poll::Pending
    })
    .await
}
// ANCHOR_END: sleep

// ANCHOR: fetch
/// Fetches one page: the same steps as the blocking version, but each step
/// that would block hands the thread back to the loop instead.
pub async fn fetch(
    reactor: Rc<RefCell<Reactor>>,
    addr: SocketAddr,
    path: &str,
) -> anyhow::Result<usize> {
    let mut stream = AsyncTcpStream::connect(addr, reactor).await?;
    let request = format!("GET {path} HTTP/1.0\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    Ok(labkit::http::body_of(&response)?.len())
}
// ANCHOR_END: fetch

// ANCHOR: fetch_all
/// Fetches every page concurrently on this one thread: one task per
/// request, each bounded by `limit`. Returns each page's body size or why
/// it failed, in request order, and the loop's trace.
pub fn fetch_all(
    requests: &[(SocketAddr, String)],
    limit: Duration,
) -> io::Result<(Vec<anyhow::Result<usize>>, Vec<Turn>)> {
    let mut executor = Executor::new()?;
    let results = Rc::new(RefCell::new(Vec::new()));
    results.borrow_mut().resize_with(requests.len(), || None);
    for (index, (addr, path)) in requests.iter().cloned().enumerate() {
        let (reactor, results) = (executor.reactor(), results.clone());
        executor.spawn(async move {
            let outcome = timeout(&reactor, limit, fetch(reactor.clone(), addr, &path))
                .await
                .unwrap_or_else(|| Err(anyhow!("no answer within {limit:?}")))
                .with_context(|| format!("GET {path} from {addr}"));
            results.borrow_mut()[index] = Some(outcome);
        });
    }
    executor.run()?;
    let results = results.take().into_iter();
    let results = results.map(|result| result.expect("every task ran to the end"));
    Ok((results.collect(), executor.trace))
}
// ANCHOR_END: fetch_all

/// Three pages of 50 ms each, on one thread, plus one refused connection.
pub fn main() {
    let latency = Duration::from_millis(50);
    let addr = labkit::http::stand_in_server(latency, 3, "hello").unwrap();
    let closed = labkit::http::refused_addr().unwrap();
    let mut requests: Vec<(SocketAddr, String)> =
        (1..=3).map(|n| (addr, format!("/page/{n}"))).collect();
    requests.push((closed, "/page/4".to_string()));

    let start = Instant::now();
    let (results, trace) = fetch_all(&requests, Duration::from_secs(10)).unwrap();
    let elapsed = start.elapsed();
    for result in &results {
        println!("{result:?}");
    }
    println!("{} turns of the loop in {elapsed:.2?}", trace.len());
    assert!(results[..3].iter().all(|size| *size.as_ref().unwrap() == 5));
    assert!(results[3].is_err(), "nobody listens on {closed}");
    assert!(elapsed >= latency);
    assert!(trace.len() >= 2, "the loop waited at least once");
}
