// Listing: loom proves the locked bank never overdraws, and finds every
// outcome the lock allows.
//
// A module of the `locks` lab and a complete program the book compiles and
// runs (see `main` at the bottom). The model uses loom's `Mutex` and
// `thread`; the outcomes are collected with `std` types, outside the model.

extern crate loom;

use std::collections::BTreeSet;
use std::sync::atomic::AtomicUsize as StdAtomicUsize;

use loom::model::Builder;
use loom::sync::{Arc, Mutex};
use loom::thread;

/// Who was paid and what was left, with the customers' order forgotten
/// (paid amounts sorted, largest first).
pub type Ending = (Vec<i64>, i64);

// ANCHOR: locked_model
/// The locked bank as a loom model. Each customer checks and subtracts under
/// one guard; the model asserts the balance never goes below zero and
/// reports how the run ended to `record`.
pub fn locked_bank(
    opening: i64,
    amounts: &[i64],
    record: impl Fn(Ending) + Send + Sync + 'static,
) -> impl Fn() + Send + Sync + 'static {
    let amounts = amounts.to_vec();
    move || {
        let balance = Arc::new(Mutex::new(opening));
        let customers: Vec<_> = amounts
            .iter()
            .map(|&amount| {
                let balance = balance.clone();
                thread::spawn(move || {
                    let mut balance = balance.lock().unwrap();
                    if *balance >= amount {
                        *balance -= amount;
                        Some(amount) // paid
                    } else {
                        None // refused
                    }
                })
            })
            .collect();
        let mut paid: Vec<i64> = customers
            .into_iter()
            .filter_map(|customer| customer.join().unwrap())
            .collect();
        let end = *balance.lock().unwrap();
        assert!(end >= 0, "overdrawn: the balance ended at {end}");
        paid.sort_by(|a, b| b.cmp(a));
        record((paid, end));
    }
}
// ANCHOR_END: locked_model

/// What loom saw: how many interleavings it ran, and every distinct ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exploration {
    pub interleavings: usize,
    pub endings: BTreeSet<Ending>,
}

/// The loom settings the lab uses: see the races lab's `model.rs` for what
/// the preemption bound means. With a lock around the whole withdrawal, the
/// interesting choices are which thread takes the lock next, and loom makes
/// those whenever a thread blocks or finishes, without using up the bound.
pub fn builder() -> Builder {
    let mut builder = Builder::new();
    builder.preemption_bound = Some(2);
    builder
}

/// Runs the locked model under `builder` and collects what every
/// interleaving ended with. A failed assertion panics, as in any test.
pub fn explore_locked_bank(builder: &Builder, opening: i64, amounts: &[i64]) -> Exploration {
    let interleavings = std::sync::Arc::new(StdAtomicUsize::new(0));
    let endings = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let (count, seen) = (interleavings.clone(), endings.clone());
    let model = locked_bank(opening, amounts, move |ending| {
        seen.lock().unwrap().insert(ending);
    });
    builder.check(move || {
        // Relaxed: an indivisible add, read only after `check` has returned.
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        model();
    });
    let endings = endings.lock().unwrap().clone();
    Exploration {
        interleavings: interleavings.load(std::sync::atomic::Ordering::Relaxed),
        endings,
    }
}

/// A small run: three customers.
pub fn main() {
    let seen = explore_locked_bank(&builder(), 100, &[80, 70, 20]);
    println!("{seen:?}");
    // 80 first: 80 and 20 paid; 70 first: 70 and 20; 20 first: 20, then 80 or 70.
    let expected = BTreeSet::from([(vec![80, 20], 0), (vec![70, 20], 10)]);
    assert_eq!(seen.endings, expected);
}
