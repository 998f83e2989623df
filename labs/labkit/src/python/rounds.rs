//! Twins inside a [`crate::Bench`]: each round runs the Rust variants and
//! each twin once, and the rows come out side by side.

use std::path::Path;
use std::time::Duration;

use super::document::rows_over_rounds;
use super::*;

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
