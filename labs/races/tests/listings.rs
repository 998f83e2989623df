//! The chapter's listings do what the chapter says they do, every time:
//! the bad interleavings are forced, so these are exact assertions.

use std::sync::Mutex;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use labkit::testing::within;
use races::bank::{self, AMOUNTS, OPENING_BALANCE, Withdrawal};
use races::counter;

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    within(Duration::from_secs(60), || {
        bank::main();
        counter::main();
        races::model::main();
    });
}

/// A `say` that drops the lines.
fn quiet(_: String) {}

/// Runs `bank` with a `say` that records which thread said each line, in
/// the order the lines were said, and returns them.
fn narrated(bank: impl FnOnce(&(dyn Fn(String) + Sync))) -> Vec<(ThreadId, String)> {
    let said = Mutex::new(Vec::new());
    bank(&|line| said.lock().unwrap().push((thread::current().id(), line)));
    said.into_inner().unwrap()
}

/// The Python tutorial's transcript of the two runs.
const PYTHON_IN_TURN: [&str; 6] = [
    "Getting money..., the amount is 80",
    "Get 80, 20 remaining...",
    "Error! You don't have enough money!",
    "Error! You don't have enough money!",
    "Getting money..., the amount is 20",
    "Get 20, 0 remaining...",
];
const PYTHON_AT_ONCE: [&str; 8] = [
    "Getting money..., the amount is 80",
    "Get 80, 20 remaining...",
    "Getting money..., the amount is 70",
    "Get 70, -50 remaining...",
    "Getting money..., the amount is 50",
    "Get 50, -100 remaining...",
    "Getting money..., the amount is 20",
    "Get 20, -120 remaining...",
];

#[test]
fn the_customers_say_the_python_lines_as_they_happen() {
    within(Duration::from_secs(60), || {
        let me = thread::current().id();
        for _ in 0..20 {
            let in_turn = narrated(|say| {
                bank::in_turn(OPENING_BALANCE, &AMOUNTS, Duration::ZERO, &say);
            });
            let at_once = narrated(|say| {
                bank::all_at_once(OPENING_BALANCE, &AMOUNTS, Duration::ZERO, &say);
            });
            for (lines, python) in [(&in_turn, &PYTHON_IN_TURN[..]), (&at_once, &PYTHON_AT_ONCE)] {
                let text: Vec<&str> = lines.iter().map(|(_, line)| line.as_str()).collect();
                assert_eq!(text, python);
                // Said by the customers' threads while they ran, not retold
                // by the caller afterwards.
                assert!(lines.iter().all(|(who, _)| *who != me), "{lines:?}");
            }
            // One thread per customer: each payment's two lines come from
            // one thread, and four customers means four threads.
            let mut speakers: Vec<ThreadId> = at_once.iter().map(|(who, _)| *who).collect();
            assert!(speakers.chunks(2).all(|pair| pair[0] == pair[1]));
            speakers.dedup();
            assert_eq!(speakers.len(), 4);
        }
    });
}

#[test]
fn a_refusal_is_said_before_anyone_is_paid() {
    within(Duration::from_secs(60), || {
        // 150 fails its check at once: its line comes first, every run.
        let lines = narrated(|say| {
            bank::all_at_once(100, &[60, 150, 70], Duration::ZERO, &say);
        });
        let text: Vec<&str> = lines.iter().map(|(_, line)| line.as_str()).collect();
        assert_eq!(
            text,
            [
                "Error! You don't have enough money!",
                "Getting money..., the amount is 60",
                "Get 60, 40 remaining...",
                "Getting money..., the amount is 70",
                "Get 70, -30 remaining...",
            ]
        );
    });
}

fn paid(amount: i64, remaining: i64) -> Withdrawal {
    Withdrawal::Paid { amount, remaining }
}

#[test]
fn in_turn_matches_the_tutorial() {
    within(Duration::from_secs(60), || {
        let (reports, balance) = bank::in_turn(OPENING_BALANCE, &AMOUNTS, Duration::ZERO, &quiet);
        assert_eq!(
            reports,
            [
                paid(80, 20),
                Withdrawal::Refused { amount: 70 },
                Withdrawal::Refused { amount: 50 },
                paid(20, 0)
            ]
        );
        assert_eq!(balance, 0);
    });
}

#[test]
fn all_at_once_overdraws_exactly_like_python_every_time() {
    within(Duration::from_secs(60), || {
        for _ in 0..50 {
            let (reports, balance) =
                bank::all_at_once(OPENING_BALANCE, &AMOUNTS, Duration::ZERO, &quiet);
            assert_eq!(
                reports,
                [paid(80, 20), paid(70, -50), paid(50, -100), paid(20, -120)]
            );
            assert_eq!(balance, -120);
        }
    });
}

