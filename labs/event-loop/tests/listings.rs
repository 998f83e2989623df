//! The chapter's listings do what the chapter says they do.
//!
//! Tests that talk over sockets run in real time and check lower bounds
//! only (a sleep never ends early), or check overlap without a clock: the
//! `gathering` server answers no request until all of them have arrived, so
//! only a client with every request in flight at once is ever answered.
//! tokio's paused clock is used only where all waiting is on timers: while
//! the runtime waits for a socket, a paused clock jumps ahead to the next
//! timer, so a patience timeout could fire although nothing was slow.
//! Every socket is on 127.0.0.1 and every request has a timeout.

use std::cell::RefCell;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use event_loop::pitfalls::{self, Neighbour};
use event_loop::server::{self, Behaviour, Server};
use event_loop::{mini_tokio, sockets, tokio_fetch, user_input};

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    // The book compiles each module on its own and runs its `main`.
    event_loop::async_primer::main();
    server::main();
    sockets::main();
    mini_tokio::main();
    tokio_fetch::main();
    user_input::main();
    pitfalls::main();
    event_loop::scale::main();
}

/// How long a client waits for an answer before it gives up, and how long
/// a test's helper server waits for its clients: generous, because only a
/// broken listing ever waits that long, and then the test fails.
const PATIENCE: Duration = Duration::from_secs(30);

/// A server that reads `count` requests and answers none of them until all
/// have arrived; then it answers each as the lab's server would (without
/// the latency). It returns the paths it was asked for, in arrival order.
/// A client that sends one request at a time is never answered (it gets an
/// error once the server gives up): only concurrency gets through.
fn gathering(count: usize) -> (SocketAddr, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let thread = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let give_up = Instant::now() + PATIENCE;
        let mut waiting = Vec::new();
        while waiting.len() < count && Instant::now() < give_up {
            match listener.accept() {
                Ok((mut stream, _peer)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream.set_read_timeout(Some(PATIENCE)).unwrap();
                    let path = request_path(&mut stream);
                    waiting.push((stream, path));
                }
                Err(err) if err.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(err) => panic!("accepting: {err}"),
            }
        }
        if waiting.len() == count {
            for (stream, path) in &mut waiting {
                let _ = stream.write_all(answer(path).as_bytes());
            }
        }
        waiting.into_iter().map(|(_, path)| path).collect()
    });
    (addr, thread)
}

/// Reads a request's head and returns its path ("" if the client hung up first).
fn request_path(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    head.split_whitespace().nth(1).unwrap_or("").to_string()
}

/// What the lab's server answers for `path` (weather and pages only).
fn answer(path: &str) -> String {
    let body = if let Some(city) = path.strip_prefix("/weather/") {
        let city = city.replace("%20", " ");
        let celsius = server::pretend_temperature(&city);
        format!("{{\"city\":\"{city}\",\"celsius\":{celsius}}}")
    } else {
        let n = path.trim_start_matches("/page/").parse().unwrap();
        server::page_text(n)
    };
    format!("HTTP/1.0 200 OK\r\n\r\n{body}")
}

const CITIES: [&str; 5] = ["Bangkok", "Chiang Mai", "Phuket", "Khon Kaen", "Hat Yai"];

