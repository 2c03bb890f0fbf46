//! How many `awsvpc` tasks an instance takes: one elastic network interface (ENI) each, out of
//! what its instance type allows (docs/SEMANTICS.md, "ENIs").
//!
//! Without ENI trunking an instance offers its type's maximum network interfaces less the
//! primary one; with trunking (the instance carries `ecs.awsvpc-trunk-id`, the one documented
//! sign of a trunk) it offers the type's trunk limit. The figures come from the shipped table
//! ([`crate::instance_types`]); a snapshot may set an instance's limit itself with the
//! attribute [`ENI_LIMIT_ATTRIBUTE`]. A type the table lacks has no known limit and is not
//! checked.

use crate::aws::Attribute;
use crate::instance_types;

/// The attribute that sets an instance's limit of `awsvpc` tasks in a snapshot, overriding the
/// table (a whole number).
pub const ENI_LIMIT_ATTRIBUTE: &str = "ecs-placement.eni-limit";

/// The attribute ECS gives an instance whose trunk ENI is attached.
pub const TRUNK_ATTRIBUTE: &str = "ecs.awsvpc-trunk-id";

/// The `awsvpc` tasks an instance with these attributes takes at most; `None` when unknown.
/// An override that is not a whole number is an error for the caller to place.
pub fn eni_limit(attributes: &[Attribute]) -> Result<Option<u32>, String> {
    let value = |name: &str| attributes.iter().find(|a| a.name == name);
    if let Some(limit) = value(ENI_LIMIT_ATTRIBUTE) {
        let text = limit.value.as_deref().unwrap_or_default();
        return text.parse::<u32>().map(Some).map_err(|_| {
            format!("`{ENI_LIMIT_ATTRIBUTE}` is `{text}`; it takes a whole number of awsvpc tasks")
        });
    }
    let Some(kind) = value("ecs.instance-type")
        .and_then(|a| a.value.as_deref())
        .and_then(instance_types::lookup)
    else {
        return Ok(None);
    };
    let without_trunk = kind.max_network_interfaces.saturating_sub(1);
    let trunked = value(TRUNK_ATTRIBUTE).is_some();
    Ok(Some(match kind.awsvpc_tasks_with_trunking {
        // A trunk table value below the plain one would be an error in the table: the plain
        // rule holds whatever happens to the trunk.
        Some(with_trunk) if trunked => with_trunk.max(without_trunk),
        _ => without_trunk,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attributes(pairs: &[(&str, Option<&str>)]) -> Vec<Attribute> {
        pairs
            .iter()
            .map(|(name, value)| Attribute {
                name: (*name).to_owned(),
                value: value.map(str::to_owned),
                ..Attribute::default()
            })
            .collect()
    }

    #[test]
    fn limits_follow_the_type_the_trunk_and_the_override() {
        let m5 = attributes(&[("ecs.instance-type", Some("m5.large"))]);
        assert_eq!(eni_limit(&m5), Ok(Some(2)));
        let trunked = attributes(&[
            ("ecs.instance-type", Some("m5.large")),
            (TRUNK_ATTRIBUTE, Some("eni-0123")),
        ]);
        assert_eq!(eni_limit(&trunked), Ok(Some(10)));
        // t3 does not trunk: the trunk attribute changes nothing.
        let t3 = attributes(&[
            ("ecs.instance-type", Some("t3.medium")),
            (TRUNK_ATTRIBUTE, Some("eni-0123")),
        ]);
        assert_eq!(eni_limit(&t3), Ok(Some(2)));
        let unknown = attributes(&[("ecs.instance-type", Some("x9.mega"))]);
        assert_eq!(eni_limit(&unknown), Ok(None));
        let overridden = attributes(&[
            ("ecs.instance-type", Some("m5.large")),
            (ENI_LIMIT_ATTRIBUTE, Some("7")),
        ]);
        assert_eq!(eni_limit(&overridden), Ok(Some(7)));
        let bad = attributes(&[(ENI_LIMIT_ATTRIBUTE, Some("many"))]);
        assert!(eni_limit(&bad).is_err());
    }
}
