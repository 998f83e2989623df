//! The `io-threads` lab: the book's chapter "Threads for blocking I/O".
//!
//! The Python lab's `02_threaded_logs`: five log files, each ending with a
//! wait for a slow device, written by threads instead of one after another.
//! The file writer itself is the baseline lab's `write_log` (this lab depends
//! on `baseline` rather than copying it), so every speedup here is measured
//! against exactly the code the "Sequential baseline" chapter timed.
//!
//! These modules are the listings the book shows, each also a complete
//! program the book compiles as a snippet; the binary's `experiments`
//! modules measure them.
//!
//! - [`pool`]: one scoped thread per file, and a fixed pool of workers
//!   (Python's `ThreadPoolExecutor`);
//! - [`agent`]: many producers and one logger thread that owns the file,
//!   fed by a channel, against producers sharing a locked file;
//! - [`async_logs`]: the same files from tokio tasks, blocking the runtime
//!   and then handing the blocking call to `spawn_blocking`;
//! - [`blocking_pool`]: what `spawn_blocking` does to the process's thread
//!   count, before, during and after a batch of jobs.

pub mod agent;
pub mod async_logs;
pub mod blocking_pool;
pub mod pool;
