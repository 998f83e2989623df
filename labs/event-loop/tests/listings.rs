//! The chapter's listings do what the chapter says they do.
//!
//! Timing claims are checked with tokio's paused clock where the server can
//! run in the test's own runtime (its latency is then virtual time, so the
//! numbers are exact), and otherwise with lower bounds that cannot fail on a
//! slow machine: a sleep never ends early. Every socket is on 127.0.0.1 and
//! every request has a timeout.

use std::net::SocketAddr;
use std::time::Duration;

use event_loop::pitfalls::{self, Neighbour};
use event_loop::server::{self, Behaviour, Server};
use event_loop::{mini_tokio, sockets, tokio_fetch, user_input};
use tokio::time::Instant;

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    // The book compiles each module on its own and runs its `main`.
    server::main();
    sockets::main();
    mini_tokio::main();
    tokio_fetch::main();
    user_input::main();
    pitfalls::main();
    event_loop::scale::main();
}

const PATIENCE: Duration = Duration::from_secs(60);

#[tokio::test(start_paused = true)]
async fn five_cities_of_two_seconds_take_two_seconds() {
    let api = server::serve_in_this_runtime(Duration::from_secs(2), Behaviour::Answer)
        .await
        .unwrap();
    let start = Instant::now();
    let forecasts = tokio_fetch::five_cities_with_join(api, PATIENCE)
        .await
        .unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(2), "not 5 × 2 s");
    assert_eq!(forecasts.len(), 5);
    assert_eq!(forecasts[1].city, "Chiang Mai");
    assert_eq!(
        forecasts[1].celsius,
        i64::from(server::pretend_temperature("Chiang Mai"))
    );

    let start = Instant::now();
    let cities = ["Bangkok", "Chiang Mai", "Phuket", "Khon Kaen", "Hat Yai"];
    let answers = tokio_fetch::cities_with_joinset(api, &cities, PATIENCE).await;
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    let names: Vec<String> = answers.into_iter().map(|a| a.unwrap().city).collect();
    assert_eq!(names, cities, "answers come back in request order");
}

#[tokio::test(start_paused = true)]
async fn one_after_another_the_waits_add_up() {
    let api = server::serve_in_this_runtime(Duration::from_millis(450), Behaviour::Answer)
        .await
        .unwrap();
    let requests: Vec<(SocketAddr, String)> =
        (1..=6).map(|n| (api, format!("/page/{n}"))).collect();
    let start = Instant::now();
    let sizes = tokio_fetch::fetch_one_after_another(&requests, PATIENCE).await;
    assert_eq!(start.elapsed(), Duration::from_millis(6 * 450));
    let start = Instant::now();
    let together = tokio_fetch::fetch_all(&requests, PATIENCE).await;
    assert_eq!(start.elapsed(), Duration::from_millis(450));
    let sizes: Vec<usize> = sizes.into_iter().map(Result::unwrap).collect();
    let together: Vec<usize> = together.into_iter().map(Result::unwrap).collect();
    assert_eq!(sizes, together);
    assert_eq!(sizes[2], server::page_text(3).len());
}

/// The bad inputs of the issue, through tokio: each failure is an `Err`
/// that says what went wrong, the silent server costs exactly the timeout,
/// and the good requests finish anyway.
#[tokio::test(start_paused = true)]
async fn tokio_failures_are_errors_and_the_others_finish() {
    let latency = Duration::from_millis(100);
    let limit = Duration::from_secs(1);
    let good = server::serve_in_this_runtime(latency, Behaviour::Answer)
        .await
        .unwrap();
    let silent = server::serve_in_this_runtime(latency, Behaviour::NeverAnswer)
        .await
        .unwrap();
    let garbled = server::serve_in_this_runtime(latency, Behaviour::Malformed)
        .await
        .unwrap();
    let refused = nobody_listening();
    let requests = vec![
        (good, "/page/1".to_string()),
        (refused, "/page/refused".to_string()),
        (silent, "/page/silent".to_string()),
        (garbled, "/page/garbled".to_string()),
        (good, "/page/2".to_string()),
    ];
    let start = Instant::now();
    let outcomes = tokio_fetch::fetch_all(&requests, limit).await;
    assert_eq!(
        start.elapsed(),
        limit,
        "the silent server costs the timeout"
    );
    let errors: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err().map(|e| format!("{e:#}")))
        .collect();
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 2);
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("/page/refused") && errors[0].contains("refused"));
    assert!(errors[1].contains("/page/silent") && errors[1].contains("no answer within 1s"));
    assert!(errors[2].contains("/page/garbled") && errors[2].contains("malformed response"));
}

#[tokio::test(start_paused = true)]
async fn select_keeps_the_first_answer_and_drops_the_other() {
    let slow = server::serve_in_this_runtime(Duration::from_secs(30), Behaviour::Answer)
        .await
        .unwrap();
    let fast = server::serve_in_this_runtime(Duration::from_millis(200), Behaviour::Answer)
        .await
        .unwrap();
    let start = Instant::now();
    let (winner, body) = tokio_fetch::first_of_two_mirrors([slow, fast], "/page/7", PATIENCE)
        .await
        .unwrap();
    assert_eq!(start.elapsed(), Duration::from_millis(200));
    assert_eq!((winner, body), (1, server::page_text(7)));
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
}

#[test]
fn a_blocked_task_delays_every_other_task() {
    let (hold, nap) = (Duration::from_millis(300), Duration::from_millis(20));
    // A sleep never ends early: these lower bounds cannot fail.
    for kind in [Neighbour::ThreadSleep, Neighbour::CpuWork] {
        let late = pitfalls::sleepers_late_by(kind, hold, nap);
        assert!(late >= hold - nap, "{kind:?}: late by {late:?}");
    }
    // The cures hand the blocking part to other threads; compared with the
    // blocked case, with a wide margin.
    for kind in [
        Neighbour::AsyncSleep,
        Neighbour::SpawnBlocking,
        Neighbour::CpuOnRayon,
    ] {
        let late = pitfalls::sleepers_late_by(kind, hold, nap);
        assert!(late < (hold - nap) / 2, "{kind:?}: late by {late:?}");
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

    let start = Instant::now();
    let polite = tokio::time::timeout(limit, tokio::time::sleep(Duration::from_secs(1))).await;
    assert!(polite.is_err(), "the sleeping future was dropped");
    assert_eq!(start.elapsed(), limit, "exactly at the limit");
}
