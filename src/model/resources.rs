//! What an instance has: CPU units, memory MiB, reserved TCP and UDP host ports, GPU ids; read
//! from the API's `Resource` lists and written back to them.
//!
//! The API lists *reserved* ports (the agent's plus those in use), not free ones, in both
//! `registeredResources` and `remainingResources`; [`Resources`] keeps them the same way.

use crate::aws::Resource;

/// A set of host ports, kept sorted so membership is a binary search and output is ordered.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct PortSet {
    ports: Vec<u16>,
}

impl Clone for PortSet {
    fn clone(&self) -> Self {
        Self {
            ports: self.ports.clone(),
        }
    }

    /// Keeps this set's allocation (the placement engine refills working copies).
    fn clone_from(&mut self, source: &Self) {
        self.ports.clone_from(&source.ports);
    }
}

impl PortSet {
    /// Whether `port` is in the set.
    pub fn contains(&self, port: u16) -> bool {
        self.ports.binary_search(&port).is_ok()
    }

    /// Adds `port`; false when it was already there.
    pub fn insert(&mut self, port: u16) -> bool {
        match self.ports.binary_search(&port) {
            Ok(_) => false,
            Err(at) => {
                self.ports.insert(at, port);
                true
            }
        }
    }

    /// Removes `port`; false when it was not there.
    pub fn remove(&mut self, port: u16) -> bool {
        match self.ports.binary_search(&port) {
            Ok(at) => {
                self.ports.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    /// Adds every port of `ports`: one sort for all of them, where [`PortSet::insert`] shifts
    /// the list for each (many ports at once, as when a snapshot is read).
    pub(crate) fn insert_all(&mut self, ports: Vec<u16>) {
        if ports.is_empty() {
            return;
        }
        self.ports.extend(ports);
        self.ports.sort_unstable();
        self.ports.dedup();
    }

    /// The ports, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.ports.iter().copied()
    }

    /// How many ports.
    pub fn len(&self) -> usize {
        self.ports.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ports.is_empty()
    }
}

impl FromIterator<u16> for PortSet {
    fn from_iter<I: IntoIterator<Item = u16>>(iter: I) -> Self {
        let mut ports: Vec<u16> = iter.into_iter().collect();
        ports.sort_unstable();
        ports.dedup();
        Self { ports }
    }
}

/// The placement resources of an instance, registered or remaining.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Resources {
    /// CPU units (1024 per vCPU).
    pub cpu: i64,
    /// Memory, MiB.
    pub memory: i64,
    /// Reserved TCP host ports (`PORTS`).
    pub ports_tcp: PortSet,
    /// Reserved UDP host ports (`PORTS_UDP`).
    pub ports_udp: PortSet,
    /// GPU ids (`GPU`): all of them when registered, the free ones when remaining.
    pub gpus: Vec<String>,
    /// Elastic network interfaces for `awsvpc` tasks: how many the instance takes when
    /// registered, how many are free when remaining; `None` when its limit is unknown (an
    /// instance type the shipped table lacks), and then not checked. Not an API resource: it
    /// is derived from the instance type (docs/SEMANTICS.md, "ENIs") and never written out.
    pub eni_slots: Option<u32>,
}

impl Clone for Resources {
    fn clone(&self) -> Self {
        Self {
            cpu: self.cpu,
            memory: self.memory,
            ports_tcp: self.ports_tcp.clone(),
            ports_udp: self.ports_udp.clone(),
            gpus: self.gpus.clone(),
            eni_slots: self.eni_slots,
        }
    }

    /// Keeps this value's allocations (the placement engine refills working copies).
    fn clone_from(&mut self, source: &Self) {
        self.cpu = source.cpu;
        self.memory = source.memory;
        self.ports_tcp.clone_from(&source.ports_tcp);
        self.ports_udp.clone_from(&source.ports_udp);
        self.gpus.clone_from(&source.gpus);
        self.eni_slots = source.eni_slots;
    }
}

/// The resource entries of one API list, each `None` when the list does not carry it, so a
/// partial `remainingResources` can fall back entry by entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResourceEntries {
    pub(crate) cpu: Option<i64>,
    pub(crate) memory: Option<i64>,
    pub(crate) ports_tcp: Option<PortSet>,
    pub(crate) ports_udp: Option<PortSet>,
    pub(crate) gpus: Option<Vec<String>>,
}

