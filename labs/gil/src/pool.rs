// Listing: a process pool, the Rust analogue of Python's ProcessPoolExecutor.
//
// A module of the `gil` lab and a complete program the book compiles and
// runs on its own (see `main` at the bottom); standard library only.
//
// Longer than 300 lines, for a reason: a listing is compiled by the book as one
// program, so the pool, its line protocol and the worker's side, which the
// chapter shows in five cells, live together; the protocol's parsing and
// error plumbing stay outside the cells.
//
// Workers are child processes. The pool writes each task to a worker's
// standard input as one line and reads the answer from its standard output
// as one line:
//
//     pool -> worker:   <task number> TAB <input>                 NEWLINE
//     worker -> pool:   <task number> TAB ok  TAB <output>        NEWLINE
//                   or  <task number> TAB err TAB <message>       NEWLINE
//
// The lab starts its workers from its own executable (`gil worker`); any
// program that speaks the protocol will do, as `main` below shows with `sh`.

use std::fmt;
use std::io::{self, BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: pool_type
/// A fixed set of worker processes that run tasks given as lines of text.
pub struct ProcessPool {
    workers: Vec<Worker>,
    /// How long a worker may take to answer one task before it is killed.
    task_deadline: Duration,
    /// Bytes written to and read from the workers' pipes so far.
    bytes_through_pipes: usize,
}

/// A task that produced no result: which one, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFailed {
    /// The task's position in the list given to [`ProcessPool::map`].
    pub task: usize,
    /// The task's input line.
    pub input: String,
    pub why: Failure,
}

/// Why a task failed, in a form a caller can `match` on.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The task is not one line without tabs, so it was never sent.
    NotOneLine,
    /// The worker ran the task and answered with an error of its own.
    Rejected { worker: usize, message: String },
    /// The worker died before it answered (a crash, the OOM killer...).
    Died { worker: usize, how: String },
    /// The worker did not answer within the deadline, and was killed.
    TimedOut { worker: usize, after: Duration },
    /// The worker answered something that is not in the protocol.
    Garbled { worker: usize, answer: String },
}
// ANCHOR_END: pool_type

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NotOneLine => write!(f, "a task must be one line without tabs"),
            Failure::Rejected { worker, message } => {
                write!(f, "worker {worker} reported: {message}")
            }
            Failure::Died { worker, how } => write!(f, "worker {worker} {how}"),
            Failure::TimedOut { worker, after } => write!(
                f,
                "worker {worker} did not answer within {after:?} and was killed"
            ),
            Failure::Garbled { worker, answer } => write!(
                f,
                "worker {worker} answered {answer:?}, which is not in the protocol"
            ),
        }
    }
}

impl fmt::Display for TaskFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "task {} ({}) failed: {}",
            self.task, self.input, self.why
        )
    }
}

impl std::error::Error for TaskFailed {}

// ANCHOR: pool_start
impl ProcessPool {
    /// How long a task may take unless [`ProcessPool::with_task_deadline`] says otherwise.
    pub const DEFAULT_TASK_DEADLINE: Duration = Duration::from_secs(60);

