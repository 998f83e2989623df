//! The chapter's listings do what the chapter says they do.
//!
//! No test here depends on how fast the machine is: they check results
//! (exact), what the GIL allows (one thread at a time, everyone gets a turn,
//! waits release it) and directions that hold under any load, each bounded
//! by a timeout so that a broken GIL fails instead of hanging.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use gil::experiments::powersum;
use gil::gil::{self as lock, Gil};
use gil::pool::Failure;
use gil::{counter, ipc, order, pool};
use labkit::testing::within;

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    lock::main();
    pool::main();
    ipc::main();
    counter::main();
    order::main();
}

#[test]
fn only_one_thread_at_a_time_runs_bytecode() {
    let gil = Gil::new(Duration::from_micros(200));
    let inside = AtomicUsize::new(0);
    let most_inside = AtomicUsize::new(0);
    thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                let mut held = gil.acquire();
                for _ in 0..2_000 {
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most_inside.fetch_max(now, Ordering::SeqCst);
                    lock::count_down(200);
                    inside.fetch_sub(1, Ordering::SeqCst);
                    held.between_slices();
                }
            });
        }
    });
    assert_eq!(most_inside.load(Ordering::SeqCst), 1);
}

#[test]
fn a_waiting_thread_gets_its_turn_within_a_few_intervals() {
    // Each thread runs slices until it has seen the other one make progress.
    // Without hand-overs the first holder would spin forever.
    within(Duration::from_secs(60), || {
        let gil = Gil::new(Duration::from_millis(1));
        let progress = [AtomicU64::new(0), AtomicU64::new(0)];
        thread::scope(|scope| {
            for me in 0..2 {
                let (gil, progress) = (&gil, &progress);
                scope.spawn(move || {
                    let mut held = gil.acquire();
                    loop {
                        lock::count_down(1_000);
                        progress[me].fetch_add(1, Ordering::SeqCst);
                        if progress[1 - me].load(Ordering::SeqCst) > 0 {
                            break;
                        }
                        held.between_slices();
                    }
                });
            }
        });
        assert!(gil.forced_switches() >= 1);
    });
}

#[test]
fn with_three_threads_a_fresh_holder_still_gets_a_whole_interval() {
    // CPython's rule: a waiter asks the holder to let go only if the lock
    // did not change hands during its whole timed wait. Here B waits, C
    // starts waiting a fifth of an interval later, and the main thread lets
    // the GIL go just before B's wait runs out, so B takes it. C's wait then
    // runs out a quarter of an interval into B's turn: asking then (the old
    // rule) would evict B at once. With CPython's rule nobody may ask before
    // B has held the GIL a whole interval. A lower bound: load only delays.
    within(Duration::from_secs(60), || {
        let interval = Duration::from_millis(40);
        let gil = Gil::new(interval);
        let holds = std::sync::Mutex::new(Vec::new());
        thread::scope(|scope| {
            let held = gil.acquire();
            let start = Instant::now();
            let take_turns = || {
                let mut held = gil.acquire();
                let got = Instant::now();
                loop {
                    lock::count_down(1_000);
                    let (asked_at, before) = (Instant::now(), gil.forced_switches());
                    held.between_slices();
                    if gil.forced_switches() != before {
                        holds.lock().unwrap().push(asked_at - got);
                        break;
                    }
                }
            };
            scope.spawn(take_turns);
            while gil.waiting() < 1 {
                thread::yield_now();
            }
            thread::sleep(interval / 5);
            scope.spawn(take_turns);
            while gil.waiting() < 2 {
                thread::yield_now();
            }
            thread::sleep((interval * 19 / 20).saturating_sub(start.elapsed()));
            drop(held);
        });
        let holds = holds.into_inner().unwrap();
        assert_eq!(holds.len(), 2, "{holds:?}");
        assert!(
            holds[0] >= interval * 3 / 5,
            "the first holder was asked to let go after {:?} (interval {interval:?})",
            holds[0]
        );
    });
}