#[tokio::test]
async fn five_cities_are_asked_at_once() {
    // join!: the gathering server answers only if all five are in flight.
    let (api, asked) = gathering(5);
    let forecasts = tokio_fetch::five_cities_with_join(api, PATIENCE)
        .await
        .unwrap();
    assert_eq!(asked.join().unwrap().len(), 5);
    let names: Vec<&str> = forecasts.iter().map(|f| f.city.as_str()).collect();
    assert_eq!(names, CITIES);
    assert_eq!(
        forecasts[1].celsius,
        i64::from(server::pretend_temperature("Chiang Mai"))
    );

    // JoinSet: the same, and the answers come back in request order.
    let (api, asked) = gathering(5);
    let answers = tokio_fetch::cities_with_joinset(api, &CITIES, PATIENCE).await;
    assert_eq!(asked.join().unwrap().len(), 5);
    let names: Vec<String> = answers.into_iter().map(|a| a.unwrap().city).collect();
    assert_eq!(names, CITIES, "answers come back in request order");

    // The lab's own server, in real time: never faster than one latency.
    let latency = Duration::from_millis(100);
    let api = Server::start(latency).unwrap();
    let start = Instant::now();
    let forecasts = tokio_fetch::five_cities_with_join(api.addr(), PATIENCE)
        .await
        .unwrap();
    assert!(start.elapsed() >= latency);
    assert_eq!(
        forecasts[4].celsius,
        i64::from(server::pretend_temperature("Hat Yai"))
    );
}

#[tokio::test]
async fn one_after_another_the_waits_add_up() {
    let latency = Duration::from_millis(50);
    let api = Server::start(latency).unwrap();
    let requests: Vec<(SocketAddr, String)> = (1..=6)
        .map(|n| (api.addr(), format!("/page/{n}")))
        .collect();
    let start = Instant::now();
    let sizes = tokio_fetch::fetch_one_after_another(&requests, PATIENCE).await;
    assert!(
        start.elapsed() >= 6 * latency,
        "six waits, one after another"
    );
    let sizes: Vec<usize> = sizes.into_iter().map(Result::unwrap).collect();
    assert_eq!(sizes[2], server::page_text(3).len());

    // Together: all six in flight at once, or the gathering server answers none.
    let (api, asked) = gathering(6);
    let requests: Vec<(SocketAddr, String)> =
        (1..=6).map(|n| (api, format!("/page/{n}"))).collect();
    let together = tokio_fetch::fetch_all(&requests, PATIENCE).await;
    assert_eq!(asked.join().unwrap().len(), 6);
    let together: Vec<usize> = together.into_iter().map(Result::unwrap).collect();
    assert_eq!(sizes, together);
}

/// The bad inputs of the issue, through tokio: each failure is an `Err`
/// that says what went wrong, the silent server costs the timeout (and not
/// less), and the good requests finish anyway.
#[tokio::test]
async fn tokio_failures_are_errors_and_the_others_finish() {
    let latency = Duration::from_millis(20);
    let limit = Duration::from_millis(500);
    let good = Server::start(latency).unwrap();
    let silent = Server::start_with(latency, Behaviour::NeverAnswer).unwrap();
    let garbled = Server::start_with(latency, Behaviour::Malformed).unwrap();
    let requests = vec![
        (good.addr(), "/page/1".to_string()),
        (nobody_listening(), "/page/refused".to_string()),
        (silent.addr(), "/page/silent".to_string()),
        (garbled.addr(), "/page/garbled".to_string()),
        (good.addr(), "/page/2".to_string()),
    ];
    let start = Instant::now();
    let outcomes = tokio_fetch::fetch_all(&requests, limit).await;
    assert!(
        start.elapsed() >= limit,
        "the silent server costs the timeout"
    );
    let errors: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err().map(|e| format!("{e:#}")))
        .collect();
    assert_eq!(*outcomes[0].as_ref().unwrap(), server::page_text(1).len());
    assert_eq!(*outcomes[4].as_ref().unwrap(), server::page_text(2).len());
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("/page/refused") && errors[0].contains("refused"));
    assert!(errors[1].contains("/page/silent") && errors[1].contains("no answer within 500ms"));
    assert!(errors[2].contains("/page/garbled") && errors[2].contains("malformed response"));
}

