//! Running `simulate`'s replays: the events (a trace file, standard input or a generated
//! workload) read in batches, handed to one replay per variant (each on its own thread when
//! there are several), timed, with a progress bar on a terminal once a replay passes a second.
//!
//! The library does the replay and the metrics (`ecs_placement::harness`); this file owns the
//! clock, the threads and the terminal.

use std::io::{self, BufRead, IsTerminal, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::{Duration, Instant};

use ecs_placement::EcsError;
use ecs_placement::harness::{Action, Finished, Options, Replay, TraceEvent};
use ecs_placement::model::Snapshot;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::input::Failure;

/// Events read and replayed at a time: reading them is outside the timed replay.
const BATCH: usize = 4096;
/// Batches read ahead of the slowest variant.
const QUEUE: usize = 4;
/// run-task events looked at for the reference task when none is given.
pub const REFERENCE_CALLS: usize = 1000;

/// A source of events.
pub type Events = Box<dyn Iterator<Item = Result<TraceEvent, EcsError>>>;

/// How far the source is, for the progress bar: bytes read of a file's size, or run-task
/// events of a generated workload's.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The end (0: unknown).
    pub length: u64,
    /// Where the source is.
    pub position: Arc<AtomicU64>,
    /// What is counted.
    pub unit: &'static str,
}

/// A reader that counts the bytes read through it.
pub struct Counting<R> {
    /// The reader.
    pub inner: R,
    /// Bytes read so far.
    pub count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.count.fetch_add(amount as u64, Ordering::Relaxed);
        self.inner.consume(amount);
    }
}

/// Reads events until `calls` run-task events (or the end, or an error); gives them and the
/// rest of the source, which starts with them.
pub fn look_ahead(mut events: Events, calls: usize) -> (Vec<Result<TraceEvent, EcsError>>, Events) {
    let mut head = Vec::new();
    let mut seen = 0;
    while seen < calls {
        let Some(event) = events.next() else { break };
        let stop = event.is_err();
        seen += usize::from(matches!(
            &event,
            Ok(TraceEvent {
                action: Action::RunTask { .. },
                ..
            })
        ));
        head.push(event);
        if stop {
            break;
        }
    }
    let rest: Events = Box::new(head.clone().into_iter().chain(events));
    (head, rest)
}

/// One replay to run: its snapshot and options.
pub struct Job {
    /// The cluster it starts from.
    pub snapshot: Snapshot,
    /// How it runs.
    pub options: Options,
}

/// Runs every job over the same events; their finished replays in order. The first error of
/// the events ends them all.
pub fn run(jobs: Vec<Job>, events: Events, progress: Progress) -> Result<Vec<Finished>, Failure> {
    let bar = Bar::new(progress);
    let result = if jobs.len() == 1 {
        run_one(jobs, events, &bar)
    } else {
        run_parallel(jobs, events, &bar)
    };
    bar.finish();
    result
}

fn run_one(jobs: Vec<Job>, mut events: Events, bar: &Bar) -> Result<Vec<Finished>, Failure> {
    let mut finished = Vec::new();
    for job in jobs {
        let mut replay = Replay::new(job.snapshot, job.options);
        let mut clock = clock();
        let mut batch = Vec::with_capacity(BATCH);
        let mut elapsed = Duration::ZERO;
        loop {
            batch.clear();
            for event in events.by_ref().take(BATCH) {
                batch.push(event?);
            }
            if batch.is_empty() {
                break;
            }
            let started = Instant::now();
            for event in &batch {
                replay.apply(event, &mut clock);
            }
            elapsed += started.elapsed();
            bar.tick();
        }
        finished.push(replay.finish(elapsed.as_secs_f64()));
    }
    Ok(finished)
}

fn run_parallel(jobs: Vec<Job>, mut events: Events, bar: &Bar) -> Result<Vec<Finished>, Failure> {
    std::thread::scope(|scope| {
        let mut senders = Vec::new();
        let mut workers = Vec::new();
        for job in jobs {
            let (send, receive) = sync_channel::<Arc<Vec<TraceEvent>>>(QUEUE);
            senders.push(send);
            workers.push(scope.spawn(move || replay_batches(job, receive)));
        }
        let mut failure: Option<Failure> = None;
        loop {
            let mut batch = Vec::with_capacity(BATCH);
            for event in events.by_ref().take(BATCH) {
                match event {
                    Ok(event) => batch.push(event),
                    Err(error) => {
                        failure = Some(error.into());
                        break;
                    }
                }
            }
            if batch.is_empty() || failure.is_some() {
                break;
            }
            let batch = Arc::new(batch);
            // A worker that has gone (it cannot, short of a panic) just stops receiving.
            for send in &senders {
                let _ = send.send(Arc::clone(&batch));
            }
            bar.tick();
        }
        drop(senders);
        let finished: Vec<Option<Finished>> = workers
            .into_iter()
            .map(|worker| worker.join().ok())
            .collect();
        if let Some(failure) = failure {
            return Err(failure);
        }
        finished
            .into_iter()
            .map(|f| f.ok_or_else(|| EcsError::client("a variant's replay failed").into()))
            .collect()
    })
}

fn replay_batches(job: Job, batches: Receiver<Arc<Vec<TraceEvent>>>) -> Finished {
    let mut replay = Replay::new(job.snapshot, job.options);
    let mut clock = clock();
    let mut elapsed = Duration::ZERO;
    for batch in batches {
        let started = Instant::now();
        for event in batch.iter() {
            replay.apply(event, &mut clock);
        }
        elapsed += started.elapsed();
    }
    replay.finish(elapsed.as_secs_f64())
}

/// Nanoseconds since the clock was made.
fn clock() -> impl FnMut() -> u64 {
    let start = Instant::now();
    move || start.elapsed().as_nanos() as u64
}

/// The progress bar: hidden off a terminal, shown once the replay has run a second.
struct Bar {
    bar: ProgressBar,
    progress: Progress,
    started: Instant,
    shown: std::cell::Cell<bool>,
    terminal: bool,
}

impl Bar {
    fn new(progress: Progress) -> Self {
        let bar =
            ProgressBar::with_draw_target(Some(progress.length), ProgressDrawTarget::hidden());
        let template = if progress.length > 0 {
            "{elapsed_precise} [{wide_bar}] {percent}% {msg} ETA {eta}"
        } else {
            "{elapsed_precise} {spinner} {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Self {
            bar,
            progress,
            started: Instant::now(),
            shown: std::cell::Cell::new(false),
            terminal: io::stderr().is_terminal(),
        }
    }

    fn tick(&self) {
        let position = self.progress.position.load(Ordering::Relaxed);
        if self.terminal && !self.shown.get() && self.started.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown.set(true);
        }
        self.bar.set_position(position);
        if self.progress.length == 0 {
            self.bar
                .set_message(format!("{position} {}", self.progress.unit));
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
