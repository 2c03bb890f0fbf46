//! The API's CPU and memory strings: `"1024"` or `"1 vCPU"` for CPU units, `"2048"` or `"2GB"`
//! for MiB. Task definitions and tasks carry them as strings; placement needs integers.
//! Parsed exactly (decimal digits, no floating point), so `0.3 vCPU` is refused, not rounded.

/// CPU units per vCPU.
pub const UNITS_PER_VCPU: u64 = 1024;
/// MiB per GB, as ECS converts task memory.
pub const MIB_PER_GB: u64 = 1024;

/// Parses a task-level `cpu`: units (`"1024"`) or vCPUs (`"1 vCPU"`, `"0.5 vcpu"`, `"2vCPU"`).
///
/// The result must be a whole number of units; `"0.3 vCPU"` (307.2 units) is rejected rather
/// than rounded, because ECS stores units as an integer.
pub fn parse_cpu(text: &str) -> Result<u64, String> {
    parse_with_unit(text, "vcpu", UNITS_PER_VCPU)
}

/// Parses a task-level `memory`: MiB (`"2048"`) or GB (`"2GB"`, `"2 GB"`, `"0.5GB"`), 1 GB being
/// 1024 MiB as ECS converts it. The result must be a whole number of MiB.
pub fn parse_memory(text: &str) -> Result<u64, String> {
    parse_with_unit(text, "gb", MIB_PER_GB)
}

fn parse_with_unit(text: &str, unit: &str, per_unit: u64) -> Result<u64, String> {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    let (number, scale) = match lower.strip_suffix(unit) {
        Some(number) => (number.trim_end(), per_unit),
        None => (lower.as_str(), 1),
    };
    let (mantissa, decimals) =
        parse_decimal(number).ok_or_else(|| "not a non-negative number".to_owned())?;
    let divisor = 10u64
        .checked_pow(decimals)
        .ok_or_else(|| "too many decimal places".to_owned())?;
    let scaled = mantissa
        .checked_mul(scale)
        .ok_or_else(|| "too large".to_owned())?;
    if scaled % divisor != 0 {
        return Err("is not a whole number once converted".to_owned());
    }
    Ok(scaled / divisor)
}

/// Reads `123`, `0.5`, `.5` as (digits without the point, number of decimals). No sign, no
/// exponent: a negative or scientific value is malformed.
pub(crate) fn parse_decimal(text: &str) -> Option<(u64, u32)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole
        .chars()
        .chain(fraction.chars())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let mantissa = digits.parse::<u64>().ok()?;
    let decimals = u32::try_from(fraction.len()).ok()?;
    Some((mantissa, decimals))
}

/// [`parse_cpu`] as a signed count, `None` when malformed (for reading described tasks, where a
/// value ECS wrote is trusted and an odd one is skipped rather than refused).
pub fn parse_cpu_units(text: &str) -> Option<i64> {
    parse_cpu(text).ok().and_then(|v| i64::try_from(v).ok())
}

/// [`parse_memory`] as a signed count, `None` when malformed.
pub fn parse_memory_mib(text: &str) -> Option<i64> {
    parse_memory(text).ok().and_then(|v| i64::try_from(v).ok())
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
