//! The chapter's listings do what the chapter says they do.

use std::time::{Duration, Instant};

use baseline::{logs, powersum, weather};

#[test]
fn each_listing_runs_as_the_book_runs_it() {
    // The book compiles each module on its own and runs its `main`.
    weather::main();
    logs::main();
    powersum::main();
}

#[test]
fn sequential_waits_add_up() {
    // A sleep never ends early, so this lower bound holds on any machine.
    let latency = Duration::from_millis(20);
    let start = Instant::now();
    let forecasts = weather::check_cities(&weather::CITIES[..3], latency);
    let elapsed = start.elapsed();
    assert_eq!(forecasts.len(), 3);
    assert!(
        elapsed >= 3 * latency,
        "3 requests of {latency:?} took {elapsed:?}"
    );
}

#[test]
fn forecasts_are_stable() {
    let first = weather::check_cities(&["Bangkok", "Lima"], Duration::ZERO);
    let second = weather::check_cities(&["Bangkok", "Lima"], Duration::ZERO);
    assert_eq!(first, second);
    assert_eq!(first[0].city, "Bangkok");
}

#[test]
fn chunks_cover_every_number_once() {
    for n in [1, 2, 7, 100, 1001] {
        for chunks in 1..=n.min(9) {
            let ranges = powersum::chunk_ranges(n, chunks);
            assert_eq!(ranges.len() as u64, chunks);
            assert_eq!(ranges[0].start, 1);
            assert_eq!(ranges.last().unwrap().end, n + 1);
            assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            let (min, max) = (
                ranges.iter().map(|r| r.end - r.start).min().unwrap(),
                ranges.iter().map(|r| r.end - r.start).max().unwrap(),
            );
            assert!(
                max - min <= 1,
                "unbalanced chunks for n={n}, chunks={chunks}"
            );
        }
    }
}

#[test]
fn power_sum_is_exact() {
    // Small cases checked against closed forms.
    assert_eq!(powersum::power_sum(1..101, 1), 5050);
    assert_eq!(powersum::power_sum(1..11, 3), 3025);
    assert_eq!(powersum::power_mod(2, 10), 1024);
    assert_eq!(powersum::power_mod(2, 31), (1u64 << 31) % powersum::MODULUS);
    // Fermat: a^(p-1) = 1 mod p for a prime p not dividing a.
    assert_eq!(powersum::power_mod(12345, powersum::MODULUS - 1), 1);
    let n = 10_000;
    let by_one = powersum::power_sum_sequential(n, 1, powersum::EXPONENT);
    for chunks in [2, 3, 4, 7] {
        assert_eq!(
            powersum::power_sum_sequential(n, chunks, powersum::EXPONENT),
            by_one
        );
    }
}

/// `power_mod` line for line, with a count of each kind of modular
/// multiplication: `(result, squarings, multiplications)`.
fn power_mod_counted(base: u64, mut exponent: u64) -> (u64, u32, u32) {
    const MODULUS: u64 = powersum::MODULUS;
    let (mut squarings, mut multiplications) = (0, 0);
    let mut result = 1;
    let mut square = base % MODULUS;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = result * square % MODULUS;
            multiplications += 1;
        }
        square = square * square % MODULUS;
        squarings += 1;
        exponent >>= 1;
    }
    (result, squarings, multiplications)
}

#[test]
fn each_term_costs_seventeen_squarings_and_two_multiplications() {
    // The instrumented copy computes what the listing computes...
    for base in [0, 1, 2, 3, 12_345, powersum::MODULUS + 5] {
        for exponent in [0, 1, 2, 10, 31, powersum::EXPONENT] {
            let (result, _, _) = power_mod_counted(base, exponent);
            assert_eq!(
                result,
                powersum::power_mod(base, exponent),
                "{base}^{exponent}"
            );
        }
    }
    // ...and counts what the chapter says: 65537 = 2^16 + 1 has 17 binary
    // digits, two of them ones. (The last squaring is never used.)
    let (_, squarings, multiplications) = power_mod_counted(7, powersum::EXPONENT);
    assert_eq!((squarings, multiplications), (17, 2));
    assert_eq!(powersum::EXPONENT, (1 << 16) + 1);
}