    /// Starts `workers` processes, each made by `worker_command`.
    pub fn start(workers: usize, worker_command: impl Fn() -> Command) -> io::Result<ProcessPool> {
        if workers == 0 {
            let message = "a process pool needs at least one worker";
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
        let mut pool = ProcessPool {
            workers: Vec::new(),
            task_deadline: ProcessPool::DEFAULT_TASK_DEADLINE,
            bytes_through_pipes: 0,
        };
        for number in 1..=workers {
            let mut command = worker_command();
            command.stdin(Stdio::piped()).stdout(Stdio::piped());
            // If a later spawn fails, `pool` is dropped: its `Drop` stops these.
            pool.workers.push(Worker::spawn(number, &mut command)?);
        }
        Ok(pool)
    }

    /// The same pool, killing a worker that takes longer than `deadline` over a task.
    pub fn with_task_deadline(mut self, deadline: Duration) -> ProcessPool {
        self.task_deadline = deadline;
        self
    }
    // ANCHOR_END: pool_start

    // ANCHOR: pool_map
    /// Runs every task and returns the results in the tasks' order, or the
    /// first task that failed. One thread per worker feeds it the next task
    /// as soon as it has answered the previous one.
    pub fn map(&mut self, tasks: &[String]) -> Result<Vec<String>, TaskFailed> {
        refuse_multi_line(tasks)?;
        let next_task = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let deadline = self.task_deadline;
        let (report, reports) = mpsc::channel();
        thread::scope(|scope| {
            for worker in &mut self.workers {
                let (next_task, stop, report) = (&next_task, &stop, report.clone());
                scope.spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        let task = next_task.fetch_add(1, Ordering::SeqCst);
                        let Some(input) = tasks.get(task) else { break };
                        let answer = worker.run(task, input, deadline);
                        if answer.is_err() {
                            stop.store(true, Ordering::SeqCst); // no new tasks
                        }
                        let _ = report.send((task, answer));
                    }
                });
            }
        });
        drop(report); // the workers' threads have ended: every report is in
        self.in_task_order(tasks, reports)
    }
    // ANCHOR_END: pool_map

    /// The answers put back in the tasks' order, or the failure of the
    /// lowest-numbered task that failed.
    fn in_task_order(
        &mut self,
        tasks: &[String],
        reports: Receiver<(usize, Answer)>,
    ) -> Result<Vec<String>, TaskFailed> {
        let mut results = vec![None; tasks.len()];
        let mut first_failure: Option<TaskFailed> = None;
        for (task, answer) in reports {
            match answer {
                Ok((output, bytes)) => {
                    self.bytes_through_pipes += bytes;
                    results[task] = Some(output);
                }
                Err(why) if first_failure.as_ref().is_none_or(|f| f.task > task) => {
                    let input = tasks[task].clone();
                    first_failure = Some(TaskFailed { task, input, why });
                }
                Err(_) => {}
            }
        }
        match first_failure {
            Some(failure) => Err(failure),
            None => Ok(results.into_iter().flatten().collect()),
        }
    }

    /// Bytes that crossed the pipes (tasks out, results back) so far.
    pub fn bytes_through_pipes(&self) -> usize {
        self.bytes_through_pipes
    }

    // ANCHOR: pool_shutdown
    /// How long [`ProcessPool::shutdown`] waits for the workers to exit.
    pub const SHUTDOWN_PATIENCE: Duration = Duration::from_secs(10);

    /// Closes every worker's input (end of tasks), waits for each to exit,
    /// and reports a worker that did not exit cleanly.
    pub fn shutdown(self) -> io::Result<()> {
        self.shutdown_within(Self::SHUTDOWN_PATIENCE)
    }

    /// Like `shutdown`, waiting at most `patience` in all: a worker still
    /// running then is killed (and reaped), and reported.
    pub fn shutdown_within(mut self, patience: Duration) -> io::Result<()> {
        for worker in &mut self.workers {
            drop(worker.to_worker.take());
        }
        let deadline = Instant::now() + patience;
        let mut trouble = Ok(());
        for worker in &mut self.workers {
            let ended = match wait_until(&mut worker.child, deadline) {
                Ok(Some(status)) if status.success() => continue,
                Ok(Some(status)) => format!("exited with {status}"),
                Ok(None) => format!("did not exit within {patience:?} and was killed"),
                Err(e) => format!("could not be waited for ({e}) and was killed"),
            };
            if trouble.is_ok() {
                let message = format!("worker {} {ended}", worker.number);
                trouble = Err(io::Error::other(message));
            }
        }
        trouble // `self` is dropped here: its `Drop` kills and reaps any worker left
    }
    // ANCHOR_END: pool_shutdown
}

/// A worker's answer to one task: its output and the bytes that crossed
/// the pipes for it, or why there is none.
type Answer = Result<(String, usize), Failure>;

/// A task with a newline or a tab would break the line protocol.
fn refuse_multi_line(tasks: &[String]) -> Result<(), TaskFailed> {
    match tasks.iter().position(|t| t.contains(['\n', '\t'])) {
        Some(task) => Err(TaskFailed {
            task,
            input: tasks[task].clone(),
            why: Failure::NotOneLine,
        }),
        None => Ok(()),
    }
}

