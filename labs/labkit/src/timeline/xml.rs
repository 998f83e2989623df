//! Checking a drawing: the SVG is well-formed XML (a small checker, see
//! the crate README for why it is not a crate), and which lanes it shows.

use anyhow::{Result, ensure};

/// A small XML well-formedness check, enough for the SVGs this module
/// writes: tags nest and close, attributes are quoted, entities are known,
/// there is one root element, and nothing but whitespace lies outside it.
/// Also refuses blank lines and an `<?xml` prologue, which would break the
/// HTML block the book inlines the SVG into.
pub fn check_xml(text: &str) -> Result<()> {
    ensure!(
        !text.starts_with("<?xml"),
        "an XML prologue breaks inlining"
    );
    ensure!(
        !text.lines().any(|l| l.trim().is_empty()) || text.trim().is_empty(),
        "a blank line would end the HTML block in Markdown"
    );
    let bytes: Vec<char> = text.chars().collect();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    let check_text = |chunk: &str| -> Result<()> {
        let mut rest = chunk;
        while let Some(amp) = rest.find('&') {
            let after = &rest[amp + 1..];
            let semi = after
                .find(';')
                .ok_or_else(|| anyhow::anyhow!("'&' without ';' in {chunk:?}"))?;
            let entity = &after[..semi];
            let known = matches!(entity, "amp" | "lt" | "gt" | "quot" | "apos")
                || (entity.starts_with('#') && entity.len() > 1);
            ensure!(known, "unknown entity &{entity};");
            rest = &after[semi + 1..];
        }
        ensure!(!chunk.contains('<'), "stray '<' in {chunk:?}");
        Ok(())
    };
    while i < bytes.len() {
        if bytes[i] != '<' {
            let start = i;
            while i < bytes.len() && bytes[i] != '<' {
                i += 1;
            }
            let chunk: String = bytes[start..i].iter().collect();
            if stack.is_empty() {
                ensure!(
                    chunk.trim().is_empty(),
                    "text outside the root element: {chunk:?}"
                );
            }
            check_text(&chunk)?;
            continue;
        }
        let close = bytes[i..]
            .iter()
            .position(|&c| c == '>')
            .ok_or_else(|| anyhow::anyhow!("unclosed '<'"))?;
        let tag: String = bytes[i + 1..i + close].iter().collect();
        i += close + 1;
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .ok_or_else(|| anyhow::anyhow!("</{name}> closes nothing"))?;
            ensure!(open == name.trim(), "<{open}> closed by </{name}>");
            continue;
        }
        ensure!(
            !tag.starts_with('!') && !tag.starts_with('?'),
            "unexpected <{tag}>"
        );
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
        ensure!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_:.".contains(c)),
            "bad tag name in <{tag}>"
        );
        // Attributes: name="value" pairs, nothing else.
        let mut rest = tag[name.len()..].trim_start();
        let mut seen: Vec<&str> = Vec::new();
        while !rest.is_empty() {
            let eq = rest
                .find('=')
                .ok_or_else(|| anyhow::anyhow!("attribute without '=' in <{tag}>"))?;
            let attr = rest[..eq].trim();
            ensure!(
                !attr.is_empty() && !attr.contains(char::is_whitespace),
                "bad attribute name in <{tag}>"
            );
            ensure!(!seen.contains(&attr), "attribute {attr} twice in <{tag}>");
            seen.push(attr);
            let after = &rest[eq + 1..];
            let quote = after
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
                .ok_or_else(|| anyhow::anyhow!("unquoted attribute {attr} in <{tag}>"))?;
            let value_end = after[1..]
                .find(quote)
                .ok_or_else(|| anyhow::anyhow!("unterminated attribute {attr} in <{tag}>"))?;
            check_text(&after[1..1 + value_end])?;
            rest = after[1 + value_end + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
            ensure!(roots == 1, "more than one root element");
        }
        if !self_closing {
            stack.push(name);
        }
    }
    ensure!(stack.is_empty(), "unclosed elements: {stack:?}");
    ensure!(roots == 1, "no root element");
    Ok(())
}

/// The lane names an SVG drawn by [`render_svg`] contains, in order.
pub fn svg_lanes(svg: &str) -> Vec<String> {
    svg.split("<g class=\"lane\" data-lane=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| {
            name.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}
