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
//! writes `labs/<lab>/outputs/<file>`: a header line saying how it was made
//! (`$ cargo run --release -p <lab> -- <args>  # 2 cores, rustc ...`), then
//! the program's standard output, then `[exit status N]` if it was not 0.
//!
//! [`check_lab`], called by every lab's `tests/transcripts.rs`, reruns each
//! line at a small `--scale` (0.01 unless the line says otherwise) and
//! compares the output's *shape* with the committed file: numbers and their
//! units are masked, spacing is squeezed, and everything else must match. A
//! program changed without regenerating its transcripts fails that test, and
//! so does a transcript whose lines were edited or deleted by hand.
//!
//! A line with `features F` is made by a build with those cargo features
//! (`cargo run --release -p <lab> --features F -- <args>`), and is checked
//! only by a test binary built with exactly those features (see
//! [`check_lab_with_features`]); the other lines by one built without any.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

/// The scale a transcript is rechecked at unless its line says otherwise.
pub const DEFAULT_CHECK_SCALE: f64 = 0.01;

/// How long one rerun of a lab may take in a test before it counts as hung.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(180);

/// The environment variable through which `xtask outputs` tells a lab where
/// to write extra files (SVG timelines, say) that the book includes.
pub const OUTPUT_DIR_ENV: &str = "LABKIT_OUTPUT_DIR";

/// One line of `transcripts.txt`.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// File name inside `outputs/`.
    pub file: String,
    /// Arguments given to the lab, as the reader would type them.
    pub args: Vec<String>,
    /// The `--scale` used when a test reruns this line.
    pub check_scale: f64,
    /// Cargo features of the lab this run needs (sorted; usually none).
    pub features: Vec<String>,
}

impl Spec {
    /// The arguments for the test's rerun: any `--scale` replaced by the check scale.
    pub fn check_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let mut iter = self.args.iter();
        while let Some(arg) = iter.next() {
            if arg == "--scale" {
                iter.next();
            } else if !arg.starts_with("--scale=") {
                args.push(arg.clone());
            }
        }
        args.push("--scale".into());
        args.push(self.check_scale.to_string());
        args
    }
}

/// Reads `transcripts.txt` in a lab's directory.
pub fn specs(lab_dir: &Path) -> Result<Vec<Spec>> {
    let path = lab_dir.join("transcripts.txt");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    parse_specs(&text).with_context(|| format!("in {}", path.display()))
}

fn parse_specs(text: &str) -> Result<Vec<Spec>> {
    let mut specs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (file, rest) = line.split_once(':').with_context(|| {
            format!(
                "line {}: expected 'file.txt: args', got {line:?}",
                number + 1
            )
        })?;
        let (args, options) = rest.split_once(';').unwrap_or((rest, ""));
        let mut check_scale = DEFAULT_CHECK_SCALE;
        let mut features = Vec::new();
        let options: Vec<&str> = options.split_whitespace().collect();
        for pair in options.chunks(2) {
            match pair {
                ["check-scale", value] => {
                    check_scale = value
                        .parse()
                        .with_context(|| format!("line {}: bad check-scale", number + 1))?
                }
                ["features", list] => {
                    features = list.split(',').map(String::from).collect();
                    features.sort();
                }
                _ => bail!("line {}: unknown options {options:?}", number + 1),
            }
        }
        let file = file.trim().to_string();
        ensure!(
            !file.contains('/') && !file.is_empty(),
            "line {}: the file must be a plain name inside outputs/",
            number + 1
        );
        ensure!(
            !specs.iter().any(|s: &Spec| s.file == file),
            "{file} is listed twice"
        );
        specs.push(Spec {
            file,
            args: args.split_whitespace().map(String::from).collect(),
            check_scale,
            features,
        });
    }
    Ok(specs)
}

/// The command a reader types to reproduce a transcript.
pub fn command_line(lab: &str, args: &[String]) -> String {
    command_line_with_features(lab, &[], args)
}

/// [`command_line`] for a run that needs cargo features.
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

/// What a finished lab run printed, and how it ended.
#[derive(Debug, Clone)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
    /// The exit code; `None` if a signal ended it.
    pub code: Option<i32>,
}

