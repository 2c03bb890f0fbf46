//! The API model's structures that requests and snapshots hold, with their members in the
//! model's order: what unknown members are checked against ([`super::shapes`]).
//!
//! Generated from `tests/fixtures/botocore-ecs/service-2.json` (botocore 1.44.8) by
//! `UPDATE_SHAPES=1 cargo test --test wire_shapes`; do not edit by hand.
#![allow(missing_docs)]

use super::shapes::{Member, Shape};

/// The model version the shapes come from.
pub const MODEL_VERSION: &str = "botocore 1.44.8";

/// Every shape below, roots first.
pub static ALL: &[&Shape] = &[&RUN_TASK_REQUEST, &CAPACITY_PROVIDER_STRATEGY_ITEM, &NETWORK_CONFIGURATION, &AWS_VPC_CONFIGURATION, &TASK_OVERRIDE, &CONTAINER_OVERRIDE, &KEY_VALUE_PAIR, &ENVIRONMENT_FILE, &RESOURCE_REQUIREMENT, &SHARING_STRATEGY, &NVIDIA_MPS_ALLOCATION, &EPHEMERAL_STORAGE, &INFERENCE_ACCELERATOR_OVERRIDE, &PLACEMENT_CONSTRAINT, &PLACEMENT_STRATEGY, &TAG, &TASK_VOLUME_CONFIGURATION, &TASK_MANAGED_EBS_VOLUME_CONFIGURATION, &EBS_TAG_SPECIFICATION, &TASK_MANAGED_EBS_VOLUME_TERMINATION_POLICY, &START_TASK_REQUEST, &REGISTER_CONTAINER_INSTANCE_REQUEST, &ATTRIBUTE, &PLATFORM_DEVICE, &RESOURCE, &VERSION_INFO, &DEREGISTER_CONTAINER_INSTANCE_REQUEST, &UPDATE_CONTAINER_INSTANCES_STATE_REQUEST, &PUT_ATTRIBUTES_REQUEST, &DELETE_ATTRIBUTES_REQUEST, &REGISTER_TASK_DEFINITION_REQUEST, &CONTAINER_DEFINITION, &CONTAINER_DEPENDENCY, &HOST_ENTRY, &FIRELENS_CONFIGURATION, &HEALTH_CHECK, &LINUX_PARAMETERS, &KERNEL_CAPABILITIES, &DEVICE, &TMPFS, &LOG_CONFIGURATION, &SECRET, &MOUNT_POINT, &PORT_MAPPING, &REPOSITORY_CREDENTIALS, &CONTAINER_RESTART_POLICY, &SYSTEM_CONTROL, &ULIMIT, &VOLUME_FROM, &INFERENCE_ACCELERATOR, &TASK_DEFINITION_PLACEMENT_CONSTRAINT, &PROXY_CONFIGURATION, &RUNTIME_PLATFORM, &TRUSTED_EXECUTION_CONFIGURATION, &VOLUME, &DOCKER_VOLUME_CONFIGURATION, &EFS_VOLUME_CONFIGURATION, &EFS_AUTHORIZATION_CONFIG, &F_SX_WINDOWS_FILE_SERVER_VOLUME_CONFIGURATION, &F_SX_WINDOWS_FILE_SERVER_AUTHORIZATION_CONFIG, &HOST_VOLUME_PROPERTIES, &S3_FILES_VOLUME_CONFIGURATION, &DEREGISTER_TASK_DEFINITION_REQUEST, &CONTAINER_INSTANCE, &ATTACHMENT, &GPU_DEVICE, &CONTAINER_INSTANCE_HEALTH_STATUS, &INSTANCE_HEALTH_CHECK_RESULT, &TASK, &CONTAINER, &MANAGED_AGENT, &NETWORK_BINDING, &NETWORK_INTERFACE, &TASK_EPHEMERAL_STORAGE, &TRUSTED_EXECUTION_SUMMARY, &TASK_DEFINITION, &CLUSTER, &CLUSTER_CONFIGURATION, &EXECUTE_COMMAND_CONFIGURATION, &EXECUTE_COMMAND_LOG_CONFIGURATION, &MANAGED_STORAGE_CONFIGURATION, &CLUSTER_SERVICE_CONNECT_DEFAULTS, &CLUSTER_SETTING, &CAPACITY_PROVIDER, &AUTO_SCALING_GROUP_PROVIDER, &MANAGED_SCALING, &MANAGED_INSTANCES_PROVIDER, &AUTO_REPAIR_CONFIGURATION, &INFRASTRUCTURE_OPTIMIZATION, &INSTANCE_LAUNCH_TEMPLATE, &CAPACITY_RESERVATION_REQUEST, &INSTANCE_REQUIREMENTS_REQUEST, &ACCELERATOR_COUNT_REQUEST, &ACCELERATOR_TOTAL_MEMORY_MI_B_REQUEST, &BASELINE_EBS_BANDWIDTH_MBPS_REQUEST, &MEMORY_GI_B_PER_V_CPU_REQUEST, &MEMORY_MI_B_REQUEST, &NETWORK_BANDWIDTH_GBPS_REQUEST, &NETWORK_INTERFACE_COUNT_REQUEST, &TOTAL_LOCAL_STORAGE_GB_REQUEST, &V_CPU_COUNT_RANGE_REQUEST, &MANAGED_INSTANCES_LOCAL_STORAGE_CONFIGURATION, &MANAGED_INSTANCES_NETWORK_CONFIGURATION, &MANAGED_INSTANCES_STORAGE_CONFIGURATION];

