//! `choosing costs`: what starting a unit, handing a value to another unit
//! and keeping a unit idle cost, for OS threads, tokio tasks, rayon jobs and
//! processes, measured with labkit's method (interleaved rounds, medians and
//! their spread). Each part is a table of its own: `spawn`, `switch`,
//! `memory`, and the exercise's `workers`. The variants are in `units`.

use anyhow::Result;
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common, Results, Row};
use serde_json::Value;

use super::units::{self, Context, Done, Outcome, Part};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to measure (default: spawn, switch and memory).
    #[arg(value_enum)]
    parts: Vec<Part>,
}

/// Formats a byte count for a reader: `512 B`, `8.2 KiB`, `3.1 MiB`.
fn bytes(count: f64) -> String {
    if count >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", count / (1024.0 * 1024.0))
    } else if count >= 1024.0 {
        format!("{:.1} KiB", count / 1024.0)
    } else {
        format!("{count:.0} B")
    }
}

/// The columns of a Rust row, from the value of its median round.
pub fn columns(row: &mut Row, done: &Done) {
    match done {
        Done::Units(n) => {
            row.with("units", *n);
        }
        Done::Trips(n) => {
            row.with("round trips", *n);
        }
        Done::Idle(idle) => {
            row.with("units", idle.units)
                .with("peak RSS", bytes(idle.rss_after as f64))
                .with("per unit", bytes(idle.bytes_per_unit()));
        }
    }
}

/// The cost of one unit or one hand-off, from the row's median wall time
/// and its count (memory rows have theirs already).
pub fn per_unit(row: &mut Row) {
    let count = |key: &str| row.extra.get(key).and_then(Value::as_f64);
    if row.extra.contains_key("per unit") {
        return;
    }
    if let Some(units) = count("units") {
        let each = row.wall_seconds / units.max(1.0);
        row.with(
            "per unit",
            format_duration(std::time::Duration::from_secs_f64(each)),
        );
    } else if let Some(trips) = count("round trips") {
        let each = row.wall_seconds / (2.0 * trips.max(1.0));
        row.with(
            "per hand-off",
            format_duration(std::time::Duration::from_secs_f64(each)),
        );
    }
}

/// Splits `experiment|variant` names back into rows of their own experiment.
pub fn split_rows(results: Results) -> Results {
    let method = results.method().cloned();
    let rows = results
        .rows()
        .iter()
        .cloned()
        .map(|mut row| {
            if let Some((experiment, variant)) = row.variant.split_once('|') {
                (row.experiment, row.variant) = (experiment.to_string(), variant.to_string());
            }
            row
        })
        .collect();
    let mut split = Results::from_rows(rows);
    if let Some(method) = method {
        split.set_method(method);
    }
    split
}

/// Prints one table per part, each under its title.
pub fn print(results: &Results, parts: &[Part], common: &Common) -> Result<()> {
    if common.json {
        println!("{}", results.to_json());
    } else {
        // Each table under its part's title (for one part, `run` said it).
        let mut text = results.to_text_per_experiment();
        for part in parts.iter().filter(|_| parts.len() > 1) {
            let name = format!("\n{}:\n", part.name());
            text = text.replacen(&name, &format!("\n{}\n", part.title()), 1);
        }
        print!("{text}");
    }
    if let Some(path) = &common.json_out {
        results.document().write(path)?;
    }
    Ok(())
}

pub fn run(common: &Common, args: &Args) -> Result<()> {
    let mut parts = args.parts.clone();
    if parts.is_empty() {
        parts = vec![Part::Spawn, Part::Switch, Part::Memory];
    }
    parts.sort();
    parts.dedup();
    let context = Context::new(common)?;
    if parts.len() == 1 {
        common.say(parts[0].title());
    }
    let mut bench: Bench<Outcome> = Bench::new("costs", common);
    for &part in &parts {
        units::add_variants(&mut bench, part, &context, "", |outcome| outcome);
    }
    let run = bench.run(units::check)?;
    let results = run.results_with(|measured, row| {
        if let Ok(done) = measured.median_value() {
            columns(row, done);
        }
    });
    let mut results = split_rows(results);
    if parts.contains(&Part::Workers) {
        let one_at_a_time = Ceiling::one_at_a_time(
            "the ball is in one place at a time: no hand-off overlaps another",
        );
        let workers = Part::Workers.name();
        results.paired_speedup(
            workers,
            "2 tasks, 2 workers",
            "2 tasks, 1 thread",
            &one_at_a_time,
        )?;
    }
    let names: Vec<(String, String)> = results
        .rows()
        .iter()
        .map(|r| (r.experiment.clone(), r.variant.clone()))
        .collect();
    for (experiment, variant) in names {
        per_unit(
            results
                .get_mut(&experiment, &variant)
                .expect("listed above"),
        );
    }
    print(&results, &parts, common)
}