/// Waits for `child` to exit until `deadline`; `None` if it is still running.
fn wait_until(child: &mut Child, deadline: Instant) -> io::Result<Option<ExitStatus>> {
    let mut nap = Duration::from_micros(50);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(10));
    }
}

impl Drop for ProcessPool {
    /// A pool dropped without `shutdown` (say, after a failed task, or an
    /// early `?`) stops the workers still running, and reaps every one, so
    /// no process is left behind.
    fn drop(&mut self) {
        for worker in &mut self.workers {
            worker.stop();
        }
    }
}

/// One worker process, and the lines it has written, as a reader thread
/// of its own hands them over (so that waiting for one can time out).
struct Worker {
    number: usize,
    child: Child,
    to_worker: Option<ChildStdin>,
    answers: Receiver<io::Result<String>>,
}

// ANCHOR: worker_run
impl Worker {
    /// Sends one task and waits at most `deadline` for its answer. A worker
    /// that dies first closes its end of the pipe, which ends the reader
    /// thread's channel; one that is alive but silent is killed.
    fn run(&mut self, task: usize, input: &str, deadline: Duration) -> Answer {
        let line = format!("{task}\t{input}\n");
        let sent = match self.to_worker.as_mut() {
            Some(pipe) => pipe.write_all(line.as_bytes()).and_then(|()| pipe.flush()),
            None => Err(io::ErrorKind::BrokenPipe.into()),
        };
        if sent.is_err() {
            return Err(self.death_notice()); // a closed pipe: the worker is gone
        }
        match self.answers.recv_timeout(deadline) {
            Ok(Ok(answer)) => {
                let output = parse_answer(self.number, task, &answer)?;
                Ok((output, line.len() + answer.len() + 1))
            }
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => Err(self.death_notice()),
            Err(RecvTimeoutError::Timeout) => {
                self.stop();
                Err(Failure::TimedOut {
                    worker: self.number,
                    after: deadline,
                })
            }
        }
    }
}
// ANCHOR_END: worker_run

impl Worker {
    /// Starts the process and the thread that reads its answers.
    fn spawn(number: usize, command: &mut Command) -> io::Result<Worker> {
        let mut child = command.spawn()?;
        let to_worker = child.stdin.take();
        let from_worker = child.stdout.take();
        let (answer, answers) = mpsc::channel();
        if let Some(from_worker) = from_worker {
            // The thread ends when the pipe closes (the worker exited or was
            // killed) or the pool stops listening; it is never joined.
            thread::spawn(move || {
                for line in BufReader::new(from_worker).lines() {
                    let failed = line.is_err();
                    if answer.send(line).is_err() || failed {
                        break;
                    }
                }
            });
        }
        Ok(Worker {
            number,
            child,
            to_worker,
            answers,
        })
    }

    /// How the worker ended. It closed its output, so it is exiting or
    /// gone; one still running after two seconds is stopped.
    fn death_notice(&mut self) -> Failure {
        let (worker, pid) = (self.number, self.child.id());
        let deadline = Instant::now() + Duration::from_secs(2);
        let how = match wait_until(&mut self.child, deadline) {
            Ok(Some(status)) => format!("(pid {pid}) died without answering: {status}"),
            _ => {
                self.stop();
                format!("(pid {pid}) closed its output without answering and was stopped")
            }
        };
        Failure::Died { worker, how }
    }

    /// Kills the worker if it still runs, and reaps it.
    fn stop(&mut self) {
        drop(self.to_worker.take());
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill(); // fails only if it has exited already
        }
        let _ = self.child.wait();
    }
}

/// Reads `<task> TAB ok TAB <output>` or `<task> TAB err TAB <message>`.
fn parse_answer(worker: usize, task: usize, answer: &str) -> Result<String, Failure> {
    let mut fields = answer.splitn(3, '\t');
    let (number, status, body) = (fields.next(), fields.next(), fields.next());
    match (number == Some(&task.to_string()), status, body) {
        (true, Some("ok"), Some(output)) => Ok(output.to_string()),
        (true, Some("err"), Some(message)) => Err(Failure::Rejected {
            worker,
            message: message.to_string(),
        }),
        _ => Err(Failure::Garbled {
            worker,
            answer: answer.to_string(),
        }),
    }
}

