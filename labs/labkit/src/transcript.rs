//! Transcripts: the lab outputs the book shows, made by running the labs.
//!
//! The book never shows output typed by hand. Each lab lists, in
//! `labs/<lab>/transcripts.txt`, the runs whose output the book includes:
//!
//! ```text
//! # file in outputs/: arguments to the lab [; check-scale F]
//! weather.txt: weather
//! weather-json.txt: weather --json
//! powersum.txt: powersum ; check-scale 0.001
//! detect.txt: detect ; features detect
//! ```
//!
//! `cargo run -p xtask -- outputs` runs each line with the release build and
//! writes `labs/<lab>/outputs/<file>`: the command that made it
//! (`$ cargo run --release -p <lab> -- <args>`), a stamp line saying how
//! (`# 2 cores, rustc ..., 5 rounds`), then the program's standard output, then `[exit status N]` if it was not 0.
//! The same run writes the **sidecar** `outputs/<name>.json` (the lab's
//! `--json-out`): the JSON document of the rows the table shows, with every
//! sample, plus a digest of the lab's own sources ([`source_digest`]). A line
//! whose run prints no rows has no sidecar. Claims tests read exact numbers
//! from the sidecar ([`sidecar`]), never the rounded table.
//!
//! [`check_lab`], called by every lab's `tests/transcripts.rs`, reruns each
//! line at a small `--scale` (0.01 unless the line says otherwise) with
//! `--rounds 2` and compares the output's *shape* with the committed file:
//! numbers and their units are masked, spacing is squeezed, the `Machine:`
//! line is masked whole, and everything else must match. A program changed
//! without regenerating its transcripts fails that test, and so does a
//! transcript whose lines were edited or deleted by hand. Where a sidecar is
//! committed, the test also checks that:
//!
//! - the transcript's table (and method lines) are exactly the rendering of
//!   the sidecar, so a number edited by hand fails ([`check_rendering`]);
//! - no median speedup in it is above its ceiling plus tolerance;
//! - it was made from the lab's current sources (else: "regenerate with
//!   `cargo run -p xtask -- outputs --lab X`"), so a code change that makes
//!   an experiment slower cannot go unnoticed behind old numbers;
//! - it has the rows the program now measures.
//!
//! A line with `features F` is made by a build with those cargo features
//! (`cargo run --release -p <lab> --features F -- <args>`), and is checked
//! only by a test binary built with exactly those features (see
//! [`check_lab_with_features`]); the other lines by one built without any.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, ensure};

use crate::results::Document;

mod check;
use run::body;
mod mask;
mod run;
mod rustc;
mod sources;
mod specs;
#[cfg(test)]
mod tests;

pub use check::{
    SIDECARS_REQUIRED, check_lab, check_lab_except, check_lab_with_features, check_rendering,
};
pub use mask::{MACHINE_PREFIX, mask};
pub use run::{Captured, run_bounded};
pub use rustc::{recorded_rustc, running_rustc, toolchain_note, transcript_rustc};
pub use sources::{source_digest, source_files};
pub use specs::{Spec, sidecar_name, specs};

/// The scale a transcript is rechecked at unless its line says otherwise.
pub const DEFAULT_CHECK_SCALE: f64 = 0.01;

/// The rounds a transcript is rechecked with: its shape, not its numbers,
/// is what the rerun checks.
pub const CHECK_ROUNDS: u32 = 2;

/// How long one rerun of a lab may take in a test before it counts as hung.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(180);

/// The environment variable through which `xtask outputs` tells a lab where
/// to write extra files (SVG timelines, say) that the book includes.
pub const OUTPUT_DIR_ENV: &str = "LABKIT_OUTPUT_DIR";

/// The command a reader types to reproduce a transcript (with the cargo
/// features the run needs, if any).
pub fn command_line_with_features(lab: &str, features: &[String], args: &[String]) -> String {
    let mut line = format!("$ cargo run --release -p {lab}");
    if !features.is_empty() {
        line.push_str(&format!(" --features {}", features.join(",")));
    }
    line.push_str(" --");
    for arg in args {
        line.push(' ');
        line.push_str(arg);
    }
    line
}

