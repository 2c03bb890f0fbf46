//! `headroom` on the reference cluster (`generate::ClusterSpec::REFERENCE`: 5,000 instances,
//! 20,000 running tasks): the reference request with its `memberOf` on m5 instances only, ten
//! tasks a call, until one does not fit (21,641 tasks over 2,165 calls), the report on the
//! task that did not fit included; and the same loop stopped by the limit instead (no report).
//! docs/PERFORMANCE.md, "Headroom", has the results.
//!
//! Run: `cargo bench --bench headroom`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ecs_placement::aws::{PlacementConstraint, PlacementConstraintType};
use ecs_placement::generate::{ClusterSpec, cluster, reference_request};
use ecs_placement::headroom::{DEFAULT_LIMIT, headroom};
use ecs_placement::model::Snapshot;

fn bench(c: &mut Criterion) {
    let snapshot = Snapshot::try_from(cluster(&ClusterSpec::REFERENCE)).expect("loads");
    let mut request = reference_request();
    request.placement_constraints = Some(vec![PlacementConstraint {
        kind: Some(PlacementConstraintType::MemberOf),
        expression: Some("attribute:ecs.instance-type =~ m5.*".to_owned()),
    }]);
    let report = headroom(&snapshot, &request, 7, DEFAULT_LIMIT).expect("a valid request");
    println!(
        "headroom/reference/5000: fits {} in {} calls; {}",
        report.fits,
        report.calls,
        report.stopped_by.map(|s| s.message).unwrap_or_default()
    );
    let mut group = c.benchmark_group("headroom");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("reference/5000", |b| {
        b.iter(|| headroom(black_box(&snapshot), black_box(&request), 7, DEFAULT_LIMIT))
    });
    // The same loop stopped by the limit at the same count: no report on a task that did not
    // fit. The difference is what that report costs.
    let fits = report.fits;
    group.bench_function("loop-only/5000", |b| {
        b.iter(|| headroom(black_box(&snapshot), black_box(&request), 7, fits))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