// ANCHOR: serve
/// The worker's side: answer every task line on `input` until it closes.
/// `job` gets the task number and input, and returns the output or an error.
pub fn serve(
    input: impl BufRead,
    mut output: impl Write,
    job: impl Fn(usize, &str) -> Result<String, String>,
) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        let Some((task, task_input)) = line.split_once('\t') else {
            let message = format!("not a task line: {line:?}");
            return Err(io::Error::new(io::ErrorKind::InvalidData, message));
        };
        let number: usize = task.parse().map_err(|_| {
            let message = format!("bad task number {task:?}");
            io::Error::new(io::ErrorKind::InvalidData, message)
        })?;
        match job(number, task_input) {
            Ok(result) => writeln!(output, "{task}\tok\t{result}")?,
            Err(message) => {
                let message = message.replace(['\n', '\t'], " ");
                writeln!(output, "{task}\terr\t{message}")?
            }
        }
        output.flush()?; // the pool is waiting for this line
    }
    Ok(())
}
// ANCHOR_END: serve

/// A worker written in `sh`, to show that the protocol is only lines of
/// text: it squares its input, exits with status 3 on the input `die`, and
/// on `hang` turns into a `sleep` that never answers.
const SH_WORKER: &str = r#"
tab=$(printf '\t')
while IFS="$tab" read -r task input; do
  if [ "$input" = die ]; then exit 3; fi
  if [ "$input" = hang ]; then exec sleep 600; fi
  case "$input" in
    ''|*[!0-9]*) printf '%s\terr\tnot a number: %s\n' "$task" "$input" ;;
    *) printf '%s\tok\t%s\n' "$task" "$((input * input))" ;;
  esac
done
"#;

fn sh_worker() -> Command {
    let mut command = Command::new("sh");
    command.args(["-c", SH_WORKER]);
    command
}

/// A small run of the listing: two `sh` workers square ten numbers; then
/// one task fails, one worker dies and one hangs, and each time the pool
/// says which task, and why, in a way the code can match on.
pub fn main() {
    let mut pool = ProcessPool::start(2, sh_worker).expect("starting sh workers");
    let tasks: Vec<String> = (0..10).map(|x| x.to_string()).collect();
    let squares = pool.map(&tasks).expect("every task succeeds");
    println!("squares from 2 worker processes: {squares:?}");
    let expected: Vec<String> = (0..10).map(|x| (x * x).to_string()).collect();
    assert_eq!(squares, expected);
    assert!(pool.bytes_through_pipes() > 0);

    // A task the worker rejects: the pool names it.
    let failure = pool.map(&["7".into(), "seven".into()]).unwrap_err();
    println!("{failure}");
    assert_eq!(failure.task, 1);
    assert!(matches!(failure.why, Failure::Rejected { .. }), "{failure}");
    pool.shutdown().expect("both workers exit cleanly");

    // A worker that dies mid-task: a clear error, not a hang.
    let mut pool = ProcessPool::start(1, sh_worker).expect("starting an sh worker");
    let failure = pool.map(&["2".into(), "die".into()]).unwrap_err();
    println!("{failure}");
    assert_eq!(failure.task, 1);
    assert!(matches!(failure.why, Failure::Died { .. }), "{failure}");
    drop(pool);

    // A worker that stays alive and never answers: killed at the deadline.
    let deadline = Duration::from_millis(200);
    let pool = ProcessPool::start(1, sh_worker).expect("starting an sh worker");
    let mut pool = pool.with_task_deadline(deadline);
    let failure = pool.map(&["3".into(), "hang".into()]).unwrap_err();
    println!("{failure}");
    assert_eq!(
        failure.why,
        Failure::TimedOut {
            worker: 1,
            after: deadline
        }
    );
    drop(pool);

    assert!(
        ProcessPool::start(0, sh_worker).is_err(),
        "0 workers is an error"
    );
}
