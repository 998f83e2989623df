//! The Rust units whose costs `choosing costs` and `choosing python`
//! measure: the parts (spawn, switch, memory, workers), their sizes, the
//! variants that run the listing `costs.rs` (and `children.rs` for processes
//! and memory), and the check of every round's result.

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use labkit::{Bench, Common};
use tokio::runtime::Runtime;

use crate::children::{self, IdleKind, IdleReport};
use crate::costs;

/// The measurements `costs` can make.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    /// Starting a unit that does nothing, and waiting for it to finish.
    Spawn,
    /// Passing a number back and forth between two threads or two tasks.
    Switch,
    /// The peak memory of idle threads and idle tasks.
    Memory,
    /// The exercise: two tasks on one thread, then on two workers.
    Workers,
}

impl Part {
    /// The experiment name of its rows.
    pub fn name(self) -> &'static str {
        match self {
            Part::Spawn => "spawn",
            Part::Switch => "switch",
            Part::Memory => "memory",
            Part::Workers => "workers",
        }
    }

    /// The line printed above its table.
    pub fn title(self) -> &'static str {
        match self {
            Part::Spawn => "spawn: starting a unit that does nothing, and waiting for it to finish",
            Part::Switch => "switch: passing a number back and forth over two channels",
            Part::Memory => {
                "memory: peak RSS of a fresh process holding idle units, minus its peak before"
            }
            Part::Workers => {
                "workers: the ping-pong of two tokio tasks, on one thread and on two workers"
            }
        }
    }
}

/// How many of each unit `costs` starts at --scale 1.
const THREADS: u64 = 5_000;
const TASKS: u64 = 100_000;
const RAYON_JOBS: u64 = 100_000;
const PROCESSES: u64 = 200;
/// Round trips in each ping-pong at --scale 1.
const THREAD_ROUND_TRIPS: u64 = 20_000;
const TASK_ROUND_TRIPS: u64 = 200_000;
/// Idle units whose memory is measured at --scale 1.
const IDLE_THREADS: u64 = 2_000;
const IDLE_TASKS: u64 = 100_000;

/// What one round of a variant did.
#[derive(Debug, Clone)]
pub enum Done {
    /// Started this many units and saw each finish.
    Units(u64),
    /// Played this many round trips (two hand-offs each).
    Trips(u64),
    /// A child process held idle units and measured its memory.
    Idle(IdleReport),
}

/// A round's result, or what went wrong in it.
pub type Outcome = Result<Done, String>;

/// What the variants share: this executable (to start as a process), a
/// runtime for the spawned tasks, and the sizes after --scale.
pub struct Context {
    exe: PathBuf,
    runtime: Runtime,
    scale: labkit::Scale,
}

impl Context {
    /// Finds this executable, starts the runtime, and warms up rayon's pool,
    /// the runtime's workers and the thread machinery, which start on first use.
    pub fn new(common: &Common) -> Result<Context> {
        let exe = std::env::current_exe().context("finding this executable")?;
        let runtime = Runtime::new().context("starting a tokio runtime")?;
        costs::spawn_rayon_jobs(100);
        costs::spawn_tasks(&runtime, 100);
        costs::spawn_threads(10);
        Ok(Context {
            exe,
            runtime,
            scale: common.scale,
        })
    }

    fn count(&self, full: u64) -> u64 {
        self.scale.count(full)
    }
}

/// `experiment|variant`: how a variant is named in a bench that measures
/// several parts, split into the row's experiment and variant afterwards.
fn joined(part: Part, variant: &str) -> String {
    format!("{}|{variant}", part.name())
}

/// A count checked against the one asked for: `Done` made by `done`, or
/// the reason the round is wrong.
fn counted(got: u64, asked: u64, done: fn(u64) -> Done) -> Outcome {
    if got == asked {
        Ok(done(got))
    } else {
        Err(format!("counted {got} of {asked}"))
    }
}

