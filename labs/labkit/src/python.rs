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

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::process;

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

/// One variant a twin measured: a sample per round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwinRow {
    pub experiment: String,
    pub variant: String,
    /// Wall seconds of each round, in round order.
    pub samples: Vec<f64>,
    /// CPU seconds of the whole process (all its threads) in each round.
    pub cpu_samples: Vec<f64>,
    /// When each round of this variant started, in seconds since the
    /// experiment began: shows the rounds were interleaved.
    pub started: Vec<f64>,
    /// The twin's own columns: a single value when the twin declared it with
    /// the variant, a list (one value per round) when the work reported it.
    #[serde(flatten)]
    pub columns: Map<String, Value>,
}

impl TwinRow {
    /// The wall time of each round.
    pub fn wall(&self) -> Vec<Duration> {
        self.samples
            .iter()
            .map(|s| Duration::from_secs_f64(*s))
            .collect()
    }

    /// The CPU time of each round.
    pub fn cpu(&self) -> Vec<Duration> {
        self.cpu_samples
            .iter()
            .map(|s| Duration::from_secs_f64(*s))
            .collect()
    }
}

/// The document a twin prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub interpreter: Facts,
    pub rounds: usize,
    pub scale: f64,
    pub rows: Vec<TwinRow>,
}

impl Document {
    /// Parses and checks a twin's output: every row has one sample per
    /// round, times are finite and not negative, and within each experiment
    /// the variants ran interleaved (round 1 of every variant, in order, then
    /// round 2, ...).
    pub fn parse(text: &str) -> Result<Document, String> {
        let document: Document = serde_json::from_str(text.trim()).map_err(|err| {
            let start: String = text.trim().chars().take(80).collect();
            format!("its output is not a twinkit document ({err}): {start:?}")
        })?;
        document.check()?;
        Ok(document)
    }

    fn check(&self) -> Result<(), String> {
        if self.rounds == 0 {
            return Err("it ran 0 rounds".into());
        }
        if self.rows.is_empty() {
            return Err("it measured no variant".into());
        }
        for row in &self.rows {
            let name = format!("{}/{}", row.experiment, row.variant);
            for (what, values) in [
                ("samples", &row.samples),
                ("cpu_samples", &row.cpu_samples),
                ("started", &row.started),
            ] {
                if values.len() != self.rounds {
                    return Err(format!(
                        "{name} has {} {what} for {} rounds",
                        values.len(),
                        self.rounds
                    ));
                }
                if let Some(bad) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
                    return Err(format!("{name} has a {what} value of {bad}"));
                }
            }
        }
        for experiment in self.experiments() {
            let rows: Vec<&TwinRow> = self
                .rows
                .iter()
                .filter(|r| r.experiment == experiment)
                .collect();
            let order = (0..self.rounds).flat_map(|round| rows.iter().map(move |r| (round, *r)));
            let mut previous: Option<(f64, String)> = None;
            for (round, row) in order {
                let start = row.started[round];
                if let Some((before, what)) = &previous
                    && start < *before
                {
                    return Err(format!(
                        "{experiment}: round {} of {} started before {what}: \
                         the rounds were not interleaved",
                        round + 1,
                        row.variant
                    ));
                }
                previous = Some((start, format!("round {} of {}", round + 1, row.variant)));
            }
        }
        Ok(())
    }

    /// The experiments, in the order the twin ran them.
    pub fn experiments(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for row in &self.rows {
            if !seen.contains(&row.experiment.as_str()) {
                seen.push(row.experiment.as_str());
            }
        }
        seen
    }

    /// The row of one variant.
    pub fn row(&self, experiment: &str, variant: &str) -> Option<&TwinRow> {
        self.rows
            .iter()
            .find(|r| r.experiment == experiment && r.variant == variant)
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
    run_twin_with(python, &[], twin, args, timeout)
}

