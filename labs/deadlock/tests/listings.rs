//! The chapter's listings do what the chapter says they do.
//!
//! Nothing here deadlocks on purpose (that happens in child processes, see
//! cli.rs), but a bug could: every test body runs under `bounded`, which
//! fails the test instead of hanging the suite.

use std::time::{Duration, Instant};

use deadlock::ordered::{self, Account};
use deadlock::philosophers::{self, Table};
use deadlock::timeout::{self, Backoff, Outcome, Retries};
use deadlock::{async_note, two_locks};
use labkit::testing::within;

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    within(Duration::from_secs(60), two_locks::main);
    within(Duration::from_secs(60), timeout::main);
    within(Duration::from_secs(60), ordered::main);
    within(Duration::from_secs(60), philosophers::main);
    within(Duration::from_secs(60), async_note::main);
}

#[test]
fn same_backoff_collides_in_every_slot_until_the_attempts_run_out() {
    let (results, elapsed) = within(Duration::from_secs(60), || {
        let (a, b) = (parking_lot::Mutex::new(()), parking_lot::Mutex::new(()));
        let start = Instant::now();
        let results =
            timeout::retry_in_lockstep(&a, &b, Duration::from_millis(1), 7, [Backoff::Same; 2]);
        (results, start.elapsed())
    });
    // Every attempt waited out a full timeout (a timed wait never ends early).
    assert!(elapsed >= 7 * Duration::from_millis(1), "{elapsed:?}");
    let gave_up = Retries {
        outcome: Outcome::GaveUp,
        attempts: 7,
    };
    assert_eq!(results, [gave_up, gave_up]);
}

#[test]
fn jitter_separates_the_threads_the_same_way_every_time() {
    let run = || {
        within(Duration::from_secs(60), || {
            let (a, b) = (parking_lot::Mutex::new(()), parking_lot::Mutex::new(()));
            let jitter = timeout::JITTER_SEEDS.map(Backoff::Jitter);
            timeout::retry_in_lockstep(&a, &b, Duration::from_millis(1), 10, jitter)
        })
    };
    let first = run();
    assert!(
        first.iter().all(|r| r.outcome == Outcome::Finished),
        "{first:?}"
    );
    assert!(first.iter().all(|r| r.attempts < 10), "{first:?}");
    // Seeded dice and lockstep slots: the story does not depend on timing.
    assert_eq!(run(), first);
}

#[test]
fn giving_up_frees_the_lock_and_the_later_thread_then_finishes() {
    // Thread 2 starts waiting half a timeout before thread 1, so its wait
    // runs out first; it gives up lock B, and thread 1, still waiting for B,
    // gets it and finishes: the Python run's story. The timeout is long so
    // that a loaded machine cannot delay a thread by half of it (200 ms).
    let timeout = Duration::from_millis(400);
    let (outcomes, elapsed) = within(Duration::from_secs(60), move || {
        let (a, b) = (parking_lot::Mutex::new(()), parking_lot::Mutex::new(()));
        let start = Instant::now();
        let outcomes = timeout::give_up_after_timeout(&a, &b, timeout);
        (outcomes, start.elapsed())
    });
    assert_eq!(outcomes, [Outcome::Finished, Outcome::GaveUp]);
    // Thread 1 could not finish before thread 2's wait ran out.
    assert!(elapsed >= timeout, "{elapsed:?}");
}

#[test]
fn every_prevention_strategy_completes_all_rounds() {
    for (name, strategy) in ordered::STRATEGIES {
        let end = within(Duration::from_secs(60), move || {
            strategy(300, Duration::from_micros(20), 7)
        });
        assert_eq!((end.balance_a, end.balance_b), (7, 7), "{name}");
        assert_eq!(end.transfers, 600, "{name}");
        if name != "all or nothing" {
            assert_eq!(end.retries, 0, "{name}");
        }
    }
}

#[test]
fn lock_order_does_not_depend_on_the_argument_order() {
    let (a, b) = (Account::new(1, 10), Account::new(2, 20));
    {
        let (from, to) = ordered::lock_in_order(&b, &a, Duration::ZERO);
        assert_eq!(
            (*from, *to),
            (20, 10),
            "guards come back in the caller's order"
        );
        // While both are held, neither can be taken.
        assert!(a.balance.try_lock().is_none() && b.balance.try_lock().is_none());
    }
    assert!(a.balance.try_lock().is_some() && b.balance.try_lock().is_some());
}