/// A semaphore of 3: the server never serves more than 3 at once, and the
/// gathering server (which answers only once 3 requests are in flight)
/// shows that 3 do go out together.
#[tokio::test]
async fn a_semaphore_limits_the_requests_in_flight() {
    let api = Server::start(Duration::from_millis(20)).unwrap();
    let requests: Vec<(SocketAddr, String)> = (1..=10)
        .map(|n| (api.addr(), format!("/page/{n}")))
        .collect();
    let start = Instant::now();
    let sizes = tokio_fetch::fetch_limited(&requests, 3, PATIENCE).await;
    assert!(
        start.elapsed() >= 4 * Duration::from_millis(20),
        "ten requests, three at a time: four waves"
    );
    let sizes: Vec<usize> = sizes.into_iter().map(Result::unwrap).collect();
    assert_eq!(sizes[9], server::page_text(10).len(), "in request order");
    let peak = api.take_peak_in_flight();
    assert!((1..=3).contains(&peak), "the server served {peak} at once");

    let (api, asked) = gathering(3);
    let requests: Vec<(SocketAddr, String)> =
        (1..=3).map(|n| (api, format!("/page/{n}"))).collect();
    let sizes = tokio_fetch::fetch_limited(&requests, 3, PATIENCE).await;
    assert_eq!(asked.join().unwrap().len(), 3);
    assert!(sizes.iter().all(Result::is_ok), "{sizes:?}");
}

/// The five cities one after another are asked in order, and get the
/// same answers as all at once.
#[tokio::test]
async fn cities_in_turn_ask_in_order() {
    let api = Server::start(Duration::ZERO).unwrap();
    let answers = tokio_fetch::cities_in_turn(api.addr(), &CITIES, PATIENCE).await;
    let names: Vec<String> = answers.into_iter().map(|a| a.unwrap().city).collect();
    assert_eq!(names, CITIES);
}

/// A mirror that accepts one connection, reads the request and never
/// answers; it returns whether the client then hung up (closed its socket).
fn mirror_that_never_answers() -> (SocketAddr, JoinHandle<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let thread = std::thread::spawn(move || {
        listener.set_nonblocking(true).unwrap();
        let give_up = Instant::now() + PATIENCE;
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _peer)) => break stream,
                Err(_) if Instant::now() < give_up => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(err) => panic!("nobody connected to the silent mirror: {err}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        request_path(&mut stream);
        // Reading 0 bytes means the client closed the connection.
        matches!(stream.read(&mut [0u8; 64]), Ok(0))
    });
    (addr, thread)
}

#[tokio::test]
async fn select_keeps_the_first_answer_and_drops_the_other() {
    let fast = Server::start(Duration::from_millis(100)).unwrap();
    let (silent, hung_up) = mirror_that_never_answers();
    let (winner, body) =
        tokio_fetch::first_of_two_mirrors([silent, fast.addr()], "/page/7", PATIENCE)
            .await
            .unwrap();
    assert_eq!((winner, body), (1, server::page_text(7)));
    let hung_up = tokio::task::spawn_blocking(move || hung_up.join().unwrap())
        .await
        .unwrap();
    assert!(
        hung_up,
        "the other request was dropped and its socket closed"
    );
}

/// The first *answer* wins, not the first request to finish: a mirror that
/// refuses the connection at once fails first, and must not win.
#[tokio::test]
async fn select_waits_past_a_mirror_that_fails_at_once() {
    let healthy = Server::start(Duration::from_millis(50)).unwrap();
    let refusing = nobody_listening();
    for (mirrors, expected) in [
        ([refusing, healthy.addr()], 1),
        ([healthy.addr(), refusing], 0),
    ] {
        let (winner, body) = tokio_fetch::first_of_two_mirrors(mirrors, "/page/3", PATIENCE)
            .await
            .unwrap();
        assert_eq!((winner, body), (expected, server::page_text(3)));
    }
    let neither = tokio_fetch::first_of_two_mirrors([refusing, refusing], "/page/3", PATIENCE)
        .await
        .unwrap_err();
    assert_eq!(neither.to_string(), "neither mirror answered GET /page/3");
}