pub static RUN_TASK_REQUEST: Shape = Shape { name: "RunTaskRequest", members: &[Member::holding("capacityProviderStrategy", &CAPACITY_PROVIDER_STRATEGY_ITEM), Member::value("clientToken"), Member::value("cluster"), Member::value("count"), Member::value("enableECSManagedTags"), Member::value("enableExecuteCommand"), Member::value("group"), Member::value("launchType"), Member::holding("networkConfiguration", &NETWORK_CONFIGURATION), Member::holding("overrides", &TASK_OVERRIDE), Member::holding("placementConstraints", &PLACEMENT_CONSTRAINT), Member::holding("placementStrategy", &PLACEMENT_STRATEGY), Member::value("platformVersion"), Member::value("propagateTags"), Member::value("referenceId"), Member::value("startedBy"), Member::holding("tags", &TAG), Member::value("taskDefinition"), Member::holding("volumeConfigurations", &TASK_VOLUME_CONFIGURATION)] };

pub static CAPACITY_PROVIDER_STRATEGY_ITEM: Shape = Shape { name: "CapacityProviderStrategyItem", members: &[Member::value("base"), Member::value("capacityProvider"), Member::value("weight")] };

pub static NETWORK_CONFIGURATION: Shape = Shape { name: "NetworkConfiguration", members: &[Member::holding("awsvpcConfiguration", &AWS_VPC_CONFIGURATION)] };

pub static AWS_VPC_CONFIGURATION: Shape = Shape { name: "AwsVpcConfiguration", members: &[Member::value("assignPublicIp"), Member::value("securityGroups"), Member::value("subnets")] };

pub static TASK_OVERRIDE: Shape = Shape { name: "TaskOverride", members: &[Member::holding("containerOverrides", &CONTAINER_OVERRIDE), Member::value("cpu"), Member::holding("ephemeralStorage", &EPHEMERAL_STORAGE), Member::value("executionRoleArn"), Member::holding("inferenceAcceleratorOverrides", &INFERENCE_ACCELERATOR_OVERRIDE), Member::value("memory"), Member::value("taskRoleArn")] };

pub static CONTAINER_OVERRIDE: Shape = Shape { name: "ContainerOverride", members: &[Member::value("command"), Member::value("cpu"), Member::holding("environment", &KEY_VALUE_PAIR), Member::holding("environmentFiles", &ENVIRONMENT_FILE), Member::value("memory"), Member::value("memoryReservation"), Member::value("name"), Member::holding("resourceRequirements", &RESOURCE_REQUIREMENT)] };

pub static KEY_VALUE_PAIR: Shape = Shape { name: "KeyValuePair", members: &[Member::value("name"), Member::value("value")] };

pub static ENVIRONMENT_FILE: Shape = Shape { name: "EnvironmentFile", members: &[Member::value("type"), Member::value("value")] };

pub static RESOURCE_REQUIREMENT: Shape = Shape { name: "ResourceRequirement", members: &[Member::holding("sharingStrategy", &SHARING_STRATEGY), Member::value("type"), Member::value("value")] };

pub static SHARING_STRATEGY: Shape = Shape { name: "SharingStrategy", members: &[Member::holding("nvidiaMps", &NVIDIA_MPS_ALLOCATION)] };

pub static NVIDIA_MPS_ALLOCATION: Shape = Shape { name: "NvidiaMpsAllocation", members: &[Member::value("maxComputePercent"), Member::value("memory")] };

pub static EPHEMERAL_STORAGE: Shape = Shape { name: "EphemeralStorage", members: &[Member::value("sizeInGiB")] };

pub static INFERENCE_ACCELERATOR_OVERRIDE: Shape = Shape { name: "InferenceAcceleratorOverride", members: &[Member::value("deviceName"), Member::value("deviceType")] };

pub static PLACEMENT_CONSTRAINT: Shape = Shape { name: "PlacementConstraint", members: &[Member::value("expression"), Member::value("type")] };

pub static PLACEMENT_STRATEGY: Shape = Shape { name: "PlacementStrategy", members: &[Member::value("field"), Member::value("type")] };

pub static TAG: Shape = Shape { name: "Tag", members: &[Member::value("key"), Member::value("value")] };

pub static TASK_VOLUME_CONFIGURATION: Shape = Shape { name: "TaskVolumeConfiguration", members: &[Member::holding("managedEBSVolume", &TASK_MANAGED_EBS_VOLUME_CONFIGURATION), Member::value("name")] };

