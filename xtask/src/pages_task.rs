//! `xtask lab-pages`: writes the appendix pages that `lab_pages` makes.

use std::path::Path;

use anyhow::{Context, Result, anyhow};

use crate::lab_pages;

pub fn write_lab_pages(root: &Path) -> Result<()> {
    let pages = lab_pages::pages(root).map_err(|err| anyhow!(err))?;
    for page in &pages {
        let path = root.join("src").join(&page.file);
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|old| old == page.text);
        if !unchanged {
            std::fs::write(&path, &page.text)
                .with_context(|| format!("writing {}", path.display()))?;
            println!("wrote src/{}", page.file);
        }
    }
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md"))?;
    let missing: Vec<String> = lab_pages::summary_lines(&pages)
        .lines()
        .filter(|line| !summary.contains(line.trim_start()))
        .map(String::from)
        .collect();
    if !missing.is_empty() {
        println!(
            "src/SUMMARY.md lists not every page; its appendix must read:\n{}",
            lab_pages::summary_lines(&pages)
        );
    }
    Ok(())
}
