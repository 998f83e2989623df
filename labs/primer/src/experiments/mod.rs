//! The lab's experiments, one module each: each runs its listing, checks
//! what it returns, prints the listing's lines and makes one row.

pub mod arc;
pub mod atomics;
pub mod barrier;
pub mod channels;
pub mod guard;
pub mod threads;

use labkit::Common;

/// Prints the listing's lines (narration: not in `--json` output).
pub fn say_all(common: &Common, lines: &[String]) {
    for line in lines {
        common.say(line);
    }
}
