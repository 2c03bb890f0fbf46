//! What AWS publishes about EC2 instance types: vCPUs, memory and network interfaces, from the
//! table the crate ships (`data/ec2-instance-types.csv`, its sources in `data/README.md`).
//!
//! `edit --add-instances` reads it for an instance type the snapshot has no instance of; the
//! registered amounts it derives are in docs/SEMANTICS.md ("Instances added by edit").

use std::sync::OnceLock;

/// The table as shipped.
const TABLE: &str = include_str!("../data/ec2-instance-types.csv");

/// One EC2 instance type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceType {
    /// The type, e.g. `m5.large`.
    pub name: &'static str,
    /// Default vCPUs.
    pub vcpus: u32,
    /// Memory in MiB, as EC2 sells it (the agent registers less).
    pub memory_mib: u64,
    /// The most network interfaces an instance of the type takes.
    pub max_network_interfaces: u32,
    /// `awsvpc` tasks an instance takes with ENI trunking; `None` where ECS does not trunk it.
    pub awsvpc_tasks_with_trunking: Option<u32>,
}

impl InstanceType {
    /// The type's family, e.g. `m5` for `m5.large`.
    pub fn family(&self) -> &'static str {
        family_of(self.name)
    }
}

/// The family of an instance type name: what comes before the first `.`.
pub fn family_of(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// Whether a type's processor is AWS Graviton (`arm64`): a family whose generation digit is
/// followed by `g` (`m7g`, `c6gn`, `t4g`), the EC2 naming rule; `g4dn` and `g5` are GPU families
/// and start with their `g`.
pub fn is_graviton(name: &str) -> bool {
    let family = family_of(name);
    let Some(digit) = family.find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    family[digit + 1..].starts_with('g')
}

/// Every type in the table, in its order.
pub fn all() -> &'static [InstanceType] {
    static PARSED: OnceLock<Vec<InstanceType>> = OnceLock::new();
    PARSED.get_or_init(|| TABLE.lines().skip(1).filter_map(parse_row).collect())
}

/// The type called `name`.
pub fn lookup(name: &str) -> Option<&'static InstanceType> {
    all().iter().find(|t| t.name == name)
}

fn parse_row(line: &'static str) -> Option<InstanceType> {
    let mut fields = line.split(',');
    let name = fields.next()?;
    let vcpus = fields.next()?.parse().ok()?;
    let memory_mib = fields.next()?.parse().ok()?;
    let max_network_interfaces = fields.next()?.parse().ok()?;
    let trunk = fields.next()?;
    let awsvpc_tasks_with_trunking = if trunk.is_empty() {
        None
    } else {
        Some(trunk.parse().ok()?)
    };
    Some(InstanceType {
        name,
        vcpus,
        memory_mib,
        max_network_interfaces,
        awsvpc_tasks_with_trunking,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_table_reads() {
        let rows = TABLE.lines().skip(1).filter(|l| !l.is_empty()).count();
        assert_eq!(all().len(), rows);
        assert_eq!(
            lookup("m5.large"),
            Some(&InstanceType {
                name: "m5.large",
                vcpus: 2,
                memory_mib: 8192,
                max_network_interfaces: 3,
                awsvpc_tasks_with_trunking: Some(10),
            })
        );
        assert_eq!(
            lookup("t3.medium").map(|t| t.awsvpc_tasks_with_trunking),
            Some(None)
        );
        assert!(lookup("m5.huge").is_none());
    }

    #[test]
    fn graviton_families_are_told_from_gpu_ones() {
        assert!(is_graviton("m7g.large"));
        assert!(is_graviton("c6gn.xlarge"));
        assert!(is_graviton("t4g.micro"));
        assert!(!is_graviton("g4dn.xlarge"));
        assert!(!is_graviton("g5.xlarge"));
        assert!(!is_graviton("m5.large"));
    }
}
