//! The chapter's listings do what the chapter says they do.

use std::time::Duration;

use labkit::testing::within;
use primer::{arc, atomics, barrier, channels, guard, threads};

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    within(Duration::from_secs(60), || {
        threads::main();
        arc::main();
        guard::main();
        atomics::main();
        barrier::main();
        channels::main();
    });
}

#[test]
fn a_relaxed_counter_read_after_join_loses_nothing() {
    within(Duration::from_secs(60), || {
        for threads in [1, 2, 3, 8] {
            assert_eq!(
                atomics::count_events(threads, 20_000),
                threads as u64 * 20_000
            );
        }
    });
}

#[test]
fn no_act_comes_before_the_last_check() {
    within(Duration::from_secs(60), || {
        for customers in 1..=6 {
            let log = barrier::check_then_act(customers);
            let checks = log.iter().take_while(|e| **e == "check").count();
            assert_eq!((checks, log.len()), (customers, 2 * customers), "{log:?}");
        }
    });
}

#[test]
fn a_guard_unlocks_at_the_end_of_its_block_and_underscore_at_once() {
    let account = std::sync::Mutex::new(0);
    assert_eq!(guard::deposit(&account, 5), 5);
    assert!(account.try_lock().is_ok(), "the deposit's guard is gone");
    let seen = guard::guard_idioms(&parking_lot::Mutex::new(0));
    let locked: Vec<(&str, bool)> = seen.iter().map(|(p, l)| (*p, *l)).collect();
    assert!(locked[0].1, "{locked:?}");
    assert!(locked[1..].iter().all(|(_, l)| !l), "{locked:?}");
}

#[test]
fn the_channel_delivers_every_order_and_the_loop_ends() {
    within(Duration::from_secs(60), || {
        assert_eq!(channels::take_orders(1, 1), (1, 1));
        assert_eq!(channels::take_orders(4, 100).0, 400);
    });
}

#[test]
fn arc_counts_its_owners() {
    let (sums, while_running, after) = arc::share(vec![5; 4], 6);
    assert_eq!(sums, [20; 6]);
    assert_eq!((while_running, after), (7, 1));
}
