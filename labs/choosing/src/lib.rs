//! The `choosing` lab: the book's chapter "Which model when".
//!
//! - [`costs`]: what starting a thread, a tokio task or a rayon job costs,
//!   and a hand-off between two threads or two tasks (a listing);
//! - [`traps`]: futures are lazy; a lock must not be held across `.await`
//!   (a listing);
//! - [`children`]: measurements that need fresh processes of this lab
//!   (starting a process, the memory of idle threads and tasks);
//! - [`experiments`]: one module per subcommand, which runs the listings
//!   (or the Python twin), builds its table and checks its results;
//! - [`report`]: every chapter's headline experiment, run by its own lab,
//!   next to what the Python material reported.

pub mod children;
pub mod costs;
pub mod experiments;
pub mod report;
pub mod traps;
