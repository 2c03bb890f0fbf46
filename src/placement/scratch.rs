//! The working copy the reference pipeline places on: the snapshot without the payload
//! placement never reads.
//!
//! Tasks are placed one at a time, each seeing what the previous ones took, and `memberOf`
//! (`task:group`, `runningTasksCount`) reads live state from a `Snapshot`. So a call needs a
//! snapshot it may change. Cloning the caller's whole snapshot would copy every described task
//! and every instance's wire document, which is most of its size (about 90% of a call's time on
//! 5,000 instances with 20,000 tasks). The working copy keeps what feasibility, strategies and
//! the query language read (instances' identity, status, attributes, resources and group
//! counts; interners, posting lists, their bitsets and the group index) and leaves out the task map and the
//! instances' wire documents. It is never written out.

use crate::model::Snapshot;

/// A working copy of `snapshot` for one call (see the module documentation).
pub fn working_copy(snapshot: &Snapshot) -> Snapshot {
    Snapshot {
        cluster: snapshot.cluster.clone(),
        attribute_names: snapshot.attribute_names.clone(),
        attribute_values: snapshot.attribute_values.clone(),
        zone_attribute: snapshot.zone_attribute,
        postings: snapshot.postings.clone(),
        posting_sets: snapshot.posting_sets.clone(),
        instances: snapshot.instances.clone(),
        // The documents are only for writing a state out, which a working copy never is.
        instance_documents: Vec::new(),
        instance_lookup: snapshot.instance_lookup.clone(),
        task_definitions: snapshot.task_definitions.clone(),
        // Placement never reads the task map; the call's own tasks are added as it places.
        tasks: Default::default(),
        groups: snapshot.groups.clone(),
        group_instances: snapshot.group_instances.clone(),
        capacity_providers: snapshot.capacity_providers.clone(),
        free: snapshot.free.clone(),
        usable: snapshot.usable.clone(),
        active: snapshot.active.clone(),
        detached_tasks: snapshot.detached_tasks,
    }
}
