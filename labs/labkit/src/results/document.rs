//! The JSON [`Document`] (`--json`, `--json-out`, the sidecars): writing
//! it, reading it back, finding its rows.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Results, Row};
use crate::bench::{Calibration, Method};

/// The JSON document a lab prints with `--json` and writes with
/// `--json-out`: the machine and method facts, then the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The cores the operating system offered.
    pub cores: usize,
    /// How the rows were measured, for runs of [`crate::bench`].
    pub method: Option<Method>,
    /// The digest of the lab's sources the sidecar was made from (written
    /// by `xtask outputs`, see [`crate::transcript::source_digest`]).
    pub sources: Option<String>,
    pub rows: Vec<Row>,
}

#[derive(Serialize, Deserialize)]
struct DocumentJson {
    cores: usize,
    #[serde(default)]
    rounds: Option<usize>,
    #[serde(default)]
    steal: Option<f64>,
    #[serde(default)]
    calibration: Vec<Calibration>,
    #[serde(default)]
    sources: Option<String>,
    rows: Vec<Row>,
}

impl Document {
    /// The document as pretty-printed JSON, keys in a fixed order.
    pub fn to_json(&self) -> String {
        let mut map = Map::new();
        map.insert("cores".into(), self.cores.into());
        if let Some(method) = &self.method {
            map.insert("rounds".into(), method.rounds.into());
            let delivered = method.cores_delivered();
            map.insert("cores_delivered".into(), delivered.map(|d| d.median).into());
            map.insert(
                "cores_delivered_min".into(),
                delivered.map(|d| d.min).into(),
            );
            map.insert("steal".into(), method.steal.into());
            map.insert("disturbed".into(), method.disturbed().into());
            map.insert(
                "calibration".into(),
                serde_json::to_value(&method.calibrations).expect("numbers"),
            );
            map.insert("problems".into(), self.results().problems().into());
        }
        if let Some(sources) = &self.sources {
            map.insert("sources".into(), sources.clone().into());
        }
        map.insert(
            "rows".into(),
            serde_json::to_value(&self.rows).expect("rows are always serialisable"),
        );
        serde_json::to_string_pretty(&Value::Object(map)).expect("a JSON value")
    }

    /// Reads a document back (a sidecar, or what `--json` printed).
    pub fn from_json(text: &str) -> Result<Document> {
        let json: DocumentJson = serde_json::from_str(text)
            .context("expected a JSON document with \"cores\" and \"rows\"")?;
        let method = json.rounds.map(|rounds| Method {
            rounds,
            cores: json.cores,
            calibrations: json.calibration,
            steal: json.steal,
        });
        Ok(Document {
            cores: json.cores,
            method,
            sources: json.sources,
            rows: json.rows,
        })
    }

    /// Reads a document from a file.
    pub fn read(path: &Path) -> Result<Document> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Document::from_json(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Writes the document to a file.
    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = self.to_json();
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
    }

    /// The rows and method as [`Results`], to render them again.
    pub fn results(&self) -> Results {
        Results {
            rows: self.rows.clone(),
            method: self.method.clone(),
        }
    }

    /// Was the machine limited during the run (see [`Method::disturbed`])?
    pub fn disturbed(&self) -> bool {
        self.method.as_ref().is_some_and(Method::disturbed)
    }

    /// The row `variant` (of `experiment`, when given). Panics naming the
    /// row if there is none: for claims tests.
    pub fn row(&self, experiment: Option<&str>, variant: &str) -> &Row {
        self.rows
            .iter()
            .find(|r| r.variant == variant && experiment.is_none_or(|e| r.experiment == e))
            .unwrap_or_else(|| {
                let names: Vec<String> = self
                    .rows
                    .iter()
                    .map(|r| format!("{} / {}", r.experiment, r.variant))
                    .collect();
                panic!(
                    "no row {experiment:?} / {variant} (rows: {})",
                    names.join(", ")
                )
            })
    }
}

/// Checks that `rows` have the keys every lab promises; a helper for
/// readers of other labs' JSON (the `choosing` report).
pub fn rows_of(text: &str) -> Result<Vec<Value>> {
    let document: Value = serde_json::from_str(text).context("not JSON")?;
    match document.get("rows") {
        Some(Value::Array(rows)) => Ok(rows.clone()),
        _ => bail!("a JSON document without \"rows\""),
    }
}
