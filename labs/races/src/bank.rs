// Listing: the Python tutorial's bank account, ported to Rust with atomics.
//
// This file is a module of the `races` lab *and* a complete program the book
// compiles and runs on its own (see `main` at the bottom), so it uses nothing
// but the standard library.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Barrier, Condvar, Mutex};
use std::thread;
use std::time::Duration;

/// What one customer got at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Withdrawal {
    /// The money was handed out; `remaining` is the balance right after.
    Paid { amount: i64, remaining: i64 },
    /// The teller said "not enough money".
    Refused { amount: i64 },
}

impl Withdrawal {
    pub fn amount(self) -> i64 {
        match self {
            Withdrawal::Paid { amount, .. } | Withdrawal::Refused { amount } => amount,
        }
    }

    pub fn is_paid(self) -> bool {
        matches!(self, Withdrawal::Paid { .. })
    }
}

// ANCHOR: withdraw
/// The tutorial's `withdraw`, step for step, saying what it prints at the
/// moment it prints it. The balance is an `AtomicI64`, so every single read
/// and write of it is atomic and the compiler accepts sharing it between
/// threads. The withdrawal as a whole is still two separate steps, a check
/// and then an act, and other threads may run in between: `pause` stands
/// for the tutorial's `time.sleep(1)`.
pub fn withdraw(
    balance: &AtomicI64,
    amount: i64,
    pause: impl FnOnce(),
    say: impl Fn(String),
) -> Withdrawal {
    let seen = balance.load(Ordering::SeqCst); // check...
    if seen >= amount {
        pause(); // ...the teller counts the notes...
        say(format!("Getting money..., the amount is {amount}"));
        let before = balance.fetch_sub(amount, Ordering::SeqCst); // ...then act
        let remaining = before - amount;
        say(format!("Get {amount}, {remaining} remaining..."));
        Withdrawal::Paid { amount, remaining }
    } else {
        say("Error! You don't have enough money!".to_string());
        Withdrawal::Refused { amount }
    }
}
// ANCHOR_END: withdraw

// ANCHOR: in_turn
/// "If they take turns": each customer's thread is started and joined before
/// the next one starts, so no two withdrawals ever overlap. `say` receives
/// each line as the customer's thread says it.
pub fn in_turn(
    opening: i64,
    amounts: &[i64],
    pause: Duration,
    say: &(impl Fn(String) + Sync),
) -> (Vec<Withdrawal>, i64) {
    let balance = AtomicI64::new(opening);
    let mut reports = Vec::new();
    for &amount in amounts {
        let customer = thread::scope(|s| {
            s.spawn(|| withdraw(&balance, amount, || thread::sleep(pause), say))
                .join()
        });
        reports.push(customer.expect("a customer's thread panicked"));
    }
    (reports, balance.load(Ordering::SeqCst))
}
// ANCHOR_END: in_turn

// Kept on purpose (CONTRIBUTING.md, "Duplicates kept on purpose"): `Turns` and
// `customers_at_once` stand again in labs/locks/src/bank_locked.rs, since each
// listing uses only std, so that its cells keep the playground's Run button.
/// Turns handed out in order, 0, 1, 2...: a thread waiting for its turn
/// sleeps on a condition variable (it uses no CPU), and [`Turns::pass`]
/// wakes the waiters so that the one whose turn has come goes on.
struct Turns {
    next: Mutex<usize>,
    passed: Condvar,
}

impl Turns {
    fn new() -> Turns {
        Turns {
            next: Mutex::new(0),
            passed: Condvar::new(),
        }
    }

    /// Sleeps until turn number `turn` has come.
    fn wait_for(&self, turn: usize) {
        let next = self.next.lock().unwrap();
        drop(self.passed.wait_while(next, |next| *next != turn).unwrap());
    }

    /// Ends the current turn: the next one may go.
    fn pass(&self) {
        *self.next.lock().unwrap() += 1;
        self.passed.notify_all();
    }
}

