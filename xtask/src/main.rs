//! Maintainer tasks for Concurrency Lab.
//!
//! `cargo run -p xtask -- outputs` rebuilds every lab in release mode and
//! regenerates every transcript the book shows, each with its JSON sidecar
//! (`outputs/<name>.json`, written by the same run through `--json-out`, with
//! a digest of the lab's sources), and records the rounds in each header
//! (see `labkit::transcript`). Run it on a quiet machine: the transcripts
//! are the book's numbers.
//!
//! `cargo run -p xtask -- lab-pages` writes the book's appendix "The labs"
//! (`src/labs.md` and `src/lab-<lab>.md`) from the labs themselves.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail, ensure};
use clap::{Parser, Subcommand};

// Shared with tests/book.rs, which uses parts that xtask does not.
#[allow(dead_code)]
mod lab_pages;
mod pages_task;
mod toolchain;

/// Maintainer tasks for Concurrency Lab.
#[derive(Parser, Debug)]
#[command(name = "xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand, Debug)]
enum Task {
    /// Regenerate the transcripts and their JSON sidecars in labs/<lab>/outputs/ (release build).
    Outputs {
        /// Only these labs (default: every lab that has a transcripts.txt).
        #[arg(long = "lab", value_name = "LAB")]
        labs: Vec<String>,
        /// Only transcripts whose file name contains this text.
        #[arg(long, value_name = "TEXT")]
        only: Option<String>,
    },
    /// Write the book's appendix "The labs" (src/labs.md, src/lab-<lab>.md) from the labs.
    LabPages,
    /// Say whether the compiler in use is the one the book's outputs were made with.
    Toolchain,
}

fn main() -> ExitCode {
    labkit::cli::run(|cli: Cli| match cli.task {
        Task::Outputs { labs, only } => outputs(labs, only),
        Task::LabPages => pages_task::write_lab_pages(&workspace_root()),
        Task::Toolchain => toolchain::report(&workspace_root()),
    })
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

fn outputs(requested: Vec<String>, only: Option<String>) -> Result<()> {
    let root = workspace_root();
    let mut labs = Vec::new();
    for entry in std::fs::read_dir(root.join("labs"))? {
        let dir = entry?.path();
        if dir.join("transcripts.txt").exists() {
            labs.push(dir.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    labs.sort();
    for lab in &requested {
        ensure!(
            labs.contains(lab),
            "no lab '{lab}' with a transcripts.txt (labs: {})",
            labs.join(", ")
        );
    }
    if !requested.is_empty() {
        labs.retain(|lab| requested.contains(lab));
    }

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(&cargo);
    // Every lab's binary, not only the requested ones: `choosing report`
    // runs the other labs, found next to its own executable.
    build
        .current_dir(&root)
        .args(["build", "--release", "--workspace", "--bins"]);
    let status = build.status().context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release failed");
    }

    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .context("running rustc --version")?;
    let rustc = String::from_utf8_lossy(&rustc.stdout).trim().to_string();
    let cores = labkit::os::cores();
    let stamp = format!("{cores} cores, {rustc}");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);

    for lab in &labs {
        let lab_dir = root.join("labs").join(lab);
        let bin = target.join("release").join(lab);
        let text = only.clone().unwrap_or_default();
        let selected = |spec: &labkit::transcript::Spec| spec.file.contains(&text);
        let specs = labkit::transcript::specs(&lab_dir)?;
        // Lines without features use the build made above; each set of
        // features gets a build of its own, made just before its lines run.
        let mut feature_sets: Vec<Vec<String>> = Vec::new();
        for spec in specs.iter().filter(|s| selected(s)) {
            if !feature_sets.contains(&spec.features) {
                feature_sets.push(spec.features.clone());
            }
        }
        feature_sets.sort();
        for features in feature_sets {
            if !features.is_empty() {
                let status = Command::new(&cargo)
                    .current_dir(&root)
                    .args([
                        "build",
                        "--release",
                        "-p",
                        lab,
                        "--features",
                        &features.join(","),
                    ])
                    .status()
                    .context("running cargo build")?;
                if !status.success() {
                    bail!(
                        "cargo build --release -p {lab} --features {} failed",
                        features.join(",")
                    );
                }
            }
            let select =
                |spec: &labkit::transcript::Spec| selected(spec) && spec.features == features;
            for path in labkit::transcript::regenerate_lines(lab, &bin, &lab_dir, &stamp, &select)?
            {
                println!(
                    "wrote {}",
                    path.strip_prefix(&root).unwrap_or(&path).display()
                );
            }
        }
    }
    Ok(())
}
