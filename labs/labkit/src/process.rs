//! Running a child program bounded in time, with nothing left behind.
//!
//! [`run`] starts the program in a process group of its own, reads its
//! output, and when it has not finished within the time it was given, kills
//! the whole group: the program and anything it started (a Python twin's
//! `multiprocessing` workers, a shell's children). When the program exits by
//! itself, stragglers it left in its group are killed too, so no child of a
//! lab outlives the lab's call. On Linux the child also asks the kernel to
//! kill it if the thread that started it dies first.

use std::io::{self, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::de::DeserializeOwned;

/// What a child printed and how it ended.
#[derive(Debug, Clone)]
pub struct Finished {
    pub stdout: String,
    pub stderr: String,
    /// `None` when it ran out of time and was killed.
    pub status: Option<ExitStatus>,
    /// How long it ran, from start to exit (or to the kill).
    pub elapsed: Duration,
}

impl Finished {
    /// Did it run out of time?
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    /// The last non-empty line of its standard error: what a one-line
    /// error message quotes.
    pub fn last_stderr_line(&self) -> &str {
        self.stderr
            .lines()
            .rev()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("")
    }
}

/// Runs `command` with standard input closed and both outputs captured,
/// killing its process group if it is still running after `timeout`.
/// An error means it could not be started (for example, no such program:
/// [`io::ErrorKind::NotFound`]); a timeout is not an error but a
/// [`Finished`] without a status.
pub fn run(command: &mut Command, timeout: Duration) -> io::Result<Finished> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    own_group(command);
    let started = Instant::now();
    let mut child = command.spawn()?;
    let group = child.id() as i32;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    // Each pipe on its own thread, so a chatty child never blocks on a full pipe.
    let out_reader = std::thread::spawn(move || read_all(&mut stdout));
    let err_reader = std::thread::spawn(move || read_all(&mut stderr));
    let deadline = started + timeout;
    let exited = loop {
        match has_exited(&mut child) {
            Ok(true) => break true,
            Ok(false) if Instant::now() >= deadline => break false,
            Ok(false) => std::thread::sleep(Duration::from_millis(5)),
            Err(err) => {
                kill_group(group);
                let _ = child.wait();
                return Err(err);
            }
        }
    };
    let elapsed = started.elapsed();
    // The child is exited but not yet reaped (or still running): its process
    // group still exists, so killing it reaches exactly what it left behind.
    kill_group(group);
    let status = child.wait()?;
    let stdout = out_reader.join().expect("the reader thread does not panic");
    let stderr = err_reader.join().expect("the reader thread does not panic");
    Ok(Finished {
        stdout,
        stderr,
        status: exited.then_some(status),
        elapsed,
    })
}

fn read_all(pipe: &mut impl Read) -> String {
    let mut bytes = Vec::new();
    // A read error (the child killed mid-write) leaves what was read so far.
    let _ = pipe.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(unix)]
