//! The Python twins: finding CPython interpreters, running a twin bounded in
//! time, and reading the JSON document it prints.
//!
//! A twin is a short script (`labs/<lab>/python/<name>.py`) that does in
//! Python what one of the lab's experiments does, and imports `twinkit`
//! (`labs/labkit/python/twinkit.py`, embedded here as [`TWINKIT_PY`]) to time
//! its variants in interleaved rounds and print one JSON document:
//!
//! ```json
//! {"interpreter": {"implementation": "CPython", "version": "3.13.15",
//!                  "executable": "/opt/cpython/3.13t/bin/python3.13t",
//!                  "free_threaded_build": true, "gil_enabled": false,
//!                  "switch_interval": 0.005, "cpu_count": 2, ...},
//!  "rounds": 5, "scale": 1.0,
//!  "rows": [{"experiment": "countdown", "variant": "1 thread",
//!            "samples": [1.91, ...], "cpu_samples": [1.90, ...],
//!            "started": [0.0, ...], "threads": 1}, ...]}
//! ```
//!
//! The lab embeds its twin with `include_str!` and calls [`run_twin`], which
//! writes the twin and twinkit side by side into a temporary directory (where
//! `import twinkit` finds it), runs the interpreter there with a timeout
//! (killing it, and anything it started, when time runs out), and parses the
//! document into a [`Document`]. The rows carry every sample; turning them
//! into medians, spreads and speedups is the measurement method's job, not
//! this module's.
//!
//! Interpreters: [`find`] looks up names (`python3.14t`) on `PATH`, or takes
//! paths as given, asks each for its facts and drops a second name for an
//! interpreter already found; [`DEFAULT_CANDIDATES`] are the names a lab
//! tries when the reader names none.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::process;

mod document;
mod find;
#[cfg(test)]
mod find_tests;
mod rounds;
#[cfg(test)]
mod tests;

pub use document::{Document, TwinRow};
pub use find::{Facts, Lookup, beside_rust, facts, find};
pub use rounds::{Round, each_round, results_beside};

/// `twinkit.py`: the module every twin imports.
pub const TWINKIT_PY: &str = include_str!("../python/twinkit.py");

/// `example_twin.py`: the smallest twin (adds up 0..N on one thread, then two),
/// which labkit's tests run.
pub const EXAMPLE_TWIN_PY: &str = include_str!("../python/example_twin.py");

/// The interpreters a lab tries when the reader names none: the machine's
/// `python3`, and the GIL-enabled and free-threaded builds of 3.13 and 3.14.
pub const DEFAULT_CANDIDATES: [&str; 5] = [
    "python3",
    "python3.13",
    "python3.13t",
    "python3.14",
    "python3.14t",
];

/// How long asking an interpreter for its facts may take (a cold start of a
/// version-manager shim on a busy machine is slow, but not this slow).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

/// A twin to run: the file name it gets (its `__file__`, shown in Python's
/// error messages) and its source text.
#[derive(Debug, Clone, Copy)]
pub struct Twin<'a> {
    pub file_name: &'a str,
    pub source: &'a str,
}

impl<'a> Twin<'a> {
    pub const fn new(file_name: &'a str, source: &'a str) -> Twin<'a> {
        Twin { file_name, source }
    }
}

/// Why a twin gave no document.
#[derive(Debug, Clone, PartialEq)]
pub enum TwinError {
    /// No such interpreter: the caller skips it (and says so).
    Missing { python: PathBuf },
    /// It ran longer than it was given and was killed.
    TimedOut { python: PathBuf, timeout: Duration },
    /// It exited with an error; `message` is the last line of its stderr.
    Failed {
        python: PathBuf,
        status: String,
        message: String,
    },
    /// It exited 0 but printed something that is not a good document.
    BadOutput { python: PathBuf, problem: String },
    /// The temporary directory or the process could not be set up.
    Io { python: PathBuf, problem: String },
}

impl TwinError {
    /// Is this the "no such interpreter" case?
    pub fn is_missing(&self) -> bool {
        matches!(self, TwinError::Missing { .. })
    }
}

