//! `parallelism processes`: the process and its threads as the OS sees
//! them, two child processes (this program, run again), then what starting
//! a thread and starting a process cost, in interleaved rounds.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::Ordering;

use anyhow::{Context, Result, ensure};
use labkit::timing::format_duration;
use labkit::{Bench, Common, Results};
use parallelism::processes::{self as listing, ChildRun};

use super::{CHILD_COMMAND, PROCESS_STARTS, THREAD_STARTS};

fn threads_text(count: &Result<u64, String>) -> String {
    match count {
        Ok(n) => n.to_string(),
        Err(why) => format!("unknown ({why})"),
    }
}

/// The first part: who am I, a named thread, two children.
fn tour(common: &Common, exe: &Path) -> Result<()> {
    let say = |line: String| common.say(line);
    let me = listing::who_am_i();
    say("This process, as the OS sees it:".into());
    say(format!("  process id: {}", me.pid));
    say(format!("  current thread: {}", me.thread));
    say(format!("  threads running: {}", threads_text(&me.threads)));
    let visit = listing::visit_named_thread("helper", 2).context("spawning a thread")?;
    say("A thread named 'helper', describing itself while it runs:".into());
    say(format!("  process id: {}", visit.inside.pid));
    say(format!("  current thread: {}", visit.inside.thread));
    say(format!(
        "  threads running: {}",
        threads_text(&visit.inside.threads)
    ));
    say(format!("  join returned: {:?}", visit.returned));
    let after = listing::who_am_i();
    say(format!(
        "After the join: threads running: {}",
        threads_text(&after.threads)
    ));
    say(format!(
        "  loaves counted in this process: {}",
        listing::LOAVES.load(Ordering::SeqCst)
    ));
    say(format!(
        "Process {} starts itself again as two child processes:",
        me.pid
    ));
    for exit_code in [0u8, 3] {
        let code = exit_code.to_string();
        let args = [CHILD_COMMAND, "--loaves", "10", "--exit-code", &code];
        let child = listing::run_child(exe, &args)
            .with_context(|| format!("starting {}", exe.display()))?;
        say(format!("  started child process {}", child.pid));
        for line in child.stdout.lines() {
            say(format!("    {line}"));
        }
        let status = child
            .exit_code
            .map_or("killed by a signal".to_string(), |c| c.to_string());
        say(format!("  joined it: exit code {status}"));
        ensure!(
            child.exit_code == Some(i32::from(exit_code)),
            "the child ended with {status}, not {exit_code}"
        );
    }
    say(format!(
        "Loaves counted in the parent after its children ran: {}",
        listing::LOAVES.load(Ordering::SeqCst)
    ));
    Ok(())
}

/// What one round of starting things saw: for each start, the process id
/// it reported, and an id of the thread or process itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    pub pids: Vec<u32>,
    pub ids: Vec<String>,
}

impl Started {
    pub fn threads(count: usize) -> Started {
        let seen = listing::start_threads(count);
        Started {
            pids: seen.iter().map(|(pid, _)| *pid).collect(),
            ids: seen.iter().map(|(_, id)| format!("{id:?}")).collect(),
        }
    }

    pub fn processes(exe: &Path, count: usize) -> std::io::Result<Started> {
        let args = [CHILD_COMMAND, "--loaves", "0"];
        let children: Vec<ChildRun> = listing::start_processes(exe, &args, count)?;
        let me = std::process::id();
        for child in &children {
            // The child says which process started it: this one.
            if child.exit_code != Some(0) || !child.stdout.contains(&format!("parent pid {me}")) {
                return Err(std::io::Error::other(format!(
                    "child {} said {:?} and ended with {:?}",
                    child.pid, child.stdout, child.exit_code
                )));
            }
        }
        Ok(Started {
            pids: children.iter().map(|c| c.pid).collect(),
            ids: children.iter().map(|c| c.pid.to_string()).collect(),
        })
    }

    /// How many reported this process's own id (threads: all; children: none).
    pub fn same_pid(&self) -> usize {
        let me = std::process::id();
        self.pids.iter().filter(|&&pid| pid == me).count()
    }

    pub fn distinct_ids(&self) -> usize {
        self.ids.iter().collect::<HashSet<_>>().len()
    }
}

/// Starting `threads` threads and `processes` child processes, one after
/// another, in interleaved rounds; rows with what each start cost.
pub fn start_costs(
    common: &Common,
    exe: &Path,
    threads: usize,
    processes: usize,
) -> Result<Results> {
    common.say(format!(
        "Starting and joining, one after another: {threads} threads, then {processes} child processes (this program, run again)."
    ));
    let mut bench = Bench::new("start", common);
    bench
        .variant("thread", move || Ok(Started::threads(threads)))
        .variant("process", move || Started::processes(exe, processes));
    let run = bench.run(|variant, started| {
        let started = started
            .as_ref()
            .map_err(|err| anyhow::anyhow!("{variant}: {err}"))?;
        let count = if variant == "thread" {
            threads
        } else {
            processes
        };
        ensure!(
            started.pids.len() == count,
            "{variant}: {} of {count} started",
            started.pids.len()
        );
        ensure!(
            started.distinct_ids() == count,
            "{variant}: an id was seen twice"
        );
        Ok(())
    })?;
    Ok(run.results_with(|measured, row| {
        let Ok(started) = measured.median_value() else {
            return;
        };
        let count = started.pids.len();
        row.with("starts", count)
            .with("same pid", started.same_pid())
            .with("distinct ids", started.distinct_ids())
            .with(
                "per start",
                format_duration(measured.median_wall() / count.max(1) as u32),
            );
    }))
}

pub fn run(common: &Common) -> Result<()> {
    let exe = std::env::current_exe().context("finding this program to run it again")?;
    tour(common, &exe)?;
    let threads = common.scale.count(THREAD_STARTS) as usize;
    let processes = common.scale.count(PROCESS_STARTS) as usize;
    start_costs(common, &exe, threads, processes)?.print(common)
}
