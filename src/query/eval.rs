//! The evaluator: a [`CompiledExpression`] over the snapshot as it is now.
//!
//! [`CompiledExpression::filter`] answers for every instance at once with bitset algebra: the
//! compiled static sets, `task:group` through the snapshot's per-group instance lists (or, for
//! patterns and inequalities, testing each distinct group name once), and `runningTasksCount`
//! from each instance's live count. [`CompiledExpression::matches`] answers for one instance.

use fixedbitset::FixedBitSet;

use crate::model::positions::add_positions;
use crate::model::{Instance, Snapshot};

use super::compile::{CompiledExpression, GroupTest, Predicate, ordering_holds};

impl CompiledExpression {
    /// Whether the instance at `position` (its index in `snapshot.instances()`) matches.
    /// Positions outside the snapshot match nothing.
    pub fn matches(&self, snapshot: &Snapshot, position: usize) -> bool {
        match snapshot.instances().get(position) {
            Some(instance) => self.root.matches(snapshot, position, instance),
            None => false,
        }
    }

    /// The positions of every matching instance, as a bitset as long as the snapshot's
    /// instance list (iterate it with `ones()`, in snapshot order).
    pub fn filter(&self, snapshot: &Snapshot) -> FixedBitSet {
        self.root.filter(snapshot, snapshot.instances().len())
    }

    /// How many instances the snapshot had when the expression was compiled.
    pub fn instance_count(&self) -> usize {
        self.instance_count
    }
}

impl Predicate {
    fn matches(&self, snapshot: &Snapshot, position: usize, instance: &Instance) -> bool {
        match self {
            Self::Static(set) => set.contains(position),
            Self::RunningTasks(operator, count) => running_tasks_hold(*operator, *count, instance),
            Self::Group(test) => group_holds(test, snapshot, instance),
            Self::Not(inner) => !inner.matches(snapshot, position, instance),
            Self::And(children) => children
                .iter()
                .all(|c| c.matches(snapshot, position, instance)),
            Self::Or(children) => children
                .iter()
                .any(|c| c.matches(snapshot, position, instance)),
        }
    }

    fn filter(&self, snapshot: &Snapshot, count: usize) -> FixedBitSet {
        match self {
            Self::Static(set) => resized(set, count),
            Self::RunningTasks(operator, wanted) => collect(snapshot, |instance| {
                running_tasks_hold(*operator, *wanted, instance)
            }),
            Self::Group(test) => group_filter(test, snapshot, count),
            Self::Not(inner) => {
                let mut set = inner.filter(snapshot, count);
                set.toggle_range(..);
                set
            }
            Self::And(children) => {
                let mut sets = children.iter().map(|c| c.filter(snapshot, count));
                let mut acc = sets.next().unwrap_or_else(|| full(count));
                for set in sets {
                    if acc.is_clear() {
                        break;
                    }
                    acc.intersect_with(&set);
                }
                acc
            }
            Self::Or(children) => {
                let mut acc = FixedBitSet::with_capacity(count);
                for child in children {
                    acc.union_with(&child.filter(snapshot, count));
                }
                acc
            }
        }
    }
}

/// The set with exactly `count` bits (a compiled set is already that long unless the
/// expression is evaluated against a snapshot with another number of instances).
fn resized(set: &FixedBitSet, count: usize) -> FixedBitSet {
    if set.len() == count {
        return set.clone();
    }
    let mut out = FixedBitSet::with_capacity(count);
    out.extend(set.ones().filter(|&p| p < count));
    out
}

fn full(count: usize) -> FixedBitSet {
    let mut set = FixedBitSet::with_capacity(count);
    set.insert_range(..);
    set
}

fn collect(snapshot: &Snapshot, mut holds: impl FnMut(&Instance) -> bool) -> FixedBitSet {
    let instances = snapshot.instances();
    let mut set = FixedBitSet::with_capacity(instances.len());
    for (position, instance) in instances.iter().enumerate() {
        set.set(position, holds(instance));
    }
    set
}

fn running_tasks_hold(operator: super::Operator, wanted: i64, instance: &Instance) -> bool {
    ordering_holds(
        operator,
        i64::from(instance.running_tasks_count).cmp(&wanted),
    )
}

/// One instance against a `task:group` test, reading its live groups.
fn group_holds(test: &GroupTest, snapshot: &Snapshot, instance: &Instance) -> bool {
    match test {
        GroupTest::Exists => !instance.groups.is_empty(),
        GroupTest::NotExists => instance.groups.is_empty(),
        GroupTest::Equal(name) => hosts_group(snapshot, instance, name),
        GroupTest::In(names) => names.iter().any(|n| hosts_group(snapshot, instance, n)),
        GroupTest::Other(value_test) => instance
            .groups
            .iter()
            .any(|(group, _)| value_test.test(snapshot.group_name(*group))),
    }
}

