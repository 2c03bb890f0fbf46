//! The benchmark harness: replaying a timed trace through a [`Placer`](crate::Placer) and
//! measuring what placement did over trace time (docs/HARNESS.md; the trace format is
//! docs/TRACE_FORMAT.md).
//!
//! ```text
//! trace.rs      JSON lines -> TraceEvent, read as a stream (constant memory)
//! replay.rs     events -> one Placer; what each event does, forgetting stopped tasks
//! running.rs    the running tasks by index, the times they stop, those waiting for capacity
//! metrics.rs    counters and latency per interval; intervals merge as the trace grows
//! histogram.rs  latency percentiles in fixed memory
//! gauges.rs     the cluster at an interval's end: utilisation, stranded capacity, spread skew
//! cluster_gauges.rs  the same kept cheap: columns read once, tasks per group and zone counted
//! summary.rs    the JSON summary (versioned schema) and the totals it is made from
//! public_traces/  public cluster traces (Alibaba 2018) to a snapshot and a trace
//! synthetic.rs  generated timed traces: requests arriving at a rate, random durations
//! variant.rs    NAME=SPEC variants of every request, and their side-by-side comparison
//! csv.rs        the time series as CSV
//! ```
//!
//! The library reads no clock: the caller passes one to [`Replay::apply`], so a test passes
//! one that counts and gets the same latencies every time.
//!
//! ```
//! use ecs_placement::generate::{ClusterSpec, cluster, workload_events};
//! use ecs_placement::harness::{Options, Replay, timed};
//! use ecs_placement::model::Snapshot;
//!
//! let snapshot = Snapshot::try_from(cluster(&ClusterSpec::scaled(30, 1))).unwrap();
//! let events = timed(workload_events(&snapshot, 50, 7));
//! let mut replay = Replay::new(snapshot, Options { metrics: true, ..Options::default() });
//! let mut ticks = 0;
//! let mut clock = || { ticks += 1000; ticks };
//! for event in events {
//!     replay.apply(&event, &mut clock);
//! }
//! let finished = replay.finish(0.0);
//! assert_eq!(finished.summary.run_task_calls, 50);
//! assert!(!finished.rows.is_empty());
//! ```

mod cluster_gauges;
mod csv;
pub mod gauges;
pub mod histogram;
pub mod metrics;
pub mod public_traces;
mod replay;
mod running;
pub mod summary;
pub mod synthetic;
pub mod trace;
pub mod variant;

pub use csv::write_csv;
pub use gauges::{Demand, Sample};
pub use metrics::IntervalRow;
pub use replay::{FORGET_AFTER_STOPS, Finished, Options, Replay};
pub use summary::{SUMMARY_SCHEMA_VERSION, Summary};
pub use trace::{Action, TRACE_FORMAT_VERSION, TraceEvent, TraceReader, timed};
pub use variant::{Compared, Variant, compare};
