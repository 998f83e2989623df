//! Running the other labs: finding (or building) their binaries, running one
//! bounded with `--json`, and the `report` command itself.
//!
//! Long because (a little over 300 lines) finding the labs and running them belong
//! together, and the `report` command is their one caller besides `compare`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use labkit::{Common, Document};

use super::chart::{self, Group, Series};
use super::{HEADLINES, Outcome, rust_figure, twin_figures};

/// Where the binary of `lab` is: next to the running executable, where
/// Cargo puts every binary of the workspace it builds.
pub fn lab_binary(lab: &str) -> Result<PathBuf> {
    Ok(binary_dir()?.join(format!("{lab}{}", std::env::consts::EXE_SUFFIX)))
}

fn binary_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding this executable")?;
    Ok(exe.parent().unwrap_or(Path::new(".")).to_path_buf())
}

/// Makes sure the binary of every lab in `labs` is there. Labs not built yet
/// are built first when the report runs under Cargo (`cargo run -p
/// choosing` sets `CARGO` and `CARGO_MANIFEST_DIR`): one `cargo build` of
/// the missing labs, with the profile of this executable, announced on
/// stderr. Run any other way (or from a copy outside Cargo's target
/// directory), it names the missing labs and the command that builds them.
pub fn check_binaries(labs: &[&'static str]) -> Result<()> {
    let missing = missing_labs(labs)?;
    // Only where Cargo put this executable (target/debug or target/release)
    // does a build put the labs beside it.
    let in_profile_dir = binary_dir()?
        .file_name()
        .is_some_and(|name| name == "release" || name == "debug");
    if !missing.is_empty()
        && in_profile_dir
        && let Some(cargo) = std::env::var_os("CARGO")
        && let Some(workspace) = std::env::var_os("CARGO_MANIFEST_DIR")
    {
        build_labs(Path::new(&cargo), Path::new(&workspace), &missing)?;
    }
    let missing = missing_labs(labs)?;
    if missing.is_empty() {
        return Ok(());
    }
    let (which, verb, pronoun) = if missing.len() == 1 {
        (format!("the {} lab", missing[0]), "is", "it")
    } else {
        (format!("the labs {}", missing.join(", ")), "are", "them")
    };
    bail!(
        "the report runs every lab, and {which} {verb} not built in {}: build {pronoun} with `{}` (or build the whole workspace)",
        binary_dir()?.display(),
        build_command(&missing).join(" "),
    )
}

/// The labs among `labs` whose binaries are not next to this one.
fn missing_labs(labs: &[&'static str]) -> Result<Vec<&'static str>> {
    let mut missing = Vec::new();
    for lab in labs {
        if !lab_binary(lab)?.exists() && !missing.contains(lab) {
            missing.push(*lab);
        }
    }
    Ok(missing)
}

/// `cargo build [--release] -p <lab>...`, with this executable's profile.
fn build_command(labs: &[&str]) -> Vec<String> {
    let release = binary_dir().is_ok_and(|dir| dir.file_name().is_some_and(|n| n == "release"));
    let mut command = vec!["cargo".to_string(), "build".to_string()];
    if release {
        command.push("--release".into());
    }
    for lab in labs {
        command.extend(["-p".to_string(), lab.to_string()]);
    }
    command
}

/// Builds `labs` with `cargo` in the workspace, Cargo's progress on stderr.
fn build_labs(cargo: &Path, workspace: &Path, labs: &[&str]) -> Result<()> {
    let command = build_command(labs);
    eprintln!(
        "The report runs every lab; building the {} not built yet: {}",
        if labs.len() == 1 { "one" } else { "ones" },
        command.join(" ")
    );
    let status = std::process::Command::new(cargo)
        .args(&command[1..])
        .current_dir(workspace)
        .stdin(std::process::Stdio::null())
        .status()
        .with_context(|| format!("running {}", command.join(" ")))?;
    if !status.success() {
        bail!("`{}` failed ({status})", command.join(" "));
    }
    Ok(())
}

/// One run of a lab: its arguments (without `--scale`) and scale.
#[derive(Debug, Clone, PartialEq)]
pub struct LabRun {
    pub lab: &'static str,
    pub args: Vec<String>,
    pub scale: f64,
}

impl LabRun {
    pub fn command(&self) -> String {
        format!(
            "{} {} --scale {}",
            self.lab,
            self.args.join(" "),
            self.scale
        )
    }
}

/// Runs `run` with `--scale`, `--rounds` and `--json` and reads the document
/// it printed. Files the lab writes (SVGs) go to `scratch`, not to the
/// book's outputs.
pub fn run_lab(run: &LabRun, rounds: u32, scratch: &Path) -> Result<Document> {
    let mut args = run.args.clone();
    args.extend(["--scale".into(), run.scale.to_string()]);
    args.extend(["--rounds".into(), rounds.to_string(), "--json".into()]);
    let out = labkit::transcript::run_bounded(
        &lab_binary(run.lab)?,
        &args,
        &[(labkit::transcript::OUTPUT_DIR_ENV, scratch)],
        Duration::from_secs(600),
    )?;
    if out.code != Some(0) {
        bail!(
            "`{} {}` failed ({}): {}",
            run.lab,
            args.join(" "),
            out.code
                .map_or("killed".to_string(), |c| format!("exit status {c}")),
            out.stderr.trim()
        );
    }
    Document::from_json(&out.stdout)
        .with_context(|| format!("`{}` did not print a JSON document", run.command()))
}

/// Runs each distinct run of `runs` once, with a progress bar, and returns
/// the documents in the same order as `runs`.
pub fn run_all(runs: &[LabRun], rounds: u32) -> Result<Vec<Document>> {
    let mut labs: Vec<&'static str> = runs.iter().map(|r| r.lab).collect();
    labs.dedup();
    check_binaries(&labs)?;
    let scratch = std::env::temp_dir().join(format!("choosing-report-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let mut distinct: Vec<&LabRun> = Vec::new();
    for run in runs {
        if !distinct.contains(&run) {
            distinct.push(run);
        }
    }
    let progress = indicatif::ProgressBar::new(distinct.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
            .expect("a valid template"),
    );
    let mut done: Vec<(&LabRun, Document)> = Vec::new();
    let result = (|| -> Result<()> {
        for run in &distinct {
            progress.set_message(run.command());
            done.push((run, run_lab(run, rounds, &scratch)?));
            progress.inc(1);
        }
        Ok(())
    })();
    progress.finish_and_clear();
    let _ = std::fs::remove_dir_all(&scratch);
    result?;
    Ok(runs
        .iter()
        .map(|run| {
            let (_, document) = done.iter().find(|(r, _)| *r == run).expect("run above");
            document.clone()
        })
        .collect())
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

/// The report's runs at `scale`: each headline's, then each twin's.
fn report_runs(scale: f64) -> (Vec<LabRun>, Vec<Option<LabRun>>) {
    let rust = HEADLINES
        .iter()
        .map(|h| LabRun {
            lab: h.lab,
            args: strings(h.args),
            scale: h.scale(scale),
        })
        .collect();
    let twins = HEADLINES
        .iter()
        .map(|h| {
            h.twin.map(|t| LabRun {
                lab: h.lab,
                args: strings(t.args),
                scale: super::rounded(scale * t.scale_factor),
            })
        })
        .collect();
    (rust, twins)
}

/// The series of the report's chart.
pub const REPORT_SERIES: [Series; 3] = [
    Series {
        name: "Python, as reported",
        colour: "#9e9e9e",
        missing: "no Python times reported",
    },
    Series {
        name: "CPython, measured here",
        colour: "#3b7dd8",
        missing: "no CPython run",
    },
    Series {
        name: "Rust, measured here",
        colour: "#e07b39",
        missing: "no number",
    },
];

/// The chart of the report's speedups.
pub fn report_svg(outcomes: &[Outcome]) -> String {
    let groups: Vec<Group> = outcomes
        .iter()
        .filter(|o| o.headline.is_speedup())
        .map(|o| Group {
            label: o.headline.label.to_string(),
            chapter: o.headline.chapter.to_string(),
            values: vec![
                o.headline.reported.speedup(),
                o.cpython.as_ref().and_then(|f| f.speedup.map(|s| s.median)),
                o.rust.speedup.map(|s| s.median),
            ],
        })
        .collect();
    chart::svg(
        "Speedups: the Python material's, CPython's and Rust's measured here",
        &REPORT_SERIES,
        &groups,
    )
}

/// Reads every headline's outcome from the documents of its runs.
pub fn outcomes(
    rust: &[(LabRun, Document)],
    twins: &[Option<(LabRun, Document)>],
) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    for ((headline, (run, document)), twin) in HEADLINES.iter().zip(rust).zip(twins) {
        let (cpython, free_threaded) = match (&headline.twin, twin) {
            (Some(spec), Some((_, doc))) => twin_figures(headline, spec, &doc.rows)?,
            _ => (None, None),
        };
        outcomes.push(Outcome {
            headline: *headline,
            scale: run.scale,
            rust: rust_figure(headline, &document.rows)?,
            cpython,
            free_threaded,
        });
    }
    Ok(outcomes)
}

/// `choosing report`: runs every headline and its twin at `--scale`, prints
/// the tables and writes `report.md` and `speedups.svg`.
pub fn report(common: &Common) -> Result<()> {
    let scale = common.scale.factor();
    let (rust_runs, twin_runs) = report_runs(scale);
    let mut all: Vec<LabRun> = rust_runs.clone();
    all.extend(twin_runs.iter().flatten().cloned());
    let documents = run_all(&all, common.rounds)?;
    let (rust_docs, twin_docs) = documents.split_at(rust_runs.len());
    let rust: Vec<(LabRun, Document)> = rust_runs.into_iter().zip(rust_docs.to_vec()).collect();
    let mut twin_docs = twin_docs.iter();
    let twins: Vec<Option<(LabRun, Document)>> = twin_runs
        .into_iter()
        .map(|run| run.map(|run| (run, twin_docs.next().expect("one per twin").clone())))
        .collect();
    let outcomes = outcomes(&rust, &twins)?;

    let python = python_facts("python3");
    let cores = labkit::os::cores();
    // Fixed line breaks: a rerun at another scale keeps the same lines.
    let text = format!(
        "{} headline experiments at --scale {}, {} rounds each, on {cores} cores.\n\
         CPython measured here: {python}.\n\
         Times are at the scale of each run; speedups do not depend on it.\n\n{}",
        outcomes.len(),
        common.scale,
        common.rounds,
        super::tables(&outcomes)
    );
    let out_dir = labkit::transcript::output_dir("choosing");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let md_path = out_dir.join("report.md");
    std::fs::write(&md_path, &text).with_context(|| format!("writing {}", md_path.display()))?;
    let svg_path = out_dir.join("speedups.svg");
    std::fs::write(&svg_path, report_svg(&outcomes))
        .with_context(|| format!("writing {}", svg_path.display()))?;
    if common.json {
        let rows: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| {
                let speedup = |f: &Option<super::Figure>| {
                    f.as_ref().and_then(|f| f.speedup.map(|s| s.median))
                };
                serde_json::json!({
                    "experiment": o.headline.command(), "variant": o.headline.label,
                    "wall_seconds": o.rust.wall.median,
                    "speedup": o.rust.speedup.map(|s| s.median),
                    "chapter": o.headline.chapter, "measured": o.rust.text,
                    "cpython": o.cpython.as_ref().map(|f| f.text.clone()),
                    "cpython_speedup": speedup(&o.cpython),
                    "free_threaded_speedup": speedup(&o.free_threaded),
                    "python_reported": o.headline.reported.figure,
                    "python_reported_file": o.headline.reported.file,
                    "python_reported_speedup": o.headline.reported.speedup(),
                })
            })
            .collect();
        let document = serde_json::json!({ "cores": cores, "rows": rows });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        print!("{text}");
    }
    common.say("Wrote report.md and speedups.svg.");
    Ok(())
}

/// What `python` is, in a few words: `CPython 3.11.7 (python3, GIL on)`,
/// or that there is none.
pub fn python_facts(python: &str) -> String {
    match labkit::python::find(&[python]).into_iter().next() {
        Some(labkit::python::Lookup::Found { facts, .. }) => format!(
            "{} ({python}, GIL {})",
            facts.label(),
            if facts.gil_on() { "on" } else { "off" }
        ),
        _ => format!("none ({python} not found: the CPython cells say so)"),
    }
}