impl fmt::Display for TwinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TwinError::Missing { python } => write!(f, "{}: no such interpreter", python.display()),
            TwinError::TimedOut { python, timeout } => write!(
                f,
                "{} did not finish within {timeout:?} and was killed",
                python.display()
            ),
            TwinError::Failed {
                python,
                status,
                message,
            } => write!(f, "{} {status}: {message}", python.display()),
            TwinError::BadOutput { python, problem } => {
                write!(f, "{}: {problem}", python.display())
            }
            TwinError::Io { python, problem } => write!(f, "{}: {problem}", python.display()),
        }
    }
}

impl std::error::Error for TwinError {}

/// Runs `twin` with the interpreter `python` (a path, or a name looked up on
/// `PATH`) and `args`, killed after `timeout`, and reads its document.
pub fn run_twin(
    python: &Path,
    twin: Twin<'_>,
    args: &[String],
    timeout: Duration,
) -> Result<Document, TwinError> {
    let io = |problem: String| TwinError::Io {
        python: python.to_path_buf(),
        problem,
    };
    if twin.file_name.contains(['/', '\\']) || twin.file_name == "twinkit.py" {
        return Err(io(format!(
            "{:?} is not a twin's file name",
            twin.file_name
        )));
    }
    let dir = TempDir::new().map_err(|err| io(format!("making a temporary directory: {err}")))?;
    let script = dir.path().join(twin.file_name);
    std::fs::write(dir.path().join("twinkit.py"), TWINKIT_PY)
        .and_then(|()| std::fs::write(&script, twin.source))
        .map_err(|err| {
            io(format!(
                "writing the twin to {}: {err}",
                dir.path().display()
            ))
        })?;
    let mut command = Command::new(python);
    command
        .arg(&script)
        .args(args)
        .current_dir(dir.path())
        // No .pyc files in the temporary directory, and the document arrives
        // even if the interpreter dies right after printing it.
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1");
    let done = run_interpreter(python, &mut command, timeout)?;
    Document::parse(&done.stdout).map_err(|problem| TwinError::BadOutput {
        python: python.to_path_buf(),
        problem,
    })
}

/// Runs a Python script that is not a timing twin (a demonstration that
/// prints lines of text), bounded like [`run_twin`], and returns what it
/// printed on standard output. The script is written into a temporary
/// directory beside `twinkit.py`, so it may import it too.
pub fn run_script(
    python: &Path,
    script: Twin<'_>,
    args: &[String],
    timeout: Duration,
) -> Result<String, TwinError> {
    let io = |problem: String| TwinError::Io {
        python: python.to_path_buf(),
        problem,
    };
    if script.file_name.contains(['/', '\\']) || script.file_name == "twinkit.py" {
        return Err(io(format!(
            "{:?} is not a script's file name",
            script.file_name
        )));
    }
    let dir = TempDir::new().map_err(|err| io(format!("making a temporary directory: {err}")))?;
    let path = dir.path().join(script.file_name);
    std::fs::write(dir.path().join("twinkit.py"), TWINKIT_PY)
        .and_then(|()| std::fs::write(&path, script.source))
        .map_err(|err| io(format!("writing {}: {err}", path.display())))?;
    let mut command = Command::new(python);
    command
        .arg(&path)
        .args(args)
        .current_dir(dir.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1");
    Ok(run_interpreter(python, &mut command, timeout)?.stdout)
}

/// Runs an interpreter command and maps how it ended to a [`TwinError`].
fn run_interpreter(
    python: &Path,
    command: &mut Command,
    timeout: Duration,
) -> Result<process::Finished, TwinError> {
    let done = process::run(command, timeout).map_err(|err| {
        if err.kind() == std::io::ErrorKind::NotFound {
            TwinError::Missing {
                python: python.to_path_buf(),
            }
        } else {
            TwinError::Io {
                python: python.to_path_buf(),
                problem: format!("starting it: {err}"),
            }
        }
    })?;
    match done.status {
        None => Err(TwinError::TimedOut {
            python: python.to_path_buf(),
            timeout,
        }),
        Some(status) if !status.success() => Err(TwinError::Failed {
            python: python.to_path_buf(),
            status: status.to_string(),
            message: done.last_stderr_line().to_string(),
        }),
        Some(_) => Ok(done),
    }
}

/// A directory of our own under the system's temporary directory, removed
/// with everything in it when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        loop {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path = base.join(format!(
                "labkit-twin-{}-{}-{nanos}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(err) => return Err(err),
            }
        }
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
