//! `parallelism timeline`: four loaves baked four ways, in interleaved
//! rounds; each way's median round is drawn as an SVG timeline.
//!
//! The ceiling of each way is written once, in [`part_that_cannot_overlap`]:
//! the whole work (every knead and every bake, one after another) divided by
//! the stretch of it that this way of baking cannot overlap.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use labkit::bench::median;
use labkit::timeline::{self, Span, SvgOptions};
use labkit::timing::format_duration;
use labkit::{Bench, Ceiling, Common, Results};
use parallelism::bakery::{self, Loaf};

/// Kneading strokes per loaf: about 100 ms of CPU in a release build on the
/// book's machine (between 1.2 and 1.6 ns a stroke, depending on the
/// moment). The one-thread run shows loaf 1 coming out of the oven late only
/// while a knead takes more than a third of a bake (67 ms), and loaves 3 and
/// 4 on time while it takes less than a bake: this size sits between both.
const FULL_STROKES: u64 = 80_000_000;
/// Baking time per loaf.
const BAKE: Duration = Duration::from_millis(200);
/// Spans recorded to measure the recorder's own cost.
const COST_PROBES: u32 = 100_000;

/// How a way of baking runs its loaves.
#[derive(Debug, Clone, Copy)]
enum Way {
    /// `workers` threads, each kneading a loaf and then sleeping through its
    /// bake before it takes the next: one worker is the sequential baker.
    SleepingWorkers { workers: usize },
    /// One thread kneads every loaf; the bakes are timers that run out
    /// while it kneads the next loaves.
    OneThreadWithTimers,
}

/// The shortest time a way of baking `loaves` loaves can take on `cores`
/// cores, when a knead takes `knead` alone and a bake `bake`: the part of
/// the work that this way cannot overlap with the rest.
fn part_that_cannot_overlap(
    way: Way,
    loaves: usize,
    knead: Duration,
    bake: Duration,
    cores: usize,
) -> Duration {
    match way {
        Way::SleepingWorkers { workers } => {
            // ceil(loaves / workers) batches; in a batch, the batch's loaves
            // knead together on at most `cores` cores, then bake together.
            let batches = loaves.div_ceil(workers);
            let at_once = workers.min(loaves);
            let sharing = (at_once as f64 / cores as f64).max(1.0);
            (knead.mul_f64(sharing) + bake) * batches as u32
        }
        // Every knead, one after another, then the last loaf's bake.
        Way::OneThreadWithTimers => knead * loaves as u32 + bake,
    }
}

/// The ceiling of `way`: all the work, one thing after another, over the
/// part that cannot overlap.
fn ceiling(way: Way, loaves: usize, knead: Duration, bake: Duration, cores: usize) -> Ceiling {
    let total = (knead + bake) * loaves as u32;
    let part = part_that_cannot_overlap(way, loaves, knead, bake, cores);
    let rule = match way {
        Way::SleepingWorkers { workers } => {
            let (batches, at_once) = (loaves.div_ceil(workers), workers.min(loaves));
            if at_once > cores {
                format!(
                    "{loaves} × (knead + bake) ÷ {batches} × ({at_once} kneads on {cores} cores + bake)"
                )
            } else {
                format!("{loaves} × (knead + bake) ÷ {batches} × (knead + bake)")
            }
        }
        Way::OneThreadWithTimers => format!("{loaves} × (knead + bake) ÷ ({loaves} kneads + bake)"),
    };
    Ceiling::new(total.as_secs_f64() / part.as_secs_f64(), rule)
}

/// Checks one round's spans: well formed, and each loaf kneaded once, then
/// baked once, in the same lane.
fn check(loaves: &[Loaf], spans: &[Span]) -> Result<()> {
    timeline::check_spans(spans)?;
    for loaf in loaves {
        let mine: Vec<&Span> = spans.iter().filter(|s| s.label == loaf.name).collect();
        ensure!(
            mine.len() == 2 && !mine[0].waiting && mine[1].waiting,
            "{} was not kneaded once, then baked once: {mine:?}",
            loaf.name
        );
        ensure!(
            mine[0].end <= mine[1].start,
            "{} baked before it was kneaded",
            loaf.name
        );
    }
    Ok(())
}

/// The median duration of the running (`waiting == false`) or waiting spans
/// of every round.
fn median_span(rounds: &[Vec<Span>], waiting: bool) -> Duration {
    let durations: Vec<f64> = rounds
        .iter()
        .flatten()
        .filter(|s| s.waiting == waiting)
        .map(|s| s.duration().as_secs_f64())
        .collect();
    Duration::from_secs_f64(median(&durations))
}

