//! `ecs-place generate`: writes a synthetic cluster snapshot (the library's `generate`
//! module: 3 zones, 8 instance types, 6 attributes per instance, running tasks in groups).

use std::path::PathBuf;

use ecs_placement::generate::{ClusterSpec, cluster};

use crate::input::Failure;

/// Write a generated cluster snapshot (the same file for the same arguments, everywhere).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecs-place generate --instances 5000 --tasks 20000 --seed 1 --out cluster-5k.json\n  ecs-place generate --instances 100 --tasks 400 --groups 20 --out small.json"
)]
pub struct Args {
    /// Container instances.
    #[arg(long, default_value_t = 5_000)]
    pub instances: usize,
    /// Running tasks (fewer when the cluster fills up).
    #[arg(long, default_value_t = 20_000)]
    pub tasks: usize,
    /// Task groups the tasks are spread over (at most 200 by default, never more than
    /// instances).
    #[arg(long)]
    pub groups: Option<usize>,
    /// The seed.
    #[arg(long, default_value_t = 1)]
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
