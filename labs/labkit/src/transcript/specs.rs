//! `transcripts.txt`: the lines a lab records, as [`Spec`]s.

use std::path::Path;

use anyhow::{Context, Result, bail, ensure};

use super::*;

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

pub(super) fn parse_specs(text: &str) -> Result<Vec<Spec>> {
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