pub fn run(common: &Common, count: u32, pool: u32) -> Result<()> {
    let (count, pool) = (count as usize, pool as usize);
    let strokes = common.scale.count(FULL_STROKES);
    let bake = common.scale.duration(BAKE);
    let loaves = bakery::loaves(count, strokes, bake);
    let cores = labkit::os::cores();
    common.say(format!(
        "Recorder cost: {} per span (average of {COST_PROBES} spans)",
        format_duration(timeline::cost_per_span(COST_PROBES))
    ));
    common.say(format!(
        "Baking {count} loaves: each kneaded ({strokes} strokes, CPU), then baked ({}, waiting).",
        format_duration(bake)
    ));
    let ways = [
        (
            "sequential",
            "sequential",
            Way::SleepingWorkers { workers: 1 },
        ),
        ("tokio, 1 thread", "one-thread", Way::OneThreadWithTimers),
        (
            &format!("{count} threads") as &str,
            "threads",
            Way::SleepingWorkers { workers: count },
        ),
        (
            &format!("rayon, {pool} threads"),
            "rayon",
            Way::SleepingWorkers { workers: pool },
        ),
    ]
    .map(|(name, file, way)| (name.to_string(), file, way));
    let mut bench = Bench::new("loaves", common);
    let loaves_ref = &loaves;
    bench
        .variant(&ways[0].0, move || bakery::sequential(loaves_ref))
        .variant(&ways[1].0, move || bakery::one_thread(loaves_ref))
        .variant(&ways[2].0, move || bakery::os_threads(loaves_ref))
        .variant(&ways[3].0, move || bakery::rayon_pool(loaves_ref, pool));
    let run = bench.run(|variant, spans| {
        check(&loaves, spans)?;
        // A way never uses more threads than it has.
        let most = match ways.iter().find(|(name, _, _)| name == variant) {
            Some((_, _, Way::SleepingWorkers { workers })) => *workers,
            _ => 1,
        };
        let lanes = timeline::lanes(spans).len();
        ensure!(
            lanes <= most,
            "{variant} ran on {lanes} threads, not at most {most}"
        );
        Ok(())
    })?;

    // A knead and a bake as the sequential baker measured them, alone.
    let sequential = &run.measured[0];
    let (knead, baked) = (
        median_span(&sequential.values, false),
        median_span(&sequential.values, true),
    );
    common.say(format!(
        "Alone (the sequential rounds' medians), a knead takes {} and a bake {}.",
        format_duration(knead),
        format_duration(baked)
    ));
    let mut results = run.results();
    for (name, _, way) in &ways[1..] {
        let ceiling = ceiling(*way, count, knead, baked, cores);
        results.paired_speedup("loaves", name, &ways[0].0, &ceiling)?;
    }

    // The median round of each way: what its picture shows.
    let mut drawn = Results::new();
    let dir = labkit::transcript::output_dir("parallelism");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let pictures: Vec<(&str, &[Span])> = ways
        .iter()
        .zip(&run.measured)
        .map(|((_, file, _), measured)| (*file, measured.median_value().as_slice()))
        .collect();
    let longest = pictures
        .iter()
        .flat_map(|(_, spans)| spans.iter().map(|s| s.end))
        .max()
        .unwrap_or_default();
    for ((name, file, _), measured) in ways.iter().zip(&run.measured) {
        let spans = measured.median_value();
        let round = measured.median_round();
        let first_bake = spans
            .iter()
            .find(|s| s.waiting && s.label == loaves[0].name)
            .map(Span::duration)
            .unwrap_or_default();
        drawn
            .push("loaves, median round", name, measured.samples[round].wall)
            .with("lanes", timeline::lanes(spans).len())
            .with("at once", bakery::most_in_progress(spans))
            .with("loaf 1 in the oven", format_duration(first_bake));
        let svg = timeline::render_svg(
            spans,
            &SvgOptions {
                title: format!("{count} loaves, {name} (median round)"),
                time_span: Some(longest),
                ..SvgOptions::default()
            },
        );
        write_file(&dir.join(format!("timeline-{file}.svg")), &svg)?;
    }
    say_one_thread(common, &ways[1].0, run.measured[1].median_value());
    for row in drawn.rows() {
        results.extend(Results::from_rows(vec![row.clone()]));
    }
    results.print_per_experiment(common)
}

/// Reads the one-thread run's median round aloud: when each loaf was
/// kneaded and how long it stayed in the oven.
fn say_one_thread(common: &Common, name: &str, spans: &[Span]) {
    common.say(format!(
        "{name}, the median round (timeline-one-thread.svg):"
    ));
    let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1e3);
    for knead in spans.iter().filter(|s| !s.waiting) {
        let Some(bake) = spans.iter().find(|s| s.waiting && s.label == knead.label) else {
            continue;
        };
        common.say(format!(
            "  {}: kneaded {:>4}–{:>4} ms, in the oven {:>4}–{:>4} ms ({} ms)",
            knead.label,
            ms(knead.start),
            ms(knead.end),
            ms(bake.start),
            ms(bake.end),
            ms(bake.duration())
        ));
    }
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
