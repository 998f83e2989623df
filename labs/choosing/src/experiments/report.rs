//! `choosing report`: runs every chapter's headline experiment with that
//! chapter's own lab and writes `report.md` and `speedups.svg` (the
//! headlines, their reading and the files' layout are in `crate::report`).
//! Moved here unchanged from `main.rs`, which now only dispatches.

use anyhow::{Context, Result};
use labkit::Common;

use crate::report;

pub fn run(common: Common) -> Result<()> {
    let headlines = report::HEADLINES;
    let binaries = report::check_binaries(headlines)?;
    let out_dir = labkit::transcript::output_dir("choosing");
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let scratch = std::env::temp_dir().join(format!("choosing-report-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;

    // Headlines that read the same run share it: run each distinct one once.
    let run_key = |h: &report::Headline| (h.command(), h.scale(common.scale.factor()));
    let mut runs: Vec<(String, f64)> = Vec::new();
    for headline in headlines {
        if !runs.contains(&run_key(headline)) {
            runs.push(run_key(headline));
        }
    }
    let progress = indicatif::ProgressBar::new(runs.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
            .expect("a valid template"),
    );
    let mut printed: Vec<((String, f64), Vec<serde_json::Value>)> = Vec::new();
    let mut outcomes = Vec::new();
    let result = (|| -> Result<()> {
        for (headline, bin) in headlines.iter().zip(&binaries) {
            let key = run_key(headline);
            let scale = key.1;
            if !printed.iter().any(|(k, _)| *k == key) {
                progress.set_message(format!("{} --scale {scale}", key.0));
                let rows = report::run_lab(bin, headline, scale, common.rounds, &scratch)?;
                printed.push((key.clone(), rows));
                progress.inc(1);
            }
            let rows = &printed.iter().find(|(k, _)| *k == key).expect("just run").1;
            outcomes.push(report::read_outcome(headline, rows, scale)?);
        }
        Ok(())
    })();
    progress.finish_and_clear();
    let _ = std::fs::remove_dir_all(&scratch);
    result?;

    let table = report::markdown(&outcomes);
    let markdown = format!(
        "Measured with `cargo run --release -p choosing -- report --scale {}` on {} cores. \
         Times measured here are at the scale in each row (the report's, times more for \
         CPU-bound runs that need more work to be measured well); Python's are at full size. \
         Speedups do not depend on the scale.\n\n{table}",
        common.scale,
        labkit::os::cores()
    );
    let md_path = out_dir.join("report.md");
    std::fs::write(&md_path, markdown).with_context(|| format!("writing {}", md_path.display()))?;
    let svg_path = out_dir.join("speedups.svg");
    std::fs::write(&svg_path, report::svg(&outcomes))
        .with_context(|| format!("writing {}", svg_path.display()))?;
    common.say(format!(
        "Ran {} labs {} times for {} headline experiments at --scale {}.",
        headlines
            .iter()
            .map(|h| h.lab)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        runs.len(),
        outcomes.len(),
        common.scale
    ));
    if common.json {
        let rows: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "experiment": o.command, "variant": "measured here",
                    "wall_seconds": o.wall_seconds, "speedup": o.speedup,
                    "chapter": o.chapter, "what": o.what,
                    "python": o.python, "python_speedup": o.python_speedup,
                    "measured": o.measured,
                })
            })
            .collect();
        let document = serde_json::json!({ "cores": labkit::os::cores(), "rows": rows });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        print!("{table}");
    }
    common.say("Wrote report.md and speedups.svg.");
    Ok(())
}
