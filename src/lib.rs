#![doc = include_str!("../README.md")]

pub mod aws;
pub mod edit;
pub mod error;
pub mod generate;
pub mod harness;
pub mod headroom;
pub mod import;
pub mod instance_types;
pub mod model;
pub mod placement;
pub mod query;
pub mod request;

pub use error::{EcsError, ExceptionName};
pub use placement::{
    ChangeSet, Placer, RunTaskOutcome, RunTaskSummary, explain_run_task, run_task, start_task,
    stop_task,
};
