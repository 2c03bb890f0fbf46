//! Task demand (spec §4.3–4.5, DECISIONS 31–33): one test per rule of the agent's
//! `ToHostResources` comment, the two worked examples of the memory-management page, and the
//! string forms of task-level cpu and memory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ecs_placement::ExceptionName;
use ecs_placement::aws::{
    ContainerDefinition, ContainerOverride, NetworkMode, PortMapping, ResourceRequirement,
    ResourceType, TaskDefinition, TaskOverride, TransportProtocol,
};
use ecs_placement::request::demand::{parse_cpu, parse_memory};
use ecs_placement::request::{GpuDemand, HostPort, Protocol, task_demand};

fn container(name: &str) -> ContainerDefinition {
    ContainerDefinition {
        name: Some(name.into()),
        ..Default::default()
    }
}

fn with_cpu(mut c: ContainerDefinition, cpu: i64) -> ContainerDefinition {
    c.cpu = Some(cpu);
    c
}

fn with_memory(
    mut c: ContainerDefinition,
    memory: i64,
    reservation: Option<i64>,
) -> ContainerDefinition {
    c.memory = Some(memory);
    c.memory_reservation = reservation;
    c
}

fn with_port(
    mut c: ContainerDefinition,
    container_port: i64,
    host_port: Option<i64>,
    protocol: Option<&str>,
) -> ContainerDefinition {
    c.port_mappings
        .get_or_insert_with(Vec::new)
        .push(PortMapping {
            container_port: Some(container_port),
            host_port,
            protocol: protocol.map(TransportProtocol::parse),
            ..Default::default()
        });
    c
}

fn with_gpu(mut c: ContainerDefinition, value: &str) -> ContainerDefinition {
    c.resource_requirements
        .get_or_insert_with(Vec::new)
        .push(gpu(value));
    c
}

fn gpu(value: &str) -> ResourceRequirement {
    ResourceRequirement {
        value: value.into(),
        kind: ResourceType::Gpu,
        sharing_strategy: None,
    }
}

fn task(containers: Vec<ContainerDefinition>) -> TaskDefinition {
    TaskDefinition {
        family: Some("web".into()),
        revision: Some(1),
        container_definitions: Some(containers),
        ..Default::default()
    }
}

fn in_mode(mut def: TaskDefinition, mode: &str) -> TaskDefinition {
    def.network_mode = Some(NetworkMode::parse(mode));
    def
}

fn task_level(mut def: TaskDefinition, cpu: Option<&str>, memory: Option<&str>) -> TaskDefinition {
    def.cpu = cpu.map(Into::into);
    def.memory = memory.map(Into::into);
    def
}

// --- CPU ---------------------------------------------------------------------------------

#[test]
fn cpu_uses_task_level_cpu_when_set() {
    let def = task_level(task(vec![with_cpu(container("a"), 100)]), Some("512"), None);
    assert_eq!(task_demand(&def, None).unwrap().cpu, 512);
}

#[test]
fn cpu_adds_up_container_cpus_without_task_level_cpu() {
    let def = task(vec![
        with_cpu(container("a"), 100),
        with_cpu(container("b"), 156),
        container("c"),
    ]);
    assert_eq!(task_demand(&def, None).unwrap().cpu, 256);
}

#[test]
fn cpu_task_level_zero_falls_back_to_containers() {
    let def = task_level(task(vec![with_cpu(container("a"), 100)]), Some("0"), None);
    assert_eq!(task_demand(&def, None).unwrap().cpu, 100);
}

#[test]
fn cpu_vcpu_string_forms_are_converted_to_units() {
    assert_eq!(parse_cpu("1024"), Ok(1024));
    assert_eq!(parse_cpu("1 vCPU"), Ok(1024));
    assert_eq!(parse_cpu("0.5 vCPU"), Ok(512));
    assert_eq!(parse_cpu("2 vcpu"), Ok(2048));
    assert_eq!(parse_cpu("0.25vCPU"), Ok(256));
    assert!(parse_cpu("0.3 vCPU").is_err(), "307.2 units is not whole");
}

