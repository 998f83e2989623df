//! Masking what changes from run to run (times, counts, the machine), so
//! that a rerun can be compared with the recorded transcript by shape.

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
            } else if let Some(key) = disturbed_key(line) {
                // In a `--json` document, whether the machine was disturbed
                // is the machine's, like its `Machine:` lines.
                format!("{key} #")
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

/// The `"disturbed":` key of a pretty-printed JSON line, with its
/// indentation, if the line is that key with a boolean value.
fn disturbed_key(line: &str) -> Option<&str> {
    let value = line.trim_end().trim_end_matches(',');
    let key_end = value.find("\"disturbed\":")? + "\"disturbed\":".len();
    let rest = value[key_end..].trim();
    (value[..key_end].trim_start() == "\"disturbed\":" && (rest == "true" || rest == "false"))
        .then(|| &line[..key_end])
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