#[test]
fn customers_who_ask_too_much_are_refused_and_nobody_hangs() {
    within(Duration::from_secs(60), || {
        // 150 fails its check even against the opening balance: it must not wait
        // at the barrier for the others (which would hang), and must not take a turn.
        let (reports, balance) = bank::all_at_once(100, &[150, 60, 70], Duration::ZERO, &quiet);
        assert_eq!(
            reports,
            [
                Withdrawal::Refused { amount: 150 },
                paid(60, 40),
                paid(70, -30)
            ]
        );
        assert_eq!(balance, -30);
        let (reports, balance) = bank::all_at_once(10, &[20, 30], Duration::ZERO, &quiet);
        assert!(reports.iter().all(|w| !w.is_paid()));
        assert_eq!(balance, 10);
    });
}

#[test]
fn fetch_update_never_overdraws_and_always_pays_twenty() {
    within(Duration::from_secs(60), || {
        let possible = [0, 10, 30];
        for _ in 0..200 {
            let (reports, balance) =
                bank::at_once_with(OPENING_BALANCE, &AMOUNTS, bank::withdraw_atomically);
            assert!(possible.contains(&balance), "balance {balance}");
            let paid: Vec<i64> = reports
                .iter()
                .filter(|w| w.is_paid())
                .map(|w| w.amount())
                .collect();
            assert_eq!(paid.len(), 2, "{reports:?}");
            assert!(paid.contains(&20), "{reports:?}");
            assert_eq!(OPENING_BALANCE - paid.iter().sum::<i64>(), balance);
        }
    });
}

#[test]
fn waiting_in_turn_adds_up_and_at_once_overlaps() {
    within(Duration::from_secs(60), || {
        // Lower bounds only (a sleep never ends early): in turn, the two paid
        // customers' pauses add up; at once, every customer pauses at least once.
        let pause = Duration::from_millis(30);
        let start = Instant::now();
        bank::in_turn(OPENING_BALANCE, &AMOUNTS, pause, &quiet);
        assert!(start.elapsed() >= 2 * pause);
        let start = Instant::now();
        bank::all_at_once(OPENING_BALANCE, &AMOUNTS, pause, &quiet);
        assert!(start.elapsed() >= pause);
    });
}

#[test]
fn lockstep_load_store_loses_exactly_all_but_one_per_round() {
    within(Duration::from_secs(60), || {
        for threads in [2, 3, 4] {
            assert_eq!(counter::load_store_in_lockstep(threads, 300), 300);
            assert_eq!(
                counter::fetch_add_in_lockstep(threads, 300),
                300 * threads as u64
            );
        }
    });
}

#[test]
fn fetch_add_never_loses_and_load_store_never_gains() {
    within(Duration::from_secs(60), || {
        let free = counter::count_free_running(2, 50_000, counter::increment_fetch_add);
        assert_eq!(free, 100_000);
        let racy = counter::count_free_running(2, 50_000, counter::increment_load_store);
        assert!((50_000..=100_000).contains(&racy), "{racy}");
    });
}

// Kept on purpose (CONTRIBUTING.md, "Duplicates kept on purpose"): see the same
// note in labs/locks/tests/listings.rs.
#[test]
fn the_compare_exchange_solution_never_overdraws() {
    within(Duration::from_secs(60), || {
        use std::sync::atomic::AtomicI64;
        for _ in 0..200 {
            let (reports, end) = bank::at_once_with(
                OPENING_BALANCE,
                &AMOUNTS,
                bank::withdraw_with_compare_exchange,
            );
            assert!([0, 10, 30].contains(&end), "{end}");
            let paid: i64 = reports
                .iter()
                .filter(|w| w.is_paid())
                .map(|w| w.amount())
                .sum();
            assert_eq!(OPENING_BALANCE - paid, end);
        }
        // One at a time it is the tutorial's "in turn" run.
        let balance = AtomicI64::new(OPENING_BALANCE);
        let reports: Vec<Withdrawal> = AMOUNTS
            .iter()
            .map(|&amount| bank::withdraw_with_compare_exchange(&balance, amount))
            .collect();
        assert_eq!(reports[0], paid(80, 20));
        assert_eq!(reports[3], paid(20, 0));
    });
}

#[test]
fn unstaged_the_bank_ends_only_where_some_interleaving_can() {
    within(Duration::from_secs(60), || {
        let racy = races::outcomes::check_then_act(OPENING_BALANCE, &AMOUNTS);
        for pause in [Duration::ZERO, Duration::from_micros(20)] {
            for _ in 0..50 {
                let (reports, balance) = bank::at_once(OPENING_BALANCE, &AMOUNTS, pause);
                assert!(racy.contains(&balance), "{balance} after {pause:?}");
                let paid: i64 = reports
                    .iter()
                    .filter(|w| w.is_paid())
                    .map(|w| w.amount())
                    .sum();
                assert_eq!(OPENING_BALANCE - paid, balance);
            }
        }
    });
}
