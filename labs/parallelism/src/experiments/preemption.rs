//! `parallelism preemption` and `parallelism offload`: a ticker that wants
//! to run every 10 ms, and a hog that computes for 300 ms without a pause,
//! on a cooperative runtime and on OS threads; `offload` is the exercise's
//! answer (the unchanged hog on tokio's blocking pool).

use std::time::Duration;

use anyhow::{Result, ensure};
use labkit::bench::median;
use labkit::timing::format_duration;
use labkit::{Bench, Common};
use parallelism::preemption::{self, Ticks};

/// The ticker's period.
const TICK: Duration = Duration::from_millis(10);
/// Ticks per run (0.5 s of ticking).
const TICKS: u32 = 50;
/// How long the hog computes without a pause.
const HOG: Duration = Duration::from_millis(300);

const NEVER_YIELDS: &str = "tokio, hog never yields";

/// What must hold in every round, whatever the machine: every tick happens
/// (the hog ends on its own), and a hog that never yields lets no tick in
/// while it computes on the runtime's only thread.
fn check(variant: &str, ticks: &Ticks) -> Result<()> {
    ensure!(
        ticks.ticks == TICKS as usize,
        "{variant}: {} ticks of {TICKS}",
        ticks.ticks
    );
    if variant == NEVER_YIELDS {
        ensure!(
            ticks.during_hog == 0,
            "{variant}: {} ticks while the hog held the only thread",
            ticks.during_hog
        );
    }
    Ok(())
}

pub fn run(common: &Common, offload: bool) -> Result<()> {
    let period = common.scale.duration(TICK);
    let hog = common.scale.duration(HOG);
    let cores = labkit::os::cores();
    common.say(format!(
        "A ticker wants to run every {} ({TICKS} ticks); after 2 ticks a hog computes for {}.",
        format_duration(period),
        format_duration(hog)
    ));
    let mut bench = Bench::new(if offload { "offload" } else { "preemption" }, common);
    bench.variant(NEVER_YIELDS, move || {
        preemption::cooperative(period, TICKS, hog, false)
    });
    if offload {
        bench.variant("tokio, spawn_blocking", move || {
            preemption::cooperative_offloaded(period, TICKS, hog)
        });
    } else {
        common.say(format!(
            "On OS threads, one hog per core ({cores}) keeps every core busy."
        ));
        bench
            .variant("tokio, hog yields", move || {
                preemption::cooperative(period, TICKS, hog, true)
            })
            .variant(&format!("OS threads, {cores} hogs"), move || {
                preemption::preemptive(period, TICKS, hog, cores)
            });
    }
    let run = bench.run(check)?;
    let results = run.results_with(|measured, row| {
        let per_round = |f: fn(&Ticks) -> f64| -> f64 {
            median(&measured.values.iter().map(f).collect::<Vec<_>>())
        };
        row.with("ticks", measured.median_value().ticks)
            .with(
                "during hog",
                per_round(|t| t.during_hog as f64).round() as u64,
            )
            .with(
                "worst lateness",
                format_duration(Duration::from_secs_f64(per_round(|t| {
                    t.worst_lateness.as_secs_f64()
                }))),
            );
    });
    results.print(common)
}
