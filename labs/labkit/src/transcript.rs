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

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::results::{Document, Results};

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
    /// The arguments for the test's rerun: any `--scale` replaced by the
    /// check scale, and any `--rounds` by [`CHECK_ROUNDS`].
    pub fn check_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let mut iter = self.args.iter();
        while let Some(arg) = iter.next() {
            if arg == "--scale" || arg == "--rounds" {
                iter.next();
            } else if !arg.starts_with("--scale=") && !arg.starts_with("--rounds=") {
                args.push(arg.clone());
            }
        }
        args.push("--scale".into());
        args.push(self.check_scale.to_string());
        args.push("--rounds".into());
        args.push(CHECK_ROUNDS.to_string());
        args
    }

    /// The sidecar's file name: `countdown.txt` → `countdown.json`.
    pub fn sidecar(&self) -> String {
        sidecar_name(&self.file)
    }
}

/// `countdown.txt` → `countdown.json`.
pub fn sidecar_name(file: &str) -> String {
    let stem = file.strip_suffix(".txt").unwrap_or(file);
    format!("{stem}.json")
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
///
/// Two kinds of lines depend on the machine rather than the program: the
/// `Machine:` line of a measured run (its wording changes when the machine
/// delivered too few cores) is reduced to `Machine:`, and a
/// [`BUG_PREFIX`](crate::results::BUG_PREFIX) line (a speedup above its
/// ceiling, which noise can cause in a tiny rerun) is left out; committed
/// sidecars are checked for ceiling problems instead.
pub fn mask(text: &str) -> String {
    let mut dropping = false;
    text.lines()
        .filter(|line| {
            // A dropped line's wrapped continuation (indented) goes with it.
            dropping = line.starts_with(crate::results::BUG_PREFIX)
                || line.starts_with(crate::results::DISTURBED_PREFIX)
                || (dropping && line.starts_with("  "));
            !dropping
        })
        .map(|line| {
            if line.starts_with(MACHINE_PREFIX) {
                MACHINE_PREFIX.to_string()
            } else {
                mask_line(line)
            }
        })
        .fold(Vec::<String>::new(), |mut lines, line| {
            // A disturbed run explains itself in several `Machine:` lines.
            if !(line == MACHINE_PREFIX && lines.last().is_some_and(|l| l == MACHINE_PREFIX)) {
                lines.push(line);
            }
            lines
        })
        .join("\n")
}

/// How the line that reports what the machine delivered starts.
pub const MACHINE_PREFIX: &str = "Machine:";

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

/// The files of a lab whose change can change its outputs: `Cargo.toml` and
/// everything under `src/` and `python/`, as paths relative to the lab, sorted.
/// Only the lab's own files: a change to `labkit` or to another lab does not
/// make every lab's outputs stale.
pub fn source_files(lab_dir: &Path) -> Result<Vec<String>> {
    fn walk(dir: &Path, prefix: &str, into: &mut Vec<String>) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Hidden files (editors' swap files) and Python's caches are
            // not sources, and a fresh clone has none of them.
            if name.starts_with('.') || name == "__pycache__" || name.ends_with(".pyc") {
                continue;
            }
            let relative = format!("{prefix}/{name}");
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &relative, into)?;
            } else {
                into.push(relative);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    if lab_dir.join("Cargo.toml").is_file() {
        files.push("Cargo.toml".to_string());
    }
    for dir in ["src", "python"] {
        walk(&lab_dir.join(dir), dir, &mut files)?;
    }
    files.sort();
    Ok(files)
}

/// A digest of [`source_files`] (names and contents): `fnv1a64:` and 16
/// hex digits. FNV-1a is not a cryptographic hash; it only has to notice
/// that a file changed, and it is ten lines with no dependency.
pub fn source_digest(lab_dir: &Path) -> Result<String> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for file in source_files(lab_dir)? {
        let path = lab_dir.join(&file);
        let contents =
            std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        feed(file.as_bytes());
        feed(&[0]);
        feed(&(contents.len() as u64).to_le_bytes());
        feed(&contents);
    }
    Ok(format!("fnv1a64:{hash:016x}"))
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
/// its sidecar. `false` while the labs' outputs are being regenerated with
/// sidecars for the first time (a line without one is then only checked for
/// its shape); to be set once every lab's outputs have been regenerated.
pub const SIDECARS_REQUIRED: bool = false;

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

/// The tables in a committed transcript, for tests that check the numbers the
/// book quotes (for example "the sequential weather run took 6 s ± 5 %").
pub fn tables(lab_dir: &Path, file: &str) -> Result<Vec<crate::results::Table>> {
    let (_, body) = read(lab_dir, file)?;
    Ok(crate::results::read_tables(&body))
}

/// The compiler a lab's transcripts were made with, as their stamps
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
        transcript_rustc(&text)
    })
}