/// The Rust variants of `part`, each wrapped by `wrap` into the bench's
/// value type, named `part|prefix variant`. Each checks its own result:
/// every unit finished, the ball came back as often as it was sent, the
/// child measured as many idle units as it was asked to hold.
pub fn add_variants<'a, T: 'a>(
    bench: &mut Bench<'a, T>,
    part: Part,
    context: &'a Context,
    prefix: &str,
    wrap: fn(Outcome) -> T,
) {
    let name = |variant: &str| joined(part, &format!("{prefix}{variant}"));
    let units = |got: u32, asked: u64| counted(got.into(), asked, Done::Units);
    let trips = |got: u32, asked: u32| counted(got.into(), asked.into(), Done::Trips);
    match part {
        Part::Spawn => {
            let (threads, tasks) = (context.count(THREADS), context.count(TASKS));
            let (jobs, processes) = (context.count(RAYON_JOBS), context.count(PROCESSES));
            let runtime = &context.runtime;
            let exe = context.exe.as_path();
            bench
                .variant(&name("OS thread"), move || {
                    wrap(units(costs::spawn_threads(threads as u32), threads))
                })
                .variant(&name("tokio task"), move || {
                    wrap(units(costs::spawn_tasks(runtime, tasks as u32), tasks))
                })
                .variant(&name("rayon job"), move || {
                    wrap(units(costs::spawn_rayon_jobs(jobs as u32), jobs))
                })
                .variant(&name("process"), move || {
                    wrap(match children::spawn_processes(exe, processes as u32) {
                        Ok(ended) => counted(ended, processes, Done::Units),
                        Err(err) => Err(format!("{err:#}")),
                    })
                });
        }
        Part::Switch | Part::Workers => {
            let thread_trips = context.count(THREAD_ROUND_TRIPS) as u32;
            let task_trips = context.count(TASK_ROUND_TRIPS) as u32;
            let threads = move || {
                let ball = costs::ping_pong_threads(thread_trips, || {});
                wrap(trips(ball, thread_trips))
            };
            let one_thread = move || wrap(trips(costs::ping_pong_tasks(task_trips), task_trips));
            if part == Part::Switch {
                bench
                    .variant(&name("2 threads, any core"), threads)
                    .variant(&name("2 threads, one core"), move || {
                        let pinned = children::pin_to_first_core;
                        let ball = costs::ping_pong_threads(thread_trips, pinned);
                        wrap(trips(ball, thread_trips))
                    })
                    .variant(&name("2 tokio tasks, one thread"), one_thread);
            } else {
                bench
                    .variant(&name("2 threads"), threads)
                    .variant(&name("2 tasks, 1 thread"), one_thread)
                    .variant(&name("2 tasks, 2 workers"), move || {
                        let ball = costs::ping_pong_tasks_multi_thread(task_trips);
                        wrap(trips(ball, task_trips))
                    });
            }
        }
        Part::Memory => {
            for (variant, kind, count) in [
                (
                    "idle OS thread",
                    IdleKind::Thread,
                    context.count(IDLE_THREADS),
                ),
                ("idle tokio task", IdleKind::Task, context.count(IDLE_TASKS)),
                ("whole process", IdleKind::Process, 1),
            ] {
                let exe = context.exe.as_path();
                bench.variant(&name(variant), move || {
                    wrap(match children::measure_idle(exe, kind, count) {
                        Ok(idle) if idle.units != count || idle.rss_after == 0 => Err(format!(
                            "the child measured {idle:?}, asked for {count} units"
                        )),
                        Ok(idle) => Ok(Done::Idle(idle)),
                        Err(err) => Err(format!("{err:#}")),
                    })
                });
            }
        }
    }
}

/// A round's check: the error a variant reported, if any, stops the run.
pub fn check(variant: &str, outcome: &Outcome) -> Result<()> {
    match outcome {
        Ok(_) => Ok(()),
        Err(problem) => anyhow::bail!("{variant}: {problem}"),
    }
}
