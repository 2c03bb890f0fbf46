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
use super::incremental::{Prepared, RowCache};
use super::pipeline::{RunTaskOutcome, run_task_reference};

/// Most distinct requests kept compiled; past it the cache starts over (memory stays bounded
/// however many distinct requests a caller sends).
const MAX_CACHED_REQUESTS: usize = 1024;

/// Most touched positions logged; past it the log starts over and every request's rows are
/// built again on its next call (the log stays bounded however long the placer runs).
const MAX_LOGGED_CHANGES: usize = 1 << 16;

/// One distinct request: compiled, with its candidate rows as of log entry `seen`.
#[derive(Debug, Clone)]
struct Cached {
    prepared: Prepared,
    rows: RowCache,
    seen: usize,
}

/// A snapshot that RunTask and StopTask calls change in place (see the module documentation).
#[derive(Debug, Clone)]
pub struct Placer {
    snapshot: Snapshot,
    prepared: HashMap<String, Cached>,
    /// The positions of the instances every placement and stop changed, in order: what a
    /// cached request's rows must judge again.
    touched: Vec<u32>,
    /// The last request and its cache key, so a repeated request is not serialized again.
    last: Option<(RunTaskRequest, String)>,
}

impl Placer {
    /// A placer over `snapshot`.
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            snapshot,
            prepared: HashMap::new(),
            touched: Vec::new(),
            last: None,
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
        let (outcome, positions) = self.place(request, seed)?;
        let mut positions = positions.into_iter();
        for placed in outcome.changes.tasks {
            // The engine gives the position; after the reference path it is looked up.
            let position = positions.next().unwrap_or_else(|| {
                placed
                    .task
                    .container_instance_arn
                    .as_deref()
                    .and_then(|arn| self.snapshot.instance_position(arn))
            });
            self.log(position);
            self.snapshot.apply_placed_at(placed, position);
        }
        Ok(outcome.response)
    }

    /// Stops a task (see [`stop_task`]).
    pub fn stop_task(&mut self, task_arn: &str) -> Result<(), EcsError> {
        let position = self
            .snapshot
            .tasks()
            .get(task_arn)
            .and_then(|record| record.instance);
        stop_task(&mut self.snapshot, task_arn)?;
        self.log(position);
        Ok(())
    }

    /// Logs a changed instance; when the log is full, starts it over and drops every
    /// request's rows.
    fn log(&mut self, position: Option<u32>) {
        let Some(position) = position else {
            return;
        };
        if self.touched.len() >= MAX_LOGGED_CHANGES {
            self.touched.clear();
            for cached in self.prepared.values_mut() {
                cached.rows = RowCache::default();
                cached.seen = 0;
            }
        }
        self.touched.push(position);
    }

    /// The request's cache key: its JSON, which names it exactly (equal JSON, equal request).
    fn key(&mut self, request: &RunTaskRequest) -> Result<String, EcsError> {
        if let Some((last, key)) = &self.last {
            if last == request {
                return Ok(key.clone());
            }
        }
        let key = serde_json::to_string(request)
            .map_err(|e| EcsError::invalid_parameter(format!("request does not serialize: {e}")))?;
        self.last = Some((request.clone(), key.clone()));
        Ok(key)
    }

    /// The call's outcome, with each placed task's instance position when the engine gave it
    /// (empty after the reference path).
    fn place(
        &mut self,
        request: &RunTaskRequest,
        seed: u64,
    ) -> Result<(RunTaskOutcome, Vec<Option<u32>>), EcsError> {
        let key = self.key(request)?;
        if !self.prepared.contains_key(&key) {
            let prepared = Prepared::new(&self.snapshot, request)?;
            if self.prepared.len() >= MAX_CACHED_REQUESTS {
                self.prepared.clear();
            }
            let cached = Cached {
                prepared,
                rows: RowCache::default(),
                seen: self.touched.len(),
            };
            self.prepared.insert(key.clone(), cached);
        }
        let (snapshot, touched) = (&self.snapshot, &self.touched);
        let outcome = self.prepared.get_mut(&key).and_then(|cached| {
            let since = touched.get(cached.seen..).unwrap_or_default();
            let outcome = cached
                .prepared
                .run_cached(snapshot, seed, &mut cached.rows, since);
            cached.seen = touched.len();
            outcome
        });
        match outcome {
            Some(outcome) => Ok(outcome),
            None => run_task_reference(&self.snapshot, request, seed).map(|o| (o, Vec::new())),
        }
    }
}