#[test]
fn a_blocking_call_releases_the_gil() {
    within(Duration::from_secs(60), || {
        let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
        let (signal, wait_for_signal) = mpsc::channel();
        thread::scope(|scope| {
            let mut held = gil.acquire();
            // Another thread can only send after taking the GIL, which it can
            // only get while this thread is blocked in `release_while`.
            scope.spawn(|| {
                let _held = gil.acquire();
                signal.send(()).unwrap();
            });
            let got = held.release_while(|| wait_for_signal.recv_timeout(Duration::from_secs(30)));
            assert!(got.is_ok(), "the other thread never got the GIL");
        });
    });
}

#[test]
fn waits_on_threads_overlap_even_under_the_gil() {
    let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
    let latency = Duration::from_millis(50);
    let start = Instant::now();
    let waited = lock::requests_in_sequence(&gil, 5, latency, 1_000);
    let sequential = start.elapsed();
    let waited_on_threads = lock::requests_on_threads(&gil, 5, latency, 1_000);
    // A sleep never ends early: these lower bounds hold on any machine.
    assert!(waited >= 5 * latency && waited_on_threads >= 5 * latency);
    assert!(sequential >= 5 * latency);
    // The overlap itself, without a clock (on a machine busy with other
    // work, the wake-ups from one GIL holder to the next can take longer
    // than the waits): five threads, each inside a blocking call, all get
    // there at once, which they could not if a wait kept the GIL.
    within(Duration::from_secs(60), move || {
        let gil = Gil::new(Gil::DEFAULT_SWITCH_INTERVAL);
        let all_waiting = std::sync::Barrier::new(5);
        let met = AtomicUsize::new(0);
        thread::scope(|scope| {
            for _ in 0..5 {
                scope.spawn(|| {
                    let mut held = gil.acquire();
                    lock::count_down(1_000);
                    held.release_while(|| {
                        all_waiting.wait();
                        met.fetch_add(1, Ordering::SeqCst);
                    });
                    lock::count_down(1_000);
                });
            }
        });
        assert_eq!(met.load(Ordering::SeqCst), 5);
    });
}

#[test]
fn every_way_of_counting_counts_everything() {
    let gil = Gil::new(Duration::from_micros(50));
    for n in [1, 999, 1_000, 1_001, 123_457] {
        assert_eq!(lock::count_down_holding(&gil, n), n);
        assert_eq!(lock::count_down_gil_threads(&gil, n, 2), n);
        assert_eq!(lock::count_down_gil_threads(&gil, n, 3), n);
        assert_eq!(lock::count_down_free_threads(n, 2), n);
        assert_eq!(lock::count_down_rayon(n, 7), n);
    }
    for (n, parts) in [(10, 3), (2, 5), (0, 1)] {
        let shares = lock::share(n, parts);
        assert_eq!(shares.iter().sum::<u64>(), n);
        assert!(shares.iter().max().unwrap() - shares.iter().min().unwrap() <= 1);
    }
}

#[test]
fn fibonacci_is_exact_every_way() {
    let gil = Gil::new(Duration::from_micros(100));
    assert_eq!(lock::fib(0), 0);
    assert_eq!(lock::fib(1), 1);
    assert_eq!(lock::fib(25), 75_025);
    assert_eq!(lock::fib_holding(25, &mut gil.acquire()), 75_025);
    assert_eq!(lock::fib_pair_on_threads(24, Some(&gil)), (46_368, 75_025));
    assert_eq!(lock::fib_pair_on_threads(24, None), (46_368, 75_025));
}

#[test]
fn the_three_power_sums_agree() {
    // The pool's workers here are `gil worker` processes, the lab's own binary.
    let bin = env!("CARGO_BIN_EXE_gil");
    let worker = || {
        let mut command = std::process::Command::new(bin);
        command.arg("worker");
        command
    };
    let (n, chunks) = (200_000, 8);
    let sequential = powersum::sequential(n, chunks);
    assert_eq!(powersum::with_rayon(n, chunks), sequential);
    let report = powersum::with_process_pool(n, chunks, 2, worker).unwrap();
    assert_eq!(report.sum, sequential);
    assert_eq!(report.tasks, 8);
    assert!(report.bytes_through_pipes > 0);
    powersum::pool_overhead(3, worker).unwrap();
}

