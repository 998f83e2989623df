//! The outputs the book shows still match what the program prints.
//!
//! The lines of `transcripts.txt` that run CPython name their interpreters
//! (`--python python3,python3.13,python3.13t`). A machine
//! that lacks one of them (only `python3`, say) still checks those lines:
//! the rerun reports the missing interpreter and measures the others, and
//! the comparison leaves out, on both sides, what belongs to the missing
//! one (its line under `Interpreters:` and the tables named after it). A
//! line whose interpreters are all missing is skipped, with a message.

use std::path::{Path, PathBuf};

use labkit::python::{Lookup, find};
use labkit::transcript::{self, Spec};

fn lab() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_gil"))
}

/// The interpreters a line names with `--python`.
fn pythons(spec: &Spec) -> Vec<String> {
    let mut names = Vec::new();
    let mut args = spec.args.iter();
    while let Some(arg) = args.next() {
        if arg == "--python"
            && let Some(list) = args.next()
        {
            names.extend(list.split(',').map(str::to_string));
        }
    }
    names
}

/// The names among `names` whose rows a run here cannot have: those that
/// do not run on this machine, and those that are the same interpreter as
/// an earlier name (a `python3` that is `python3.13`, say).
fn missing_here(names: &[String]) -> Vec<String> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    find(&names)
        .into_iter()
        .filter(|lookup| !matches!(lookup, Lookup::Found { .. }))
        .map(|lookup| lookup.name().to_string())
        .collect()
}

