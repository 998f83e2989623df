//! `parallelism`: the command line of the "Concurrency vs parallelism" chapter's lab.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use labkit::timeline::{self, Span, SvgOptions};
use labkit::timing::format_duration;
use labkit::{Common, Results, measure};
use parallelism::{bakery, preemption, processes};

/// Concurrency (many tasks in progress) versus parallelism (many tasks
/// running at the same instant), measured on this machine.
///
/// Sizes are chosen for the book's 2-core machine unless --scale shrinks them.
#[derive(Parser, Debug)]
#[command(name = "parallelism", version)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    experiment: Experiment,
}

#[derive(Subcommand, Debug)]
enum Experiment {
    /// A process and its threads (ids, names, thread counts from the OS), then a child process.
    Processes,
    /// Bake 4 loaves (knead = CPU, bake = wait) 4 ways and draw each run as an SVG timeline.
    Timeline {
        /// How many loaves to bake.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=8))]
        loaves: u32,
        /// Threads in the rayon pool.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=16))]
        pool: u32,
    },
    /// A task that never yields: a cooperative runtime starves the others, OS threads do not.
    Preemption,
    /// The child process the `processes` experiment starts (this program, run again).
    #[command(hide = true)]
    ChildProcess {
        /// Loaves the child adds to its own counter.
        #[arg(long, default_value_t = 10)]
        loaves: u64,
        /// The exit code the child ends with.
        #[arg(long, default_value_t = 0)]
        exit_code: u8,
    },
}

/// The hidden subcommand that makes this program a child of itself.
const CHILD_COMMAND: &str = "child-process";

/// Kneading strokes per loaf: about 100 ms of CPU in a release build on the
/// book's machine.
const FULL_STROKES: u64 = 60_000_000;
/// Baking time per loaf.
const BAKE: Duration = Duration::from_millis(200);
/// Strokes for each of the 2 equal CPU tasks of the speedup check (about 0.5 s each).
const FULL_PAIR_STROKES: u64 = 300_000_000;
/// Spans recorded to measure the recorder's own cost.
const COST_PROBES: u32 = 100_000;

/// The ticker's period in the preemption experiment.
const TICK: Duration = Duration::from_millis(10);
/// Ticks in the preemption experiment (0.5 s of ticking).
const TICKS: u32 = 50;
/// How long the hog computes without a pause.
const HOG: Duration = Duration::from_millis(300);

fn main() -> ExitCode {
    labkit::cli::run_with_code(|cli: Cli| run(cli.common, cli.experiment))
}

