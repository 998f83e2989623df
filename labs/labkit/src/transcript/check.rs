//! The transcripts test: every recorded line rerun at a small scale and
//! compared with its transcript and its sidecar.

use std::path::Path;

use anyhow::{Context, Result, bail, ensure};

use super::*;
use crate::results::{Document, Results};

/// Checks every transcript of a lab against a fresh run at a small scale.
///
/// Fails, listing every problem at once, when a listed transcript is missing,
/// its header no longer names its arguments, its masked output differs from
/// the program's, or `outputs/` holds a `.txt` file nobody lists.
pub fn check_lab(lab: &str, bin: &Path, lab_dir: &Path) -> Result<()> {
    check_lab_with_features(lab, bin, lab_dir, &[])
}

/// [`check_lab`] for a test binary built with cargo `features`: it checks
/// the lines made with exactly those features, and leaves the others to the
/// test binary of the matching build.
pub fn check_lab_with_features(
    lab: &str,
    bin: &Path,
    lab_dir: &Path,
    features: &[&str],
) -> Result<()> {
    let mut enabled: Vec<String> = features.iter().map(|f| f.to_string()).collect();
    enabled.sort();
    let all = specs(lab_dir)?;
    ensure!(
        !all.is_empty(),
        "{lab}: transcripts.txt lists no transcript"
    );
    let specs: Vec<Spec> = all
        .iter()
        .filter(|s| s.features == enabled)
        .cloned()
        .collect();
    ensure!(
        !specs.is_empty(),
        "{lab}: no transcript is made with features {enabled:?}"
    );
    let scratch = std::env::temp_dir().join(format!("labkit-check-{lab}-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    let mut problems = Vec::new();
    for spec in &specs {
        if let Err(problem) = check_one(lab, bin, lab_dir, spec, &scratch) {
            problems.push(format!("{}: {problem:#}", spec.file));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    if let Ok(entries) = std::fs::read_dir(lab_dir.join("outputs")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".txt") && !all.iter().any(|s| s.file == name) {
                problems.push(format!("outputs/{name} is not listed in transcripts.txt"));
            }
            if name.ends_with(".json") && !all.iter().any(|s| s.sidecar() == name) {
                problems.push(format!(
                    "outputs/{name} is the sidecar of no transcript listed in transcripts.txt"
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(
            "{lab}: {} transcript problem(s); if the program changed on purpose, \
             run `cargo run -p xtask -- outputs --lab {lab}` and commit:\n{}",
            problems.len(),
            problems.join("\n")
        )
    }
}

/// [`check_lab`] without the transcripts named in `skip` (and their
/// sidecars): for a line that cannot be rerun on this machine, such as a
/// Python twin's run where no `python3` is installed. The other lines are
/// checked from a scratch copy of the lab (its `transcripts.txt` without the
/// skipped lines, its outputs, and the sources the sidecars' digests cover).
pub fn check_lab_except(lab: &str, bin: &Path, lab_dir: &Path, skip: &[&str]) -> Result<()> {
    if skip.is_empty() {
        return check_lab(lab, bin, lab_dir);
    }
    fn copy_tree(from: &Path, to: &Path) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(from) else {
            return Ok(());
        };
        std::fs::create_dir_all(to)?;
        for entry in entries {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy_tree(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), &target)?;
            }
        }
        Ok(())
    }
    let scratch =
        std::env::temp_dir().join(format!("labkit-check-except-{lab}-{}", std::process::id()));
    let copied = (|| -> Result<()> {
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(scratch.join("outputs"))?;
        let skipped: Vec<String> = skip
            .iter()
            .flat_map(|file| [file.to_string(), sidecar_name(file)])
            .collect();
        let specs = std::fs::read_to_string(lab_dir.join("transcripts.txt"))?;
        let kept: Vec<&str> = specs
            .lines()
            .filter(|line| {
                let file = line.split(':').next().unwrap_or("").trim();
                !skip.contains(&file)
            })
            .collect();
        std::fs::write(scratch.join("transcripts.txt"), kept.join("\n") + "\n")?;
        for entry in std::fs::read_dir(lab_dir.join("outputs"))? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type()?.is_file() && !skipped.contains(&name) {
                std::fs::copy(entry.path(), scratch.join("outputs").join(&name))?;
            }
        }
        for dir in ["src", "python"] {
            copy_tree(&lab_dir.join(dir), &scratch.join(dir))?;
        }
        if lab_dir.join("Cargo.toml").is_file() {
            std::fs::copy(lab_dir.join("Cargo.toml"), scratch.join("Cargo.toml"))?;
        }
        Ok(())
    })();
    let checked = copied
        .with_context(|| format!("copying {} to {}", lab_dir.display(), scratch.display()))
        .and_then(|()| check_lab(lab, bin, &scratch));
    let _ = std::fs::remove_dir_all(&scratch);
    checked
}

/// Whether every transcript whose program writes a JSON document must have
/// its sidecar (`xtask outputs` writes both in one run). It was `false` only
/// while the labs' outputs were first regenerated with sidecars.
pub const SIDECARS_REQUIRED: bool = true;

fn check_one(lab: &str, bin: &Path, lab_dir: &Path, spec: &Spec, scratch: &Path) -> Result<()> {
    let (header, committed) = read(lab_dir, &spec.file)?;
    let expected_command = command_line_with_features(lab, &spec.features, &spec.args);
    let command = header.split("  # ").next().unwrap_or("");
    ensure!(
        command == expected_command,
        "the header says `{command}` but transcripts.txt says `{expected_command}`"
    );
    let fresh_sidecar = scratch.join(spec.sidecar());
    let _ = std::fs::remove_file(&fresh_sidecar);
    let mut args = spec.check_args();
    args.push("--json-out".into());
    args.push(fresh_sidecar.to_string_lossy().into_owned());
    let captured = run_bounded(bin, &args, &[(OUTPUT_DIR_ENV, scratch)], CHECK_TIMEOUT)?;
    let fresh = body(&captured);
    let (want, got) = (mask(&committed), mask(&fresh));
    if want != got {
        let want_lines: Vec<&str> = want.lines().collect();
        let got_lines: Vec<&str> = got.lines().collect();
        let first = (0..want_lines.len().max(got_lines.len()))
            .find(|&i| want_lines.get(i) != got_lines.get(i))
            .unwrap_or(0);
        bail!(
            "the output of `{} {}` no longer has the committed shape; first difference at body line {}:\n  committed: {:?}\n  program:   {:?}\n(stderr: {})",
            lab,
            args.join(" "),
            first + 1,
            want_lines.get(first).unwrap_or(&"<end>"),
            got_lines.get(first).unwrap_or(&"<end>"),
            captured.stderr.trim()
        );
    }
    // What the program prints is the rendering of the document it writes.
    let fresh_document = if fresh_sidecar.exists() {
        let document = Document::read(&fresh_sidecar)?;
        check_rendering(&fresh, &document)
            .context("the rerun's output is not the rendering of its own --json-out document")?;
        Some(document)
    } else {
        None
    };
    let sidecar_path = lab_dir.join("outputs").join(spec.sidecar());
    if !sidecar_path.exists() {
        ensure!(
            !(SIDECARS_REQUIRED && fresh_document.is_some()),
            "outputs/{} is missing: the program writes a JSON document for this line",
            spec.sidecar()
        );
        return Ok(());
    }
    let sidecar = Document::read(&sidecar_path)?;
    check_rendering(&committed, &sidecar).with_context(|| {
        format!(
            "the numbers in outputs/{} are not those of outputs/{} (edited by hand, or made by different runs)",
            spec.file,
            spec.sidecar()
        )
    })?;
    let problems = sidecar.results().problems();
    ensure!(
        problems.is_empty(),
        "outputs/{} holds a speedup above its ceiling, a bug in the experiment: {}",
        spec.sidecar(),
        problems.join("; ")
    );
    let sources = source_digest(lab_dir)?;
    ensure!(
        sidecar.sources.as_deref() == Some(sources.as_str()),
        "outputs/{} was made from other sources than the lab's current src/, python/ and \
         Cargo.toml ({} now, {} then): regenerate with `cargo run -p xtask -- outputs --lab {lab}`",
        spec.file,
        sources,
        sidecar.sources.as_deref().unwrap_or("no digest")
    );
    let Some(fresh_document) = fresh_document else {
        bail!(
            "the program no longer writes a JSON document, but outputs/{} exists",
            spec.sidecar()
        );
    };
    let names = |document: &Document| -> Vec<String> {
        document
            .rows
            .iter()
            .map(|row| mask(&format!("{} / {}", row.experiment, row.variant)))
            .collect()
    };
    ensure!(
        names(&sidecar) == names(&fresh_document),
        "outputs/{} has other rows than the program now measures:\n  committed: {:?}\n  program:   {:?}",
        spec.sidecar(),
        names(&sidecar),
        names(&fresh_document)
    );
    Ok(())
}

/// Checks that `body` (a lab's output) shows what `document` holds: either
/// the body is the document itself (a `--json` run), or it contains the
/// document rendered as text (the method's lines, the table, its legend),
/// or, for a lab that prints one table per experiment, each experiment's table.
pub fn check_rendering(body: &str, document: &Document) -> Result<()> {
    let body = body.trim_end();
    if body.starts_with('{') {
        let shown = Document::from_json(body)
            .context("the output looks like JSON but is not a document")?;
        ensure!(
            shown.rows == document.rows,
            "the JSON the run printed has other rows than its sidecar"
        );
        return Ok(());
    }
    let text = document.results().to_text();
    if body.contains(text.trim_end()) {
        return Ok(());
    }
    let mut experiments: Vec<&str> = Vec::new();
    for row in &document.rows {
        if !experiments.contains(&row.experiment.as_str()) {
            experiments.push(&row.experiment);
        }
    }
    let per_experiment = experiments.len() > 1
        && experiments.iter().all(|experiment| {
            let rows = document.rows.iter().filter(|r| r.experiment == *experiment);
            let table = Results::from_rows(rows.cloned().collect()).to_table();
            body.contains(table.trim_end())
        });
    if per_experiment {
        return Ok(());
    }
    // Say which line differs, lining the rendering up at its first line.
    let wanted: Vec<&str> = text.lines().collect();
    let lines: Vec<&str> = body.lines().collect();
    let start = lines
        .iter()
        .position(|line| mask(line) == mask(wanted[0]))
        .unwrap_or(0);
    let differs = wanted
        .iter()
        .enumerate()
        .find(|(i, want)| lines.get(start + i) != Some(*want))
        .map(|(i, want)| (lines.get(start + i).copied().unwrap_or("<end>"), *want))
        .unwrap_or(("<nothing found>", wanted[0]));
    bail!(
        "a line of the output differs from its JSON document:\n  shown: {:?}\n  JSON:  {:?}",
        differs.0,
        differs.1
    )
}
