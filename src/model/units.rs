//! The API's CPU and memory strings: `"1024"` or `"1 vCPU"` for CPU units, `"2048"` or `"2GB"`
//! for MiB. Task definitions and tasks carry them as strings; placement needs integers.

/// CPU units per vCPU.
pub const UNITS_PER_VCPU: f64 = 1024.0;
/// MiB per GB.
pub const MIB_PER_GB: f64 = 1024.0;

/// Reads CPU units: a plain integer is units; a number followed by `vCPU` (any case, space
/// optional) is vCPUs. `None` for anything else, negative values and non-whole unit counts.
pub fn parse_cpu_units(text: &str) -> Option<i64> {
    parse_scaled(text, &["vcpu"], UNITS_PER_VCPU)
}

/// Reads memory MiB: a plain integer is MiB; a number followed by `GB` (any case, space
/// optional) is GiB as the API means it (1 GB = 1024 MiB).
pub fn parse_memory_mib(text: &str) -> Option<i64> {
    parse_scaled(text, &["gb"], MIB_PER_GB)
}

fn parse_scaled(text: &str, suffixes: &[&str], scale: f64) -> Option<i64> {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    for suffix in suffixes {
        if let Some(number) = lower.strip_suffix(suffix) {
            let amount: f64 = number.trim().parse().ok()?;
            return whole(amount * scale);
        }
    }
    trimmed.parse::<i64>().ok().filter(|v| *v >= 0)
}

/// The value when it is a finite, non-negative whole number within i64.
fn whole(value: f64) -> Option<i64> {
    let in_range = (0.0..9.0e15).contains(&value);
    (in_range && value.fract() == 0.0).then_some(value as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_forms() {
        assert_eq!(parse_cpu_units("1024"), Some(1024));
        assert_eq!(parse_cpu_units(" 256 "), Some(256));
        assert_eq!(parse_cpu_units("1 vCPU"), Some(1024));
        assert_eq!(parse_cpu_units("0.5 vcpu"), Some(512));
        assert_eq!(parse_cpu_units("2vCPU"), Some(2048));
        assert_eq!(parse_cpu_units("0.125 vCPU"), Some(128));
        assert_eq!(parse_cpu_units("-1"), None);
        assert_eq!(parse_cpu_units("one vCPU"), None);
        assert_eq!(parse_cpu_units("1.5"), None);
        assert_eq!(parse_cpu_units(""), None);
    }

    #[test]
    fn memory_forms() {
        assert_eq!(parse_memory_mib("2048"), Some(2048));
        assert_eq!(parse_memory_mib("2GB"), Some(2048));
        assert_eq!(parse_memory_mib("2 GB"), Some(2048));
        assert_eq!(parse_memory_mib("0.5gb"), Some(512));
        assert_eq!(parse_memory_mib("lots"), None);
        assert_eq!(parse_memory_mib("1e400GB"), None);
    }
}
