//! The closed string sets of the ECS API (launch type, strategy type, instance status, ...).
//!
//! Each enum keeps the values the API defines and an `Unknown` variant that holds any other
//! string, so a document with a value this crate does not know still loads; validation then
//! rejects the value with an error that names the parameter, instead of the JSON reader failing
//! with a message about enum variants.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a wire enum: the API's values (in the model's order), their exact spelling, and an
/// `Unknown(String)` catch-all.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value the API model does not list; kept verbatim so validation can name it.
            Unknown(String),
        }

        impl $name {
            /// Every value the API defines, in the model's order.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown(other) => other,
                }
            }

            /// Reads a value, exactly as the API spells it (case-sensitive).
            pub fn parse(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// Whether the value is one the API defines.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok(Self::parse(&text))
            }
        }
    };
}

wire_enum! {
    /// Where a task runs (`LaunchType`).
    LaunchType {
        /// Amazon EC2 container instances.
        Ec2 => "EC2",
        /// AWS Fargate: no container instance.
        Fargate => "FARGATE",
        /// ECS Anywhere instances.
        External => "EXTERNAL",
        /// ECS Managed Instances.
        ManagedInstances => "MANAGED_INSTANCES",
    }
}

wire_enum! {
    /// A placement strategy's type (`PlacementStrategyType`).
    PlacementStrategyType {
        /// Uniformly random among the candidates.
        Random => "random",
        /// Even spread over the values of a field.
        Spread => "spread",
        /// Least remaining cpu or memory first.
        Binpack => "binpack",
    }
}

wire_enum! {
    /// A placement constraint's type (`PlacementConstraintType`).
    PlacementConstraintType {
        /// One task of the group per instance.
        DistinctInstance => "distinctInstance",
        /// Instances matching a cluster query expression.
        MemberOf => "memberOf",
    }
}

wire_enum! {
    /// A task definition's placement constraint type (`TaskDefinitionPlacementConstraintType`).
    TaskDefinitionPlacementConstraintType {
        /// Instances matching a cluster query expression.
        MemberOf => "memberOf",
    }
}

wire_enum! {
    /// A container instance's status (`ContainerInstanceStatus`, plus `INACTIVE` which
    /// `DescribeContainerInstances` reports for deregistered instances).
    ContainerInstanceStatus {
        /// Accepts tasks.
        Active => "ACTIVE",
        /// Accepts no new tasks.
        Draining => "DRAINING",
        /// Registration in progress.
        Registering => "REGISTERING",
        /// Deregistration in progress.
        Deregistering => "DEREGISTERING",
        /// Registration failed.
        RegistrationFailed => "REGISTRATION_FAILED",
        /// Deregistered.
        Inactive => "INACTIVE",
    }
}

wire_enum! {
    /// A container resource requirement's type (`ResourceType`).
    ResourceType {
        /// Physical GPUs.
        Gpu => "GPU",
        /// Elastic Inference accelerators.
        InferenceAccelerator => "InferenceAccelerator",
        /// AWS Neuron devices.
        NeuronDevice => "NeuronDevice",
    }
}

wire_enum! {
    /// A task definition's network mode (`NetworkMode`).
    NetworkMode {
        /// Docker's bridge network: non-zero host ports are reserved.
        Bridge => "bridge",
        /// The host's network: container ports are host ports.
        Host => "host",
        /// One ENI per task: no host ports.
        Awsvpc => "awsvpc",
        /// No networking.
        None => "none",
    }
}

wire_enum! {
    /// A launch type a task definition is compatible with (`Compatibility`).
    Compatibility {
        /// Amazon EC2.
        Ec2 => "EC2",
        /// AWS Fargate.
        Fargate => "FARGATE",
        /// ECS Anywhere.
        External => "EXTERNAL",
        /// ECS Managed Instances.
        ManagedInstances => "MANAGED_INSTANCES",
    }
}

wire_enum! {
    /// A port mapping's protocol (`TransportProtocol`).
    TransportProtocol {
        /// TCP (the default).
        Tcp => "tcp",
        /// UDP.
        Udp => "udp",
    }
}

wire_enum! {
    /// Where a task's tags come from (`PropagateTags`).
    PropagateTags {
        /// From the task definition.
        TaskDefinition => "TASK_DEFINITION",
        /// From the service (an error for RunTask).
        Service => "SERVICE",
        /// None.
        None => "NONE",
    }
}

wire_enum! {
    /// A task definition revision's status (`TaskDefinitionStatus`).
    TaskDefinitionStatus {
        /// Usable.
        Active => "ACTIVE",
        /// Deregistered.
        Inactive => "INACTIVE",
        /// Being deleted.
        DeleteInProgress => "DELETE_IN_PROGRESS",
    }
}

wire_enum! {
    /// A capacity provider's status (`CapacityProviderStatus`).
    CapacityProviderStatus {
        /// Being created.
        Provisioning => "PROVISIONING",
        /// Usable.
        Active => "ACTIVE",
        /// Being deleted.
        Deprovisioning => "DEPROVISIONING",
        /// Deleted.
        Inactive => "INACTIVE",
    }
}

wire_enum! {
    /// A capacity provider's kind (`CapacityProviderType`).
    CapacityProviderType {
        /// An EC2 Auto Scaling group.
        Ec2Autoscaling => "EC2_AUTOSCALING",
        /// ECS Managed Instances.
        ManagedInstances => "MANAGED_INSTANCES",
        /// AWS Fargate.
        Fargate => "FARGATE",
        /// AWS Fargate Spot.
        FargateSpot => "FARGATE_SPOT",
    }
}

wire_enum! {
    /// Whether a task gets a public IP (`AssignPublicIp`).
    AssignPublicIp {
        /// Yes.
        Enabled => "ENABLED",
        /// No.
        Disabled => "DISABLED",
    }
}

wire_enum! {
    /// A task's desired status (`DesiredStatus`).
    DesiredStatus {
        /// Running or about to run: counts for placement.
        Running => "RUNNING",
        /// Pending.
        Pending => "PENDING",
        /// Stopping or stopped: releases its resources.
        Stopped => "STOPPED",
    }
}

wire_enum! {
    /// A port mapping's application protocol (`ApplicationProtocol`).
    ApplicationProtocol {
        /// HTTP/1.1.
        Http => "http",
        /// HTTP/2.
        Http2 => "http2",
        /// gRPC.
        Grpc => "grpc",
    }
}

wire_enum! {
    /// What an attribute is attached to (`TargetType`).
    TargetType {
        /// A container instance.
        ContainerInstance => "container-instance",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_and_unknown_is_kept() {
        for text in LaunchType::KNOWN {
            let value = LaunchType::parse(text);
            assert!(value.is_known());
            assert_eq!(value.as_str(), *text);
        }
        let odd = LaunchType::parse("ec2");
        assert_eq!(odd, LaunchType::Unknown("ec2".into()));
        assert_eq!(serde_json::to_string(&odd).ok().as_deref(), Some("\"ec2\""));
    }
}