/// The compiler a transcript's stamp names: from `rustc ` to the closing
/// parenthesis of its version, without what follows (`, 5 rounds`). The
/// stamp is the line after the command (or, in transcripts made before the
/// stamp had a line of its own, the end of the command line after `  # `).
pub fn transcript_rustc(text: &str) -> Option<String> {
    let mut lines = text.lines();
    let command = lines.next()?;
    let stamp = match lines.next() {
        Some(line) if line.starts_with(STAMP_PREFIX) => line,
        _ => command.split_once("  # ")?.1,
    };
    let rustc = &stamp[stamp.find("rustc ")?..];
    let end = rustc.find(')').map_or(rustc.len(), |close| close + 1);
    Some(rustc[..end].trim().to_string())
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
    fn the_stamp_names_the_compiler_without_the_rounds() {
        let rustc = Some("rustc 1.95.0 (59807616e 2026-04-14)");
        let text = "$ cargo run --release -p gil -- step\n# 2 cores, rustc 1.95.0 (59807616e 2026-04-14), 15 rounds\nout\n";
        assert_eq!(transcript_rustc(text).as_deref(), rustc);
        let old = "$ cargo run --release -p gil -- step  # 2 cores, rustc 1.95.0 (59807616e 2026-04-14)\nout\n";
        assert_eq!(transcript_rustc(old).as_deref(), rustc);
        assert_eq!(transcript_rustc("$ cargo run -p x -- y\nout\n"), None);
    }

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
            ["powersum", "--json", "--scale", "0.001", "--rounds", "2"]
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
        assert_eq!(spec.check_args(), ["w", "--scale", "0.01", "--rounds", "2"]);
        assert_eq!(
            Spec {
                args: vec!["w".into(), "--rounds".into(), "9".into()],
                ..spec
            }
            .check_args(),
            ["w", "--scale", "0.01", "--rounds", "2"]
        );
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

    #[test]
    fn a_number_edited_by_hand_no_longer_matches_the_sidecar() {
        let mut results = crate::Results::new();
        results
            .push_samples("sum", "1 thread", vec![1.0, 1.2, 1.1], None)
            .with("counted", 7);
        let document = results.document();
        let body = format!("Adding up.\n{}", results.to_text());
        check_rendering(&body, &document).unwrap();
        let edited = body.replace("1.100 s", "1.000 s");
        let err = check_rendering(&edited, &document).unwrap_err().to_string();
        assert!(err.contains("1.000 s (1.000–1.200)"), "{err}");
        // A --json transcript is compared row by row.
        check_rendering(&results.to_json(), &document).unwrap();
        let other = results.to_json().replace("1.1", "1.3");
        assert!(check_rendering(&other, &document).is_err());
    }

    #[test]
    fn one_table_per_experiment_renders_the_same_document() {
        let mut results = crate::Results::new();
        results.push_samples("sum, A", "1 thread", vec![1.0, 1.2, 1.1], None);
        results.push_samples("sum, A", "2 threads", vec![0.5, 0.6, 0.55], None);
        results.push_samples("sum, B", "1 thread", vec![2.0, 2.2, 2.1], None);
        let ceiling = crate::bench::Ceiling::new(2.0, "two cores");
        results
            .paired_speedup("sum, A", "2 threads", "1 thread", &ceiling)
            .unwrap();
        let text = results.to_text_by_experiment();
        assert!(text.contains("\nsum, A\n| variant"), "{text}");
        assert!(text.contains("\nsum, B\n| variant"), "{text}");
        assert!(!text.contains("| experiment"), "{text}");
        assert!(text.trim_end().ends_with("(tolerance 5 %)"), "{text}");
        let document = results.document();
        check_rendering(&text, &document).unwrap();
        let edited = text.replace("2.100 s", "2.000 s");
        assert!(check_rendering(&edited, &document).is_err());
    }

    #[test]
    fn machine_and_bug_lines_are_masked() {
        assert_eq!(
            mask("Machine: delivered 1.98 of 2 cores\n| a |"),
            mask(
                "Machine: your machine gave this run 1.10 of its 2 cores,\n\
                 Machine: so the machine, not the program, limited the speedups.\n\
                 Machine: 2 threads reached 0.98 of the cores delivered (1.08x).\n| a |"
            )
        );
        let bug = format!(
            "{} the median...\n  ...wrapped\n| a |",
            crate::results::BUG_PREFIX
        );
        assert_eq!(mask(&bug), mask("| a |"));
    }

    #[test]
    fn the_source_digest_follows_the_labs_own_files() {
        let dir = std::env::temp_dir().join(format!("labkit-digest-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("outputs")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]").unwrap();
        std::fs::write(dir.join("src/main.rs"), "fn main() {}").unwrap();
        let first = source_digest(&dir).unwrap();
        assert!(
            first.starts_with("fnv1a64:") && first.len() == 24,
            "{first}"
        );
        std::fs::write(dir.join("outputs/x.txt"), "output").unwrap();
        std::fs::write(dir.join("src/.main.rs.swp"), "editor").unwrap();
        assert_eq!(
            source_digest(&dir).unwrap(),
            first,
            "outputs are not sources"
        );
        std::fs::write(dir.join("src/main.rs"), "fn main() { }").unwrap();
        assert_ne!(source_digest(&dir).unwrap(), first);
        assert_eq!(source_files(&dir).unwrap(), ["Cargo.toml", "src/main.rs"]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