pub static TASK_MANAGED_EBS_VOLUME_CONFIGURATION: Shape = Shape { name: "TaskManagedEBSVolumeConfiguration", members: &[Member::value("encrypted"), Member::value("filesystemType"), Member::value("iops"), Member::value("kmsKeyId"), Member::value("roleArn"), Member::value("sizeInGiB"), Member::value("snapshotId"), Member::holding("tagSpecifications", &EBS_TAG_SPECIFICATION), Member::holding("terminationPolicy", &TASK_MANAGED_EBS_VOLUME_TERMINATION_POLICY), Member::value("throughput"), Member::value("volumeInitializationRate"), Member::value("volumeType")] };

pub static EBS_TAG_SPECIFICATION: Shape = Shape { name: "EBSTagSpecification", members: &[Member::value("propagateTags"), Member::value("resourceType"), Member::holding("tags", &TAG)] };

pub static TASK_MANAGED_EBS_VOLUME_TERMINATION_POLICY: Shape = Shape { name: "TaskManagedEBSVolumeTerminationPolicy", members: &[Member::value("deleteOnTermination")] };

pub static START_TASK_REQUEST: Shape = Shape { name: "StartTaskRequest", members: &[Member::value("cluster"), Member::value("containerInstances"), Member::value("enableECSManagedTags"), Member::value("enableExecuteCommand"), Member::value("group"), Member::holding("networkConfiguration", &NETWORK_CONFIGURATION), Member::holding("overrides", &TASK_OVERRIDE), Member::value("propagateTags"), Member::value("referenceId"), Member::value("startedBy"), Member::holding("tags", &TAG), Member::value("taskDefinition"), Member::holding("volumeConfigurations", &TASK_VOLUME_CONFIGURATION)] };

pub static REGISTER_CONTAINER_INSTANCE_REQUEST: Shape = Shape { name: "RegisterContainerInstanceRequest", members: &[Member::holding("attributes", &ATTRIBUTE), Member::value("cluster"), Member::value("containerInstanceArn"), Member::value("instanceIdentityDocument"), Member::value("instanceIdentityDocumentSignature"), Member::holding("platformDevices", &PLATFORM_DEVICE), Member::holding("tags", &TAG), Member::holding("totalResources", &RESOURCE), Member::holding("versionInfo", &VERSION_INFO)] };

pub static ATTRIBUTE: Shape = Shape { name: "Attribute", members: &[Member::value("name"), Member::value("targetId"), Member::value("targetType"), Member::value("value")] };

pub static PLATFORM_DEVICE: Shape = Shape { name: "PlatformDevice", members: &[Member::value("id"), Member::value("type")] };

pub static RESOURCE: Shape = Shape { name: "Resource", members: &[Member::value("doubleValue"), Member::value("integerValue"), Member::value("longValue"), Member::value("name"), Member::value("stringSetValue"), Member::value("type")] };

pub static VERSION_INFO: Shape = Shape { name: "VersionInfo", members: &[Member::value("agentHash"), Member::value("agentVersion"), Member::value("dockerVersion")] };

pub static DEREGISTER_CONTAINER_INSTANCE_REQUEST: Shape = Shape { name: "DeregisterContainerInstanceRequest", members: &[Member::value("cluster"), Member::value("containerInstance"), Member::value("force")] };

pub static UPDATE_CONTAINER_INSTANCES_STATE_REQUEST: Shape = Shape { name: "UpdateContainerInstancesStateRequest", members: &[Member::value("cluster"), Member::value("containerInstances"), Member::value("status")] };

pub static PUT_ATTRIBUTES_REQUEST: Shape = Shape { name: "PutAttributesRequest", members: &[Member::holding("attributes", &ATTRIBUTE), Member::value("cluster")] };

pub static DELETE_ATTRIBUTES_REQUEST: Shape = Shape { name: "DeleteAttributesRequest", members: &[Member::holding("attributes", &ATTRIBUTE), Member::value("cluster")] };

pub static REGISTER_TASK_DEFINITION_REQUEST: Shape = Shape { name: "RegisterTaskDefinitionRequest", members: &[Member::holding("containerDefinitions", &CONTAINER_DEFINITION), Member::value("cpu"), Member::value("enableFaultInjection"), Member::holding("ephemeralStorage", &EPHEMERAL_STORAGE), Member::value("executionRoleArn"), Member::value("family"), Member::holding("inferenceAccelerators", &INFERENCE_ACCELERATOR), Member::value("ipcMode"), Member::value("memory"), Member::value("networkMode"), Member::value("pidMode"), Member::holding("placementConstraints", &TASK_DEFINITION_PLACEMENT_CONSTRAINT), Member::holding("proxyConfiguration", &PROXY_CONFIGURATION), Member::value("requiresCompatibilities"), Member::holding("runtimePlatform", &RUNTIME_PLATFORM), Member::holding("tags", &TAG), Member::value("taskRoleArn"), Member::holding("trustedExecutionConfiguration", &TRUSTED_EXECUTION_CONFIGURATION), Member::holding("volumes", &VOLUME)] };