impl ResourceEntries {
    /// Reads a `Resource` list of registered amounts; the error names the entry
    /// (`[2].integerValue: ...`). CPU and memory must not be negative.
    pub(crate) fn read(list: &[Resource]) -> Result<Self, String> {
        Self::read_amounts(list, false)
    }

    /// Reads a `remainingResources` list: as [`ResourceEntries::read`], but CPU and memory may
    /// be negative. An instance whose running tasks hold more than it registered has a
    /// negative remaining amount (derived when the dump leaves it out), and a written snapshot
    /// carries it: the next read must take it back as it is.
    pub(crate) fn read_remaining(list: &[Resource]) -> Result<Self, String> {
        Self::read_amounts(list, true)
    }

    fn read_amounts(list: &[Resource], negative_allowed: bool) -> Result<Self, String> {
        let mut entries = Self::default();
        for (index, resource) in list.iter().enumerate() {
            let at = |message: String| format!("[{index}].{message}");
            let amount = || number(resource, negative_allowed).map_err(at);
            match resource.name.as_deref() {
                Some("CPU") => entries.cpu = Some(amount()?),
                Some("MEMORY") => entries.memory = Some(amount()?),
                Some("PORTS") => entries.ports_tcp = Some(ports(resource).map_err(at)?),
                Some("PORTS_UDP") => entries.ports_udp = Some(ports(resource).map_err(at)?),
                Some("GPU") => {
                    entries.gpus = Some(resource.string_set_value.clone().unwrap_or_default())
                }
                // User-defined resources do not take part in placement.
                _ => {}
            }
        }
        Ok(entries)
    }

    /// The entries, with absent ones taken as nothing.
    pub(crate) fn into_resources(self) -> Resources {
        Resources {
            cpu: self.cpu.unwrap_or(0),
            memory: self.memory.unwrap_or(0),
            ports_tcp: self.ports_tcp.unwrap_or_default(),
            ports_udp: self.ports_udp.unwrap_or_default(),
            gpus: self.gpus.unwrap_or_default(),
            eni_slots: None,
        }
    }
}

/// The integer a numeric resource holds, whatever its declared type.
fn number(resource: &Resource, negative_allowed: bool) -> Result<i64, String> {
    let value = match resource.kind.as_deref() {
        Some("INTEGER") => resource.integer_value,
        Some("LONG") => resource.long_value,
        Some("DOUBLE") => resource.double_value.map(|v| v.floor() as i64),
        _ => resource
            .integer_value
            .or(resource.long_value)
            .or(resource.double_value.map(|v| v.floor() as i64)),
    };
    match value {
        Some(v) if v >= 0 || negative_allowed => Ok(v),
        Some(v) => Err(format!("integerValue: {v} is negative")),
        None => Err("integerValue: missing for a numeric resource".to_owned()),
    }
}

fn ports(resource: &Resource) -> Result<PortSet, String> {
    // Collected, then sorted once (inserting one by one into the sorted list is quadratic).
    resource
        .string_set_value
        .iter()
        .flatten()
        .enumerate()
        .map(|(index, text)| {
            text.trim()
                .parse::<u16>()
                .map_err(|_| format!("stringSetValue[{index}]: `{text}` is not a port number"))
        })
        .collect()
}