#[tokio::test(start_paused = true)]
async fn input_tasks_overlap_their_waits() {
    let wait = Duration::from_secs(2);
    let one_by_one = user_input::countdown_awaiting_each_input(wait).await;
    assert_eq!(one_by_one.all_done, 5 * wait);
    let as_tasks = user_input::countdown_with_input_tasks(wait).await;
    assert_eq!(
        as_tasks.loop_finished,
        Duration::ZERO,
        "the loop never waits"
    );
    assert_eq!(as_tasks.all_done, wait);
    assert_eq!(one_by_one.inputs, as_tasks.inputs);
    // The totals differ on purpose: waiting subtracts each input inside the
    // loop (so it meets other multiples of 20), the tasks only at the end.
    assert_eq!(as_tasks.total, -as_tasks.inputs.iter().sum::<i64>());
    assert_eq!(one_by_one.total, -2);
}

/// A server that never answers, a refused connection and garbage: the
/// hand-built loop reports each with its reason and finishes the rest.
#[test]
fn the_hand_built_loop_survives_bad_servers() {
    let latency = Duration::from_millis(20);
    let limit = Duration::from_millis(800);
    let good = Server::start(latency).unwrap();
    let silent = Server::start_with(latency, Behaviour::NeverAnswer).unwrap();
    let garbled = Server::start_with(latency, Behaviour::Malformed).unwrap();
    let requests = vec![
        (good.addr(), "/page/1".to_string()),
        (nobody_listening(), "/page/refused".to_string()),
        (silent.addr(), "/page/silent".to_string()),
        (garbled.addr(), "/page/garbled".to_string()),
        (good.addr(), "/page/2".to_string()),
    ];
    let start = std::time::Instant::now();
    let (outcomes, trace) = mini_tokio::fetch_all(&requests, limit).unwrap();
    assert!(start.elapsed() >= limit, "the silent server was waited for");
    assert_eq!(*outcomes[0].as_ref().unwrap(), server::page_text(1).len());
    assert_eq!(*outcomes[4].as_ref().unwrap(), server::page_text(2).len());
    let why = |i: usize| format!("{:#}", outcomes[i].as_ref().unwrap_err());
    assert!(why(1).contains("refused"), "{}", why(1));
    assert!(why(2).contains("no answer within 800ms"), "{}", why(2));
    assert!(why(3).contains("malformed response"), "{}", why(3));
    let polled: usize = trace.iter().map(|turn| turn.polled.len()).sum();
    assert!(
        polled >= 2 * requests.len(),
        "each task waited at least once"
    );

    // The blocking socket and the busy loop give the same verdicts.
    let sequential = sockets::fetch_sequential(&requests, limit);
    let busy = sockets::fetch_busy_loop(&requests, limit);
    for outcomes in [&sequential, &busy.pages] {
        let ok: Vec<bool> = outcomes.iter().map(Result::is_ok).collect();
        assert_eq!(ok, [true, false, false, false, true]);
    }
}

#[test]
fn the_concurrent_loops_overlap_their_waits() {
    // Lower bounds only: they hold on any machine, however loaded.
    let latency = Duration::from_millis(100);
    let api = Server::start(latency).unwrap();
    let requests: Vec<(SocketAddr, String)> = (1..=4)
        .map(|n| (api.addr(), format!("/page/{n}")))
        .collect();
    let start = std::time::Instant::now();
    let pages = sockets::fetch_sequential(&requests, PATIENCE);
    assert!(start.elapsed() >= 4 * latency);
    assert!(pages.iter().all(Result::is_ok));
    let (sizes, trace) = mini_tokio::fetch_all(&requests, PATIENCE).unwrap();
    assert!(sizes.iter().all(Result::is_ok));
    // One thread, four sockets: the first turn polls every task once and
    // each returns Pending, then the reactor waits.
    assert_eq!(trace[0].polled.len(), 4);
    assert!(trace[0].polled.iter().all(|&(_, finished)| !finished));
    let events: usize = trace.iter().map(|turn| turn.events).sum();
    assert!(events >= 4, "the OS told the loop about every socket");

    // Without a clock: the gathering server answers only if all four
    // requests are in flight at once, and both loops get their answers.
    let (api, asked) = gathering(4);
    let requests: Vec<(SocketAddr, String)> =
        (1..=4).map(|n| (api, format!("/page/{n}"))).collect();
    let (sizes, _trace) = mini_tokio::fetch_all(&requests, PATIENCE).unwrap();
    assert_eq!(asked.join().unwrap().len(), 4);
    assert_eq!(*sizes[3].as_ref().unwrap(), server::page_text(4).len());
    let (api, asked) = gathering(4);
    let requests: Vec<(SocketAddr, String)> =
        (1..=4).map(|n| (api, format!("/page/{n}"))).collect();
    let busy = sockets::fetch_busy_loop(&requests, PATIENCE);
    assert_eq!(asked.join().unwrap().len(), 4);
    assert!(busy.pages.iter().all(Result::is_ok));
}