/// One thread per customer, all released together by a barrier, joined in
/// queue order: `customer(queue_position, amount)` is what each thread does.
/// (The harness the two listings below share.)
pub fn customers_at_once(
    amounts: &[i64],
    customer: impl Fn(usize, i64) -> Withdrawal + Sync,
) -> Vec<Withdrawal> {
    let start = Barrier::new(amounts.len());
    thread::scope(|s| {
        let threads: Vec<_> = amounts
            .iter()
            .enumerate()
            .map(|(position, &amount)| {
                let (start, customer) = (&start, &customer);
                s.spawn(move || {
                    start.wait();
                    customer(position, amount)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("a customer's thread panicked"))
            .collect()
    })
}

/// When nobody has acted yet every check sees `opening`, so the customers
/// who pass it are those asking for at most `opening`; the one at
/// `position` acts after those of them ahead of it in the queue.
fn turn_to_act(opening: i64, amounts: &[i64], position: usize) -> usize {
    amounts[..position]
        .iter()
        .filter(|&&earlier| earlier <= opening)
        .count()
}

// ANCHOR: at_once
/// "If the four of them withdraw simultaneously", as the Python program
/// does it: every customer on a thread of their own, all released at once,
/// nothing else. What happens depends on how the threads happen to run.
pub fn at_once(opening: i64, amounts: &[i64], pause: Duration) -> (Vec<Withdrawal>, i64) {
    let balance = AtomicI64::new(opening);
    let reports = customers_at_once(amounts, |_, amount| {
        withdraw(&balance, amount, || thread::sleep(pause), |_| {})
    });
    (reports, balance.load(Ordering::SeqCst))
}
// ANCHOR_END: at_once

// ANCHOR: all_at_once
/// The same, with the bad interleaving forced rather than left to luck:
/// nobody acts until every customer has checked (a `Barrier`), and then
/// those who passed act in queue order (`Turns`), so every run says the
/// same lines.
pub fn all_at_once(
    opening: i64,
    amounts: &[i64],
    pause: Duration,
    say: &(impl Fn(String) + Sync),
) -> (Vec<Withdrawal>, i64) {
    let balance = AtomicI64::new(opening);
    let everyone_checked = Barrier::new(amounts.len());
    let turns = Turns::new();
    let reports = customers_at_once(amounts, |position, amount| {
        let count_the_notes = || {
            everyone_checked.wait(); // every check is done...
            thread::sleep(pause); // ...the tellers count the notes...
            turns.wait_for(turn_to_act(opening, amounts, position)); // ...one by one
        };
        let report = withdraw(&balance, amount, count_the_notes, say);
        match report {
            Withdrawal::Paid { .. } => turns.pass(), // the next one may act
            Withdrawal::Refused { .. } => {
                everyone_checked.wait(); // refused at the check: done
            }
        }
        report
    });
    (reports, balance.load(Ordering::SeqCst))
}
// ANCHOR_END: all_at_once

// ANCHOR: withdraw_atomically
/// Check and act fused into one atomic step: `fetch_update` reads the
/// balance, asks the closure for the new value and stores it only if nobody
/// changed the balance in between (otherwise it reads again and retries).
/// There is no moment at which another thread can slip in.
pub fn withdraw_atomically(balance: &AtomicI64, amount: i64) -> Withdrawal {
    let update = balance.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |current| {
        (current >= amount).then_some(current - amount)
    });
    match update {
        Ok(before) => Withdrawal::Paid {
            amount,
            remaining: before - amount,
        },
        Err(_) => Withdrawal::Refused { amount },
    }
}
// ANCHOR_END: withdraw_atomically

// ANCHOR: solution
/// The exercise: check-and-subtract as one atomic step, written with
/// `compare_exchange` (which is what `fetch_update` does inside). Store
/// `current - amount` only if the balance is still the `current` we checked;
/// if another customer got there first, look at the new balance and decide
/// again.
pub fn withdraw_with_compare_exchange(balance: &AtomicI64, amount: i64) -> Withdrawal {
    let mut current = balance.load(Ordering::SeqCst);
    loop {
        if current < amount {
            return Withdrawal::Refused { amount };
        }
        match balance.compare_exchange(
            current,
            current - amount,
            Ordering::SeqCst,
            Ordering::SeqCst,
        ) {
            Ok(_) => {
                return Withdrawal::Paid {
                    amount,
                    remaining: current - amount,
                };
            }
            Err(changed) => current = changed, // someone was faster: check again
        }
    }
}
// ANCHOR_END: solution

/// Every customer's withdrawal done by `withdraw_with` on its own thread,
/// all released at once: the order is whatever the machine does.
pub fn at_once_with(
    opening: i64,
    amounts: &[i64],
    withdraw_with: impl Fn(&AtomicI64, i64) -> Withdrawal + Sync,
) -> (Vec<Withdrawal>, i64) {
    let balance = AtomicI64::new(opening);
    let reports = customers_at_once(amounts, |_, amount| withdraw_with(&balance, amount));
    (reports, balance.load(Ordering::SeqCst))
}

/// The tutorial's account: 100 in the bank, four customers.
pub const OPENING_BALANCE: i64 = 100;
pub const AMOUNTS: [i64; 4] = [80, 70, 50, 20];

/// A small run of the listing, with 10 ms pauses instead of 1 s.
pub fn main() {
    let pause = Duration::from_millis(10);
    let say = |line: String| println!("  {line}");
    println!("in turn:");
    let (reports, balance) = in_turn(OPENING_BALANCE, &AMOUNTS, pause, &say);
    println!("{reports:?}, balance {balance}");
    assert_eq!(balance, 0);
    println!("all at once:");
    let (reports, balance) = all_at_once(OPENING_BALANCE, &AMOUNTS, pause, &say);
    println!("{reports:?}, balance {balance}");
    assert!(reports.iter().all(|w| w.is_paid()));
    assert_eq!(
        balance, -120,
        "every check passed, so every withdrawal happened"
    );
    let (reports, balance) = at_once_with(OPENING_BALANCE, &AMOUNTS, withdraw_atomically);
    println!("fetch_update: {reports:?}, balance {balance}");
    assert!(balance >= 0);
    let (_, balance) = at_once(OPENING_BALANCE, &AMOUNTS, Duration::ZERO);
    println!("check-then-act with no pause, once: balance {balance}");
    assert!(
        balance <= 30,
        "no order ends above 30, and a race only lowers it"
    );
}
