//! The cluster-changing calls on a `Placer` over the reference cluster
//! (`generate::ClusterSpec::REFERENCE`: 5,000 instances, 20,000 running tasks), against the
//! rebuild they spare an emulator: a `Snapshot` read from the parsed file and a new `Placer`.
//! docs/PERFORMANCE.md, "Cluster-changing calls", has the results.
//!
//! Run: `cargo bench --bench cluster_calls`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ecs_placement::Placer;
use ecs_placement::aws::{Attribute, ContainerInstance, ContainerInstanceStatus};
use ecs_placement::generate::{ClusterSpec, cluster};
use ecs_placement::model::Snapshot;

fn attribute(value: &str, target: &str) -> Attribute {
    Attribute {
        name: "team".to_owned(),
        value: Some(value.to_owned()),
        target_type: None,
        target_id: Some(target.to_owned()),
    }
}

fn bench(c: &mut Criterion) {
    let file = cluster(&ClusterSpec::REFERENCE);
    let placer = Placer::new(Snapshot::try_from(file.clone()).expect("loads"));
    let target = placer.snapshot().instances()[2_500].arn.to_string();
    // A new instance: the document of one of the cluster's, without its ARN, counts and
    // remaining resources, under a new EC2 instance id.
    let mut new_instance: ContainerInstance = file.container_instances[17].clone();
    new_instance.container_instance_arn = None;
    new_instance.remaining_resources = None;
    new_instance.running_tasks_count = None;
    new_instance.ec2_instance_id = Some("i-0registered".to_owned());

    let mut group = c.benchmark_group("cluster_calls");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    // The baseline: what an emulator pays without the calls, for every change.
    group.bench_function("rebuild/5000", |b| {
        b.iter_batched(
            || file.clone(),
            |file| Placer::new(Snapshot::try_from(file).expect("loads")),
            BatchSize::PerIteration,
        )
    });
    {
        // Alternating values, so every call changes the postings.
        let mut placer = placer.clone();
        let values = [attribute("team-a", &target), attribute("team-b", &target)];
        let mut turn = 0;
        group.bench_function("put_attributes/5000", |b| {
            b.iter(|| {
                turn ^= 1;
                placer
                    .put_attributes(black_box(&values[turn..=turn]))
                    .unwrap()
            })
        });
    }
    {
        let mut placer = placer.clone();
        let mut turn = false;
        group.bench_function("update_container_instances_state/5000", |b| {
            b.iter(|| {
                turn = !turn;
                let status = if turn {
                    ContainerInstanceStatus::Draining
                } else {
                    ContainerInstanceStatus::Active
                };
                placer
                    .update_container_instances_state(black_box(&[target.as_str()]), status)
                    .unwrap()
            })
        });
    }
    // Registrations in a row, as an emulator makes them: the 5,001st to the 5,256th instance,
    // then again from a copy (not timed) of the 5,000-instance placer. The first registration
    // on each copy is not timed either: a copy's vectors are exactly full, so it moves them
    // all (about 1 ms, measured apart below); after it they have room for as many again.
    group.bench_function("register_container_instance/5000", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0;
            while done < iters {
                let mut placer = placer.clone();
                let mut instance = new_instance.clone();
                placer
                    .register_container_instance(instance.clone())
                    .unwrap();
                for n in 0..iters.saturating_sub(done).min(256) {
                    instance.ec2_instance_id = Some(format!("i-0registered{n}"));
                    let copy = instance.clone();
                    let start = std::time::Instant::now();
                    black_box(placer.register_container_instance(copy).unwrap());
                    total += start.elapsed();
                    done += 1;
                }
            }
            total
        })
    });
    group.bench_function("register_container_instance_first_after_clone/5000", |b| {
        b.iter_batched(
            || (placer.clone(), new_instance.clone()),
            |(mut placer, instance)| {
                placer.register_container_instance(instance).unwrap();
                placer
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
