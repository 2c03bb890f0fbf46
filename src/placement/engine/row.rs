//! One candidate as ranking reads it: a few contiguous bytes copied out of its instance.
//!
//! Technique: a pass over candidates reads rows rather than instances (an instance is
//! hundreds of bytes spread over the heap; a row is 48 bytes in a vector). What it keeps exact:
//! a row holds what the strategy keys of the definition ([`crate::placement::strategy`]) read
//! of an instance, as the instance is now: remaining CPU and memory, the group's count on it,
//! its bucket per spread. The rows are rebuilt from the instance whenever a placement or a
//! stop changes it ([`super::call`], [`super::cached`]); the property tests compare every
//! outcome with the reference pipeline's.

use crate::request::strategies::MAX_STRATEGIES as MAX_KEY_WIDTH;

/// What ranking reads of one candidate, copied out of its instance so that each task's pass
/// over the candidates reads a few contiguous bytes per candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Row {
    pub(super) position: u32,
    /// Whether it is still a candidate.
    pub(super) fits: bool,
    /// The call's group's RUNNING tasks on it.
    pub(super) group_count: u32,
    pub(super) cpu: i64,
    pub(super) memory: i64,
    /// Its bucket slot for each strategy (0 for strategies other than spread on an attribute).
    pub(super) slots: [u32; MAX_KEY_WIDTH],
}
