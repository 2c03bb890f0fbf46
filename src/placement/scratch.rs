//! The working copy a call places on: the snapshot without the payload placement never reads.
//!
//! Tasks are placed one at a time, each seeing what the previous ones took, and `memberOf`
//! (`task:group`, `runningTasksCount`) reads live state from a `Snapshot`. So a call needs a
//! snapshot it may change. Cloning the caller's whole snapshot would copy every described task
//! and every instance's wire document, which is most of its size (about 90% of a call's time on
//! 5,000 instances with 20,000 tasks). The working copy keeps what feasibility, strategies and
//! the query language read (instances' identity, status, attributes, resources and group
//! counts; interners, posting lists and the group index) and leaves out the task map and the
//! instances' wire documents. It is never written out.

use crate::aws::ContainerInstance;
use crate::model::{Instance, Snapshot};

/// A working copy of `snapshot` for one call (see the module documentation).
pub fn working_copy(snapshot: &Snapshot) -> Snapshot {
    Snapshot {
        cluster: snapshot.cluster.clone(),
        attribute_names: snapshot.attribute_names.clone(),
        attribute_values: snapshot.attribute_values.clone(),
        postings: snapshot.postings.clone(),
        instances: snapshot.instances.iter().map(lean_instance).collect(),
        instance_lookup: snapshot.instance_lookup.clone(),
        task_definitions: snapshot.task_definitions.clone(),
        // Placement never reads the task map; the call's own tasks are added as it places.
        tasks: Default::default(),
        groups: snapshot.groups.clone(),
        group_instances: snapshot.group_instances.clone(),
        capacity_providers: snapshot.capacity_providers.clone(),
    }
}

/// The instance without its wire document.
pub fn lean_instance(instance: &Instance) -> Instance {
    Instance {
        arn: instance.arn.clone(),
        id: instance.id.clone(),
        ec2_instance_id: instance.ec2_instance_id.clone(),
        status: instance.status.clone(),
        agent_connected: instance.agent_connected,
        agent_version: instance.agent_version.clone(),
        registered_at: instance.registered_at,
        capacity_provider_name: instance.capacity_provider_name.clone(),
        attributes: instance.attributes.clone(),
        registered: instance.registered.clone(),
        remaining: instance.remaining.clone(),
        running_tasks_count: instance.running_tasks_count,
        pending_tasks_count: instance.pending_tasks_count,
        groups: instance.groups.clone(),
        wire: ContainerInstance::default(),
    }
}
