//! The time series as CSV: a header, then one row per interval (per variant, when there are
//! several), columns as docs/HARNESS.md lists them. Every value is a number or a variant name
//! (which holds no comma, quote or line break; [`Variant::parse`](super::Variant::parse)
//! refuses them), so no field needs quoting.

use std::io::{self, Write};

use super::metrics::IntervalRow;

/// The columns, in order.
pub const COLUMNS: [&str; 25] = [
    "variant",
    "start",
    "end",
    "runTaskCalls",
    "rejectedCalls",
    "tasksRequested",
    "placed",
    "unplaced",
    "stopped",
    "placingNanos",
    "placementsPerSecond",
    "latencyP50Us",
    "latencyP90Us",
    "latencyP99Us",
    "latencyMaxUs",
    "cpuUtilization",
    "memoryUtilization",
    "strandedCpu",
    "strandedMemory",
    "activeInstances",
    "instancesInUse",
    "waitingTasks",
    "spreadSkewMax",
    "spreadSkewMean",
    "intervalSeconds",
];

/// Writes the rows of each variant (name, rows) to `out`.
pub fn write_csv(out: &mut dyn Write, runs: &[(&str, &[IntervalRow])]) -> io::Result<()> {
    writeln!(out, "{}", COLUMNS.join(","))?;
    for (name, rows) in runs {
        for row in *rows {
            let c = &row.counts;
            let s = &row.sample;
            writeln!(
                out,
                "{name},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                row.start,
                row.end,
                c.run_task_calls,
                c.rejected_calls,
                c.tasks_requested,
                c.placed,
                c.unplaced,
                c.stopped,
                c.placing_nanos,
                row.placements_per_second,
                row.latency_p50_us,
                row.latency_p90_us,
                row.latency_p99_us,
                row.latency_max_us,
                s.cpu_utilization,
                s.memory_utilization,
                s.stranded_cpu,
                s.stranded_memory,
                s.active_instances,
                s.instances_in_use,
                s.waiting_tasks,
                s.spread_skew_max,
                s.spread_skew_mean,
                row.end - row.start,
            )?;
        }
    }
    Ok(())
}
