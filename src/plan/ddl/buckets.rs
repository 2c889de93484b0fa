//! SQL of storage buckets: rows of `storage.buckets`, written as Supabase Storage writes
//! them.

use crate::model::Bucket;
use crate::quote::literal;

fn size(b: &Bucket) -> String {
    b.file_size_limit
        .map(|n| n.to_string())
        .unwrap_or_else(|| "NULL".into())
}

fn mime_types(b: &Bucket) -> String {
    match &b.allowed_mime_types {
        None => "NULL".into(),
        Some(t) => {
            let items: Vec<String> = t.iter().map(|s| literal(s)).collect();
            format!("ARRAY[{}]::text[]", items.join(", "))
        }
    }
}

pub fn create_bucket(b: &Bucket) -> String {
    format!(
        "INSERT INTO storage.buckets (id, name, public, file_size_limit, allowed_mime_types) VALUES ({}, {}, {}, {}, {})",
        literal(&b.id),
        literal(&b.name),
        b.public,
        size(b),
        mime_types(b)
    )
}

pub fn update_bucket(b: &Bucket) -> String {
    format!(
        "UPDATE storage.buckets SET name = {}, public = {}, file_size_limit = {}, allowed_mime_types = {}, updated_at = pg_catalog.now() WHERE id = {}",
        literal(&b.name),
        b.public,
        size(b),
        mime_types(b),
        literal(&b.id)
    )
}

/// Deleting a bucket: Supabase refuses direct deletes from its storage tables unless the
/// transaction opts in (`storage.allow_delete_query`, the guard against orphaned files);
/// the opt-in covers this statement only. A bucket still holding files is refused by the
/// `storage.objects` foreign key: files are deleted through the Storage API, never here.
pub fn delete_bucket(id: &str) -> Vec<String> {
    vec![
        "SELECT pg_catalog.set_config('storage.allow_delete_query', 'true', true)".into(),
        format!("DELETE FROM storage.buckets WHERE id = {}", literal(id)),
        "SELECT pg_catalog.set_config('storage.allow_delete_query', 'false', true)".into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_rows_with_quoted_values() {
        let mut b = Bucket {
            id: "o'hara".into(),
            name: "o'hara".into(),
            public: true,
            file_size_limit: Some(5_000_000),
            allowed_mime_types: Some(vec!["image/png".into(), "image/*".into()]),
            objects: None,
        };
        assert_eq!(
            create_bucket(&b),
            "INSERT INTO storage.buckets (id, name, public, file_size_limit, allowed_mime_types) VALUES ('o''hara', 'o''hara', true, 5000000, ARRAY['image/png', 'image/*']::text[])"
        );
        b.file_size_limit = None;
        b.allowed_mime_types = None;
        b.public = false;
        assert_eq!(
            update_bucket(&b),
            "UPDATE storage.buckets SET name = 'o''hara', public = false, file_size_limit = NULL, allowed_mime_types = NULL, updated_at = pg_catalog.now() WHERE id = 'o''hara'"
        );
        assert_eq!(
            delete_bucket("x")[1],
            "DELETE FROM storage.buckets WHERE id = 'x'"
        );
    }
}