#[test]
fn cpu_malformed_in_task_definition_is_client_exception_naming_value() {
    for bad in ["abc vCPU", "-1", "1e3", "", "1.2.3"] {
        let def = task_level(task(vec![container("a")]), Some(bad), None);
        let error = task_demand(&def, None).unwrap_err();
        assert_eq!(error.exception, ExceptionName::ClientException, "{bad}");
        assert!(error.message.contains("cpu"), "{}", error.message);
        assert!(
            error.message.contains(&format!("{bad:?}")),
            "{}",
            error.message
        );
    }
}

#[test]
fn cpu_malformed_in_overrides_is_invalid_parameter() {
    let def = task(vec![container("a")]);
    let overrides = TaskOverride {
        cpu: Some("abc vCPU".into()),
        ..Default::default()
    };
    let error = task_demand(&def, Some(&overrides)).unwrap_err();
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
    assert!(error.message.contains("overrides.cpu"), "{}", error.message);
    assert!(error.message.contains("abc vCPU"), "{}", error.message);
}

#[test]
fn negative_container_cpu_is_rejected() {
    let def = task(vec![with_cpu(container("a"), -5)]);
    let error = task_demand(&def, None).unwrap_err();
    assert_eq!(error.exception, ExceptionName::ClientException);
    assert!(error.message.contains("-5"), "{}", error.message);
}

// --- Memory ------------------------------------------------------------------------------

#[test]
fn memory_uses_task_level_memory_when_set() {
    // Worked example 1: task memory 2048 with a container 1024 / reservation 512 → 2048.
    let def = task_level(
        task(vec![with_memory(container("a"), 1024, Some(512))]),
        None,
        Some("2048"),
    );
    assert_eq!(task_demand(&def, None).unwrap().memory_mib, 2048);
}

#[test]
fn memory_adds_up_reservation_else_memory_per_container() {
    // Worked example 2: no task memory, containers (1024/512) and (512) → 512 + 512 = 1024.
    let def = task(vec![
        with_memory(container("a"), 1024, Some(512)),
        with_memory(container("b"), 512, None),
    ]);
    assert_eq!(task_demand(&def, None).unwrap().memory_mib, 1024);
}

#[test]
fn memory_reservation_zero_counts_as_unset() {
    let def = task(vec![with_memory(container("a"), 300, Some(0))]);
    assert_eq!(task_demand(&def, None).unwrap().memory_mib, 300);
}

#[test]
fn memory_gb_string_forms_are_converted_to_mib() {
    assert_eq!(parse_memory("2048"), Ok(2048));
    assert_eq!(parse_memory("2GB"), Ok(2048));
    assert_eq!(parse_memory("2 GB"), Ok(2048));
    assert_eq!(parse_memory("0.5GB"), Ok(512));
    assert_eq!(parse_memory("1 gb"), Ok(1024));
    assert!(parse_memory("lots").is_err());
    assert!(parse_memory("-512").is_err());
}

#[test]
fn memory_malformed_names_field_and_value() {
    let def = task_level(task(vec![container("a")]), None, Some("two GB"));
    let error = task_demand(&def, None).unwrap_err();
    assert_eq!(error.exception, ExceptionName::ClientException);
    assert!(
        error.message.contains("memory") && error.message.contains("two GB"),
        "{}",
        error.message
    );
}

// --- Overrides ---------------------------------------------------------------------------

#[test]
fn task_level_overrides_replace_the_definition_values() {
    let def = task_level(task(vec![container("a")]), Some("256"), Some("512"));
    let overrides = TaskOverride {
        cpu: Some("1 vCPU".into()),
        memory: Some("3GB".into()),
        ..Default::default()
    };
    let demand = task_demand(&def, Some(&overrides)).unwrap();
    assert_eq!((demand.cpu, demand.memory_mib), (1024, 3072));
}

