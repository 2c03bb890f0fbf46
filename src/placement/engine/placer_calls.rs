//! The ECS calls that change a cluster, on a [`Placer`]: each changes the placer's snapshot
//! (see `model/cluster_calls.rs` and its siblings for the rules) and then drops the compiled
//! requests, which may have read what changed. `tests/cluster_calls.rs` holds a placer changed
//! by any sequence of them to one built afresh from its state.

use crate::aws::{
    Attribute, ContainerInstance, ContainerInstanceStatus, RunTaskResponse, StartTaskRequest,
    TaskDefinition,
};
use crate::error::EcsError;
use crate::model::{Snapshot, StateUpdate};

use super::placer::Placer;

impl Placer {
    /// Applies one cluster-changing call to the snapshot and, when it succeeds, drops the
    /// compiled requests (a refused call changes nothing, so they stay).
    fn change_cluster<T>(
        &mut self,
        call: impl FnOnce(&mut Snapshot) -> Result<T, EcsError>,
    ) -> Result<T, EcsError> {
        let answer = call(&mut self.snapshot)?;
        self.forget_requests();
        Ok(answer)
    }

    /// StartTask on the current state, as [`start_task`](fn@crate::placement::start_task)
    /// would, then applies the started tasks to it. Compiled requests are kept: starting a
    /// task changes what placing one does, and their rows judge the instances it touched again.
    pub fn start_task(
        &mut self,
        request: &StartTaskRequest,
        seed: u64,
    ) -> Result<RunTaskResponse, EcsError> {
        let outcome = crate::placement::start_task(&self.snapshot, request, seed)?;
        self.apply_changes(outcome.changes);
        Ok(outcome.response)
    }

    /// `RegisterContainerInstance` (see [`crate::model::Snapshot::register_container_instance`]);
    /// returns the instance's ARN.
    pub fn register_container_instance(
        &mut self,
        instance: ContainerInstance,
    ) -> Result<String, EcsError> {
        self.change_cluster(|snapshot| snapshot.register_container_instance(instance))
    }

    /// `DeregisterContainerInstance` (see
    /// [`crate::model::Snapshot::deregister_container_instance`]); returns the ARNs of the
    /// tasks a forced deregistration stopped.
    pub fn deregister_container_instance(
        &mut self,
        instance: &str,
        force: bool,
    ) -> Result<Vec<String>, EcsError> {
        self.change_cluster(|snapshot| snapshot.deregister_container_instance(instance, force))
    }

    /// `UpdateContainerInstancesState` on the placer's state (see
    /// [`crate::model::Snapshot::update_container_instances_state`]); compiled requests are dropped.
    pub fn update_container_instances_state(
        &mut self,
        instances: &[&str],
        status: ContainerInstanceStatus,
    ) -> Result<StateUpdate, EcsError> {
        self.change_cluster(|snapshot| snapshot.update_container_instances_state(instances, status))
    }

    /// An instance's agent connects or disconnects (see [`crate::model::Snapshot::set_agent_connected`]).
    pub fn set_agent_connected(
        &mut self,
        instance: &str,
        connected: bool,
    ) -> Result<u32, EcsError> {
        self.change_cluster(|snapshot| snapshot.set_agent_connected(instance, connected))
    }

    /// `PutAttributes` (see [`crate::model::Snapshot::put_attributes`]).
    pub fn put_attributes(&mut self, attributes: &[Attribute]) -> Result<(), EcsError> {
        self.change_cluster(|snapshot| snapshot.put_attributes(attributes))
    }

    /// `DeleteAttributes` (see [`crate::model::Snapshot::delete_attributes`]).
    pub fn delete_attributes(&mut self, attributes: &[Attribute]) -> Result<(), EcsError> {
        self.change_cluster(|snapshot| snapshot.delete_attributes(attributes))
    }

    /// `RegisterTaskDefinition` (see [`crate::model::Snapshot::register_task_definition`]); returns its ARN.
    pub fn register_task_definition(
        &mut self,
        definition: TaskDefinition,
    ) -> Result<String, EcsError> {
        self.change_cluster(|snapshot| snapshot.register_task_definition(definition))
    }

    /// `DeregisterTaskDefinition` (see [`crate::model::Snapshot::deregister_task_definition`]).
    pub fn deregister_task_definition(&mut self, name: &str) -> Result<(), EcsError> {
        self.change_cluster(|snapshot| snapshot.deregister_task_definition(name))
    }
}
