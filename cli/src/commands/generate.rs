//! `ecs-place generate`: writes a synthetic cluster snapshot (the library's `generate`
//! module: 3 zones, 8 instance types, 6 attributes per instance, running tasks in groups).

use std::path::PathBuf;

use ecs_placement::generate::{ClusterSpec, cluster};

use crate::input::Failure;

/// The most `--instances` (and `--groups`): 100 times the 5,000 container instances ECS allows
/// in a cluster. An instance takes about 3 KB of memory while generating and 1 KB of file, so
/// at most 1.5 GB and 0.5 GB.
pub const MAX_INSTANCES: usize = 500_000;
/// The most `--tasks`: ten per instance of the largest cluster (a generated instance holds
/// eight on average when it is full). A task takes about 0.7 KB of memory and 0.5 KB of file:
/// at most 3.5 GB and 2.5 GB more.
pub const MAX_TASKS: usize = 5_000_000;

/// A clap value parser: a whole number from 0 to `max`, or an error naming the bound (clap
/// names the argument and the value: `invalid value 'V' for '--ARG <N>': must be a whole
/// number from 0 to MAX`).
pub fn at_most<T>(max: T) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy + Send + Sync + 'static,
{
    move |text: &str| match text.parse::<T>() {
        Ok(value) if value <= max => Ok(value),
        _ => Err(format!("must be a whole number from 0 to {max}")),
    }
}

/// Write a generated cluster snapshot (the same file for the same arguments, everywhere).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecs-place generate --instances 5000 --tasks 20000 --seed 1 --out cluster-5k.json\n  ecs-place generate --instances 100 --tasks 400 --groups 20 --out small.json\n\nLimits: --instances and --groups at most 500000, --tasks at most 5000000 (beyond them: exit 2,\nInvalidParameterException). The file grows with instances and tasks (about 1 KB per instance\nand 0.5 KB per task) and is written to a temporary file beside --out, then renamed over it."
)]
pub struct Args {
    /// Container instances, 0 to 500000.
    #[arg(long, default_value_t = 5_000, value_name = "N", value_parser = at_most(MAX_INSTANCES))]
    pub instances: usize,
    /// Running tasks, 0 to 5000000 (fewer when the cluster fills up).
    #[arg(long, default_value_t = 20_000, value_name = "N", value_parser = at_most(MAX_TASKS))]
    pub tasks: usize,
    /// Task groups the tasks are spread over, each with its own task definition, 0 to 500000
    /// (by default 200, or one per instance when there are fewer; never more than --instances).
    #[arg(long, value_name = "N", value_parser = at_most(MAX_INSTANCES))]
    pub groups: Option<usize>,
    /// The seed, 0 to 18446744073709551615.
    #[arg(long, default_value_t = 1, value_parser = at_most(u64::MAX))]
    pub seed: u64,
    /// Where to write the snapshot.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Runs `generate`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let spec = ClusterSpec {
        instances: args.instances,
        tasks: args.tasks,
        // `cluster` makes no more groups than instances.
        groups: args
            .groups
            .unwrap_or_else(|| ClusterSpec::scaled(args.instances, args.seed).groups),
        seed: args.seed,
    };
    let snapshot = cluster(&spec);
    // Streamed to a temporary file renamed over `--out`: no copy of the text in memory, and a
    // failed write leaves an existing file as it was.
    crate::output::write_file(&args.out, "file", |out| {
        serde_json::to_writer(out, &snapshot).map_err(std::io::Error::from)
    })
}