/// Runs `bin` with `args` and kills it if it outlives `timeout`, so a test
/// that reruns a lab can never hang.
pub fn run_bounded(
    bin: &Path,
    args: &[String],
    envs: &[(&str, &Path)],
    timeout: Duration,
) -> Result<Captured> {
    let mut command = Command::new(bin);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in envs {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    // Read both pipes on their own threads so a chatty child never blocks on a full pipe.
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{} {} did not finish within {timeout:?} and was killed",
                bin.display(),
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out_reader.join().expect("reader thread")?;
    let stderr = err_reader.join().expect("reader thread")?;
    Ok(Captured {
        stdout,
        stderr,
        code: status.code(),
    })
}

/// The body of a transcript: standard output, then the exit status if not 0.
fn body(captured: &Captured) -> String {
    let mut text = captured.stdout.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    match captured.code {
        Some(0) => {}
        Some(code) => text.push_str(&format!("[exit status {code}]\n")),
        None => text.push_str("[killed by a signal]\n"),
    }
    text
}

/// Masks what legitimately changes between runs: numbers (with their units)
/// and the amount of spacing. What is left is the output's shape.
pub fn mask(text: &str) -> String {
    text.lines().map(mask_line).collect::<Vec<_>>().join("\n")
}

fn mask_line(line: &str) -> String {
    if line.starts_with("[exit status") {
        return line.to_string();
    }
    const UNITS: [&str; 14] = [
        "ns", "µs", "us", "ms", "s", "x", "%", "KiB", "MiB", "GiB", "kB", "B", "cores", "core",
    ];
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || ((chars[i] == '.' || chars[i] == ',' || chars[i] == '_')
                        && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
            {
                i += 1;
            }
            // A unit right after the number (with or without one space) belongs to it.
            let rest: String = chars[i..].iter().collect();
            let after_space = rest.strip_prefix(' ').unwrap_or(&rest);
            for unit in UNITS {
                if let Some(tail) = after_space.strip_prefix(unit)
                    && !tail.starts_with(|c: char| c.is_alphanumeric())
                {
                    i +=
                        (rest.chars().count() - after_space.chars().count()) + unit.chars().count();
                    break;
                }
            }
            out.push('#');
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    // Squeeze spacing and table rules, whose widths follow the numbers.
    let mut squeezed = String::new();
    let mut last = '\0';
    for c in out.trim_end().chars() {
        if (c == ' ' && last == ' ') || (c == '-' && last == '-') {
            continue;
        }
        squeezed.push(c);
        last = c;
    }
    squeezed
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

/// Runs every line of a lab's `transcripts.txt` with `bin` and writes the
/// files into `outputs/`. `stamp` is what follows `#` on the header line
/// (cores and compiler version).
pub fn regenerate(lab: &str, bin: &Path, lab_dir: &Path, stamp: &str) -> Result<Vec<PathBuf>> {
    regenerate_lines(lab, bin, lab_dir, stamp, &|spec| spec.features.is_empty())
}

/// Runs the lines of `transcripts.txt` that `select` picks with `bin` (which
/// must have been built with those lines' features) and writes their files.
pub fn regenerate_lines(
    lab: &str,
    bin: &Path,
    lab_dir: &Path,
    stamp: &str,
    select: &dyn Fn(&Spec) -> bool,
) -> Result<Vec<PathBuf>> {
    let outputs = lab_dir.join("outputs");
    std::fs::create_dir_all(&outputs)?;
    let mut written = Vec::new();
    for spec in specs(lab_dir)?.into_iter().filter(|s| select(s)) {
        let captured = run_bounded(
            bin,
            &spec.args,
            &[(OUTPUT_DIR_ENV, &outputs)],
            Duration::from_secs(900),
        )?;
        let command = command_line_with_features(lab, &spec.features, &spec.args);
        let text = format!("{command}  # {stamp}\n{}", body(&captured));
        let path = outputs.join(&spec.file);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
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
    Ok((header.to_string(), body.to_string()))
}

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

fn check_one(lab: &str, bin: &Path, lab_dir: &Path, spec: &Spec, scratch: &Path) -> Result<()> {
    let (header, committed) = read(lab_dir, &spec.file)?;
    let expected_command = command_line_with_features(lab, &spec.features, &spec.args);
    let command = header.split("  # ").next().unwrap_or("");
    ensure!(
        command == expected_command,
        "the header says `{command}` but transcripts.txt says `{expected_command}`"
    );
    let args = spec.check_args();
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
    Ok(())
}

/// The tables in a committed transcript, for tests that check the numbers the
/// book quotes (for example "the sequential weather run took 6 s ± 5 %").
pub fn tables(lab_dir: &Path, file: &str) -> Result<Vec<crate::results::Table>> {
    let (_, body) = read(lab_dir, file)?;
    Ok(crate::results::read_tables(&body))
}

/// The compiler a lab's transcripts were made with, as their header lines
/// name it (`rustc 1.95.0 (59807616e 2026-04-14)`); the first one found.
pub fn recorded_rustc(lab_dir: &Path) -> Option<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(lab_dir.join("outputs"))
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files.iter().find_map(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        let header = text.lines().next()?;
        let (_, stamp) = header.split_once("  # ")?;
        stamp
            .find("rustc ")
            .map(|at| stamp[at..].trim().to_string())
    })
}

/// The compiler in use: what `rustc --version` prints (`$RUSTC` if set).
pub fn running_rustc() -> Option<String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc).arg("--version").output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// For a failed comparison with rustc's recorded error text (a trybuild
/// `.stderr`): says whether the compiler in use is the one the lab's
/// recordings were made with, and what to do if it is not.
pub fn toolchain_note(lab_dir: &Path) -> String {
    match (recorded_rustc(lab_dir), running_rustc()) {
        (Some(recorded), Some(running)) if recorded != running => format!(
            "The recorded errors were made with {recorded}; this is {running}. Compilers word \
             their errors differently from version to version: if the program is still refused \
             for the same reason, rerun with TRYBUILD=overwrite to record this compiler's words \
             (the book shows them), or use {recorded}."
        ),
        (Some(recorded), Some(_)) => format!(
            "The compiler in use, {recorded}, is the one the errors were recorded with: the \
             program or the error changed."
        ),
        _ => "Which compiler made the recorded errors is unknown (no transcript names it)."
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_with_and_without_options() {
        let specs = parse_specs(
            "# comment\n\nweather.txt: weather\nsum.txt: powersum --json ; check-scale 0.001\n",
        )
        .unwrap();
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].args, ["weather"]);
        assert_eq!(specs[0].check_scale, DEFAULT_CHECK_SCALE);
        assert_eq!(specs[1].check_scale, 0.001);
        assert_eq!(
            specs[1].check_args(),
            ["powersum", "--json", "--scale", "0.001"]
        );
        assert!(parse_specs("no colon here").is_err());
        assert!(parse_specs("a.txt: x\na.txt: y").is_err());
        assert!(parse_specs("a.txt: x ; speed 3").is_err());
        let with_features = parse_specs("d.txt: detect ; features detect check-scale 1").unwrap();
        assert_eq!(with_features[0].features, ["detect"]);
        assert_eq!(with_features[0].check_scale, 1.0);
        assert_eq!(
            command_line_with_features(
                "deadlock",
                &with_features[0].features,
                &with_features[0].args
            ),
            "$ cargo run --release -p deadlock --features detect -- detect"
        );
    }

    #[test]
    fn check_args_replace_the_scale() {
        let spec = Spec {
            file: "a.txt".into(),
            args: vec!["w".into(), "--scale".into(), "1".into()],
            check_scale: 0.01,
            features: vec![],
        };
        assert_eq!(spec.check_args(), ["w", "--scale", "0.01"]);
    }

    #[test]
    fn masking_keeps_words_and_hides_numbers() {
        assert_eq!(
            mask("| sequential |  6.004 s | 1.00x |"),
            mask("| sequential | 60.4 ms | 12.50x |")
        );
        assert_eq!(mask("Bangkok: 31 C after 2.0 s"), "Bangkok: # C after #");
        assert_ne!(mask("balance: -120"), mask("balance: 0"));
        assert_ne!(mask("[exit status 3]"), mask("[exit status 4]"));
        assert_ne!(mask("3 cities"), mask("3 sleeps"));
        assert_eq!(mask("|---------|----|"), mask("|--|-------|"));
    }

    #[test]
    fn a_hung_program_is_killed() {
        let sh = Path::new("/bin/sh");
        if !sh.exists() {
            return;
        }
        let result = run_bounded(
            sh,
            &["-c".into(), "sleep 30".into()],
            &[],
            Duration::from_millis(200),
        );
        assert!(result.is_err());
        let ok = run_bounded(
            sh,
            &["-c".into(), "echo hi; exit 3".into()],
            &[],
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(body(&ok), "hi\n[exit status 3]\n");
    }
}
