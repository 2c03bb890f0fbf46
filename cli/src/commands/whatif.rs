//! `ecs-place import` and `ecs-place edit`: from AWS CLI outputs to a snapshot, and from a
//! snapshot to a scenario (docs/WHAT_IF.md).

use std::path::PathBuf;

use ecs_placement::EcsError;
use ecs_placement::edit::{AddInstances, Edit, MAX_ADDED_INSTANCES, edit};
use ecs_placement::import::{Source, import};
use ecs_placement::model::{Snapshot, SnapshotFile};

use crate::input::{Failure, read_snapshot, read_text, shown};
use crate::output::{stderr_line, write_file};

/// Merge AWS CLI outputs (describe-clusters, describe-container-instances, describe-tasks,
/// describe-task-definition, describe-capacity-providers; boto3 responses saved as JSON too)
/// into one snapshot.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example (docs/WHAT_IF.md has the AWS CLI commands that make the files):\n  ecs-place import dump/*.json --out prod.json\n\nOn stderr: what each file held, where the cluster's name came from, and what placement\nwill need that the files lack."
)]
pub struct ImportArgs {
    /// The AWS outputs, in any order and any number of pages (`-`: standard input).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The snapshot to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The cluster's name, when no describe-clusters output gives it (or to pick one of several).
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
}

/// Runs `import`.
pub fn import_files(args: &ImportArgs) -> Result<(), Failure> {
    let mut texts = Vec::with_capacity(args.files.len());
    for path in &args.files {
        texts.push((shown(path).into_owned(), read_text(path)?));
    }
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    let imported = import(&sources, args.cluster.as_deref())?;
    // Validated before anything is written: a snapshot `run-task` would refuse is not written.
    let snapshot = Snapshot::try_from(imported.file.clone())
        .map_err(|e| EcsError::client(format!("the merged snapshot: {e}")))?;
    write_snapshot(&args.out, &imported.file)?;
    for source in &imported.sources {
        stderr_line(&format!("read {source}"));
    }
    stderr_line(&format!(
        "cluster {} (named by {}): {} instances, {} tasks, {} task definitions, {} capacity providers -> {}",
        snapshot.cluster().name,
        imported.cluster_named_by,
        snapshot.instances().len(),
        snapshot.tasks().len(),
        snapshot.task_definitions().len(),
        snapshot.capacity_providers().len(),
        args.out.display()
    ));
    for missing in &imported.missing {
        stderr_line(&format!("missing: {missing}"));
    }
    Ok(())
}

/// Make a scenario of a snapshot: drain or remove instances, stop tasks, add instances.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  ecs-place edit --cluster prod.json --drain i-01a61dbe2e44158b --out drained.json\n  ecs-place edit --cluster prod.json --add-instances type=m5.large,az=us-east-1c,count=3,attribute:stack=prod --out bigger.json\n\nINSTANCE is a container instance ARN, its id (the ARN's end) or its EC2 instance id.\nEdits apply in this order: stops, drains, removals, additions; each refuses what it cannot find."
)]
pub struct EditArgs {
    /// The snapshot to start from (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// The snapshot to write (may be the --cluster file).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Stop a task (resources given back).
    #[arg(long = "stop-task", value_name = "ARN")]
    pub stop_task: Vec<String>,
    /// Stop every running task of a group (`service:web`, `family:batch`).
    #[arg(long = "stop-group", value_name = "GROUP")]
    pub stop_group: Vec<String>,
    /// Set an instance DRAINING (its tasks keep running; it takes no new ones).
    #[arg(long, value_name = "INSTANCE")]
    pub drain: Vec<String>,
    /// Remove an instance and the tasks on it.
    #[arg(long, value_name = "INSTANCE")]
    pub remove: Vec<String>,
    /// Add instances (at most 10,000 in all): `type=T,az=Z[,count=N][,provider=P][,cpu=C,memory=M][,attribute:NAME=VALUE]...`
    #[arg(long = "add-instances", value_name = "SPEC")]
    pub add_instances: Vec<String>,
}

/// Runs `edit`.
pub fn edit_snapshot(args: &EditArgs) -> Result<(), Failure> {
    let snapshot = read_snapshot(&args.cluster)?;
    let mut edits: Vec<Edit> = Vec::new();
    edits.extend(args.stop_task.iter().cloned().map(Edit::StopTask));
    edits.extend(args.stop_group.iter().cloned().map(Edit::StopGroup));
    edits.extend(args.drain.iter().cloned().map(Edit::Drain));
    edits.extend(args.remove.iter().cloned().map(Edit::Remove));
    let mut added: u64 = 0;
    for spec in &args.add_instances {
        let spec = spec.parse::<AddInstances>()?;
        added += u64::from(spec.count);
        edits.push(Edit::AddInstances(spec));
    }
    if added > u64::from(MAX_ADDED_INSTANCES) {
        return Err(EcsError::invalid_parameter(format!(
            "--add-instances adds {added} instances in all; at most {MAX_ADDED_INSTANCES} per edit"
        ))
        .into());
    }
    if edits.is_empty() {
        return Err(EcsError::invalid_parameter(
            "no edit given: use --drain, --remove, --stop-group, --stop-task or --add-instances",
        )
        .into());
    }
    let edited = edit(&snapshot, &edits)?;
    write_snapshot(&args.out, &edited.file)?;
    for note in &edited.notes {
        stderr_line(&format!("note: {note}"));
    }
    Ok(())
}

fn write_snapshot(path: &std::path::Path, file: &SnapshotFile) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(file)
        .map_err(|e| EcsError::client(format!("cannot write JSON: {e}")))?;
    write_file(path, "snapshot", |out| {
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")
    })
}
