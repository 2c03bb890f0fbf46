//! A reusable placer: owns a snapshot, applies every call's changes to it, and keeps each
//! distinct request validated and compiled, so a steady stream of calls pays validation,
//! `memberOf` compilation and the static constraint bitsets once per distinct request.
//!
//! Every response equals what [`run_task`](super::run_task) on the current state gives, and
//! the state after it equals [`Snapshot::apply`] of that call's changes: the cached
//! [`Prepared`] depends only on what placing and stopping never change (the cluster, task
//! definitions, capacity providers, instances' attributes and registration), and the Placer
//! changes its snapshot only through placing and stopping.

use std::collections::HashMap;

use crate::aws::{RunTaskRequest, RunTaskResponse};
use crate::error::EcsError;
use crate::model::Snapshot;

use super::changes::stop_task;
use super::incremental::Prepared;
use super::pipeline::{RunTaskOutcome, run_task_reference};

/// Most distinct requests kept compiled; past it the cache starts over (memory stays bounded
/// however many distinct requests a caller sends).
const MAX_CACHED_REQUESTS: usize = 1024;

/// A snapshot that RunTask and StopTask calls change in place (see the module documentation).
#[derive(Debug, Clone)]
pub struct Placer {
    snapshot: Snapshot,
    prepared: HashMap<String, Prepared>,
}

impl Placer {
    /// A placer over `snapshot`.
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            snapshot,
            prepared: HashMap::new(),
        }
    }

    /// The current state.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// The current state, giving up the placer.
    pub fn into_snapshot(self) -> Snapshot {
        self.snapshot
    }

    /// Runs tasks as [`run_task`](super::run_task) would on the current state, then applies
    /// the placed tasks to it.
    pub fn run_task(
        &mut self,
        request: &RunTaskRequest,
        seed: u64,
    ) -> Result<RunTaskResponse, EcsError> {
        let outcome = self.place(request, seed)?;
        self.snapshot.apply(&outcome.changes);
        Ok(outcome.response)
    }

    /// Stops a task (see [`stop_task`](super::stop_task)).
    pub fn stop_task(&mut self, task_arn: &str) -> Result<(), EcsError> {
        stop_task(&mut self.snapshot, task_arn)
    }

    fn place(&mut self, request: &RunTaskRequest, seed: u64) -> Result<RunTaskOutcome, EcsError> {
        // The request's JSON names it exactly: equal JSON, equal request.
        let key = serde_json::to_string(request)
            .map_err(|e| EcsError::invalid_parameter(format!("request does not serialize: {e}")))?;
        if !self.prepared.contains_key(&key) {
            let prepared = Prepared::new(&self.snapshot, request)?;
            if self.prepared.len() >= MAX_CACHED_REQUESTS {
                self.prepared.clear();
            }
            self.prepared.insert(key.clone(), prepared);
        }
        let outcome = self
            .prepared
            .get(&key)
            .and_then(|prepared| prepared.run(&self.snapshot, seed));
        match outcome {
            Some(outcome) => Ok(outcome),
            None => run_task_reference(&self.snapshot, request, seed),
        }
    }
}
