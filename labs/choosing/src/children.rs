//! Measurements that need fresh processes of this lab: starting a process,
//! and the memory of idle threads and idle tasks.
//!
//! Peak RSS (`VmHWM`) is a high-water mark for the whole process: once a
//! measurement has raised it, nothing later in the same process can be read
//! from it. So each memory measurement runs in a child process of its own
//! (this lab's executable, re-run with a hidden subcommand), which reports
//! its numbers as one line of JSON and exits.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use serde::{Deserialize, Serialize};

/// The hidden subcommand that does nothing: the cheapest process to start.
const EXIT_NOW: &str = "exit-now";
/// The hidden subcommand that parks idle threads or tasks and reports memory.
const IDLE: &str = "idle";

/// What the child process holds idle while its memory is read.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleKind {
    /// OS threads blocked on a barrier.
    Thread,
    /// tokio tasks waiting on a semaphore, on a one-thread runtime.
    Task,
    /// Nothing: the child reports its own peak RSS, a whole process's worth.
    Process,
}

impl IdleKind {
    fn arg(self) -> &'static str {
        match self {
            IdleKind::Thread => "thread",
            IdleKind::Task => "task",
            IdleKind::Process => "process",
        }
    }
}

/// What a child process measured while `units` threads or tasks sat idle.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct IdleReport {
    pub units: u64,
    /// Peak RSS before the first unit was created.
    pub rss_before: u64,
    /// Peak RSS with every unit created and parked.
    pub rss_after: u64,
    /// Time to create and park them all.
    pub seconds: f64,
}

impl IdleReport {
    /// The memory each unit added, in bytes.
    pub fn bytes_per_unit(&self) -> f64 {
        self.rss_after.saturating_sub(self.rss_before) as f64 / self.units.max(1) as f64
    }
}

/// Starts `count` processes of `exe` that exit at once, one after another
/// (start, run, exit, wait), and returns how many ended well.
pub fn spawn_processes(exe: &Path, count: u32) -> Result<u64> {
    for _ in 0..count {
        let status = Command::new(exe)
            .arg(EXIT_NOW)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("starting {}", exe.display()))?;
        ensure!(
            status.success(),
            "{} {EXIT_NOW} failed: {status}",
            exe.display()
        );
    }
    Ok(u64::from(count))
}

/// In the parent: runs a child that parks `count` idle units of `kind` and
/// returns what it measured.
pub fn measure_idle(exe: &Path, kind: IdleKind, count: u64) -> Result<IdleReport> {
    let args: Vec<String> = vec![
        IDLE.into(),
        "--kind".into(),
        kind.arg().into(),
        "--count".into(),
        count.to_string(),
    ];
    let start = Instant::now();
    let out = labkit::transcript::run_bounded(exe, &args, &[], Duration::from_secs(120))?;
    let whole_run = start.elapsed();
    if out.code != Some(0) {
        bail!(
            "the child measuring idle {}s failed: {}",
            kind.arg(),
            out.stderr.trim()
        );
    }
    let mut report: IdleReport = serde_json::from_str(out.stdout.trim())
        .with_context(|| format!("reading the child's report {:?}", out.stdout.trim()))?;
    if kind == IdleKind::Process {
        report.seconds = whole_run.as_secs_f64(); // the child's whole life
    }
    Ok(report)
}

/// In the child (the hidden `idle` subcommand): parks `count` idle units of
/// `kind` and prints the report as one line of JSON for the parent.
pub fn print_idle(kind: IdleKind, count: u64) -> Result<()> {
    let report = hold_idle(kind, count)?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// In the child: parks `count` idle units of `kind`, reads peak RSS, lets
/// them finish, and returns the report.
fn hold_idle(kind: IdleKind, count: u64) -> Result<IdleReport> {
    match kind {
        IdleKind::Thread => idle_threads(count),
        IdleKind::Task => idle_tasks(count),
        IdleKind::Process => Ok(IdleReport {
            units: 1,
            rss_before: 0,
            rss_after: labkit::os::peak_rss_bytes()?,
            seconds: 0.0,
        }),
    }
}

fn idle_threads(count: u64) -> Result<IdleReport> {
    let rss_before = labkit::os::peak_rss_bytes()?;
    let start = Instant::now();
    let parked = Arc::new(Barrier::new(count as usize + 1));
    let release = Arc::new(Barrier::new(count as usize + 1));
    let mut threads = Vec::with_capacity(count as usize);
    for n in 0..count {
        let (parked, release) = (Arc::clone(&parked), Arc::clone(&release));
        let thread = std::thread::Builder::new()
            .spawn(move || {
                parked.wait();
                release.wait();
            })
            .with_context(|| format!("starting idle thread {}", n + 1))?;
        threads.push(thread);
    }
    parked.wait(); // every thread is alive and blocked
    let seconds = start.elapsed().as_secs_f64();
    let rss_after = labkit::os::peak_rss_bytes()?;
    release.wait();
    for thread in threads {
        thread.join().expect("an idle thread cannot panic");
    }
    Ok(IdleReport {
        units: count,
        rss_before,
        rss_after,
        seconds,
    })
}

fn idle_tasks(count: u64) -> Result<IdleReport> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting a tokio runtime")?;
    let rss_before = labkit::os::peak_rss_bytes()?;
    runtime.block_on(async {
        let start = Instant::now();
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let parked = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let (gate, parked) = (Arc::clone(&gate), Arc::clone(&parked));
            tasks.push(tokio::spawn(async move {
                parked.fetch_add(1, Ordering::Relaxed);
                let _permit = gate.acquire().await.expect("the gate stays open");
            }));
        }
        // Let every task run up to its `acquire` and park there.
        while parked.load(Ordering::Relaxed) < count {
            tokio::task::yield_now().await;
        }
        let seconds = start.elapsed().as_secs_f64();
        let rss_after = labkit::os::peak_rss_bytes()?;
        gate.add_permits(count as usize);
        for task in tasks {
            task.await.context("an idle task failed")?;
        }
        Ok(IdleReport {
            units: count,
            rss_before,
            rss_after,
            seconds,
        })
    })
}

/// Restricts the calling thread to the first CPU it may run on, so that two
/// pinned threads must take turns on one core: every hand-off is then a
/// real context switch. Does nothing where Linux's affinity call is missing.
pub fn pin_to_first_core() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `set` is a plain bit mask owned by this frame; the libc
        // calls only read and write it, and 0 means "the calling thread".
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of_val(&set), &mut set) != 0 {
                return;
            }
            let Some(first) =
                (0..libc::CPU_SETSIZE as usize).find(|&cpu| libc::CPU_ISSET(cpu, &set))
            else {
                return;
            };
            libc::CPU_ZERO(&mut set);
            libc::CPU_SET(first, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set);
        }
    }
}
