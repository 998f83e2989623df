//! `parallelism processes`: the process and its threads as the OS sees
//! them, and two child processes (this program, run again). Nothing here
//! is timed: what starting a thread or a process costs is the `python`
//! experiment's table, Rust beside CPython.

use std::path::Path;
use std::sync::atomic::Ordering;

use anyhow::{Context, Result, ensure};
use labkit::Common;
use parallelism::processes as listing;
use serde_json::{Value, json};

use super::CHILD_COMMAND;

fn threads_text(count: &Result<u64, String>) -> String {
    match count {
        Ok(n) => n.to_string(),
        Err(why) => format!("unknown ({why})"),
    }
}

/// Who am I, a named thread, two children: the lines to print, and the
/// same facts as JSON (`--json`).
fn tour(exe: &Path) -> Result<Value> {
    let mut lines: Vec<String> = Vec::new();
    let mut say = |line: String| lines.push(line);
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
    let counted = listing::LOAVES.load(Ordering::SeqCst);
    say(format!("  loaves counted in this process: {counted}"));
    say(format!(
        "Process {} starts itself again as two child processes:",
        me.pid
    ));
    let mut children = Vec::new();
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
        children.push(json!({
            "pid": child.pid,
            "said": child.stdout.trim(),
            "exit_code": child.exit_code,
        }));
    }
    let counted_after = listing::LOAVES.load(Ordering::SeqCst);
    say(format!(
        "Loaves counted in the parent after its children ran: {counted_after}"
    ));
    let count = |threads: &Result<u64, String>| threads.as_ref().ok().copied();
    Ok(json!({
        "pid": me.pid,
        "threads_running": [count(&me.threads), count(&visit.inside.threads), count(&after.threads)],
        "helper": {"pid": visit.inside.pid, "thread": visit.inside.thread, "returned": visit.returned},
        "loaves_counted": counted,
        "children": children,
        "loaves_counted_after_children": counted_after,
        "lines": lines,
    }))
}

pub fn run(common: &Common) -> Result<()> {
    let exe = std::env::current_exe().context("finding this program to run it again")?;
    let facts = tour(&exe)?;
    if common.json {
        println!("{facts:#}");
    } else {
        for line in facts["lines"].as_array().into_iter().flatten() {
            println!("{}", line.as_str().unwrap_or_default());
        }
    }
    Ok(())
}