pub static CONTAINER_DEFINITION: Shape = Shape { name: "ContainerDefinition", members: &[Member::value("command"), Member::value("cpu"), Member::value("credentialSpecs"), Member::holding("dependsOn", &CONTAINER_DEPENDENCY), Member::value("disableNetworking"), Member::value("dnsSearchDomains"), Member::value("dnsServers"), Member::value("dockerLabels"), Member::value("dockerSecurityOptions"), Member::value("entryPoint"), Member::holding("environment", &KEY_VALUE_PAIR), Member::holding("environmentFiles", &ENVIRONMENT_FILE), Member::value("essential"), Member::holding("extraHosts", &HOST_ENTRY), Member::holding("firelensConfiguration", &FIRELENS_CONFIGURATION), Member::holding("healthCheck", &HEALTH_CHECK), Member::value("hostname"), Member::value("image"), Member::value("interactive"), Member::value("links"), Member::holding("linuxParameters", &LINUX_PARAMETERS), Member::holding("logConfiguration", &LOG_CONFIGURATION), Member::value("memory"), Member::value("memoryReservation"), Member::holding("mountPoints", &MOUNT_POINT), Member::value("name"), Member::holding("portMappings", &PORT_MAPPING), Member::value("privileged"), Member::value("pseudoTerminal"), Member::value("readonlyRootFilesystem"), Member::holding("repositoryCredentials", &REPOSITORY_CREDENTIALS), Member::holding("resourceRequirements", &RESOURCE_REQUIREMENT), Member::holding("restartPolicy", &CONTAINER_RESTART_POLICY), Member::holding("secrets", &SECRET), Member::value("startTimeout"), Member::value("stopTimeout"), Member::holding("systemControls", &SYSTEM_CONTROL), Member::holding("ulimits", &ULIMIT), Member::value("user"), Member::value("versionConsistency"), Member::holding("volumesFrom", &VOLUME_FROM), Member::value("workingDirectory")] };

pub static CONTAINER_DEPENDENCY: Shape = Shape { name: "ContainerDependency", members: &[Member::value("condition"), Member::value("containerName")] };

pub static HOST_ENTRY: Shape = Shape { name: "HostEntry", members: &[Member::value("hostname"), Member::value("ipAddress")] };

pub static FIRELENS_CONFIGURATION: Shape = Shape { name: "FirelensConfiguration", members: &[Member::value("options"), Member::value("type")] };

pub static HEALTH_CHECK: Shape = Shape { name: "HealthCheck", members: &[Member::value("command"), Member::value("interval"), Member::value("retries"), Member::value("startPeriod"), Member::value("timeout")] };

pub static LINUX_PARAMETERS: Shape = Shape { name: "LinuxParameters", members: &[Member::holding("capabilities", &KERNEL_CAPABILITIES), Member::holding("devices", &DEVICE), Member::value("initProcessEnabled"), Member::value("maxSwap"), Member::value("sharedMemorySize"), Member::value("swappiness"), Member::holding("tmpfs", &TMPFS)] };

pub static KERNEL_CAPABILITIES: Shape = Shape { name: "KernelCapabilities", members: &[Member::value("add"), Member::value("drop")] };

pub static DEVICE: Shape = Shape { name: "Device", members: &[Member::value("containerPath"), Member::value("hostPath"), Member::value("permissions")] };

pub static TMPFS: Shape = Shape { name: "Tmpfs", members: &[Member::value("containerPath"), Member::value("mountOptions"), Member::value("size")] };

pub static LOG_CONFIGURATION: Shape = Shape { name: "LogConfiguration", members: &[Member::value("logDriver"), Member::value("options"), Member::holding("secretOptions", &SECRET)] };

pub static SECRET: Shape = Shape { name: "Secret", members: &[Member::value("name"), Member::value("valueFrom")] };

pub static MOUNT_POINT: Shape = Shape { name: "MountPoint", members: &[Member::value("containerPath"), Member::value("readOnly"), Member::value("sourceVolume")] };

pub static PORT_MAPPING: Shape = Shape { name: "PortMapping", members: &[Member::value("appProtocol"), Member::value("containerPort"), Member::value("containerPortRange"), Member::value("hostPort"), Member::value("name"), Member::value("protocol")] };

pub static REPOSITORY_CREDENTIALS: Shape = Shape { name: "RepositoryCredentials", members: &[Member::value("credentialsParameter")] };

pub static CONTAINER_RESTART_POLICY: Shape = Shape { name: "ContainerRestartPolicy", members: &[Member::value("enabled"), Member::value("ignoredExitCodes"), Member::value("restartAttemptPeriod")] };

pub static SYSTEM_CONTROL: Shape = Shape { name: "SystemControl", members: &[Member::value("namespace"), Member::value("value")] };

pub static ULIMIT: Shape = Shape { name: "Ulimit", members: &[Member::value("hardLimit"), Member::value("name"), Member::value("softLimit")] };

pub static VOLUME_FROM: Shape = Shape { name: "VolumeFrom", members: &[Member::value("readOnly"), Member::value("sourceContainer")] };

