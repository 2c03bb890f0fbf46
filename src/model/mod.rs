//! The validated cluster model: what placement reads and changes.
//!
//! A [`Snapshot`] is built from a [`SnapshotFile`] (AWS JSON) by `TryFrom`, which checks every
//! rule a dump must follow and reports the JSON path of the first member that breaks one. Inside,
//! attribute names, values and task groups are interned to small ids; each attribute has posting
//! lists (instances per value) so the query language evaluates once per distinct value.

mod attribute_calls;
mod attributes;
mod builder;
mod cluster;
mod cluster_calls;
pub mod demand;
pub mod eni;
pub(crate) mod free;
mod instance;
mod lint;
pub(crate) mod positions;
mod registration;
pub(crate) mod resources;
mod snapshot;
mod snapshot_file;
mod snapshot_load;
mod stop;
mod task;
pub mod units;

pub use attribute_calls::{MAX_ATTRIBUTES_PER_CALL, MAX_CUSTOM_ATTRIBUTES};
pub use attributes::{
    AVAILABILITY_ZONE_ATTRIBUTE, AttrNameId, AttrValueId, MAX_ATTRIBUTE_LENGTH,
    check_attribute_name, check_attribute_value,
};
pub use builder::{InstanceSpec, SnapshotBuilder, TaskDefinitionSpec};
pub use cluster::{ArnParts, ClusterInfo, ClusterNameSource, instance_arn_cluster};
pub use cluster_calls::{MAX_INSTANCES_PER_STATE_UPDATE, StateUpdate};
pub use instance::Instance;
pub use lint::Warning;
pub use resources::{PortSet, Resources};
pub use snapshot::{AttributePostings, GroupInstances, Snapshot, SnapshotError};
pub use snapshot_file::SnapshotFile;
pub(crate) use snapshot_load::take_usage;
pub(crate) use task::HeldUsage;
pub(crate) use task::{Description, SharedDescription};
pub use task::{TaskRecord, TaskUsage};

/// The hasher of the model's maps: fast on the short keys they hold (ARNs, ids, positions),
/// and fixed, so the same input takes the same time on every run. Every map that is read in
/// order is an `IndexMap`, whose order is insertion order whatever the hasher.
pub type MapHasher = foldhash::fast::FixedState;

/// An interned task group name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId(pub u32);