impl Resources {
    /// The API's `Resource` list for these resources (CPU, MEMORY, PORTS, PORTS_UDP, and GPU
    /// when there is a GPU id; `Instance::to_wire` also writes an empty remaining GPU list).
    pub fn to_wire(&self) -> Vec<Resource> {
        let mut list = vec![
            integer("CPU", self.cpu),
            integer("MEMORY", self.memory),
            string_set(
                "PORTS",
                self.ports_tcp.iter().map(|p| p.to_string()).collect(),
            ),
            string_set(
                "PORTS_UDP",
                self.ports_udp.iter().map(|p| p.to_string()).collect(),
            ),
        ];
        if !self.gpus.is_empty() {
            list.push(string_set("GPU", self.gpus.clone()));
        }
        list
    }
}

/// An `INTEGER` resource entry.
pub(crate) fn integer(name: &str, value: i64) -> Resource {
    Resource {
        name: Some(name.to_owned()),
        kind: Some("INTEGER".to_owned()),
        integer_value: Some(value),
        ..Resource::default()
    }
}

/// A `STRINGSET` resource entry.
pub(crate) fn string_set(name: &str, values: Vec<String>) -> Resource {
    Resource {
        name: Some(name.to_owned()),
        kind: Some("STRINGSET".to_owned()),
        string_set_value: Some(values),
        ..Resource::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<ResourceEntries, String> {
        let list: Vec<Resource> = serde_json::from_str(json).map_err(|e| e.to_string())?;
        ResourceEntries::read(&list)
    }

    #[test]
    fn reads_the_describe_container_instances_example() {
        let entries = read(
            r#"[{"name":"CPU","type":"INTEGER","integerValue":2048},
                {"name":"MEMORY","type":"INTEGER","integerValue":3768},
                {"name":"PORTS","type":"STRINGSET","stringSetValue":["2376","22","51678","2375"]},
                {"name":"GPU","type":"STRINGSET","stringSetValue":["gpu-0","gpu-1"]}]"#,
        );
        let resources = entries.map(ResourceEntries::into_resources);
        let Ok(resources) = resources else {
            panic!("did not read: {resources:?}");
        };
        assert_eq!(resources.cpu, 2048);
        assert_eq!(resources.memory, 3768);
        assert_eq!(
            resources.ports_tcp.iter().collect::<Vec<_>>(),
            vec![22, 2375, 2376, 51678]
        );
        assert!(resources.ports_udp.is_empty());
        assert_eq!(resources.gpus, vec!["gpu-0", "gpu-1"]);
    }

    #[test]
    fn numeric_types_and_errors() {
        let long = read(r#"[{"name":"MEMORY","type":"LONG","longValue":7985}]"#);
        assert_eq!(long.ok().and_then(|e| e.memory), Some(7985));
        let double = read(r#"[{"name":"CPU","type":"DOUBLE","doubleValue":1024.0}]"#);
        assert_eq!(double.ok().and_then(|e| e.cpu), Some(1024));
        let bad_port =
            read(r#"[{"name":"PORTS","type":"STRINGSET","stringSetValue":["22","http"]}]"#);
        assert_eq!(
            bad_port.err().as_deref(),
            Some("[0].stringSetValue[1]: `http` is not a port number")
        );
        let negative = r#"[{"name":"CPU","type":"INTEGER","integerValue":-1}]"#;
        assert!(read(negative).is_err());
        let list: Vec<Resource> = serde_json::from_str(negative).unwrap_or_default();
        let remaining = ResourceEntries::read_remaining(&list);
        assert_eq!(remaining.ok().and_then(|e| e.cpu), Some(-1));
    }

    #[test]
    fn port_set_keeps_order_and_uniqueness() {
        let mut set: PortSet = [80, 22, 80].into_iter().collect();
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![22, 80]);
        assert!(set.insert(443));
        assert!(!set.insert(22));
        assert!(set.remove(80));
        assert!(!set.contains(80));
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn writes_back_what_it_read() {
        let resources = Resources {
            cpu: 1948,
            memory: 3668,
            ports_tcp: [22, 80].into_iter().collect(),
            ports_udp: PortSet::default(),
            gpus: vec![],
            eni_slots: None,
        };
        let again =
            ResourceEntries::read(&resources.to_wire()).map(ResourceEntries::into_resources);
        assert_eq!(again.ok(), Some(resources));
    }
}