pub static INFERENCE_ACCELERATOR: Shape = Shape { name: "InferenceAccelerator", members: &[Member::value("deviceName"), Member::value("deviceType")] };

pub static TASK_DEFINITION_PLACEMENT_CONSTRAINT: Shape = Shape { name: "TaskDefinitionPlacementConstraint", members: &[Member::value("expression"), Member::value("type")] };

pub static PROXY_CONFIGURATION: Shape = Shape { name: "ProxyConfiguration", members: &[Member::value("containerName"), Member::holding("properties", &KEY_VALUE_PAIR), Member::value("type")] };

pub static RUNTIME_PLATFORM: Shape = Shape { name: "RuntimePlatform", members: &[Member::value("cpuArchitecture"), Member::value("operatingSystemFamily")] };

pub static TRUSTED_EXECUTION_CONFIGURATION: Shape = Shape { name: "TrustedExecutionConfiguration", members: &[Member::value("attestationPolicy"), Member::value("isolationMode")] };

pub static VOLUME: Shape = Shape { name: "Volume", members: &[Member::value("configuredAtLaunch"), Member::holding("dockerVolumeConfiguration", &DOCKER_VOLUME_CONFIGURATION), Member::holding("efsVolumeConfiguration", &EFS_VOLUME_CONFIGURATION), Member::holding("fsxWindowsFileServerVolumeConfiguration", &F_SX_WINDOWS_FILE_SERVER_VOLUME_CONFIGURATION), Member::holding("host", &HOST_VOLUME_PROPERTIES), Member::value("name"), Member::holding("s3filesVolumeConfiguration", &S3_FILES_VOLUME_CONFIGURATION)] };

pub static DOCKER_VOLUME_CONFIGURATION: Shape = Shape { name: "DockerVolumeConfiguration", members: &[Member::value("autoprovision"), Member::value("driver"), Member::value("driverOpts"), Member::value("labels"), Member::value("scope")] };

pub static EFS_VOLUME_CONFIGURATION: Shape = Shape { name: "EFSVolumeConfiguration", members: &[Member::holding("authorizationConfig", &EFS_AUTHORIZATION_CONFIG), Member::value("fileSystemId"), Member::value("rootDirectory"), Member::value("transitEncryption"), Member::value("transitEncryptionPort")] };

pub static EFS_AUTHORIZATION_CONFIG: Shape = Shape { name: "EFSAuthorizationConfig", members: &[Member::value("accessPointId"), Member::value("iam")] };

pub static F_SX_WINDOWS_FILE_SERVER_VOLUME_CONFIGURATION: Shape = Shape { name: "FSxWindowsFileServerVolumeConfiguration", members: &[Member::holding("authorizationConfig", &F_SX_WINDOWS_FILE_SERVER_AUTHORIZATION_CONFIG), Member::value("fileSystemId"), Member::value("rootDirectory")] };

pub static F_SX_WINDOWS_FILE_SERVER_AUTHORIZATION_CONFIG: Shape = Shape { name: "FSxWindowsFileServerAuthorizationConfig", members: &[Member::value("credentialsParameter"), Member::value("domain")] };

pub static HOST_VOLUME_PROPERTIES: Shape = Shape { name: "HostVolumeProperties", members: &[Member::value("sourcePath")] };

pub static S3_FILES_VOLUME_CONFIGURATION: Shape = Shape { name: "S3FilesVolumeConfiguration", members: &[Member::value("accessPointArn"), Member::value("fileSystemArn"), Member::value("rootDirectory"), Member::value("transitEncryptionPort")] };

pub static DEREGISTER_TASK_DEFINITION_REQUEST: Shape = Shape { name: "DeregisterTaskDefinitionRequest", members: &[Member::value("taskDefinition")] };

pub static CONTAINER_INSTANCE: Shape = Shape { name: "ContainerInstance", members: &[Member::value("agentConnected"), Member::value("agentUpdateStatus"), Member::holding("attachments", &ATTACHMENT), Member::holding("attributes", &ATTRIBUTE), Member::value("capacityProviderName"), Member::value("containerInstanceArn"), Member::value("ec2InstanceId"), Member::holding("gpuDevices", &GPU_DEVICE), Member::holding("healthStatus", &CONTAINER_INSTANCE_HEALTH_STATUS), Member::value("pendingTasksCount"), Member::value("registeredAt"), Member::holding("registeredResources", &RESOURCE), Member::holding("remainingResources", &RESOURCE), Member::value("runningTasksCount"), Member::value("status"), Member::value("statusReason"), Member::holding("tags", &TAG), Member::value("version"), Member::holding("versionInfo", &VERSION_INFO)] };

pub static ATTACHMENT: Shape = Shape { name: "Attachment", members: &[Member::holding("details", &KEY_VALUE_PAIR), Member::value("id"), Member::value("status"), Member::value("type")] };

