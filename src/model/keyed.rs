//! Maps keyed by an object's own name serialise as a list of objects (JSON object keys
//! must be strings; a `QName` key is not).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// An object that knows its own map key.
pub trait Keyed {
    type Key: Ord;
    fn key(&self) -> Self::Key;
}

pub fn serialize<S, K, V>(map: &BTreeMap<K, V>, s: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    V: Serialize,
{
    s.collect_seq(map.values())
}

pub fn deserialize<'de, D, V>(d: D) -> Result<BTreeMap<V::Key, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de> + Keyed,
{
    let items = Vec::<V>::deserialize(d)?;
    Ok(items.into_iter().map(|v| (v.key(), v)).collect())
}
