//! How [`Results`] print: the method's lines, the tables of times and of
//! speedups (within [`WIDTH`] columns), one table or one per experiment.

use anyhow::Result;

use super::pipe::{format_value, speedup_cell, table, wall_cell};
use super::{Results, Row};
use crate::bench::Method;
use crate::cli::Common;

impl Results {
    /// What a lab prints without `--json`: the method's lines (for rows
    /// measured with [`crate::bench`]), the table, the ceilings' legend and
    /// any ceiling problem.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if let Some(method) = &self.method {
            for line in method.describe(&self.rows) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out.push_str(&self.to_table());
        let mut legend: Vec<String> = Vec::new();
        for row in &self.rows {
            if let (Some(ceiling), Some(rule)) = (row.ceiling, &row.ceiling_rule) {
                let line = format!(
                    "ceiling {ceiling:.2}x: {rule} (tolerance {:.0} %)",
                    row.ceiling_tolerance.unwrap_or(0.0) * 100.0
                );
                if !legend.contains(&line) {
                    legend.push(line);
                }
            }
        }
        for line in legend {
            out.push_str(&line);
            out.push('\n');
        }
        for problem in self.problems() {
            out.push_str(&wrapped(&format!(
                "{BUG_PREFIX} {problem}: a speedup cannot beat its ceiling, so the baseline or the work is wrong."
            )));
        }
        if self.method.as_ref().is_some_and(Method::disturbed) {
            for above in self.rows.iter().filter_map(Row::above_ceiling) {
                out.push_str(&wrapped(&format!(
                    "{DISTURBED_PREFIX} {above}; the program shared too few cores with other programs, so this run cannot test its ceiling."
                )));
            }
        }
        out
    }

    /// The rows as pipe tables (what a lab prints without `--json`).
    ///
    /// Rows measured once print as one table, with a `speedup` column if
    /// the experiment has one. Rows with paired speedups (measured in
    /// rounds) print as two tables, so that an output cell stays within
    /// about 100 columns: the times (wall with its spread, cpu and the
    /// experiment's own columns), then the speedups (each with its baseline,
    /// ceiling and efficiency).
    pub fn to_table(&self) -> String {
        let mut extra_keys: Vec<&str> = Vec::new();
        for row in &self.rows {
            for key in row.extra.keys() {
                if !extra_keys.contains(&key.as_str()) {
                    extra_keys.push(key);
                }
            }
        }
        let several = self
            .rows
            .iter()
            .any(|r| r.experiment != self.rows[0].experiment);
        let has = |f: fn(&Row) -> bool| self.rows.iter().any(f);
        let paired = has(|r| r.baseline.is_some());
        let has_speedup = has(|r| r.speedup.is_some());
        let has_cpu = has(|r| r.cpu_utilisation.is_some());

        let mut header: Vec<String> = Vec::new();
        if several {
            header.push("experiment".into());
        }
        header.push("variant".into());
        header.push("wall".into());
        if has_speedup && !paired {
            header.push("speedup".into());
        }
        if has_cpu {
            header.push("cpu".into());
        }
        header.extend(extra_keys.iter().map(|k| k.to_string()));

        let body = self.rows.iter().map(|row| {
            let mut cells = Vec::new();
            if several {
                cells.push(row.experiment.clone());
            }
            cells.push(row.variant.clone());
            cells.push(wall_cell(row));
            if has_speedup && !paired {
                cells.push(speedup_cell(row));
            }
            if has_cpu {
                cells.push(
                    row.cpu_utilisation
                        .map_or(String::new(), |u| format!("{u:.2}")),
                );
            }
            for key in &extra_keys {
                cells.push(row.extra.get(*key).map_or(String::new(), format_value));
            }
            cells
        });
        let mut out = table(&header, body);
        if paired {
            out.push('\n');
            out.push_str(&self.speedup_table(several));
        }
        out
    }

    /// The second table of a measured run: one row per paired speedup.
    fn speedup_table(&self, several: bool) -> String {
        let mut header: Vec<&str> = Vec::new();
        if several {
            header.push("experiment");
        }
        header.extend(["variant", "over", "speedup", "ceiling", "efficiency"]);
        let body = self
            .rows
            .iter()
            .filter(|row| row.speedup.is_some())
            .map(|row| {
                let mut cells = Vec::new();
                if several {
                    cells.push(row.experiment.clone());
                }
                cells.push(row.variant.clone());
                cells.push(row.baseline.clone().unwrap_or_default());
                cells.push(speedup_cell(row));
                cells.push(row.ceiling.map_or(String::new(), |c| format!("{c:.2}x")));
                cells.push(row.efficiency.map_or(String::new(), |e| format!("{e:.2}")));
                cells
            });
        table(&header, body)
    }

    /// Prints the rows the way the command line asked for (the text, or
    /// with `--json` the JSON document), and with `--json-out PATH` also
    /// writes the document to PATH.
    pub fn print(&self, common: &Common) -> Result<()> {
        if common.json {
            println!("{}", self.to_json());
        } else {
            print!("{}", self.to_text());
        }
        if let Some(path) = &common.json_out {
            self.document().write(path)?;
        }
        Ok(())
    }

    /// Like [`Results::to_text`], with one table per experiment, each under
    /// a line naming it (so no table needs an `experiment` column, and wide
    /// results stay narrow). [`crate::transcript::check_rendering`] accepts it.
    pub fn to_text_by_experiment(&self) -> String {
        let mut experiments: Vec<&str> = Vec::new();
        for row in &self.rows {
            if !experiments.contains(&row.experiment.as_str()) {
                experiments.push(&row.experiment);
            }
        }
        if experiments.len() < 2 {
            return self.to_text();
        }
        // The method's lines first, the legend and problems last: the text of
        // the whole, with its one table replaced by one table per experiment.
        let whole = self.to_text();
        let table = self.to_table();
        let (before, after) = whole.split_once(&table).unwrap_or((&whole, ""));
        let mut out = before.to_string();
        for experiment in experiments {
            let rows = self.rows.iter().filter(|r| r.experiment == experiment);
            out.push('\n');
            out.push_str(experiment);
            out.push('\n');
            out.push_str(&Results::from_rows(rows.cloned().collect()).to_table());
        }
        out.push_str(after);
        out
    }

    /// [`Results::print`] with [`Results::to_text_by_experiment`] as the text.
    pub fn print_by_experiment(&self, common: &Common) -> Result<()> {
        if common.json {
            println!("{}", self.to_json());
        } else {
            print!("{}", self.to_text_by_experiment());
        }
        if let Some(path) = &common.json_out {
            self.document().write(path)?;
        }
        Ok(())
    }
}