fn run(common: Common, experiment: Experiment) -> Result<ExitCode> {
    match experiment {
        Experiment::Processes => run_processes(common)?,
        Experiment::Timeline { loaves, pool } => run_timeline(common, loaves, pool)?,
        Experiment::Preemption => run_preemption(common)?,
        Experiment::ChildProcess { loaves, exit_code } => {
            println!("{}", processes::child_body(loaves));
            return Ok(ExitCode::from(exit_code));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn threads_text(count: &Result<u64, String>) -> String {
    match count {
        Ok(n) => n.to_string(),
        Err(why) => format!("unknown ({why})"),
    }
}

fn run_processes(common: Common) -> Result<()> {
    let say = |line: String| common.say(line);
    let me = processes::who_am_i();
    say("This process, as the OS sees it:".into());
    say(format!("  process id: {}", me.pid));
    say(format!("  current thread: {}", me.thread));
    say(format!("  threads running: {}", threads_text(&me.threads)));

    let visit = processes::visit_named_thread("helper", 2).context("spawning a thread")?;
    say("A thread named 'helper', describing itself while it runs:".into());
    say(format!("  process id: {}", visit.inside.pid));
    say(format!("  current thread: {}", visit.inside.thread));
    say(format!(
        "  threads running: {}",
        threads_text(&visit.inside.threads)
    ));
    say(format!("  join returned: {:?}", visit.returned));
    let after = processes::who_am_i();
    say(format!(
        "After the join: threads running: {}",
        threads_text(&after.threads)
    ));
    let loaves = processes::LOAVES.load(std::sync::atomic::Ordering::SeqCst);
    say(format!("  loaves counted in this process: {loaves}"));

    let exe = std::env::current_exe().context("finding this program to run it again")?;
    let mut results = Results::new();
    say(format!(
        "Process {} starts itself again as two child processes:",
        me.pid
    ));
    for exit_code in [0u8, 3] {
        let code = exit_code.to_string();
        let args = [CHILD_COMMAND, "--loaves", "10", "--exit-code", &code];
        let (child, cost) = measure(|| processes::run_child(&exe, &args));
        let child = child.with_context(|| format!("starting {}", exe.display()))?;
        say(format!("  started child process {}", child.pid));
        for line in child.stdout.lines() {
            say(format!("    {line}"));
        }
        let status = child
            .exit_code
            .map_or("killed by a signal".to_string(), |c| c.to_string());
        say(format!("  joined it: exit code {status}"));
        results
            .push_measured(
                "processes",
                &format!("child exiting with {exit_code}"),
                cost,
            )
            .with("exit code", child.exit_code.unwrap_or(-1));
    }
    let loaves_after = processes::LOAVES.load(std::sync::atomic::Ordering::SeqCst);
    say(format!(
        "Loaves counted in the parent after its children ran: {loaves_after}"
    ));
    results.print(&common)?;
    Ok(())
}

/// One way of baking the loaves: runs them and returns the recorded spans.
type BakingRun<'a> = dyn Fn() -> Vec<Span> + 'a;

/// The table row of one way of baking: wall, CPU, and what its spans show.
fn record_way(
    results: &mut Results,
    experiment: &str,
    variant: &str,
    run: impl FnOnce() -> Vec<Span>,
) -> Result<Vec<Span>> {
    let (spans, cost) = measure(run);
    timeline::check_spans(&spans).with_context(|| format!("the {variant} run's spans"))?;
    results
        .push_measured(experiment, variant, cost)
        .with("threads", timeline::lanes(&spans).len())
        .with("most in progress", bakery::most_in_progress(&spans));
    Ok(spans)
}

fn run_timeline(common: Common, count: u32, pool: u32) -> Result<()> {
    let strokes = common.scale.count(FULL_STROKES);
    let bake = common.scale.duration(BAKE);
    let loaves = bakery::loaves(count as usize, strokes, bake);
    let per_span = timeline::cost_per_span(COST_PROBES);
    common.say(format!(
        "Recorder cost: {} per span (average of {COST_PROBES} spans)",
        format_duration(per_span)
    ));
    common.say(format!(
        "Baking {count} loaves: each is kneaded ({strokes} strokes of CPU work), then baked ({} of waiting).",
        format_duration(bake)
    ));

    let mut results = Results::new();
    let experiment = "loaves";
    let ways: [(&str, &str, &BakingRun); 4] = [
        ("sequential", "sequential", &|| bakery::sequential(&loaves)),
        ("one thread (tokio)", "one-thread", &|| {
            bakery::one_thread(&loaves)
        }),
        ("OS threads", "threads", &|| bakery::os_threads(&loaves)),
        ("rayon pool", "rayon", &|| {
            bakery::rayon_pool(&loaves, pool as usize)
        }),
    ];
    let mut runs = Vec::new();
    for (variant, file, way) in ways {
        let spans = record_way(&mut results, experiment, variant, way)?;
        runs.push((variant, file, spans));
    }
    results.speedups_against(experiment, "sequential")?;

    // The same time axis for every picture, so their widths compare.
    let longest = runs
        .iter()
        .flat_map(|(_, _, spans)| spans.iter().map(|s| s.end))
        .max()
        .unwrap_or_default();
    let dir = labkit::transcript::output_dir("parallelism");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for (variant, file, spans) in &runs {
        let svg = timeline::render_svg(
            spans,
            &SvgOptions {
                title: format!("{count} loaves, {variant}"),
                time_span: Some(longest),
                ..SvgOptions::default()
            },
        );
        let name = format!("timeline-{file}.svg");
        write_file(&dir.join(&name), &svg)?;
        common.say(format!("wrote {name}"));
    }

    // Two equal CPU tasks: how much faster two cores finish them.
    let pair = common.scale.count(FULL_PAIR_STROKES);
    common.say(format!(
        "Two equal CPU tasks of {pair} strokes each, on {} core(s):",
        labkit::os::cores()
    ));
    let experiment = "cpu pair";
    let (expected, cost) = measure(|| bakery::pair_sequential(pair));
    results.push_measured(experiment, "sequential", cost);
    for (variant, way) in [
        (
            "two OS threads",
            bakery::pair_threads as fn(u64) -> (u64, u64),
        ),
        ("rayon::join", bakery::pair_rayon),
    ] {
        let (answer, cost) = measure(|| way(pair));
        anyhow::ensure!(answer == expected, "{variant} kneaded different dough");
        results.push_measured(experiment, variant, cost);
    }
    results.speedups_against(experiment, "sequential")?;
    results.print(&common)?;
    Ok(())
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

fn run_preemption(common: Common) -> Result<()> {
    let period = common.scale.duration(TICK);
    let hog = common.scale.duration(HOG);
    common.say(format!(
        "A ticker wants to run every {} ({TICKS} ticks); after 2 ticks a hog computes for {} without a pause.",
        format_duration(period),
        format_duration(hog)
    ));
    let cores = labkit::os::cores();
    common.say(format!(
        "On OS threads, one hog per core ({cores}) keeps every core busy."
    ));
    let mut results = Results::new();
    let experiment = "preemption";
    let preempted = format!("OS threads, {cores} hog(s)");
    let variants: [(&str, &dyn Fn() -> preemption::Ticks); 3] = [
        ("tokio, 1 thread, hog never yields", &|| {
            preemption::cooperative(period, TICKS, hog, false)
        }),
        ("tokio, 1 thread, hog yields", &|| {
            preemption::cooperative(period, TICKS, hog, true)
        }),
        (&preempted, &|| {
            preemption::preemptive(period, TICKS, hog, cores)
        }),
    ];
    for (variant, way) in variants {
        let (ticks, cost) = measure(way);
        results
            .push_measured(experiment, variant, cost)
            .with("ticks", ticks.ticks)
            .with("ticks during hog", ticks.during_hog)
            .with("worst lateness", format_duration(ticks.worst_lateness))
            .with("hog ran", format_duration(ticks.hog_ran));
    }
    results.print(&common)?;
    Ok(())
}