#[test]
fn container_overrides_apply_by_name_before_summing() {
    let def = task(vec![
        with_memory(with_cpu(container("a"), 100), 1024, Some(512)),
        with_memory(with_cpu(container("b"), 100), 256, None),
    ]);
    let overrides = TaskOverride {
        container_overrides: Some(vec![ContainerOverride {
            name: Some("a".into()),
            cpu: Some(400),
            memory_reservation: Some(700),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let demand = task_demand(&def, Some(&overrides)).unwrap();
    assert_eq!(demand.cpu, 500);
    assert_eq!(demand.memory_mib, 700 + 256);
}

fn memory_override(name: &str, memory: Option<i64>, reservation: Option<i64>) -> TaskOverride {
    TaskOverride {
        container_overrides: Some(vec![ContainerOverride {
            name: Some(name.into()),
            memory,
            memory_reservation: reservation,
            ..Default::default()
        }]),
        ..Default::default()
    }
}

fn refused(def: &TaskDefinition, overrides: &TaskOverride) -> String {
    let error = task_demand(def, Some(overrides)).unwrap_err();
    assert_eq!(error.exception, ExceptionName::InvalidParameterException);
    error.message
}

/// Addendum §5, V2–V5: the container memory rules of registration hold after the overrides.
#[test]
fn overridden_container_memory_keeps_the_registration_rules() {
    let def = task(vec![
        with_memory(container("a"), 1024, Some(512)),
        container("b"),
    ]);
    // memory below memoryReservation (equality is accepted).
    let below = refused(&def, &memory_override("a", Some(256), Some(300)));
    assert_eq!(
        below,
        "Invalid setting for container 'a'. 'memory' must be greater than or equal to 'memoryReservation' (overrides give memory 256 and memoryReservation 300)."
    );
    let equal = task_demand(&def, Some(&memory_override("a", Some(300), Some(300)))).unwrap();
    assert_eq!(equal.memory_mib, 300);
    // 0 means "not set": with neither set and no task memory the container has no memory.
    let neither = refused(&def, &memory_override("a", Some(0), Some(0)));
    assert_eq!(
        neither,
        "Invalid setting for container 'a'. At least one of 'memory' or 'memoryReservation' must be specified."
    );
    // With task-level memory, containers may leave theirs unset, but not exceed the task's.
    let with_task = task_level(def.clone(), None, Some("1024"));
    assert!(task_demand(&with_task, Some(&memory_override("a", Some(0), Some(0)))).is_ok());
    let above = refused(&with_task, &memory_override("a", Some(2048), None));
    assert_eq!(
        above,
        "'memory' setting for container 'a' is greater than for task (2048 > 1024 MiB)."
    );
    let shared = task_level(
        task(vec![
            container("a"),
            with_memory(container("b"), 600, Some(500)),
        ]),
        None,
        Some("1024"),
    );
    let sum = refused(&shared, &memory_override("a", None, Some(600)));
    assert_eq!(
        sum,
        "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory' (1100 > 1024 MiB)."
    );
}

/// A definition's own values are what ECS accepted at registration: an override of another
/// container does not re-judge them.
#[test]
fn only_what_the_call_changed_is_judged() {
    let def = task(vec![
        with_memory(container("a"), 100, Some(200)),
        with_memory(container("b"), 64, None),
    ]);
    let demand = task_demand(&def, Some(&memory_override("b", Some(128), None))).unwrap();
    assert_eq!(demand.memory_mib, 200 + 128);
}

#[test]
fn container_override_resource_requirements_replace_gpus() {
    let def = task(vec![with_gpu(container("a"), "1")]);
    let overrides = TaskOverride {
        container_overrides: Some(vec![ContainerOverride {
            name: Some("a".into()),
            resource_requirements: Some(vec![gpu("3")]),
            ..Default::default()
        }]),
        ..Default::default()
    };
    assert_eq!(
        task_demand(&def, Some(&overrides)).unwrap().gpus,
        GpuDemand::Count(3)
    );
}

// --- Ports -------------------------------------------------------------------------------

#[test]
fn bridge_reserves_only_non_zero_host_ports() {
    let def = task(vec![with_port(
        with_port(
            with_port(container("a"), 80, Some(8080), None),
            81,
            Some(0),
            None,
        ),
        82,
        None,
        None,
    )]);
    let demand = task_demand(&def, None).unwrap();
    assert_eq!(demand.tcp_ports.into_iter().collect::<Vec<_>>(), vec![8080]);
    assert_eq!(
        demand.containers[0].host_ports,
        vec![HostPort {
            container_port: 80,
            host_port: 8080,
            protocol: Protocol::Tcp
        }]
    );
}

#[test]
fn network_mode_defaults_to_bridge() {
    let def = task(vec![with_port(container("a"), 80, None, None)]);
    assert!(task_demand(&def, None).unwrap().tcp_ports.is_empty());
}

#[test]
fn host_mode_reserves_host_port_or_container_port() {
    let def = in_mode(
        task(vec![with_port(
            with_port(container("a"), 80, None, None),
            443,
            Some(443),
            None,
        )]),
        "host",
    );
    let demand = task_demand(&def, None).unwrap();
    assert_eq!(
        demand.tcp_ports.into_iter().collect::<Vec<_>>(),
        vec![80, 443]
    );
}

#[test]
fn awsvpc_and_none_reserve_no_host_ports() {
    for mode in ["awsvpc", "none"] {
        let def = in_mode(
            task(vec![with_port(container("a"), 80, Some(80), None)]),
            mode,
        );
        let demand = task_demand(&def, None).unwrap();
        assert!(
            demand.tcp_ports.is_empty() && demand.udp_ports.is_empty(),
            "{mode}"
        );
    }
}

#[test]
fn container_port_range_reserves_nothing() {
    let mut c = container("a");
    c.port_mappings = Some(vec![PortMapping {
        container_port_range: Some("8000-8010".into()),
        ..Default::default()
    }]);
    assert!(
        task_demand(&task(vec![c]), None)
            .unwrap()
            .tcp_ports
            .is_empty()
    );
}

#[test]
fn tcp_and_udp_ports_are_separate_sets_and_tcp_is_default() {
    let def = task(vec![with_port(
        with_port(container("a"), 53, Some(53), Some("udp")),
        53,
        Some(53),
        None,
    )]);
    let demand = task_demand(&def, None).unwrap();
    assert_eq!(demand.tcp_ports.into_iter().collect::<Vec<_>>(), vec![53]);
    assert_eq!(demand.udp_ports.into_iter().collect::<Vec<_>>(), vec![53]);
}

#[test]
fn same_host_port_twice_in_a_task_is_rejected() {
    let def = task(vec![
        with_port(container("a"), 80, Some(80), None),
        with_port(container("b"), 81, Some(80), None),
    ]);
    let error = task_demand(&def, None).unwrap_err();
    assert_eq!(error.exception, ExceptionName::ClientException);
    assert!(error.message.contains("80/tcp"), "{}", error.message);
}

#[test]
fn out_of_range_port_is_rejected() {
    let def = task(vec![with_port(container("a"), 80, Some(70000), None)]);
    let error = task_demand(&def, None).unwrap_err();
    assert!(
        error.message.contains("hostPort") && error.message.contains("70000"),
        "{}",
        error.message
    );
}

// --- GPUs --------------------------------------------------------------------------------

#[test]
fn gpus_add_up_across_containers() {
    let def = task(vec![
        with_gpu(container("a"), "1"),
        with_gpu(container("b"), "2"),
        container("c"),
    ]);
    let demand = task_demand(&def, None).unwrap();
    assert_eq!(demand.gpus, GpuDemand::Count(3));
    assert_eq!(demand.containers[1].gpus, GpuDemand::Count(2));
    assert_eq!(demand.containers[2].gpus, GpuDemand::Count(0));
}

#[test]
fn gpu_all_takes_every_gpu_and_needs_at_least_one() {
    let def = task(vec![with_gpu(container("a"), "ALL")]);
    assert_eq!(
        task_demand(&def, None).unwrap().gpus,
        GpuDemand::All { at_least: 1 }
    );
    let mixed = task(vec![
        with_gpu(container("a"), "ALL"),
        with_gpu(container("b"), "2"),
    ]);
    assert_eq!(
        task_demand(&mixed, None).unwrap().gpus,
        GpuDemand::All { at_least: 3 }
    );
}

#[test]
fn fractional_gpu_is_unsupported_and_garbage_is_client_exception() {
    let fractional = task(vec![with_gpu(container("a"), "0.5")]);
    let error = task_demand(&fractional, None).unwrap_err();
    assert_eq!(error.exception, ExceptionName::UnsupportedFeatureException);
    assert!(error.message.contains("0.5"), "{}", error.message);
    let garbage = task(vec![with_gpu(container("a"), "-1")]);
    assert_eq!(
        task_demand(&garbage, None).unwrap_err().exception,
        ExceptionName::ClientException
    );
}

#[test]
fn non_gpu_resource_requirements_are_not_counted() {
    let mut c = container("a");
    c.resource_requirements = Some(vec![ResourceRequirement {
        value: "device".into(),
        kind: ResourceType::InferenceAccelerator,
        sharing_strategy: None,
    }]);
    assert!(task_demand(&task(vec![c]), None).unwrap().gpus.is_none());
}
