//! The ECS calls that change a cluster, on a [`Placer`]: each changes the placer's snapshot
//! (see `model/cluster_calls.rs` and its siblings for the rules) and then drops the compiled
//! requests, which may have read what changed. `tests/cluster_calls.rs` holds a placer changed
//! by any sequence of them to one built afresh from its state.

use crate::aws::{
    Attribute, ContainerInstance, ContainerInstanceStatus, RunTaskResponse, StartTaskRequest,
    TaskDefinition,
};
use crate::error::EcsError;
use crate::model::StateUpdate;

use super::placer::Placer;

impl Placer {
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
        let arn = self.snapshot.register_container_instance(instance)?;
        self.forget_requests();
        Ok(arn)
    }

    /// `DeregisterContainerInstance` (see
    /// [`crate::model::Snapshot::deregister_container_instance`]); returns the ARNs of the
    /// tasks a forced deregistration stopped.
    pub fn deregister_container_instance(
        &mut self,
        instance: &str,
        force: bool,
    ) -> Result<Vec<String>, EcsError> {
        let stopped = self
            .snapshot
            .deregister_container_instance(instance, force)?;
        self.forget_requests();
        Ok(stopped)
    }

    /// `UpdateContainerInstancesState` on the placer's state (see
    /// [`crate::model::Snapshot::update_container_instances_state`]); compiled requests are dropped.
    pub fn update_container_instances_state(
        &mut self,
        instances: &[&str],
        status: ContainerInstanceStatus,
    ) -> Result<StateUpdate, EcsError> {
        let outcome = self
            .snapshot
            .update_container_instances_state(instances, status)?;
        self.forget_requests();
        Ok(outcome)
    }

    /// An instance's agent connects or disconnects (see [`crate::model::Snapshot::set_agent_connected`]).
    pub fn set_agent_connected(
        &mut self,
        instance: &str,
        connected: bool,
    ) -> Result<u32, EcsError> {
        let position = self.snapshot.set_agent_connected(instance, connected)?;
        self.forget_requests();
        Ok(position)
    }

    /// `PutAttributes` (see [`crate::model::Snapshot::put_attributes`]).
    pub fn put_attributes(&mut self, attributes: &[Attribute]) -> Result<(), EcsError> {
        self.snapshot.put_attributes(attributes)?;
        self.forget_requests();
        Ok(())
    }

    /// `DeleteAttributes` (see [`crate::model::Snapshot::delete_attributes`]).
    pub fn delete_attributes(&mut self, attributes: &[Attribute]) -> Result<(), EcsError> {
        self.snapshot.delete_attributes(attributes)?;
        self.forget_requests();
        Ok(())
    }

    /// `RegisterTaskDefinition` (see [`crate::model::Snapshot::register_task_definition`]); returns its ARN.
    pub fn register_task_definition(
        &mut self,
        definition: TaskDefinition,
    ) -> Result<String, EcsError> {
        let arn = self.snapshot.register_task_definition(definition)?;
        self.forget_requests();
        Ok(arn)
    }

    /// `DeregisterTaskDefinition` (see [`crate::model::Snapshot::deregister_task_definition`]).
    pub fn deregister_task_definition(&mut self, name: &str) -> Result<(), EcsError> {
        self.snapshot.deregister_task_definition(name)?;
        self.forget_requests();
        Ok(())
    }
}
