//! The `choosing` lab: the book's chapter "Which model when".
//!
//! - [`costs`]: what starting a thread, a tokio task or a rayon job costs,
//!   and a hand-off between two threads or two tasks (a listing);
//! - [`children`]: measurements that need fresh processes of this lab
//!   (starting a process, the memory of idle threads and tasks);
//! - [`traps`]: futures are lazy; a lock must not be held across `.await`
//!   (a listing);
//! - [`report`]: every chapter's headline experiment, run by its own lab,
//!   next to what the Python material reported.

pub mod children;
pub mod costs;
pub mod report;
pub mod traps;