fn own_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
    #[cfg(target_os = "linux")]
    {
        // SAFETY: the closure runs in the forked child before exec and calls
        // only prctl, which is async-signal-safe; it touches no memory of the
        // parent and allocates nothing.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

#[cfg(not(unix))]
fn own_group(_command: &mut Command) {}

/// Has the child exited? Leaves an exited child unreaped (a zombie), so its
/// process id, which is also its group's id, cannot be reused yet.
#[cfg(target_os = "linux")]
fn has_exited(child: &mut std::process::Child) -> io::Result<bool> {
    // SAFETY: an all-zero siginfo_t is a valid value of this plain C struct.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a valid, writable siginfo_t; WNOWAIT leaves the child
    // to be reaped by Child::wait later.
    let result = unsafe {
        libc::waitid(
            libc::P_PID,
            child.id(),
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    if result == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: waitid filled `info` (or left it zeroed when nothing changed,
    // in which case si_pid reads 0).
    Ok(unsafe { info.si_pid() } != 0)
}

#[cfg(not(target_os = "linux"))]
fn has_exited(child: &mut std::process::Child) -> io::Result<bool> {
    // Elsewhere the child is reaped here; killing its group afterwards is
    // then a best effort.
    Ok(child.try_wait()?.is_some())
}

#[cfg(unix)]
fn kill_group(group: i32) {
    // SAFETY: kill has no memory-safety preconditions; a negative pid names
    // the process group the child leads. ESRCH (nothing left) is fine.
    unsafe {
        libc::kill(-group, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_group: i32) {}

/// A distribution's runs: `exe` with each variant's arguments, `runs` times,
/// the variants taking turns run by run (A B C, A B C, ...) so that a slow
/// moment of the machine hits them alike. Every run is a child bounded by
/// `limit` ([`run`]) that must end with an exit code in `ok_codes` and print
/// one JSON line, a `T`. Returns each variant's runs, in variant order. A
/// run that times out, fails or prints something else is an error naming
/// the variant and the run: nothing these programs do may hang. (The races,
/// locks and deadlock labs' `*-runs` experiments.)
pub fn runs_of<T: DeserializeOwned>(
    exe: &Path,
    variants: &[(String, Vec<String>)],
    runs: u32,
    limit: Duration,
    ok_codes: &[i32],
) -> anyhow::Result<Vec<Vec<T>>> {
    let mut tallies: Vec<Vec<T>> = variants.iter().map(|_| Vec::new()).collect();
    for run_number in 1..=runs {
        for ((name, args), tally) in variants.iter().zip(&mut tallies) {
            let done = run(Command::new(exe).args(args), limit)
                .with_context(|| format!("starting {}", exe.display()))?;
            let place = format!("{name}, run {run_number} of {runs}");
            match done.status {
                None => bail!(
                    "{place} did not finish within {}: killed",
                    crate::timing::format_duration(limit)
                ),
                Some(status) if !status.code().is_some_and(|c| ok_codes.contains(&c)) => {
                    bail!("{place} failed ({status}): {}", done.last_stderr_line())
                }
                Some(_) => {}
            }
            let once: T = serde_json::from_str(done.stdout.trim())
                .with_context(|| format!("{place} printed {:?}", done.stdout.trim()))?;
            tally.push(once);
        }
    }
    Ok(tallies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.arg("-c").arg(script);
        command
    }

    fn alive(pid: i32) -> bool {
        // A zombie still answers kill(pid, 0); /proc says whether it is one.
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => !stat
                .rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z')),
            Err(_) => false,
        }
    }

    #[test]
    fn a_finished_child_gives_its_output_and_status() {
        let done = run(
            &mut sh("echo out; echo err >&2; exit 3"),
            Duration::from_secs(60),
        )
        .unwrap();
        assert_eq!(done.stdout, "out\n");
        assert_eq!(done.last_stderr_line(), "err");
        assert_eq!(done.status.and_then(|s| s.code()), Some(3));
        assert!(!done.timed_out());
    }

    #[test]
    fn a_missing_program_is_not_found() {
        let err = run(
            &mut Command::new("/nonexistent/program"),
            Duration::from_secs(60),
        )
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn a_child_that_hangs_is_killed_with_what_it_started() {
        // The shell starts a sleeping grandchild, says its pid, and waits.
        // On a loaded machine the shell may not have said it by the first
        // deadline: then try again with more time.
        let mut grandchild = None;
        for timeout in [1, 5, 30].map(Duration::from_secs) {
            let done = run(&mut sh("sleep 600 & echo $!; wait"), timeout).unwrap();
            assert!(done.timed_out());
            assert!(done.elapsed >= timeout);
            if let Ok(pid) = done.stdout.trim().parse::<i32>() {
                grandchild = Some(pid);
                break;
            }
        }
        let grandchild = grandchild.expect("the shell printed the sleeper's pid");
        // SIGKILL is delivered before kill returns; the grandchild may take a
        // moment to be reaped by init, so wait for it (bounded).
        let deadline = Instant::now() + Duration::from_secs(30);
        while alive(grandchild) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!alive(grandchild), "the grandchild {grandchild} survived");
    }

    #[test]
    fn what_a_finished_child_leaves_behind_is_killed() {
        // The shell leaves a sleeper running in its group and exits at once;
        // the sleeper holds stdout open, so without the kill this would hang.
        let done = run(&mut sh("sleep 600 & echo $!"), Duration::from_secs(60)).unwrap();
        assert!(!done.timed_out());
        let straggler: i32 = done.stdout.trim().parse().expect("the shell printed a pid");
        let deadline = Instant::now() + Duration::from_secs(30);
        while alive(straggler) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!alive(straggler), "the straggler {straggler} survived");
    }
}
