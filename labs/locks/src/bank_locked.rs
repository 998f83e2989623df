// Listing: the bank account with a lock around check-and-subtract.
//
// A module of the `locks` lab and a complete program the book runs on its own
// (see `main` at the bottom): standard library only.

use std::collections::BTreeSet;
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

// ANCHOR: withdraw_locked
/// The tutorial's `withdraw_with_locked`, saying what it prints when it
/// prints it. The balance lives *inside* the mutex, so the only way to read
/// or change it is through the guard that `lock()` returns, and the guard
/// unlocks when it goes out of scope: there is no way to forget the lock,
/// nor to keep using the balance after it.
pub fn withdraw_locked(
    balance: &Mutex<i64>,
    amount: i64,
    pause: impl FnOnce(),
    say: impl Fn(String),
) -> Withdrawal {
    let mut balance = balance.lock().unwrap(); // `with lock:`
    if *balance >= amount {
        pause(); // the teller counts the notes, still holding the lock
        say(format!("Getting money..., the amount is {amount}"));
        *balance -= amount;
        say(format!("Get {amount}, {} remaining...", *balance));
        Withdrawal::Paid {
            amount,
            remaining: *balance,
        }
    } else {
        say("Error! You don't have enough money!".to_string());
        Withdrawal::Refused { amount }
    }
} // the guard is dropped here: unlocked
// ANCHOR_END: withdraw_locked

// ANCHOR: solution
/// The exercise: the same decision under the lock, but the teller's pause
/// outside it. The money is taken out of the balance (reserved) while the
/// guard is alive; the guard's block ends; the notes are counted with the
/// lock free for the next customer. Check and subtract still happen under
/// one guard, so nobody can overdraw.
pub fn withdraw_reserving_first(
    balance: &Mutex<i64>,
    amount: i64,
    pause: impl FnOnce(),
) -> Withdrawal {
    let reserved = {
        let mut balance = balance.lock().unwrap();
        if *balance >= amount {
            *balance -= amount;
            Some(*balance)
        } else {
            None
        }
    }; // unlocked here
    match reserved {
        Some(remaining) => {
            pause(); // counting the notes, holding nothing
            Withdrawal::Paid { amount, remaining }
        }
        None => Withdrawal::Refused { amount },
    }
}
// ANCHOR_END: solution

/// Who gets the lock first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Customers take the lock in queue order, as they did in the tutorial's run.
    Queue,
    /// All threads are released together; the lock goes to whoever wins.
    Free,
}

// Kept on purpose (CONTRIBUTING.md, "Duplicates kept on purpose"): `Turns` and
// `customers_at_once` stand again in labs/races/src/bank.rs, since each
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
/// (The races chapter's harness, again.)
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

// ANCHOR: all_at_once
/// Every customer on their own thread at once, as in the tutorial. With
/// `Order::Queue` each thread waits (asleep) for its turn to *ask* for the
/// lock, which reproduces the tutorial's run exactly; with `Order::Free` the
/// order in which they get the lock is up to the machine.
pub fn all_at_once(
    opening: i64,
    amounts: &[i64],
    pause: Duration,
    order: Order,
    say: &(impl Fn(String) + Sync),
) -> (Vec<Withdrawal>, i64) {
    let balance = Mutex::new(opening);
    let turns = Turns::new();
    let reports = customers_at_once(amounts, |position, amount| {
        if order == Order::Queue {
            turns.wait_for(position); // ask for the lock in queue order
        }
        let count_the_notes = || {
            turns.pass(); // we hold the lock: the next may queue up on it
            thread::sleep(pause);
        };
        let report = withdraw_locked(&balance, amount, count_the_notes, say);
        if !report.is_paid() {
            turns.pass();
        }
        report
    });
    (reports, balance.into_inner().unwrap())
}
// ANCHOR_END: all_at_once

/// The end of one run, with the order of the customers forgotten: who was
/// paid, who was refused, what is left.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Outcome {
    pub paid: Vec<i64>,
    pub refused: Vec<i64>,
    pub balance: i64,
}

impl Outcome {
    /// Forgets the order of `reports` (amounts sorted, largest first).
    pub fn of(reports: &[Withdrawal], balance: i64) -> Outcome {
        let mut paid: Vec<i64> = reports
            .iter()
            .filter(|w| w.is_paid())
            .map(|w| w.amount())
            .collect();
        let mut refused: Vec<i64> = reports
            .iter()
            .filter(|w| !w.is_paid())
            .map(|w| w.amount())
            .collect();
        paid.sort_by(|a, b| b.cmp(a));
        refused.sort_by(|a, b| b.cmp(a));
        Outcome {
            paid,
            refused,
            balance,
        }
    }
}

// ANCHOR: possible_outcomes
/// Every outcome the lock allows. The lock makes each withdrawal happen
/// whole, one at a time, but says nothing about *which* customer goes
/// first: so the possible outcomes are those of every queue order, run one
/// customer after another.
pub fn possible_outcomes(opening: i64, amounts: &[i64]) -> BTreeSet<Outcome> {
    let mut outcomes = BTreeSet::new();
    for order in permutations(amounts) {
        let balance = Mutex::new(opening);
        let reports: Vec<Withdrawal> = order
            .iter()
            .map(|&amount| withdraw_locked(&balance, amount, || {}, |_| {}))
            .collect();
        outcomes.insert(Outcome::of(&reports, balance.into_inner().unwrap()));
    }
    outcomes
}
// ANCHOR_END: possible_outcomes

/// Every ordering of `items` (n! of them; the lab has at most 4 customers).
pub fn permutations(items: &[i64]) -> Vec<Vec<i64>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut all = Vec::new();
    for (i, &first) in items.iter().enumerate() {
        let mut rest = items.to_vec();
        rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first);
            all.push(tail);
        }
    }
    all
}

/// The tutorial's account: 100 in the bank, four customers.
pub const OPENING_BALANCE: i64 = 100;
pub const AMOUNTS: [i64; 4] = [80, 70, 50, 20];

/// A small run of the listing, with 10 ms pauses instead of 1 s.
pub fn main() {
    let pause = Duration::from_millis(10);
    println!("queue order:");
    let say = |line: String| println!("  {line}");
    let (reports, balance) = all_at_once(OPENING_BALANCE, &AMOUNTS, pause, Order::Queue, &say);
    println!("{reports:?}, balance {balance}");
    assert_eq!(Outcome::of(&reports, balance).paid, [80, 20]);
    assert_eq!(balance, 0);
    let possible = possible_outcomes(OPENING_BALANCE, &AMOUNTS);
    println!("possible outcomes: {possible:?}");
    let (reports, balance) = all_at_once(OPENING_BALANCE, &AMOUNTS, pause, Order::Free, &|_| {});
    println!("free order: {reports:?}, balance {balance}");
    assert!(possible.contains(&Outcome::of(&reports, balance)));
}
