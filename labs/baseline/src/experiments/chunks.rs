//! `baseline chunks`: what `chunk_ranges` makes of 1..=N (the exercise's answer).

use anyhow::{Result, ensure};
use baseline::powersum::chunk_ranges;
use labkit::Common;

pub fn run(common: &Common, n: u64, chunks: u64) -> Result<()> {
    ensure!(
        n >= chunks,
        "{n} numbers cannot be split into {chunks} chunks"
    );
    let ranges = chunk_ranges(n, chunks);
    // Every number once: the ranges start at 1, touch, and end after n.
    let touching = ranges.windows(2).all(|pair| pair[0].end == pair[1].start);
    let covered = ranges.first().map(|r| r.start) == Some(1)
        && ranges.last().map(|r| r.end) == Some(n + 1)
        && touching;
    let sizes: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
    let (smallest, largest) = (
        sizes.iter().copied().min().unwrap_or(0),
        sizes.iter().copied().max().unwrap_or(0),
    );
    if common.json {
        let document = serde_json::json!({
            "numbers": n,
            "ranges": ranges.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
            "every_number_once": covered,
            "largest_minus_smallest": largest - smallest,
        });
        println!("{document:#}");
    } else {
        println!("chunk_ranges({n}, {chunks}):");
        for (range, size) in ranges.iter().zip(&sizes) {
            let span = format!("{}..{}", range.start, range.end);
            println!(
                "  {span:<24} {size} number{}",
                if *size == 1 { "" } else { "s" }
            );
        }
        println!(
            "every number from 1 to {n} in exactly one chunk: {}",
            if covered { "yes" } else { "NO" }
        );
        println!("largest chunk - smallest chunk: {}", largest - smallest);
    }
    ensure!(covered, "the chunks do not cover 1..={n} exactly once");
    Ok(())
}