#[test]
fn a_blocked_task_delays_every_other_task() {
    let (hold, nap) = (Duration::from_millis(400), Duration::from_millis(10));
    // A sleep never ends early, and the neighbour lets go of the thread
    // only after `hold`: the sleepers are at least `hold - nap` late.
    for kind in [Neighbour::ThreadSleep, Neighbour::CpuWork] {
        let late = pitfalls::sleepers_late_by(kind, hold, nap);
        assert!(late >= hold - nap, "{kind:?}: late by {late:?}");
    }
    // With the cures, the sleepers do not wait for the neighbour: they all
    // woke before its `hold` was over (an order of events, with a margin
    // of 40 naps for a busy machine to be slow in).
    for kind in [
        Neighbour::AsyncSleep,
        Neighbour::SpawnBlocking,
        Neighbour::CpuOnRayon,
    ] {
        let late = pitfalls::sleepers_late_by(kind, hold, nap);
        assert!(nap + late < hold, "{kind:?}: late by {late:?}");
    }
}

fn nobody_listening() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap() // nobody listens here once it is dropped
}

/// The exercise: three timers on mini tokio's one thread overlap.
#[test]
fn mini_tokio_sleeps_overlap_on_one_thread() {
    let nap = Duration::from_millis(30);
    let mut executor = mini_tokio::Executor::new().unwrap();
    let woke = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let start = std::time::Instant::now();
    for task in 0..3 {
        let (reactor, woke) = (executor.reactor(), woke.clone());
        executor.spawn(async move {
            mini_tokio::sleep(&reactor, nap).await;
            woke.borrow_mut().push(task);
        });
    }
    executor.run().unwrap();
    assert!(start.elapsed() >= nap, "a sleep never ends early");
    assert_eq!(woke.borrow().len(), 3);
    // The first turn started all three timers before the loop waited once.
    let first = &executor.trace[0];
    assert_eq!(first.polled.len(), 3);
    assert!(first.polled.iter().all(|&(_, finished)| !finished));
}

/// A waker that counts how often it was woken.
#[derive(Default)]
struct Counting(AtomicUsize);

