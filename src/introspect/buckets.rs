//! Storage buckets from `storage.buckets` (read in a second round trip where Supabase
//! Storage's tables exist).

use super::IntrospectError;
use crate::model::Bucket;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub(super) struct BucketRow {
    pub id: String,
    pub name: String,
    pub public: bool,
    pub file_size_limit: Option<i64>,
    pub allowed_mime_types: Option<Vec<String>>,
    pub objects: i64,
}

pub(super) fn buckets(doc: &str) -> Result<BTreeMap<String, Bucket>, IntrospectError> {
    let rows: Vec<BucketRow> = super::build::decode("buckets", doc)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let b = Bucket {
                id: r.id.clone(),
                name: r.name,
                public: r.public,
                file_size_limit: r.file_size_limit,
                // An empty list is what the dashboard leaves when every type is cleared:
                // any type, as no list.
                allowed_mime_types: r.allowed_mime_types.filter(|t| !t.is_empty()),
                objects: Some(r.objects),
            };
            (r.id, b)
        })
        .collect())
}
