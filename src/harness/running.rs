//! The running tasks of a replay, by index in the snapshot's task map: in the order a stop by
//! `pick` chooses from, with each one's position (so a stop by ARN or at the end of a duration
//! takes it out in constant time), the times at which tasks stop, and the tasks placed waiting
//! for capacity. Forgetting stopped tasks moves every index down ([`RunningTasks::remap`]).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// No position.
const NONE: u32 = u32::MAX;

/// The running tasks (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct RunningTasks {
    /// Task indices, in the order `pick` chooses from.
    order: Vec<usize>,
    /// For each task index, its position in `order` ([`NONE`]: not running).
    position: Vec<u32>,
    /// Tasks to stop: (time's bits, order of scheduling, task index), earliest first.
    expiries: BinaryHeap<Reverse<(u64, u64, usize)>>,
    scheduled: u64,
    /// Tasks placed waiting for capacity (some may have started or stopped since).
    pub waiting: Vec<usize>,
    /// The tasks of each named `run-task` (some may have stopped since).
    names: HashMap<String, Vec<usize>>,
}

impl RunningTasks {
    /// The tasks at `indices`, running, in that order.
    pub fn new(indices: impl IntoIterator<Item = usize>) -> Self {
        let mut running = Self::default();
        for index in indices {
            running.push(index);
        }
        running
    }

    /// How many run.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether none runs.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The task at `position` of the order.
    pub fn at(&self, position: usize) -> Option<usize> {
        self.order.get(position).copied()
    }

    /// Whether the task at `index` is among the running.
    pub fn contains(&self, index: usize) -> bool {
        self.position.get(index).is_some_and(|&p| p != NONE)
    }

    /// Adds a task at the end of the order.
    pub fn push(&mut self, index: usize) {
        if self.position.len() <= index {
            self.position.resize(index + 1, NONE);
        }
        self.position[index] = self.order.len() as u32;
        self.order.push(index);
    }

    /// Takes the task at `index` out (nothing when it is not running): the last one takes its
    /// place in the order.
    pub fn remove(&mut self, index: usize) {
        let Some(&at) = self.position.get(index).filter(|&&p| p != NONE) else {
            return;
        };
        let at = at as usize;
        self.order.swap_remove(at);
        self.position[index] = NONE;
        if let Some(&moved) = self.order.get(at) {
            self.position[moved] = at as u32;
        }
    }

    /// Names the tasks at `indices` (added to those the name already has).
    pub fn name(&mut self, name: &str, indices: &[usize]) {
        match self.names.get_mut(name) {
            Some(named) => named.extend_from_slice(indices),
            None => {
                self.names.insert(name.to_owned(), indices.to_vec());
            }
        }
    }

    /// The tasks of `name`, which no longer names them.
    pub fn take_name(&mut self, name: &str) -> Vec<usize> {
        self.names.remove(name).unwrap_or_default()
    }

    /// The task at `index` stops at `at` seconds.
    pub fn stop_at(&mut self, index: usize, at: f64) {
        self.expiries
            .push(Reverse((at.to_bits(), self.scheduled, index)));
        self.scheduled += 1;
    }

    /// The time of the next task to stop, when it is at or before `to`.
    pub fn next_stop(&self, to: f64) -> Option<f64> {
        self.expiries
            .peek()
            .map(|Reverse((bits, _, _))| f64::from_bits(*bits))
            .filter(|at| *at <= to)
    }

    /// Takes the next task to stop off the schedule.
    pub fn pop_stop(&mut self) -> Option<usize> {
        self.expiries.pop().map(|Reverse((_, _, index))| index)
    }

    /// Moves every index to `moved(index)`; `None` drops the task (it was forgotten).
    pub fn remap(&mut self, moved: impl Fn(usize) -> Option<usize>) {
        let order = std::mem::take(&mut self.order);
        self.position.clear();
        for index in order.into_iter().filter_map(&moved) {
            self.push(index);
        }
        self.waiting = std::mem::take(&mut self.waiting)
            .into_iter()
            .filter_map(&moved)
            .collect();
        self.names.retain(|_, indices| {
            *indices = indices.iter().filter_map(|&index| moved(index)).collect();
            !indices.is_empty()
        });
        self.expiries = std::mem::take(&mut self.expiries)
            .into_vec()
            .into_iter()
            .filter_map(|Reverse((bits, order, index))| {
                moved(index).map(|index| Reverse((bits, order, index)))
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removing_keeps_positions_and_remapping_drops_the_forgotten() {
        let mut running = RunningTasks::new([3, 5, 7, 9]);
        running.remove(5);
        assert_eq!(running.at(1), Some(9));
        assert!(!running.contains(5) && running.contains(9));
        running.remove(42);
        running.stop_at(7, 10.0);
        running.stop_at(3, 5.0);
        running.waiting.push(9);
        running.name("job", &[3, 7]);
        running.name("gone", &[3]);
        assert_eq!(running.next_stop(4.0), None);
        assert_eq!(running.next_stop(6.0), Some(5.0));
        running.remap(|index| (index != 3).then_some(index / 2));
        assert_eq!(running.len(), 2);
        assert_eq!((running.at(0), running.at(1)), (Some(4), Some(3)));
        assert_eq!(running.waiting, [4]);
        assert_eq!(running.take_name("job"), [3]);
        assert_eq!(running.take_name("gone"), Vec::<usize>::new());
        assert_eq!(running.pop_stop(), Some(3));
        assert_eq!(running.pop_stop(), None);
    }
}
