//! Per route of a call (a launch type or capacity provider): its pool and how its candidates
//! are ranked, by rows ([`super::row`], with a [`Ranked`] index when kept) or by
//! [`Leaders`].
//!
//! Technique: a route judges its pool once per call (or, kept by a `Placer`, once per
//! request) and then follows each placement and stop on the one instance it changed. What it
//! keeps exact: the rows are the route's candidates in snapshot order (the order the
//! definition ties in), each as its instance is now; [`RouteState::set`] and
//! [`RouteState::remove`] keep the ranking index in step with the rows.

use super::leaders::Leaders;
use super::ranked::Ranked;
use super::row::Row;
use crate::placement::capacity::{Pool, Route};

/// One route's pool and its candidates (in the pool, ACTIVE, admitted by `memberOf` and
/// fitting), as compact rows in snapshot order. A placement only takes capacity away, so
/// rows are never added during a call, only marked gone (between calls of a cached request,
/// a stop may add one back).
#[derive(Debug, Clone)]
pub(super) struct RouteState {
    pub(super) route: Route,
    pub(super) pool: Pool,
    pub(super) rows: Vec<Row>,
    /// Each row's position, in row order: what finding an instance's row searches (4 bytes
    /// a row instead of a 48-byte row, so the search stays in cache).
    positions: Vec<u32>,
    /// The rows indexed for ranking, for a cached request whose chain allows it.
    pub(super) ranked: Option<Ranked>,
    /// Instead of rows, when the call keeps none and the chain allows it: each bucket's
    /// least key and its ties ([`super::leaders`]).
    pub(super) leaders: Option<Leaders>,
}

impl RouteState {
    /// A route's state over `rows` (in position order).
    pub(super) fn new(route: &Route, pool: Pool, rows: Vec<Row>, ranked: Option<Ranked>) -> Self {
        Self {
            route: route.clone(),
            pool,
            positions: rows.iter().map(|row| row.position).collect(),
            rows,
            ranked,
            leaders: None,
        }
    }

    /// A route's state ranked by `leaders` instead of rows.
    pub(super) fn with_leaders(route: &Route, pool: Pool, leaders: Leaders) -> Self {
        Self {
            leaders: Some(leaders),
            ..Self::new(route, pool, Vec::new(), None)
        }
    }

    /// Where the row of the instance at `position` is (`Ok`), or would go (`Err`).
    pub(super) fn find(&self, position: u32) -> Result<usize, usize> {
        debug_assert_eq!(self.positions.len(), self.rows.len());
        self.positions.binary_search(&position)
    }

    /// Puts `row` in place of the row at `at` (or inserts it there when `insert`).
    pub(super) fn set(&mut self, at: usize, row: Row, insert: bool) {
        if insert {
            self.rows.insert(at, row);
            self.positions.insert(at, row.position);
        } else if let Some(slot) = self.rows.get_mut(at) {
            if let Some(ranked) = &mut self.ranked {
                ranked.remove(slot);
            }
            *slot = row;
        } else {
            return;
        }
        if let Some(ranked) = &mut self.ranked {
            ranked.insert(&row);
        }
    }

    /// Removes the row at `at`.
    pub(super) fn remove(&mut self, at: usize) {
        if at < self.rows.len() {
            let row = self.rows.remove(at);
            self.positions.remove(at);
            if let Some(ranked) = &mut self.ranked {
                ranked.remove(&row);
            }
        }
    }
}