/// Where a lab writes extra files (SVGs) that the book includes: the directory
/// `xtask outputs` names through [`OUTPUT_DIR_ENV`], or else `lab-output/<lab>`
/// under the current directory.
pub fn output_dir(lab: &str) -> PathBuf {
    match std::env::var_os(OUTPUT_DIR_ENV) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from("lab-output").join(lab),
    }
}

/// Runs the lines of `transcripts.txt` that `select` picks with `bin` (which
/// must have been built with those lines' features) and writes their files
/// into `outputs/`. `stamp` is what follows `# ` on the line after the
/// command (cores and compiler version).
pub fn regenerate_lines(
    lab: &str,
    bin: &Path,
    lab_dir: &Path,
    stamp: &str,
    select: &dyn Fn(&Spec) -> bool,
) -> Result<Vec<PathBuf>> {
    let outputs = lab_dir.join("outputs");
    std::fs::create_dir_all(&outputs)?;
    let sources = source_digest(lab_dir)?;
    let mut written = Vec::new();
    for spec in specs(lab_dir)?.into_iter().filter(|s| select(s)) {
        let sidecar = outputs.join(spec.sidecar());
        let _ = std::fs::remove_file(&sidecar);
        let mut args = spec.args.clone();
        args.push("--json-out".into());
        args.push(sidecar.to_string_lossy().into_owned());
        let captured = run_bounded(
            bin,
            &args,
            &[(OUTPUT_DIR_ENV, &outputs)],
            Duration::from_secs(1800),
        )?;
        let mut stamp = stamp.to_string();
        // A lab or experiment that prints no rows writes no sidecar.
        if sidecar.exists() {
            let mut document = Document::read(&sidecar)?;
            if let Some(method) = &document.method {
                stamp.push_str(&format!(", {} rounds", method.rounds));
            }
            document.sources = Some(sources.clone());
            document.write(&sidecar)?;
            written.push(sidecar);
        }
        let command = command_line_with_features(lab, &spec.features, &spec.args);
        // The command on a line of its own, the stamp on the next: a long
        // command and its stamp together would be wider than an output cell.
        let text = format!("{command}\n{STAMP_PREFIX}{stamp}\n{}", body(&captured));
        let path = outputs.join(&spec.file);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// The sidecar of a committed transcript: the JSON document written by the
/// same run (`outputs/countdown.json` for `countdown.txt`). Claims tests
/// read exact numbers from it, never the rounded table.
pub fn sidecar(lab_dir: &Path, file: &str) -> Result<Document> {
    let path = lab_dir.join("outputs").join(sidecar_name(file));
    ensure!(
        path.exists(),
        "{} is missing: regenerate it with `cargo run -p xtask -- outputs`",
        path.display()
    );
    Document::read(&path)
}

/// Reads a committed transcript and returns its header and body.
pub fn read(lab_dir: &Path, file: &str) -> Result<(String, String)> {
    let path = lab_dir.join("outputs").join(file);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{} is missing: regenerate it with `cargo run -p xtask -- outputs`",
            path.display()
        )
    })?;
    let (header, body) = text.split_once('\n').unwrap_or((&text, ""));
    // The stamp line (`# 2 cores, rustc ...`) is part of the header.
    let body = match body.split_once('\n') {
        Some((stamp, rest)) if stamp.starts_with(STAMP_PREFIX) => rest,
        _ => body,
    };
    Ok((header.to_string(), body.to_string()))
}

/// How the line after a transcript's command starts: it says how the
/// transcript was made (`# 2 cores, rustc 1.95.0 (...), 5 rounds`).
pub const STAMP_PREFIX: &str = "# ";

/// The tables in a committed transcript, for tests that check the numbers the
/// book quotes (for example "the sequential weather run took 6 s ± 5 %").
pub fn tables(lab_dir: &Path, file: &str) -> Result<Vec<crate::results::Table>> {
    let (_, body) = read(lab_dir, file)?;
    Ok(crate::results::read_tables(&body))
}
