// Listing: model-checking the bank with loom.
//
// loom replaces `std`'s threads, atomics and locks with look-alikes that it
// controls, then runs the model closure again and again, once per
// interleaving of the threads' operations, until it has tried them all (or
// the bounds below). An assertion that fails in any interleaving fails the
// model. This file is a module of the `races` lab and a complete program the
// book compiles and runs (see `main` at the bottom).

extern crate loom;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::AtomicUsize as StdAtomicUsize;

use loom::model::Builder;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicI64, Ordering};
use loom::thread;

// ANCHOR: racy_model
/// The racy bank as a loom model: the same check-then-act as `bank.rs`, with
/// loom's `AtomicI64` and `thread`. No sleep and no barrier: loom itself
/// decides, at every atomic operation, which thread runs next.
pub fn racy_bank(opening: i64, amounts: &[i64]) -> impl Fn() + Send + Sync + 'static {
    let amounts = amounts.to_vec();
    move || {
        let balance = Arc::new(AtomicI64::new(opening));
        let customers: Vec<_> = amounts
            .iter()
            .map(|&amount| {
                let balance = balance.clone();
                thread::spawn(move || {
                    if balance.load(Ordering::SeqCst) >= amount {
                        balance.fetch_sub(amount, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for customer in customers {
            customer.join().unwrap();
        }
        let end = balance.load(Ordering::SeqCst);
        assert!(end >= 0, "overdrawn: the balance ended at {end}");
    }
}
// ANCHOR_END: racy_model

// ANCHOR: atomic_model
/// The fixed bank: check and subtract in one `fetch_update`. Same
/// customers, same assertion; loom will try every order of their updates.
pub fn atomic_bank(opening: i64, amounts: &[i64]) -> impl Fn() + Send + Sync + 'static {
    let amounts = amounts.to_vec();
    move || {
        let balance = Arc::new(AtomicI64::new(opening));
        let customers: Vec<_> = amounts
            .iter()
            .map(|&amount| {
                let balance = balance.clone();
                thread::spawn(move || {
                    let _ = balance.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |current| {
                        (current >= amount).then_some(current - amount)
                    });
                })
            })
            .collect();
        for customer in customers {
            customer.join().unwrap();
        }
        let end = balance.load(Ordering::SeqCst);
        assert!(end >= 0, "overdrawn: the balance ended at {end}");
    }
}
// ANCHOR_END: atomic_model

/// What a loom run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// How many interleavings loom ran (up to and including a failing one).
    pub interleavings: usize,
    /// The first failed assertion's message, if any interleaving failed.
    pub failure: Option<String>,
}

// ANCHOR: explore
/// The loom settings the lab uses. The preemption bound is how many times,
/// in one interleaving, loom may switch away from a thread that could have
/// kept running (switching when a thread blocks or finishes is free).
/// Interleavings that need more such switches are not tried. The overdraft
/// needs one; 2 keeps the four-customer search to tens of thousands of
/// interleavings, where 3 would take hundreds of thousands.
pub fn builder() -> Builder {
    let mut builder = Builder::new();
    builder.preemption_bound = Some(2);
    builder
}

/// Runs `model` under `builder`, counting interleavings, and turns a failed
/// assertion into a `Verdict` instead of a panic so the lab can report it
/// (the panic is still reported on stderr by the panic hook).
pub fn explore(builder: &Builder, model: impl Fn() + Send + Sync + 'static) -> Verdict {
    let interleavings = std::sync::Arc::new(StdAtomicUsize::new(0));
    let count = interleavings.clone();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        builder.check(move || {
            // Relaxed: the add is still indivisible, and the count is read
            // only after `check` has returned; nothing else hangs on it.
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            model();
        })
    }));
    Verdict {
        interleavings: interleavings.load(std::sync::atomic::Ordering::Relaxed),
        failure: outcome.err().map(|panic| panic_message(&*panic)),
    }
}
// ANCHOR_END: explore

/// The text of a panic payload (`panic!` with a format string or a literal).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else {
        "a panic without a message".to_string()
    }
}

/// A small run: two customers, 80 and 70, an account of 100.
pub fn main() {
    let racy = explore(&builder(), racy_bank(100, &[80, 70]));
    println!("check, then fetch_sub: {racy:?}");
    let failure = racy.failure.expect("loom finds the overdraft");
    assert!(
        failure.contains("overdrawn: the balance ended at -50"),
        "{failure}"
    );
    let fixed = explore(&builder(), atomic_bank(100, &[80, 70]));
    println!("fetch_update: {fixed:?}");
    assert_eq!(fixed.failure, None);
    assert!(fixed.interleavings >= 2, "both orders were tried");
}
