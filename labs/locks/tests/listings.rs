//! The chapter's listings do what the chapter says they do.

use std::collections::BTreeSet;
use std::sync::atomic::AtomicU64;
use std::sync::{Barrier, Condvar, Mutex};
use std::time::{Duration, Instant};

use labkit::testing::within;
use locks::bank_locked::{self, AMOUNTS, OPENING_BALANCE, Order, Outcome, Withdrawal};
use locks::{costs, hold, model, mutexes, waiting};

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    within(Duration::from_secs(60), || {
        bank_locked::main();
        costs::main();
        hold::main();
        model::main();
        mutexes::main();
        locks::release::main();
        locks::reentrant::main();
        waiting::main();
    });
}

fn outcome(paid: &[i64], refused: &[i64], balance: i64) -> Outcome {
    Outcome {
        paid: paid.to_vec(),
        refused: refused.to_vec(),
        balance,
    }
}

#[test]
fn the_lock_allows_exactly_three_outcomes() {
    within(Duration::from_secs(60), || {
        // 20 is always paid (nothing else can leave less than 20 behind) and
        // exactly one of 80, 70, 50 goes with it: whoever gets the lock first
        // among them.
        let expected = BTreeSet::from([
            outcome(&[80, 20], &[70, 50], 0),
            outcome(&[70, 20], &[80, 50], 10),
            outcome(&[50, 20], &[80, 70], 30),
        ]);
        assert_eq!(
            bank_locked::possible_outcomes(OPENING_BALANCE, &AMOUNTS),
            expected
        );
        assert_eq!(bank_locked::permutations(&AMOUNTS).len(), 24);
    });
}

// Kept on purpose (CONTRIBUTING.md, "Duplicates kept on purpose"): this test and
// labs/races/tests/listings.rs's compare-exchange test call different listings
// with the same account; only the calls' shape is alike.
#[test]
fn in_queue_order_the_locked_bank_pays_exactly_like_python() {
    within(Duration::from_secs(60), || {
        for _ in 0..20 {
            let (reports, balance) = bank_locked::all_at_once(
                OPENING_BALANCE,
                &AMOUNTS,
                Duration::ZERO,
                Order::Queue,
                &|_| {},
            );
            assert_eq!(
                reports,
                [
                    Withdrawal::Paid {
                        amount: 80,
                        remaining: 20
                    },
                    Withdrawal::Refused { amount: 70 },
                    Withdrawal::Refused { amount: 50 },
                    Withdrawal::Paid {
                        amount: 20,
                        remaining: 0
                    },
                ]
            );
            assert_eq!(balance, 0);
        }
    });
}

#[test]
fn in_free_order_every_run_is_one_the_lock_allows() {
    within(Duration::from_secs(60), || {
        let possible = bank_locked::possible_outcomes(OPENING_BALANCE, &AMOUNTS);
        for _ in 0..200 {
            let (reports, balance) = bank_locked::all_at_once(
                OPENING_BALANCE,
                &AMOUNTS,
                Duration::ZERO,
                Order::Free,
                &|_| {},
            );
            let seen = Outcome::of(&reports, balance);
            assert!(possible.contains(&seen), "{seen:?}");
            assert!(balance >= 0);
        }
    });
}

#[test]
fn loom_proves_no_interleaving_overdraws_and_finds_every_allowed_outcome() {
    within(Duration::from_secs(60), || {
        let seen = model::explore_locked_bank(&model::builder(), OPENING_BALANCE, &AMOUNTS);
        let expected: BTreeSet<model::Ending> =
            bank_locked::possible_outcomes(OPENING_BALANCE, &AMOUNTS)
                .into_iter()
                .map(|o| (o.paid, o.balance))
                .collect();
        assert_eq!(seen.endings, expected);
        assert!(seen.interleavings >= 24, "{}", seen.interleavings);
    });
}

#[test]
#[should_panic(expected = "overdrawn: the balance ended at")]
fn the_loom_model_would_catch_an_overdraft() {
    within(Duration::from_secs(60), || {
        // A check of the check: in an account that is already overdrawn, the
        // model's assertion fires in the very first interleaving. So the passing
        // run above passed because no interleaving overdrew, not because the
        // model cannot fail.
        model::explore_locked_bank(&model::builder(), -1, &[1]);
    });
}