#[test]
fn a_dying_worker_names_the_task_and_nothing_hangs() {
    let bin = env!("CARGO_BIN_EXE_gil");
    let crashing = || {
        let mut command = std::process::Command::new(bin);
        command.args(["worker", "--crash-task", "5"]);
        command
    };
    let err = powersum::with_process_pool(100_000, 10, 2, crashing).unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("task 5"), "{message}");
    assert!(message.contains("died"), "{message}");
    assert!(message.contains("exit status: 3"), "{message}");
}

#[test]
fn the_pool_refuses_zero_workers_and_multi_line_tasks() {
    let bin = env!("CARGO_BIN_EXE_gil");
    let worker = || {
        let mut command = std::process::Command::new(bin);
        command.arg("worker");
        command
    };
    assert!(pool::ProcessPool::start(0, worker).is_err());
    let mut pool = pool::ProcessPool::start(1, worker).unwrap();
    let failure = pool.map(&["1 2".into(), "3\n4".into()]).unwrap_err();
    assert_eq!((failure.task, failure.why), (1, Failure::NotOneLine));
    let failure = pool.map(&["1 2".into(), "nonsense".into()]).unwrap_err();
    assert_eq!(failure.task, 1);
    match &failure.why {
        Failure::Rejected { worker: 1, message } => {
            assert!(message.contains("expected 'start end'"), "{failure}")
        }
        other => panic!("expected the worker's own error, got {other:?}"),
    }
    // The worker survived the bad task and still answers.
    let expected = baseline::powersum::power_sum(1..3, baseline::powersum::EXPONENT);
    assert_eq!(pool.map(&["1 3".into()]).unwrap(), [expected.to_string()]);
    pool.shutdown().unwrap();
}

#[test]
fn a_worker_that_never_answers_is_killed_at_the_deadline() {
    // A worker that reads its task and then stays silent: `sleep` never
    // writes. The pool must neither wait forever nor leave it running.
    let silent = || {
        let mut command = std::process::Command::new("sh");
        command.args(["-c", "read -r line; exec sleep 600"]);
        command
    };
    let deadline = Duration::from_millis(300);
    let failure = within(Duration::from_secs(60), move || {
        let pool = pool::ProcessPool::start(2, silent).unwrap();
        let mut pool = pool.with_task_deadline(deadline);
        let tasks: Vec<String> = vec!["1".into(), "2".into(), "3".into()];
        let failure = pool.map(&tasks).unwrap_err();
        // The pool is still usable to shut down: the killed worker is reaped.
        drop(pool);
        failure
    });
    assert!(failure.task < 2, "{failure}");
    match failure.why {
        Failure::TimedOut { after, .. } => assert_eq!(after, deadline),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(
        failure.to_string().contains("did not answer within"),
        "{failure}"
    );
}

#[test]
fn the_rust_counter_loses_nothing_either_way() {
    for threads in [1, 2, 4] {
        assert_eq!(
            counter::count_with_atomic(threads, 10_000),
            threads * 10_000
        );
        assert_eq!(counter::count_with_mutex(threads, 10_000), threads * 10_000);
    }
}

#[test]
fn results_come_back_in_order_or_each_exactly_once() {
    assert_eq!(order::in_order(&[3, 2, 1], |t| t * 10), [30, 20, 10]);
    // The order of arrival depends on timing; that each result arrives
    // exactly once does not.
    let mut finished = order::as_they_finish(&[5, 1, 4, 2, 3], |t| t * 10);
    finished.sort_unstable();
    assert_eq!(finished, [10, 20, 30, 40, 50]);
}

#[test]
fn the_exercise_solution_finishes_everything() {
    let result = within(Duration::from_secs(60), || {
        let gil = Gil::new(Duration::from_millis(2));
        lock::requests_beside_a_countdown(&gil, 4, Duration::from_millis(20), 1_000, 3_000_000)
    });
    let (slowest, counted) = result;
    assert_eq!(counted, 3_000_000);
    // A sleep never ends early, whatever the GIL does around it.
    assert!(slowest >= Duration::from_millis(20), "{slowest:?}");
}
