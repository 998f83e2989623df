//! Finding interpreters: looking names up on `PATH`, what each says about
//! itself ([`Facts`]), and the one interpreter an experiment puts beside Rust.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::*;

/// What an interpreter says about itself (twinkit's `interpreter()`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// `CPython`, `PyPy`, ...
    pub implementation: String,
    /// `3.13.15`.
    pub version: String,
    /// `sys.executable`.
    pub executable: PathBuf,
    /// Built with `--disable-gil` (`Py_GIL_DISABLED`): the `t` interpreters.
    pub free_threaded_build: bool,
    /// `sys._is_gil_enabled()`; `None` before 3.13, where the GIL is always on.
    pub gil_enabled: Option<bool>,
    /// `sys.getswitchinterval()`, in seconds.
    pub switch_interval: f64,
    /// `os.cpu_count()`.
    pub cpu_count: Option<u64>,
    /// `os.process_cpu_count()` (3.13 and later).
    pub process_cpu_count: Option<u64>,
    /// `sys.version`: version, build date and compiler.
    pub build: String,
}

impl Facts {
    /// Does this interpreter run with its GIL on?
    pub fn gil_on(&self) -> bool {
        self.gil_enabled.unwrap_or(true)
    }

    /// A short name for tables: `CPython 3.11.7`, `CPython 3.13.15t (GIL off)`,
    /// or `CPython 3.13.15t (GIL on)` when a free-threaded build had its GIL
    /// turned back on (`PYTHON_GIL=1`, or an extension that needs it).
    pub fn label(&self) -> String {
        let mut label = format!("{} {}", self.implementation, self.version);
        if self.free_threaded_build {
            label.push('t');
            label.push_str(if self.gil_on() {
                " (GIL on)"
            } else {
                " (GIL off)"
            });
        }
        label
    }
}

/// Asks `python` for its facts (twinkit's `interpreter()`), bounded by
/// [`PROBE_TIMEOUT`].
pub fn facts(python: &Path) -> Result<Facts, TwinError> {
    let program = format!("{TWINKIT_PY}\nimport json, sys\njson.dump(interpreter(), sys.stdout)\n");
    let mut command = Command::new(python);
    command.arg("-c").arg(program);
    let done = run_interpreter(python, &mut command, PROBE_TIMEOUT)?;
    serde_json::from_str(done.stdout.trim()).map_err(|err| TwinError::BadOutput {
        python: python.to_path_buf(),
        problem: format!("its facts are not what twinkit prints: {err}"),
    })
}

/// What looking up one interpreter found.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// It runs: the program to run (as found on `PATH`, or as given) and its facts.
    Found {
        name: String,
        path: PathBuf,
        facts: Facts,
    },
    /// Not on this machine, or it does not run; `reason` says which.
    Missing { name: String, reason: String },
    /// The same interpreter (same real executable) as an earlier name.
    Duplicate { name: String, same_as: String },
}

impl Lookup {
    /// The name or path that was looked up.
    pub fn name(&self) -> &str {
        match self {
            Lookup::Found { name, .. }
            | Lookup::Missing { name, .. }
            | Lookup::Duplicate { name, .. } => name,
        }
    }
}

/// Looks up each of `names`: a name with a `/` is a path and used as it is;
/// any other name is searched for on `PATH`, taking the first file by that
/// name that runs (a version manager's shim for a version that is not
/// active is skipped, and the search goes on). An interpreter whose real
/// `sys.executable` was already found under an earlier name is reported as
/// a [`Lookup::Duplicate`].
pub fn find(names: &[&str]) -> Vec<Lookup> {
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path_var).collect();
    find_in(names, &dirs)
}

/// Looks up the one interpreter `python` for an experiment that puts its
/// twin's rows beside Rust's, and says on the lab's output which it is
/// (`Rust, then CPython 3.13 (GIL), in every round.`) or why the CPython side
/// is skipped. Returns the program to run and its label, or `None`.
pub fn beside_rust(common: &crate::Common, python: &str) -> Option<(PathBuf, String)> {
    match find(&[python]).remove(0) {
        Lookup::Found { path, facts, .. } => {
            common.say(format!("Rust, then {}, in every round.", facts.label()));
            Some((path, facts.label()))
        }
        Lookup::Missing { reason, .. } => {
            common.say(format!(
                "{reason}: skipping the CPython side (install Python 3 to compare)."
            ));
            None
        }
        // One name looked up cannot be a second name for an earlier one.
        Lookup::Duplicate { name, .. } => {
            common.say(format!("{name}: found twice; skipping the CPython side."));
            None
        }
    }
}

/// [`find`] with an explicit list of directories instead of `PATH`.
pub(super) fn find_in(names: &[&str], dirs: &[PathBuf]) -> Vec<Lookup> {
    let mut seen: Vec<(PathBuf, String)> = Vec::new();
    let mut lookups = Vec::new();
    for name in names {
        let lookup = match locate(name, dirs) {
            Err(reason) => Lookup::Missing {
                name: name.to_string(),
                reason,
            },
            Ok((path, facts)) => {
                let real = std::fs::canonicalize(&facts.executable)
                    .unwrap_or_else(|_| facts.executable.clone());
                match seen.iter().find(|(r, _)| *r == real) {
                    Some((_, first)) => Lookup::Duplicate {
                        name: name.to_string(),
                        same_as: first.clone(),
                    },
                    None => {
                        seen.push((real, name.to_string()));
                        Lookup::Found {
                            name: name.to_string(),
                            path,
                            facts,
                        }
                    }
                }
            }
        };
        lookups.push(lookup);
    }
    lookups
}

fn locate(name: &str, dirs: &[PathBuf]) -> Result<(PathBuf, Facts), String> {
    if name.contains('/') {
        let path = PathBuf::from(name);
        return facts(&path)
            .map(|facts| (path, facts))
            .map_err(|err| describe(&err));
    }
    let mut tried = Vec::new();
    let mut visited = HashSet::new();
    for dir in dirs {
        let path = dir.join(name);
        if !is_executable_file(&path) || !visited.insert(path.clone()) {
            continue;
        }
        match facts(&path) {
            Ok(facts) => return Ok((path, facts)),
            Err(err) => tried.push(describe(&err)),
        }
    }
    if tried.is_empty() {
        Err(format!("{name} is not on PATH"))
    } else {
        Err(format!("{name} does not run here ({})", tried.join("; ")))
    }
}

fn describe(err: &TwinError) -> String {
    err.to_string()
}

fn is_executable_file(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}