#[test]
fn holding_a_guard_across_a_wait_serialises_the_waits() {
    within(Duration::from_secs(60), || {
        // Lower bounds only: a sleep never ends early.
        let printer = Duration::from_millis(15);
        let (held, sales) = hold::run_sellers(4, printer, hold::sell_holding_the_lock);
        assert!(held >= 4 * printer, "{held:?}");
        assert_eq!(sales.len(), 4);
        let (released, sales) = hold::run_sellers(4, printer, hold::sell_then_release);
        assert!(released >= printer, "{released:?}");
        assert_eq!(sales.len(), 4);
    });
}

#[test]
fn poisoning_try_lock_for_and_sizes() {
    within(Duration::from_secs(60), || {
        let (poisoned, seen) = mutexes::std_after_a_panic();
        assert!(poisoned);
        assert_eq!(seen, 20);
        assert_eq!(mutexes::parking_lot_after_a_panic(), 20);
        assert_eq!(mutexes::wait_at_most(Duration::from_millis(5)), None);
        let sizes = mutexes::sizes();
        assert_eq!(sizes[1].1, 1, "parking_lot::Mutex<()> is one byte");
    });
}

#[test]
fn every_counter_counts_every_operation() {
    within(Duration::from_secs(60), || {
        let std_mutex = std::sync::Mutex::new(0u64);
        costs::time_per_op(&std_mutex, 2, 10_000);
        assert_eq!(std_mutex.into_inner().unwrap(), 20_000);
        let atomic = AtomicU64::new(0);
        let (_, ns) = costs::time_per_op(&atomic, 2, 10_000);
        assert_eq!(atomic.into_inner(), 20_000);
        assert!(ns > 0.0);
    });
}

#[test]
fn condvar_waits_for_a_deposit_and_rwlock_lets_readers_in_together() {
    within(Duration::from_secs(60), || {
        assert_eq!(waiting::clerks_read_together(3), [100; 3]);
        let account = (std::sync::Mutex::new(0), std::sync::Condvar::new());
        let left = std::thread::scope(|s| {
            let customer = s.spawn(|| waiting::withdraw_when_possible(&account, 50));
            waiting::deposit(&account, 30); // not enough yet: the customer keeps waiting
            waiting::deposit(&account, 30);
            customer.join().unwrap()
        });
        assert_eq!(left, 10);
    });
}

#[test]
fn in_queue_order_the_customer_holding_the_lock_says_the_python_lines() {
    within(Duration::from_secs(60), || {
        let me = std::thread::current().id();
        for _ in 0..20 {
            let said = Mutex::new(Vec::new());
            bank_locked::all_at_once(
                OPENING_BALANCE,
                &AMOUNTS,
                Duration::ZERO,
                Order::Queue,
                &|line| {
                    said.lock()
                        .unwrap()
                        .push((std::thread::current().id(), line))
                },
            );
            let said = said.into_inner().unwrap();
            let lines: Vec<&str> = said.iter().map(|(_, line)| line.as_str()).collect();
            assert_eq!(
                lines,
                [
                    "Getting money..., the amount is 80",
                    "Get 80, 20 remaining...",
                    "Error! You don't have enough money!",
                    "Error! You don't have enough money!",
                    "Getting money..., the amount is 20",
                    "Get 20, 0 remaining...",
                ]
            );
            // Said by the customers while they held the lock, not retold afterwards.
            assert!(said.iter().all(|(who, _)| *who != me), "{said:?}");
        }
    });
}

/// A place where the paid customers' pauses meet: each customer arrives and
/// waits, at most `patience`, until `expected` customers are there. Says
/// whether they all were.
struct Meeting {
    arrived: Mutex<usize>,
    changed: Condvar,
}

impl Meeting {
    fn new() -> Meeting {
        Meeting {
            arrived: Mutex::new(0),
            changed: Condvar::new(),
        }
    }

    fn attend(&self, expected: usize, patience: Duration) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.changed.notify_all();
        let (arrived, _) = self
            .changed
            .wait_timeout_while(arrived, patience, |arrived| *arrived < expected)
            .unwrap();
        *arrived >= expected
    }
}

