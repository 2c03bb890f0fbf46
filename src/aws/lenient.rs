//! Readers for members that emulators write in another JSON type than the API's.
//!
//! moto (the widely used Python emulator) describes a task's containers with `cpu` and
//! `memory` as JSON numbers, where the API has strings. Refusing its dumps would help nobody,
//! and the number has one obvious meaning, so these members take either.

use std::sync::Arc;

use serde::de::{self, Deserializer, Visitor};

/// An optional string member that also takes an integer (written back as a string).
pub fn string_or_integer<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Arc<str>>, D::Error> {
    deserializer.deserialize_option(OptionalText)
}

struct OptionalText;

impl<'de> Visitor<'de> for OptionalText {
    type Value = Option<Arc<str>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(Text)
    }
}

struct Text;

impl Visitor<'_> for Text {
    type Value = Option<Arc<str>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Some(text.into()))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Self::Value, E> {
        Ok(Some(number.to_string().into()))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Self::Value, E> {
        Ok(Some(number.to_string().into()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::aws::{Container, Task};

    #[test]
    fn numbers_read_as_their_decimal_text() {
        let task: Task = serde_json::from_str(
            r#"{"cpu": 256, "memory": "512", "containers": [{"cpu": 128, "memory": 64, "memoryReservation": null}]}"#,
        )
        .unwrap();
        assert_eq!(task.cpu.as_deref(), Some("256"));
        assert_eq!(task.memory.as_deref(), Some("512"));
        let container: &Container = &task.containers.as_ref().unwrap()[0];
        assert_eq!(container.cpu.as_deref(), Some("128"));
        assert_eq!(container.memory.as_deref(), Some("64"));
        assert_eq!(container.memory_reservation, None);
        assert!(serde_json::from_str::<Task>(r#"{"cpu": 1.5}"#).is_err());
    }
}