impl Wake for Counting {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Counting {
    fn woken(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

fn reactor() -> Rc<RefCell<mini_tokio::Reactor>> {
    Rc::new(RefCell::new(mini_tokio::Reactor::new().unwrap()))
}

/// The `Future` contract: when a future is polled again with another
/// waker, only the newest may be woken. A timer that kept the first
/// waker would wake a task that no longer waits, and never this one.
#[test]
fn mini_tokio_timers_wake_the_waker_of_the_latest_poll() {
    let reactor = reactor();
    let wait = Duration::from_millis(200);
    let mut nap = pin!(mini_tokio::sleep(&reactor, wait));
    let mut limited = pin!(mini_tokio::timeout(
        &reactor,
        wait,
        std::future::pending::<()>()
    ));
    let (old, new) = (Arc::new(Counting::default()), Arc::new(Counting::default()));
    for waker in [Waker::from(old.clone()), Waker::from(new.clone())] {
        let mut cx = Context::from_waker(&waker);
        assert!(nap.as_mut().poll(&mut cx).is_pending());
        assert!(limited.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(reactor.borrow().timers_set(), 2, "one timer per future");
    while reactor.borrow().timers_set() > 0 {
        reactor.borrow_mut().wait_and_dispatch().unwrap();
    }
    assert_eq!(
        (old.woken(), new.woken()),
        (0, 2),
        "only the latest poll's waker may be woken"
    );
    let waker = Waker::from(new.clone());
    let mut cx = Context::from_waker(&waker);
    assert_eq!(nap.as_mut().poll(&mut cx), Poll::Ready(()));
    assert_eq!(limited.as_mut().poll(&mut cx), Poll::Ready(None));
    assert_eq!(reactor.borrow().timers_set(), 0);
}

/// A future that finishes, or is dropped unfinished, takes its timer with
/// it: nothing is left in the reactor to wake a task that no longer waits.
#[test]
fn mini_tokio_timers_end_with_their_future() {
    let reactor = reactor();
    let waker = Waker::from(Arc::new(Counting::default()));
    let mut cx = Context::from_waker(&waker);
    let an_hour = Duration::from_secs(3600);

    let mut nap = Box::pin(mini_tokio::sleep(&reactor, an_hour));
    assert!(nap.as_mut().poll(&mut cx).is_pending());
    assert_eq!(reactor.borrow().timers_set(), 1);
    drop(nap);
    assert_eq!(reactor.borrow().timers_set(), 0, "a dropped sleep");

    let mut limited = Box::pin(mini_tokio::timeout(&reactor, an_hour, async {
        tokio::task::yield_now().await; // Pending once, then done
        7
    }));
    assert!(limited.as_mut().poll(&mut cx).is_pending());
    assert_eq!(reactor.borrow().timers_set(), 1);
    assert_eq!(limited.as_mut().poll(&mut cx), Poll::Ready(Some(7)));
    assert_eq!(reactor.borrow().timers_set(), 0, "a finished timeout");
}

/// With every finished wait's timer gone, the executor sees the truth: a
/// task left waiting on something nothing will ever wake is an error, at
/// once, not after the deadline of a timeout that has already finished.
#[test]
fn mini_tokio_sees_a_task_nothing_can_wake() {
    let error = labkit::testing::within(Duration::from_secs(60), || {
        let mut executor = mini_tokio::Executor::new().unwrap();
        let reactor = executor.reactor();
        executor.spawn(async move {
            let an_hour = Duration::from_secs(3600);
            let napped = mini_tokio::timeout(
                &reactor,
                an_hour,
                mini_tokio::sleep(&reactor, Duration::from_millis(1)),
            )
            .await;
            assert_eq!(napped, Some(()));
            std::future::pending::<()>().await; // nothing will ever wake this
        });
        executor.run().unwrap_err().to_string()
    });
    assert_eq!(
        error,
        "every task is waiting, but on nothing that could wake it"
    );
}

/// The pitfall seen from a timeout: cancellation happens at an `.await`, so
/// a future that blocks instead of awaiting cannot be stopped by one.
#[tokio::test(start_paused = true)]
async fn a_timeout_cannot_interrupt_a_task_that_never_awaits() {
    let limit = Duration::from_millis(10);
    let blocked = tokio::time::timeout(limit, async {
        pitfalls::crunch_for(Duration::from_millis(50)); // real time, no .await
        "finished anyway"
    })
    .await;
    assert_eq!(blocked, Ok("finished anyway"));

    let start = tokio::time::Instant::now(); // the paused clock
    let polite = tokio::time::timeout(limit, tokio::time::sleep(Duration::from_secs(1))).await;
    assert!(polite.is_err(), "the sleeping future was dropped");
    assert_eq!(start.elapsed(), limit, "exactly at the limit");
}