pub static GPU_DEVICE: Shape = Shape { name: "GpuDevice", members: &[Member::value("containerCount"), Member::value("gpuId"), Member::value("remainingMemoryInMiB"), Member::value("sharingMode"), Member::value("totalMemoryInMiB")] };

pub static CONTAINER_INSTANCE_HEALTH_STATUS: Shape = Shape { name: "ContainerInstanceHealthStatus", members: &[Member::holding("details", &INSTANCE_HEALTH_CHECK_RESULT), Member::value("overallStatus")] };

pub static INSTANCE_HEALTH_CHECK_RESULT: Shape = Shape { name: "InstanceHealthCheckResult", members: &[Member::value("lastStatusChange"), Member::value("lastUpdated"), Member::value("status"), Member::value("statusReason"), Member::value("type")] };

pub static TASK: Shape = Shape { name: "Task", members: &[Member::holding("attachments", &ATTACHMENT), Member::holding("attributes", &ATTRIBUTE), Member::value("availabilityZone"), Member::value("capacityProviderName"), Member::value("clusterArn"), Member::value("connectivity"), Member::value("connectivityAt"), Member::value("containerInstanceArn"), Member::holding("containers", &CONTAINER), Member::value("cpu"), Member::value("createdAt"), Member::value("desiredStatus"), Member::value("enableExecuteCommand"), Member::holding("ephemeralStorage", &EPHEMERAL_STORAGE), Member::value("executionStoppedAt"), Member::holding("fargateEphemeralStorage", &TASK_EPHEMERAL_STORAGE), Member::value("group"), Member::value("healthStatus"), Member::holding("inferenceAccelerators", &INFERENCE_ACCELERATOR), Member::value("lastStatus"), Member::value("launchType"), Member::value("memory"), Member::holding("overrides", &TASK_OVERRIDE), Member::value("platformFamily"), Member::value("platformVersion"), Member::value("pullStartedAt"), Member::value("pullStoppedAt"), Member::value("startedAt"), Member::value("startedBy"), Member::value("stopCode"), Member::value("stoppedAt"), Member::value("stoppedReason"), Member::value("stoppingAt"), Member::holding("tags", &TAG), Member::value("taskArn"), Member::value("taskDefinitionArn"), Member::holding("trustedExecutionSummary", &TRUSTED_EXECUTION_SUMMARY), Member::value("version")] };

pub static CONTAINER: Shape = Shape { name: "Container", members: &[Member::value("containerArn"), Member::value("cpu"), Member::value("exitCode"), Member::value("gpuIds"), Member::holding("gpuSharingStrategy", &SHARING_STRATEGY), Member::value("healthStatus"), Member::value("image"), Member::value("imageDigest"), Member::value("lastStatus"), Member::holding("managedAgents", &MANAGED_AGENT), Member::value("memory"), Member::value("memoryReservation"), Member::value("name"), Member::holding("networkBindings", &NETWORK_BINDING), Member::holding("networkInterfaces", &NETWORK_INTERFACE), Member::value("neuronDeviceIds"), Member::value("reason"), Member::value("runtimeId"), Member::value("taskArn")] };

pub static MANAGED_AGENT: Shape = Shape { name: "ManagedAgent", members: &[Member::value("lastStartedAt"), Member::value("lastStatus"), Member::value("name"), Member::value("reason")] };

pub static NETWORK_BINDING: Shape = Shape { name: "NetworkBinding", members: &[Member::value("bindIP"), Member::value("containerPort"), Member::value("containerPortRange"), Member::value("hostPort"), Member::value("hostPortRange"), Member::value("protocol")] };

pub static NETWORK_INTERFACE: Shape = Shape { name: "NetworkInterface", members: &[Member::value("attachmentId"), Member::value("ipv6Address"), Member::value("privateIpv4Address")] };

pub static TASK_EPHEMERAL_STORAGE: Shape = Shape { name: "TaskEphemeralStorage", members: &[Member::value("kmsKeyId"), Member::value("sizeInGiB")] };

pub static TRUSTED_EXECUTION_SUMMARY: Shape = Shape { name: "TrustedExecutionSummary", members: &[Member::value("attestationPolicyStatus"), Member::value("isolationMode")] };

pub static TASK_DEFINITION: Shape = Shape { name: "TaskDefinition", members: &[Member::value("compatibilities"), Member::holding("containerDefinitions", &CONTAINER_DEFINITION), Member::value("cpu"), Member::value("deleteRequestedAt"), Member::value("deregisteredAt"), Member::value("enableFaultInjection"), Member::holding("ephemeralStorage", &EPHEMERAL_STORAGE), Member::value("executionRoleArn"), Member::value("family"), Member::holding("inferenceAccelerators", &INFERENCE_ACCELERATOR), Member::value("ipcMode"), Member::value("memory"), Member::value("networkMode"), Member::value("pidMode"), Member::holding("placementConstraints", &TASK_DEFINITION_PLACEMENT_CONSTRAINT), Member::holding("proxyConfiguration", &PROXY_CONFIGURATION), Member::value("registeredAt"), Member::value("registeredBy"), Member::holding("requiresAttributes", &ATTRIBUTE), Member::value("requiresCompatibilities"), Member::value("revision"), Member::holding("runtimePlatform", &RUNTIME_PLATFORM), Member::value("status"), Member::value("taskDefinitionArn"), Member::value("taskRoleArn"), Member::holding("trustedExecutionConfiguration", &TRUSTED_EXECUTION_CONFIGURATION), Member::holding("volumes", &VOLUME)] };