/// The customers as one withdrawal function serves them, all released at
/// once; each paid customer's pause is a [`Meeting`] of the two paid
/// customers. Returns the reports, the final balance and, for each paid
/// customer, when its pause began and ended and whether the other paid
/// customer was in its pause at the same time.
#[allow(clippy::type_complexity)]
fn pauses_meeting(
    withdraw: fn(&Mutex<i64>, i64, &mut dyn FnMut()) -> Withdrawal,
    patience: Duration,
) -> (Vec<Withdrawal>, i64, Vec<(Instant, Instant, bool)>) {
    let balance = Mutex::new(OPENING_BALANCE);
    let start = Barrier::new(AMOUNTS.len());
    let meeting = Meeting::new();
    let reports: Vec<(Withdrawal, Option<(Instant, Instant, bool)>)> = std::thread::scope(|s| {
        let customers: Vec<_> = AMOUNTS
            .iter()
            .map(|&amount| {
                let (balance, start, meeting) = (&balance, &start, &meeting);
                s.spawn(move || {
                    start.wait();
                    let mut pause = None;
                    let report = withdraw(balance, amount, &mut || {
                        let began = Instant::now();
                        // 20 is always paid, and exactly one other customer.
                        let met = meeting.attend(2, patience);
                        pause = Some((began, Instant::now(), met));
                    });
                    (report, pause)
                })
            })
            .collect();
        customers.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let withdrawals = reports.iter().map(|(w, _)| *w).collect();
    let pauses = reports.iter().filter_map(|(_, p)| *p).collect();
    (withdrawals, balance.into_inner().unwrap(), pauses)
}

#[test]
fn reserving_first_keeps_the_outcomes_and_frees_the_lock_during_the_pause() {
    within(Duration::from_secs(120), || {
        let possible = bank_locked::possible_outcomes(OPENING_BALANCE, &AMOUNTS);
        for _ in 0..20 {
            // The two paid customers wait in their pauses for each other. The
            // patience is only there to end a broken solution: if one of them
            // held the lock during its pause, the other could never get there.
            let (reports, balance, pauses) = pauses_meeting(
                |balance, amount, pause| {
                    bank_locked::withdraw_reserving_first(balance, amount, pause)
                },
                Duration::from_secs(10),
            );
            assert!(possible.contains(&Outcome::of(&reports, balance)));
            assert_eq!(pauses.len(), 2, "exactly two customers were paid");
            assert!(pauses.iter().all(|&(_, _, met)| met), "{pauses:?}");
            // So the two pauses overlapped: each began before the other ended.
            let ((began_1, ended_1, _), (began_2, ended_2, _)) = (pauses[0], pauses[1]);
            assert!(began_1 < ended_2 && began_2 < ended_1, "{pauses:?}");
        }
    });
}

#[test]
fn the_pause_meeting_would_catch_a_lock_held_during_the_pause() {
    within(Duration::from_secs(60), || {
        // A check of the check: `withdraw_locked` pauses holding the lock, so
        // the first paid customer waits for the second in vain (until the
        // patience runs out), whatever the timing.
        let (_, _, pauses) = pauses_meeting(
            |balance, amount, pause| bank_locked::withdraw_locked(balance, amount, pause, |_| {}),
            Duration::from_millis(100),
        );
        assert_eq!(pauses.len(), 2);
        assert!(pauses.iter().any(|&(_, _, met)| !met), "{pauses:?}");
    });
}

#[test]
fn a_guard_lets_go_exactly_where_the_chapter_says() {
    let m = std::sync::Mutex::new(0);
    let seen = locks::release::release_points(&m);
    let held: Vec<bool> = seen.iter().map(|(_, l)| *l).collect();
    assert_eq!(held, [false, true, false, true, false, true, false]);
    assert!(!locks::release::is_locked(&m), "nothing is held at the end");
    assert_eq!(*m.lock().unwrap(), 1, "one increment");
}

#[test]
fn locking_twice_on_one_thread_never_returns_and_the_fix_does() {
    use locks::reentrant::{Watched, compare};
    let (relocking, fixed) = compare(Duration::from_millis(500));
    // std leaves the outcome of a re-lock unspecified (a deadlock or a
    // panic): either way it does not return.
    assert!(
        matches!(relocking, Watched::StillWaiting | Watched::Panicked),
        "{relocking:?}"
    );
    assert_eq!(fixed, Watched::Returned(99));
}