fn hosts_group(snapshot: &Snapshot, instance: &Instance, name: &str) -> bool {
    snapshot
        .group_id(name)
        .is_some_and(|group| instance.group_count(group) > 0)
}

/// Every instance against a `task:group` test: named groups through their instance lists,
/// other tests once per distinct group name.
fn group_filter(test: &GroupTest, snapshot: &Snapshot, count: usize) -> FixedBitSet {
    let mut set = FixedBitSet::with_capacity(count);
    let mut add_group = |name: &str| {
        if let Some(group) = snapshot.group_id(name) {
            let positions = snapshot.group_instances(group).keys();
            add_positions(&mut set, positions.copied());
        }
    };
    match test {
        GroupTest::Equal(name) => add_group(name),
        GroupTest::In(names) => names.iter().for_each(|n| add_group(n)),
        GroupTest::Exists => return collect(snapshot, |i| !i.groups.is_empty()),
        GroupTest::NotExists => return collect(snapshot, |i| i.groups.is_empty()),
        GroupTest::Other(value_test) => {
            // Verdict per group id, filled on first sight of each group.
            let mut verdicts: Vec<Option<bool>> = Vec::new();
            return collect(snapshot, |instance| {
                instance.groups.iter().any(|(group, _)| {
                    let index = group.0 as usize;
                    if let Some(Some(verdict)) = verdicts.get(index) {
                        return *verdict;
                    }
                    let verdict = value_test.test(snapshot.group_name(*group));
                    if verdicts.len() <= index {
                        verdicts.resize(index + 1, None);
                    }
                    verdicts[index] = Some(verdict);
                    verdict
                })
            });
        }
    }
    set
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::query::Expression;

    fn two_instances() -> Snapshot {
        let instance = |id: &str| {
            format!(
                r#"{{"containerInstanceArn": "arn:aws:ecs:us-east-1:1:container-instance/c/{id}",
                    "attributes": [{{"name": "zone", "value": "{id}"}}]}}"#
            )
        };
        let json = format!(
            r#"{{"containerInstances": [{}, {}], "tasks": []}}"#,
            instance("a"),
            instance("b")
        );
        Snapshot::from_json(&json).unwrap()
    }

    fn compiled(snapshot: &Snapshot, text: &str) -> CompiledExpression {
        Expression::parse(text).unwrap().compile(snapshot).unwrap()
    }

    fn selected(expression: &CompiledExpression, snapshot: &Snapshot) -> Vec<usize> {
        let by_filter: Vec<usize> = expression.filter(snapshot).ones().collect();
        let by_matches: Vec<usize> = (0..2)
            .filter(|&p| expression.matches(snapshot, p))
            .collect();
        assert_eq!(by_filter, by_matches);
        by_filter
    }

    #[test]
    fn task_groups_are_read_live_even_for_groups_new_since_compiling() {
        let mut snapshot = two_instances();
        let hosts_web = compiled(&snapshot, "task:group == web");
        let avoids_web = compiled(
            &snapshot,
            "not(task:group == web) and attribute:zone exists",
        );
        let web_like = compiled(&snapshot, "task:group =~ 'w.*'");
        let busy = compiled(&snapshot, "runningTasksCount >= 1");
        assert_eq!(selected(&hosts_web, &snapshot), Vec::<usize>::new());
        assert_eq!(selected(&avoids_web, &snapshot), vec![0, 1]);

        // A task of a group no task had when compiling is placed on instance 1.
        let web = snapshot.intern_group("web");
        snapshot.count_group(web, 1, 1);
        snapshot.instances[1].running_tasks_count += 1;
        assert_eq!(selected(&hosts_web, &snapshot), vec![1]);
        assert_eq!(selected(&avoids_web, &snapshot), vec![0]);
        assert_eq!(selected(&web_like, &snapshot), vec![1]);
        assert_eq!(selected(&busy, &snapshot), vec![1]);

        // And stopped again.
        snapshot.count_group(web, 1, -1);
        snapshot.instances[1].running_tasks_count -= 1;
        assert_eq!(selected(&hosts_web, &snapshot), Vec::<usize>::new());
        assert_eq!(selected(&busy, &snapshot), Vec::<usize>::new());
    }

    #[test]
    fn positions_outside_the_snapshot_match_nothing() {
        let snapshot = two_instances();
        let everything = compiled(&snapshot, "attribute:zone !exists or attribute:zone exists");
        assert!(everything.matches(&snapshot, 1));
        assert!(!everything.matches(&snapshot, 2));
        assert_eq!(everything.filter(&snapshot).len(), 2);
        assert_eq!(everything.instance_count(), 2);
    }
}