pub static CLUSTER: Shape = Shape { name: "Cluster", members: &[Member::value("activeServicesCount"), Member::holding("attachments", &ATTACHMENT), Member::value("attachmentsStatus"), Member::value("capacityProviders"), Member::value("clusterArn"), Member::value("clusterName"), Member::holding("configuration", &CLUSTER_CONFIGURATION), Member::holding("defaultCapacityProviderStrategy", &CAPACITY_PROVIDER_STRATEGY_ITEM), Member::value("pendingTasksCount"), Member::value("registeredContainerInstancesCount"), Member::value("runningTasksCount"), Member::holding("serviceConnectDefaults", &CLUSTER_SERVICE_CONNECT_DEFAULTS), Member::holding("settings", &CLUSTER_SETTING), Member::holding("statistics", &KEY_VALUE_PAIR), Member::value("status"), Member::holding("tags", &TAG)] };

pub static CLUSTER_CONFIGURATION: Shape = Shape { name: "ClusterConfiguration", members: &[Member::holding("executeCommandConfiguration", &EXECUTE_COMMAND_CONFIGURATION), Member::holding("managedStorageConfiguration", &MANAGED_STORAGE_CONFIGURATION)] };

pub static EXECUTE_COMMAND_CONFIGURATION: Shape = Shape { name: "ExecuteCommandConfiguration", members: &[Member::value("kmsKeyId"), Member::holding("logConfiguration", &EXECUTE_COMMAND_LOG_CONFIGURATION), Member::value("logging")] };

pub static EXECUTE_COMMAND_LOG_CONFIGURATION: Shape = Shape { name: "ExecuteCommandLogConfiguration", members: &[Member::value("cloudWatchEncryptionEnabled"), Member::value("cloudWatchLogGroupName"), Member::value("s3BucketName"), Member::value("s3EncryptionEnabled"), Member::value("s3KeyPrefix")] };

pub static MANAGED_STORAGE_CONFIGURATION: Shape = Shape { name: "ManagedStorageConfiguration", members: &[Member::value("fargateEphemeralStorageKmsKeyId"), Member::value("kmsKeyId")] };

pub static CLUSTER_SERVICE_CONNECT_DEFAULTS: Shape = Shape { name: "ClusterServiceConnectDefaults", members: &[Member::value("namespace")] };

pub static CLUSTER_SETTING: Shape = Shape { name: "ClusterSetting", members: &[Member::value("name"), Member::value("value")] };

pub static CAPACITY_PROVIDER: Shape = Shape { name: "CapacityProvider", members: &[Member::holding("autoScalingGroupProvider", &AUTO_SCALING_GROUP_PROVIDER), Member::value("capacityProviderArn"), Member::value("cluster"), Member::holding("managedInstancesProvider", &MANAGED_INSTANCES_PROVIDER), Member::value("name"), Member::value("status"), Member::holding("tags", &TAG), Member::value("type"), Member::value("updateStatus"), Member::value("updateStatusReason")] };

pub static AUTO_SCALING_GROUP_PROVIDER: Shape = Shape { name: "AutoScalingGroupProvider", members: &[Member::value("autoScalingGroupArn"), Member::value("managedDraining"), Member::holding("managedScaling", &MANAGED_SCALING), Member::value("managedTerminationProtection")] };

pub static MANAGED_SCALING: Shape = Shape { name: "ManagedScaling", members: &[Member::value("instanceWarmupPeriod"), Member::value("maximumScalingStepSize"), Member::value("minimumScalingStepSize"), Member::value("status"), Member::value("targetCapacity")] };

pub static MANAGED_INSTANCES_PROVIDER: Shape = Shape { name: "ManagedInstancesProvider", members: &[Member::holding("autoRepairConfiguration", &AUTO_REPAIR_CONFIGURATION), Member::holding("infrastructureOptimization", &INFRASTRUCTURE_OPTIMIZATION), Member::value("infrastructureRoleArn"), Member::holding("instanceLaunchTemplate", &INSTANCE_LAUNCH_TEMPLATE), Member::value("propagateTags")] };

pub static AUTO_REPAIR_CONFIGURATION: Shape = Shape { name: "AutoRepairConfiguration", members: &[Member::value("actionsStatus")] };

pub static INFRASTRUCTURE_OPTIMIZATION: Shape = Shape { name: "InfrastructureOptimization", members: &[Member::value("scaleInAfter")] };

