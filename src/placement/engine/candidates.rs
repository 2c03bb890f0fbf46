//! The instances as [`Leaders`](super::leaders::Leaders) read them: remaining CPU and memory,
//! the group's count, the leading spread's bucket, each read from a column or this call's
//! overlay rather than from the instance.
//!
//! What it keeps exact: a candidate is judged as [`super::judge`] judges rows on CPU and
//! memory (the checks that never change already applied as the eligible set), so leaders and
//! rows see the same candidates with the same keys.

use crate::model::free::Needed;
use crate::placement::feasibility;

use super::leaders::{Candidate, Columns};
use super::overlay::Overlay;
use super::prepared::Prepared;
use super::spread::SpreadCounts;

/// The instances as leaders read them ([`Candidate`]): remaining CPU and memory from the
/// snapshot's column or this call's working copy, the group's count from the call's column,
/// the bucket slot from the leading spread's column. Judged as
/// [`Judge::rows_on_cpu_and_memory`](super::judge::Judge::rows_on_cpu_and_memory) judges them.
pub(super) struct Candidates<'c> {
    overlay: &'c Overlay<'c>,
    needed: [i64; 2],
    distinct: bool,
    group_column: Option<&'c [u32]>,
    slots: Option<&'c [u32]>,
}

impl<'c> Candidates<'c> {
    /// What leaders read, for the call of `prepared` with this overlay, group column and
    /// spread counts.
    pub(super) fn new(
        prepared: &Prepared,
        overlay: &'c Overlay<'c>,
        group_column: Option<&'c [u32]>,
        spreads: &'c [Option<SpreadCounts>],
    ) -> Self {
        let demand = prepared.requirements.demand();
        Self {
            overlay,
            needed: [
                feasibility::signed(demand.cpu),
                feasibility::signed(demand.memory_mib),
            ],
            distinct: prepared.requirements.distinct_instance(),
            group_column,
            slots: spreads
                .first()
                .and_then(Option::as_ref)
                .map(|spread| &spread.column[..]),
        }
    }

    /// The same reading as columns for the gather: the snapshot's, before this call's
    /// placements (see `Call::leaders`).
    pub(super) fn columns(&self) -> Columns<'c> {
        Columns {
            free: &self.overlay.base.free,
            needed: Needed::new(self.needed),
            distinct: self.distinct,
            group_counts: self.group_column.unwrap_or_default(),
            slots: self.slots.unwrap_or_default(),
        }
    }

    /// The eligible instance at `position` as it is now, `None` when it does not fit.
    #[inline]
    pub(super) fn get(&self, position: u32) -> Option<Candidate> {
        let at = position as usize;
        let [cpu, memory] = self.overlay.free(position)?;
        let group_count = self
            .group_column
            .and_then(|column| column.get(at))
            .copied()
            .unwrap_or(0);
        let [cpu_needed, memory_needed] = self.needed;
        if cpu < cpu_needed || memory < memory_needed || (self.distinct && group_count > 0) {
            return None;
        }
        Some(Candidate {
            cpu,
            memory,
            group_count,
        })
    }
}
