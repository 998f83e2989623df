//! `baseline powersum`: the power sum on one core, in 1 chunk and in more.

use std::cell::Cell;

use anyhow::{Result, ensure};
use baseline::powersum;
use labkit::{Bench, Ceiling, Common};

/// Checks that every way and every round gave the same sum (the first one
/// seen is the reference).
pub fn same_sum(seen: &Cell<Option<u64>>, variant: &str, sum: u64) -> Result<()> {
    match seen.get() {
        None => seen.set(Some(sum)),
        Some(first) => ensure!(sum == first, "{variant} summed {sum}, not {first}"),
    }
    Ok(())
}

/// `1, 4 and 16`.
fn and_list(counts: &[u64]) -> String {
    let words: Vec<String> = counts.iter().map(u64::to_string).collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => words.join(""),
    }
}

fn name(chunks: u64) -> String {
    if chunks == 1 {
        "1 chunk".to_string()
    } else {
        format!("{chunks} chunks")
    }
}

pub fn run(common: &Common, chunk_counts: &[u64], numbers: u64) -> Result<()> {
    let n = common.scale.count(numbers);
    let mut counts = vec![1];
    counts.extend(chunk_counts.iter().copied().filter(|&c| c != 1));
    counts.dedup();
    let most = counts.iter().copied().max().unwrap_or(1);
    ensure!(n >= most, "{n} numbers cannot be split into {most} chunks");
    common.say(format!(
        "Summing i^{} mod {} for i in 1..={n} on one thread, in {} chunks.",
        powersum::EXPONENT,
        powersum::MODULUS,
        and_list(&counts)
    ));
    let mut bench = Bench::new("powersum", common);
    for &chunks in &counts {
        bench.variant(&name(chunks), move || {
            powersum::power_sum_sequential(n, chunks, powersum::EXPONENT)
        });
    }
    let seen = Cell::new(None);
    let run = bench.run(|variant, sum| same_sum(&seen, variant, *sum))?;
    common.say(format!(
        "  sum = {}, the same every way and every round",
        seen.get().unwrap_or_default()
    ));
    let chunks_of = |variant: &str| counts.iter().copied().find(|&c| name(c) == variant);
    let mut results = run.results_with(|measured, row| {
        row.with("chunks", chunks_of(&measured.variant).unwrap_or(1))
            .with("sum", *measured.median_value());
    });
    // The chunks still run one after another on one thread: splitting alone
    // cannot make the work go faster than the one-chunk run.
    let one_thread = Ceiling::one_at_a_time("one thread runs the chunks one after another");
    for &chunks in &counts[1..] {
        results.paired_speedup("powersum", &name(chunks), &name(1), &one_thread)?;
    }
    results.print(common)
}