impl Results {
    /// Like [`Results::to_text`], but with one table per experiment (in the
    /// order the experiments first appear, each after a line naming its
    /// experiment, a blank line between them)
    /// instead of one table with an `experiment` column: narrower tables
    /// for a run that measures several experiments, and each table only
    /// has the columns its own rows use. The transcript check accepts this
    /// rendering ([`crate::transcript::check_rendering`]).
    pub fn to_text_per_experiment(&self) -> String {
        let mut experiments: Vec<&str> = Vec::new();
        for row in &self.rows {
            if !experiments.contains(&row.experiment.as_str()) {
                experiments.push(&row.experiment);
            }
        }
        let text = self.to_text();
        if experiments.len() < 2 {
            return text;
        }
        let tables: Vec<String> = experiments
            .iter()
            .map(|experiment| {
                let rows = self.rows.iter().filter(|r| r.experiment == *experiment);
                let table = Results::from_rows(rows.cloned().collect()).to_table();
                format!("{experiment}:\n{table}")
            })
            .collect();
        text.replacen(&self.to_table(), &tables.join("\n"), 1)
    }

    /// [`Results::print`] with [`Results::to_text_per_experiment`] as the text.
    pub fn print_per_experiment(&self, common: &Common) -> Result<()> {
        if common.json {
            println!("{}", self.to_json());
        } else {
            print!("{}", self.to_text_per_experiment());
        }
        if let Some(path) = &common.json_out {
            self.document().write(path)?;
        }
        Ok(())
    }
}

/// How a line naming a ceiling violation starts (the transcript check leaves
/// such lines out of its comparison: they come and go with the noise of a
/// small rerun; the committed sidecars are checked for them instead).
pub const BUG_PREFIX: &str = "Bug in this experiment:";

/// How a line naming a speedup above its ceiling in a run on a disturbed
/// machine starts (left out of the transcript comparison like [`BUG_PREFIX`]).
pub const DISTURBED_PREFIX: &str = "Above its ceiling on a disturbed machine:";

/// The widest line a lab prints, so that an output cell reads without
/// scrolling at the book's default width.
pub const WIDTH: usize = 100;

/// `text` broken at spaces into lines of at most [`WIDTH`] characters, the
/// lines after the first indented by two spaces (the transcript check drops
/// such a continuation together with the line it continues), each ending
/// with a newline.
pub fn wrapped(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.trim().is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}