#[test]
fn transcripts_match_the_program() {
    let specs = transcript::specs(lab()).unwrap();
    let mut all_names: Vec<String> = specs.iter().flat_map(pythons).collect();
    all_names.sort();
    all_names.dedup();
    let missing = missing_here(&all_names);
    if missing.is_empty() {
        transcript::check_lab("gil", bin(), lab()).unwrap();
        return;
    }
    eprintln!("missing here: {missing:?}; their parts of the transcripts are not checked");
    let (whole, partial): (Vec<Spec>, Vec<Spec>) = specs
        .into_iter()
        .partition(|spec| pythons(spec).iter().all(|name| !missing.contains(name)));
    let scratch = lab_with_only(&whole);
    let checked = transcript::check_lab("gil", bin(), &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    checked.unwrap();
    for spec in &partial {
        if pythons(spec).iter().all(|name| missing.contains(name)) {
            eprintln!(
                "{}: every interpreter it names is missing: skipped",
                spec.file
            );
            continue;
        }
        check_without(spec, &missing).unwrap_or_else(|err| panic!("{}: {err}", spec.file));
    }
}

#[test]
fn a_missing_interpreter_leaves_the_rest_of_its_transcript_checked() {
    // Pretend python3.13t is missing here (and whatever really is).
    let specs = transcript::specs(lab()).unwrap();
    let spec = specs
        .iter()
        .find(|s| s.file == "python-fib.txt")
        .expect("python-fib.txt is listed");
    let mut missing = missing_here(&pythons(spec));
    missing.push("python3.13t".into());
    let (_, committed) = transcript::read(lab(), &spec.file).unwrap();
    let kept = without(&committed, &missing);
    assert!(committed.contains("(GIL off)"), "{committed}");
    assert!(!kept.contains("(GIL off)"), "{kept}");
    assert!(kept.contains("\nfib: Rust Gil\n|"), "{kept}");
    if pythons(spec).iter().all(|name| missing.contains(name)) {
        eprintln!(
            "no interpreter of {} runs here: the rerun is skipped",
            spec.file
        );
        return;
    }
    check_without(spec, &missing).unwrap();
}

/// A copy of the lab (sources and outputs) whose `transcripts.txt` lists
/// only `specs`, to check those with labkit's check.
fn lab_with_only(specs: &[Spec]) -> PathBuf {
    let scratch = std::env::temp_dir().join(format!("gil-transcripts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    copy_dir(&lab().join("src"), &scratch.join("src"));
    copy_dir(&lab().join("python"), &scratch.join("python"));
    std::fs::copy(lab().join("Cargo.toml"), scratch.join("Cargo.toml")).unwrap();
    std::fs::create_dir_all(scratch.join("outputs")).unwrap();
    let text = std::fs::read_to_string(lab().join("transcripts.txt")).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| match line.split_once(':') {
            Some((file, _)) if !line.trim_start().starts_with('#') => {
                specs.iter().any(|s| s.file == file.trim())
            }
            _ => true,
        })
        .collect();
    std::fs::write(scratch.join("transcripts.txt"), kept.join("\n")).unwrap();
    for spec in specs {
        for name in [spec.file.clone(), spec.sidecar()] {
            let from = lab().join("outputs").join(&name);
            if from.exists() {
                std::fs::copy(&from, scratch.join("outputs").join(&name)).unwrap();
            }
        }
    }
    scratch
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// Checks one line as labkit's check does, leaving out of both outputs what
/// belongs to the `missing` interpreters. The rerun names each of them by a
/// path that cannot exist, so that one merely pretended missing is missing.
fn check_without(spec: &Spec, missing: &[String]) -> Result<(), String> {
    let (header, committed) = transcript::read(lab(), &spec.file).map_err(|e| e.to_string())?;
    let command = transcript::command_line_with_features("gil", &[], &spec.args);
    // The stamp (`# 2 cores, rustc ...`) follows the command on its line,
    // or has a line of its own.
    if header != command && !header.starts_with(&format!("{command}  #")) {
        return Err(format!("the header {header:?} is not `{command}`"));
    }
    let gone = |name: &str| format!("/nonexistent/missing-here/{name}");
    let mut args = Vec::new();
    let mut previous_was_python = false;
    for arg in spec.check_args() {
        let arg = if previous_was_python {
            let names: Vec<String> = arg
                .split(',')
                .map(|name| {
                    if missing.iter().any(|m| m == name) {
                        gone(name)
                    } else {
                        name.to_string()
                    }
                })
                .collect();
            names.join(",")
        } else {
            arg
        };
        previous_was_python = arg == "--python";
        args.push(arg);
    }
    let captured = transcript::run_bounded(bin(), &args, &[], transcript::CHECK_TIMEOUT)
        .map_err(|e| e.to_string())?;
    if captured.code != Some(0) {
        return Err(format!("the rerun failed: {}", captured.stderr.trim()));
    }
    let renamed: Vec<String> = missing.iter().map(|m| gone(m)).collect();
    let want = transcript::mask(&without(&committed, missing));
    let got = transcript::mask(&without(&captured.stdout, &renamed));
    if want != got {
        let first = want
            .lines()
            .zip(got.lines())
            .find(|(w, g)| w != g)
            .map_or(("<length>", "<length>"), |pair| pair);
        return Err(format!(
            "`gil {}` no longer has the committed shape without {missing:?}:\n  committed: {:?}\n  program:   {:?}",
            args.join(" "),
            first.0,
            first.1
        ));
    }
    let sidecar = transcript::sidecar(lab(), &spec.file).map_err(|e| e.to_string())?;
    transcript::check_rendering(&committed, &sidecar).map_err(|e| format!("{e:#}"))?;
    let problems = sidecar.results().problems();
    if !problems.is_empty() {
        return Err(format!("above a ceiling: {problems:?}"));
    }
    let sources = transcript::source_digest(lab()).map_err(|e| e.to_string())?;
    if sidecar.sources.as_deref() != Some(sources.as_str()) {
        return Err(
            "made from other sources: regenerate with `cargo run -p xtask -- outputs --lab gil`"
                .into(),
        );
    }
    Ok(())
}

/// An output without what belongs to the `missing` interpreters: the line
/// naming each (`  CPython 3.13.5t (GIL off): python3.13t`, or
/// `  python3.13t: missing, skipped (...)`), every table named after one
/// (with the blank line before it), and the ceilings' legend (which depends
/// on the tables shown).
fn without(output: &str, missing: &[String]) -> String {
    let mut labels = Vec::new();
    let mut kept: Vec<&str> = Vec::new();
    for line in output.lines() {
        let named = missing.iter().find(|name| {
            line.starts_with("  ")
                && (line.ends_with(&format!(": {name}"))
                    || line.trim_start().starts_with(&format!("{name}: missing")))
        });
        match named {
            Some(name) => {
                let label = line.trim_start().strip_suffix(&format!(": {name}"));
                labels.extend(label.map(str::to_string));
            }
            None if line.starts_with("ceiling ") => {}
            None if line.contains("no Python interpreter found") => {}
            None => kept.push(line),
        }
    }
    let belongs = |title: &str| {
        labels.iter().any(|label| {
            title.ends_with(&format!(": {label}"))
                || title.contains(&format!(": {label} against "))
                || title.ends_with(&format!(" against {label}"))
        })
    };
    let mut out: Vec<&str> = Vec::new();
    let mut skipping = false;
    for (i, line) in kept.iter().enumerate() {
        // A table, or a blank line between two tables of the same name
        // (the times, then the speedups).
        let between_tables = line.is_empty() && kept.get(i + 1).is_some_and(|n| n.starts_with('|'));
        if skipping && (line.starts_with('|') || between_tables) {
            continue;
        }
        skipping = false;
        let next_is_table = kept.get(i + 1).is_some_and(|next| next.starts_with('|'));
        if next_is_table && !line.starts_with('|') && belongs(line) {
            skipping = true;
            if out.last() == Some(&"") {
                out.pop();
            }
            continue;
        }
        out.push(line);
    }
    out.join("\n")
}