#[test]
#[should_panic(expected = "one lock taken twice")]
fn the_same_account_twice_is_refused() {
    let a = Account::new(1, 10);
    drop(ordered::lock_in_order(&a, &a, Duration::ZERO));
}

/// Can the philosophers, each holding their first fork and waiting for
/// their second, wait in a circle? Only if the edges "first fork -> second
/// fork" contain a directed cycle.
fn waits_can_form_a_cycle(order: philosophers::ForkOrder, seats: usize) -> bool {
    let edges: Vec<(usize, usize)> = (0..seats).map(|seat| order(seat, seats)).collect();
    // Repeatedly remove forks that no edge leads out of; a cycle is what remains.
    let mut alive = vec![true; seats];
    loop {
        let sink = (0..seats)
            .find(|&fork| alive[fork] && !edges.iter().any(|&(a, b)| a == fork && alive[b]));
        match sink {
            Some(fork) => alive[fork] = false,
            None => return alive.iter().any(|&a| a),
        }
    }
}

#[test]
fn philosophers_left_first_form_a_cycle_and_lower_first_do_not() {
    for seats in 2..=9 {
        assert!(waits_can_form_a_cycle(philosophers::left_then_right, seats));
        assert!(
            !waits_can_form_a_cycle(philosophers::lower_first, seats),
            "{seats} seats"
        );
        for seat in 0..seats {
            // Still the two forks beside the philosopher, only the order may change.
            let (first, second) = philosophers::lower_first(seat, seats);
            let (left, right) = philosophers::left_then_right(seat, seats);
            assert!(
                (first, second) == (left, right) || (first, second) == (right, left),
                "seat {seat} of {seats}"
            );
        }
    }
}

#[test]
fn ordered_philosophers_each_eat_exactly_rounds_times() {
    for (seats, rounds) in [(2, 30), (5, 100), (7, 13)] {
        let meals = within(Duration::from_secs(60), move || {
            let table = Table::new(seats);
            philosophers::dine(
                &table,
                rounds,
                philosophers::lower_first,
                Duration::from_micros(10),
                Duration::ZERO,
            );
            table.meals()
        });
        assert_eq!(meals, vec![rounds; seats]);
    }
}

#[test]
fn the_jitter_draws_every_back_off_and_nothing_else() {
    let mut seen = [0u32; 4];
    for _ in 0..400 {
        seen[ordered::random_below(4) as usize] += 1;
    }
    // 400 draws of 4 values: each value all but certainly comes up, and none
    // takes nearly all the draws (a constant "random" number would).
    assert!(seen.iter().all(|&n| (1..300).contains(&n)), "{seen:?}");
}

#[test]
fn let_underscore_releases_the_lock_on_the_spot() {
    let board = two_locks::Board::new();
    let lock = two_locks::NamedLock::new("lock A", &board);
    assert!(two_locks::underscore_on_named_lock(&lock));
    assert!(board.standings().is_empty(), "{:?}", board.standings());
    assert!(two_locks::underscore_on_parking_lot(
        &parking_lot::Mutex::new(())
    ));
}

#[test]
fn a_std_guard_across_await_is_held_while_another_task_runs() {
    within(Duration::from_secs(60), || {
        for _ in 0..20 {
            assert!(async_note::two_tasks_one_std_lock());
            assert_eq!(async_note::two_tasks_one_tokio_lock(), 12);
            assert_eq!(async_note::two_spawned_tasks_one_tokio_lock(), 12);
        }
    });
}

#[test]
fn the_board_sees_the_cycle_of_a_real_deadlock() {
    use std::sync::{Arc, Barrier};
    // A real deadlock, in this test process: its two threads stay blocked
    // until the process ends, which is harmless here.
    let board = two_locks::Board::new();
    let locks = Arc::new([
        two_locks::NamedLock::new("lock A", &board),
        two_locks::NamedLock::new("lock B", &board),
    ]);
    let both_hold_one = Arc::new(Barrier::new(2));
    for (name, first, second) in [("thread 1", 0, 1), ("thread 2", 1, 0)] {
        let (locks, barrier) = (Arc::clone(&locks), Arc::clone(&both_hold_one));
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let _first = locks[first].lock();
                barrier.wait();
                let _second = locks[second].lock();
            })
            .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while !board.in_a_cycle() {
        assert!(Instant::now() < deadline, "{:?}", board.standings());
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(
        board.standings(),
        [
            "thread 1 holds lock A and waits for lock B",
            "thread 2 holds lock B and waits for lock A"
        ]
    );
}