/// [`run_twin`] with options for the interpreter itself before the script,
/// such as `-X gil=1` (a free-threaded build with its GIL turned back on).
pub fn run_twin_with(
    python: &Path,
    python_args: &[String],
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
        .args(python_args)
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

/// [`find`] over [`DEFAULT_CANDIDATES`].
pub fn default_interpreters() -> Vec<Lookup> {
    find(&DEFAULT_CANDIDATES)
}

/// [`find`] with an explicit list of directories instead of `PATH`.
pub fn find_in(names: &[&str], dirs: &[PathBuf]) -> Vec<Lookup> {
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

/// A twin's rows gathered from several runs of one round each: for a lab
/// that starts the twin once per round of its own [`crate::Bench`], so that
/// the CPython rounds interleave with the Rust ones (A B C, A B C, ...) and
/// share their machine checks. Each returned row has one sample per
/// document, in document order; a column the twin reports per round (a
/// list) is concatenated, a single-valued one is taken from the first
/// document. Fails if the documents do not all hold the same rows, one
/// round each.
pub fn rows_over_rounds(documents: &[Document]) -> Result<Vec<TwinRow>, String> {
    let first = documents.first().ok_or("no document to gather rows from")?;
    let names = |document: &Document| -> Vec<(String, String)> {
        document
            .rows
            .iter()
            .map(|r| (r.experiment.clone(), r.variant.clone()))
            .collect()
    };
    let mut rows = first.rows.clone();
    for row in &mut rows {
        row.samples.clear();
        row.cpu_samples.clear();
        row.started.clear();
        for value in row.columns.values_mut() {
            if value.is_array() {
                *value = Value::Array(Vec::new());
            }
        }
    }
    for (index, document) in documents.iter().enumerate() {
        if document.rounds != 1 {
            return Err(format!(
                "run {} of the twin measured {} rounds, not 1",
                index + 1,
                document.rounds
            ));
        }
        if names(document) != names(first) {
            return Err(format!(
                "run {} of the twin measured other rows than the first",
                index + 1
            ));
        }
        for (into, from) in rows.iter_mut().zip(&document.rows) {
            into.samples.extend(&from.samples);
            into.cpu_samples.extend(&from.cpu_samples);
            into.started.extend(&from.started);
            for (key, value) in into.columns.iter_mut() {
                if let (Value::Array(all), Some(Value::Array(more))) =
                    (value, from.columns.get(key))
                {
                    all.extend(more.iter().cloned());
                }
            }
        }
    }
    Ok(rows)
}

/// What one round of a variant returned, in a [`crate::Bench`] that runs
/// Rust variants and a Python twin side by side: the Rust code's value, or
/// the twin's document (the twin run with `--rounds 1`, timing itself).
#[derive(Debug, Clone)]
pub enum Round<T> {
    Rust(T),
    Twin(Result<Document, TwinError>),
}

impl<T> Round<T> {
    /// The Rust value, for a check; `Err` names what went wrong in a twin
    /// round (a twin that failed is an error of the run, not a row).
    pub fn rust(&self) -> anyhow::Result<Option<&T>> {
        match self {
            Round::Rust(value) => Ok(Some(value)),
            Round::Twin(Ok(_)) => Ok(None),
            Round::Twin(Err(err)) => Err(anyhow::anyhow!("{err}")),
        }
    }
}

/// A bench variant that runs `twin` with `python` once per call, with
/// `args` and `--rounds 1`, killed after `timeout`.
pub fn each_round<'a, T>(
    python: &'a Path,
    twin: Twin<'a>,
    args: &[&str],
    timeout: Duration,
) -> impl FnMut() -> Round<T> + 'a {
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.extend(["--rounds".to_string(), "1".to_string()]);
    move || Round::Twin(run_twin(python, twin, &args, timeout))
}