pub static INSTANCE_LAUNCH_TEMPLATE: Shape = Shape { name: "InstanceLaunchTemplate", members: &[Member::value("capacityOptionType"), Member::holding("capacityReservations", &CAPACITY_RESERVATION_REQUEST), Member::value("ec2InstanceProfileArn"), Member::value("fipsEnabled"), Member::value("instanceMetadataTagsPropagation"), Member::holding("instanceRequirements", &INSTANCE_REQUIREMENTS_REQUEST), Member::holding("localStorageConfiguration", &MANAGED_INSTANCES_LOCAL_STORAGE_CONFIGURATION), Member::value("monitoring"), Member::holding("networkConfiguration", &MANAGED_INSTANCES_NETWORK_CONFIGURATION), Member::value("nitroEnclavesEnabled"), Member::holding("storageConfiguration", &MANAGED_INSTANCES_STORAGE_CONFIGURATION)] };

pub static CAPACITY_RESERVATION_REQUEST: Shape = Shape { name: "CapacityReservationRequest", members: &[Member::value("reservationGroupArn"), Member::value("reservationPreference")] };

pub static INSTANCE_REQUIREMENTS_REQUEST: Shape = Shape { name: "InstanceRequirementsRequest", members: &[Member::holding("acceleratorCount", &ACCELERATOR_COUNT_REQUEST), Member::value("acceleratorManufacturers"), Member::value("acceleratorNames"), Member::holding("acceleratorTotalMemoryMiB", &ACCELERATOR_TOTAL_MEMORY_MI_B_REQUEST), Member::value("acceleratorTypes"), Member::value("allowedInstanceTypes"), Member::value("bareMetal"), Member::holding("baselineEbsBandwidthMbps", &BASELINE_EBS_BANDWIDTH_MBPS_REQUEST), Member::value("burstablePerformance"), Member::value("cpuManufacturers"), Member::value("excludedInstanceTypes"), Member::value("instanceGenerations"), Member::value("localStorage"), Member::value("localStorageTypes"), Member::value("maxSpotPriceAsPercentageOfOptimalOnDemandPrice"), Member::holding("memoryGiBPerVCpu", &MEMORY_GI_B_PER_V_CPU_REQUEST), Member::holding("memoryMiB", &MEMORY_MI_B_REQUEST), Member::holding("networkBandwidthGbps", &NETWORK_BANDWIDTH_GBPS_REQUEST), Member::holding("networkInterfaceCount", &NETWORK_INTERFACE_COUNT_REQUEST), Member::value("onDemandMaxPricePercentageOverLowestPrice"), Member::value("requireHibernateSupport"), Member::value("spotMaxPricePercentageOverLowestPrice"), Member::holding("totalLocalStorageGB", &TOTAL_LOCAL_STORAGE_GB_REQUEST), Member::holding("vCpuCount", &V_CPU_COUNT_RANGE_REQUEST)] };

pub static ACCELERATOR_COUNT_REQUEST: Shape = Shape { name: "AcceleratorCountRequest", members: &[Member::value("max"), Member::value("min")] };

pub static ACCELERATOR_TOTAL_MEMORY_MI_B_REQUEST: Shape = Shape { name: "AcceleratorTotalMemoryMiBRequest", members: &[Member::value("max"), Member::value("min")] };

pub static BASELINE_EBS_BANDWIDTH_MBPS_REQUEST: Shape = Shape { name: "BaselineEbsBandwidthMbpsRequest", members: &[Member::value("max"), Member::value("min")] };

pub static MEMORY_GI_B_PER_V_CPU_REQUEST: Shape = Shape { name: "MemoryGiBPerVCpuRequest", members: &[Member::value("max"), Member::value("min")] };

pub static MEMORY_MI_B_REQUEST: Shape = Shape { name: "MemoryMiBRequest", members: &[Member::value("max"), Member::value("min")] };

pub static NETWORK_BANDWIDTH_GBPS_REQUEST: Shape = Shape { name: "NetworkBandwidthGbpsRequest", members: &[Member::value("max"), Member::value("min")] };

pub static NETWORK_INTERFACE_COUNT_REQUEST: Shape = Shape { name: "NetworkInterfaceCountRequest", members: &[Member::value("max"), Member::value("min")] };

pub static TOTAL_LOCAL_STORAGE_GB_REQUEST: Shape = Shape { name: "TotalLocalStorageGBRequest", members: &[Member::value("max"), Member::value("min")] };

pub static V_CPU_COUNT_RANGE_REQUEST: Shape = Shape { name: "VCpuCountRangeRequest", members: &[Member::value("max"), Member::value("min")] };

pub static MANAGED_INSTANCES_LOCAL_STORAGE_CONFIGURATION: Shape = Shape { name: "ManagedInstancesLocalStorageConfiguration", members: &[Member::value("useLocalStorage")] };

pub static MANAGED_INSTANCES_NETWORK_CONFIGURATION: Shape = Shape { name: "ManagedInstancesNetworkConfiguration", members: &[Member::value("securityGroups"), Member::value("subnets")] };

pub static MANAGED_INSTANCES_STORAGE_CONFIGURATION: Shape = Shape { name: "ManagedInstancesStorageConfiguration", members: &[Member::value("storageSizeGiB")] };
