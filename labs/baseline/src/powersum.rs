// Listing: a CPU-bound power sum on one core.
//
// A module of the `baseline` lab and a complete program the book compiles
// and runs on its own (see `main` at the bottom); standard library only.

use std::ops::Range;
use std::time::Instant;

/// Sums are taken modulo this prime so they fit in a `u64` at any size.
pub const MODULUS: u64 = 1_000_000_007;

/// The exponent the lab uses: big enough that each term costs real work
/// (17 squarings and 2 multiplications in `power_mod`), so the loop is
/// CPU-bound.
pub const EXPONENT: u64 = 65_537;

// ANCHOR: power_sum
/// `base` to the power `exponent`, modulo [`MODULUS`], by repeated squaring.
pub fn power_mod(base: u64, mut exponent: u64) -> u64 {
    let mut result = 1;
    let mut square = base % MODULUS;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = result * square % MODULUS;
        }
        square = square * square % MODULUS;
        exponent >>= 1;
    }
    result
}

/// The sum of `i^exponent` for every `i` in `numbers`, modulo [`MODULUS`].
/// Nothing here waits: every nanosecond is spent computing.
pub fn power_sum(numbers: Range<u64>, exponent: u64) -> u64 {
    numbers.fold(0, |sum, i| (sum + power_mod(i, exponent)) % MODULUS)
}
// ANCHOR_END: power_sum

// ANCHOR: solution
/// Splits `1..=n` into `chunks` ranges of nearly equal size that cover every
/// number exactly once (the first `n % chunks` ranges get one extra number).
pub fn chunk_ranges(n: u64, chunks: u64) -> Vec<Range<u64>> {
    assert!(chunks > 0, "at least one chunk");
    let (size, extra) = (n / chunks, n % chunks);
    let mut start = 1;
    (0..chunks)
        .map(|k| {
            let len = size + u64::from(k < extra);
            let range = start..start + len;
            start += len;
            range
        })
        .collect()
}
// ANCHOR_END: solution

// ANCHOR: sequential
/// The whole job, one chunk after another on the calling thread.
pub fn power_sum_sequential(n: u64, chunks: u64, exponent: u64) -> u64 {
    chunk_ranges(n, chunks)
        .into_iter()
        .map(|chunk| power_sum(chunk, exponent))
        .fold(0, |total, part| (total + part) % MODULUS)
}
// ANCHOR_END: sequential

/// A small run of the listing: the first 200,000 numbers in 4 chunks.
pub fn main() {
    let start = Instant::now();
    let total = power_sum_sequential(200_000, 4, EXPONENT);
    println!("sum of i^{EXPONENT} mod {MODULUS} for i in 1..=200000: {total}");
    println!("computed in {:.2?}", start.elapsed());
    // However the numbers are split, the sum is the same.
    assert_eq!(total, power_sum_sequential(200_000, 1, EXPONENT));
    // 1 + 4 + 9 + ... + 100 = 385
    assert_eq!(power_sum(1..11, 2), 385);
}