/// Rows from a run of Rust variants and twin variants ([`Round`]): a Rust
/// variant's row has the bench's samples; a twin variant gives one row per
/// row of its documents, with the samples the twin measured around its own
/// work (not the interpreter's start), named by `name(variant, twin_row)`,
/// with the twin's columns. Every row has the run's method (rounds,
/// machine checks), so the twin's rows read like the Rust ones.
pub fn results_beside<T>(
    run: &crate::bench::Run<Round<T>>,
    name: impl Fn(&str, &TwinRow) -> String,
) -> anyhow::Result<crate::Results> {
    let mut results = crate::Results::new();
    results.set_method(run.method.clone());
    for measured in &run.measured {
        let documents: Vec<&Document> = measured
            .values
            .iter()
            .filter_map(|round| match round {
                Round::Twin(Ok(document)) => Some(document),
                _ => None,
            })
            .collect();
        if documents.is_empty() {
            let cpus = measured
                .samples
                .iter()
                .map(|m| m.cpu.as_secs_f64())
                .collect();
            results.push_samples(
                &run.experiment,
                &measured.variant,
                measured.walls(),
                Some(cpus),
            );
            continue;
        }
        anyhow::ensure!(
            documents.len() == measured.values.len(),
            "{} / {}: some rounds did not run the twin",
            run.experiment,
            measured.variant
        );
        let owned: Vec<Document> = documents.into_iter().cloned().collect();
        let rows = rows_over_rounds(&owned).map_err(|problem| {
            anyhow::anyhow!("{} / {}: {problem}", run.experiment, measured.variant)
        })?;
        for twin_row in rows {
            let row = results.push_samples(
                &run.experiment,
                &name(&measured.variant, &twin_row),
                twin_row.samples.clone(),
                Some(twin_row.cpu_samples.clone()),
            );
            for (key, value) in &twin_row.columns {
                row.with(key, value.clone());
            }
        }
    }
    Ok(results)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_beside_put_twin_rows_next_to_rust_rows() {
        use crate::bench::{Measured, Method, Run};
        use crate::timing::Measurement;
        let twin = |wall: f64| {
            Document::parse(&format!(
                r#"{{"interpreter": {{"implementation": "CPython", "version": "3.11.7",
                     "executable": "/usr/bin/python3", "free_threaded_build": false,
                     "gil_enabled": null, "switch_interval": 0.005, "cpu_count": 2,
                     "process_cpu_count": null, "build": "3.11.7"}},
                   "rounds": 1, "scale": 0.1,
                   "rows": [{{"experiment": "e", "variant": "pow()", "samples": [{wall}],
                              "cpu_samples": [{wall}], "started": [0.0], "numbers": 10}}]}}"#
            ))
        };
        let second = |ms: u64| Measurement {
            wall: Duration::from_millis(ms),
            cpu: Duration::from_millis(ms),
        };
        let run: Run<Round<u64>> = Run {
            experiment: "powersum".into(),
            method: Method {
                rounds: 2,
                cores: 2,
                calibrations: Vec::new(),
                steal: None,
            },
            measured: vec![
                Measured {
                    variant: "Rust".into(),
                    samples: vec![second(100), second(110)],
                    values: vec![Round::Rust(7), Round::Rust(7)],
                },
                Measured {
                    variant: "CPython".into(),
                    // The bench's own timing includes the interpreter's start: not used.
                    samples: vec![second(5000), second(5000)],
                    values: vec![
                        Round::Twin(Ok(twin(3.0).unwrap())),
                        Round::Twin(Ok(twin(3.2).unwrap())),
                    ],
                },
            ],
        };
        let results =
            results_beside(&run, |variant, row| format!("{variant}, {}", row.variant)).unwrap();
        let rust = results.get("powersum", "Rust").unwrap();
        assert_eq!(rust.samples.as_deref(), Some(&[0.1, 0.11][..]));
        let python = results.get("powersum", "CPython, pow()").unwrap();
        assert_eq!(python.samples.as_deref(), Some(&[3.0, 3.2][..]));
        assert_eq!(python.extra["numbers"], 10);
        assert_eq!(results.method().unwrap().rounds, 2);
    }

    #[test]
    fn rows_over_rounds_gathers_one_sample_per_run() {
        let document = |wall: f64, lost: u64| {
            Document::parse(&format!(
                r#"{{"interpreter": {{"implementation": "CPython", "version": "3.11.7",
                     "executable": "/usr/bin/python3", "free_threaded_build": false,
                     "gil_enabled": null, "switch_interval": 0.005, "cpu_count": 2,
                     "process_cpu_count": null, "build": "3.11.7"}},
                   "rounds": 1, "scale": 0.1,
                   "rows": [{{"experiment": "e", "variant": "v", "samples": [{wall}],
                              "cpu_samples": [{wall}], "started": [0.0],
                              "threads": 2, "lost": [{lost}]}}]}}"#
            ))
            .unwrap()
        };
        let rows = rows_over_rounds(&[document(1.0, 3), document(2.0, 4)]).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].samples, [1.0, 2.0]);
        assert_eq!(rows[0].columns["threads"], 2);
        assert_eq!(rows[0].columns["lost"], serde_json::json!([3, 4]));
        assert!(rows_over_rounds(&[]).is_err());
    }

    /// How long a test's twin may take before the test counts it as hung.
    const GENEROUS: Duration = Duration::from_secs(120);

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| a.to_string()).collect()
    }

    /// The machine's python3: the twins' tests need one (CI installs it).
    fn python3() -> PathBuf {
        match find(&["python3"]).remove(0) {
            Lookup::Found { path, .. } => path,
            other => panic!("these tests run the twins with python3, which is missing: {other:?}"),
        }
    }

    const EXAMPLE: Twin<'static> = Twin::new("example_twin.py", EXAMPLE_TWIN_PY);

    #[test]
    fn the_example_twin_runs_in_interleaved_rounds() {
        let python = python3();
        let document = run_twin(
            &python,
            EXAMPLE,
            &args(&["--rounds", "3", "--scale", "0.001"]),
            GENEROUS,
        )
        .unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(document.rounds, 3);
        assert_eq!(document.scale, 0.001);
        assert_eq!(document.interpreter.implementation, "CPython");
        assert!(document.interpreter.switch_interval > 0.0);
        assert_eq!(document.experiments(), ["add up"]);
        let one = document.row("add up", "1 thread").expect("a 1-thread row");
        let two = document.row("add up", "2 threads").expect("a 2-thread row");
        assert_eq!(one.samples.len(), 3);
        assert_eq!(two.cpu_samples.len(), 3);
        // Declared columns are single values; reported ones, one per round.
        assert_eq!(one.columns["threads"], 1);
        assert_eq!(two.columns["threads"], 2);
        // scale 0.001 adds up 0..2000 in halves 0..1000 and 1000..2000.
        let halves = serde_json::json!([499_500, 1_499_500]);
        assert_eq!(
            two.columns["halves"],
            serde_json::json!([halves, halves, halves])
        );
        assert!(!one.columns.contains_key("halves"));
        // A B, A B, A B: each round of "2 threads" starts after the same
        // round of "1 thread" and before the next one.
        for round in 0..3 {
            assert!(one.started[round] < two.started[round]);
            if round + 1 < 3 {
                assert!(two.started[round] < one.started[round + 1]);
            }
        }
        assert_eq!(one.wall().len(), 3);
    }

    #[test]
    fn a_wrong_result_is_an_error_not_a_row() {
        let python = python3();
        let source = EXAMPLE_TWIN_PY.replace(
            "check=lambda total: total == expected, threads=2",
            "check=lambda total: total == expected + 1, threads=2",
        );
        assert_ne!(
            source, EXAMPLE_TWIN_PY,
            "the example twin changed: update this test"
        );
        let err = run_twin(
            &python,
            Twin::new("example_twin.py", &source),
            &args(&["--rounds", "1", "--scale", "0.001"]),
            GENEROUS,
        )
        .unwrap_err();
        match err {
            TwinError::Failed { message, .. } => {
                assert!(
                    message.contains("add up/2 threads, round 1: wrong result"),
                    "{message}"
                )
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn bad_arguments_are_refused_in_one_line() {
        let python = python3();
        let err = run_twin(&python, EXAMPLE, &args(&["--rounds", "0"]), GENEROUS).unwrap_err();
        match err {
            TwinError::Failed {
                status, message, ..
            } => {
                assert!(status.contains('2'), "{status}");
                assert!(message.contains("--rounds"), "{message}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn a_missing_interpreter_is_reported_missing() {
        let err = run_twin(
            Path::new("/nonexistent/python3.14t"),
            EXAMPLE,
            &[],
            GENEROUS,
        )
        .unwrap_err();
        assert!(err.is_missing(), "{err:?}");
        let lookups = find_in(
            &["python3.99t", "/nonexistent/python3.99"],
            &[PathBuf::from("/nonexistent")],
        );
        assert_eq!(lookups.len(), 2);
        for lookup in &lookups {
            assert!(matches!(lookup, Lookup::Missing { .. }), "{lookup:?}");
        }
        assert_eq!(lookups[0].name(), "python3.99t");
    }

    #[test]
    fn a_name_that_does_not_run_is_missing_and_the_search_goes_on() {
        let python = python3();
        let dir = TempDir::new().unwrap();
        let broken = dir.path().join("broken");
        let good = dir.path().join("good");
        std::fs::create_dir_all(&broken).unwrap();
        std::fs::create_dir_all(&good).unwrap();
        // A shim that fails, like pyenv's for a version that is not active.
        let shim = broken.join("python3");
        std::fs::write(
            &shim,
            "#!/bin/sh\necho 'python3: command not found' >&2\nexit 127\n",
        )
        .unwrap();
        make_executable(&shim);
        std::os::unix::fs::symlink(&python, good.join("python3")).unwrap();
        let only_broken = find_in(&["python3"], std::slice::from_ref(&broken));
        match &only_broken[0] {
            Lookup::Missing { reason, .. } => assert!(reason.contains("does not run"), "{reason}"),
            other => panic!("{other:?}"),
        }
        let both = find_in(&["python3", "python3"], &[broken, good.clone()]);
        match &both[0] {
            Lookup::Found { path, .. } => assert_eq!(*path, good.join("python3")),
            other => panic!("{other:?}"),
        }
        // The second name is the same interpreter.
        assert_eq!(
            both[1],
            Lookup::Duplicate {
                name: "python3".into(),
                same_as: "python3".into()
            }
        );
    }

    #[test]
    fn a_twin_that_hangs_is_killed() {
        let python = python3();
        let sleeper = Twin::new(
            "sleeper.py",
            "import sys, time\nprint('started', file=sys.stderr, flush=True)\ntime.sleep(600)\n",
        );
        let timeout = Duration::from_millis(500);
        let err = run_twin(&python, sleeper, &[], timeout).unwrap_err();
        assert_eq!(
            err,
            TwinError::TimedOut {
                python: python.clone(),
                timeout
            }
        );
    }

    #[test]
    fn the_default_candidates_are_deduplicated() {
        let lookups = default_interpreters();
        assert_eq!(lookups.len(), DEFAULT_CANDIDATES.len());
        let mut executables = HashSet::new();
        for lookup in &lookups {
            // What this machine has (cargo test -- --nocapture shows it).
            match lookup {
                Lookup::Found { name, path, facts } => {
                    eprintln!("{name}: {} at {}", facts.label(), path.display())
                }
                Lookup::Missing { name, reason } => eprintln!("{name}: missing ({reason})"),
                Lookup::Duplicate { name, same_as } => eprintln!("{name}: same as {same_as}"),
            }
            if let Lookup::Found { facts, .. } = lookup {
                let real = std::fs::canonicalize(&facts.executable).unwrap();
                assert!(executables.insert(real), "found twice: {lookup:?}");
                assert!(!facts.version.is_empty());
                if facts.free_threaded_build {
                    assert!(facts.label().ends_with(')'), "{}", facts.label());
                }
            }
        }
    }

    #[test]
    fn documents_that_are_not_interleaved_or_short_are_refused() {
        let facts = r#"{"implementation": "CPython", "version": "3.11.7",
            "executable": "/usr/bin/python3", "free_threaded_build": false,
            "gil_enabled": null, "switch_interval": 0.005, "cpu_count": 2,
            "process_cpu_count": null, "build": "3.11.7"}"#;
        let doc = |rows: &str| {
            format!(r#"{{"interpreter": {facts}, "rounds": 2, "scale": 1.0, "rows": [{rows}]}}"#)
        };
        let row = |variant: &str, started: &str| {
            format!(
                r#"{{"experiment": "e", "variant": "{variant}", "samples": [1.0, 1.0],
                    "cpu_samples": [1.0, 1.0], "started": {started}, "lost": [3, 4]}}"#
            )
        };
        let good = doc(&format!("{}, {}", row("a", "[0, 2]"), row("b", "[1, 3]")));
        let parsed = Document::parse(&good).unwrap();
        assert_eq!(parsed.rows[1].columns["lost"], serde_json::json!([3, 4]));
        assert_eq!(parsed.interpreter.label(), "CPython 3.11.7");
        // a a b b: all of a's rounds first.
        let batched = doc(&format!("{}, {}", row("a", "[0, 1]"), row("b", "[2, 3]")));
        let err = Document::parse(&batched).unwrap_err();
        assert!(err.contains("not interleaved"), "{err}");
        let short = doc(&row("a", "[0]"));
        assert!(
            Document::parse(&short)
                .unwrap_err()
                .contains("1 started for 2 rounds")
        );
        assert!(Document::parse("").is_err());
        assert!(
            Document::parse("Traceback")
                .unwrap_err()
                .contains("not a twinkit document")
        );
    }

    #[test]
    fn labels_say_whether_the_gil_is_on() {
        let mut facts: Facts = serde_json::from_value(serde_json::json!({
            "implementation": "CPython", "version": "3.13.15",
            "executable": "/opt/cpython/3.13t/bin/python3.13t", "free_threaded_build": true,
            "gil_enabled": false, "switch_interval": 0.005, "cpu_count": 2,
            "process_cpu_count": 2, "build": "3.13.15"
        }))
        .unwrap();
        assert_eq!(facts.label(), "CPython 3.13.15t (GIL off)");
        assert!(!facts.gil_on());
        facts.gil_enabled = Some(true);
        assert_eq!(facts.label(), "CPython 3.13.15t (GIL on)");
    }

    fn make_executable(path: &Path) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}
