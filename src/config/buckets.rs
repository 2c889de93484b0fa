//! `bucket "avatars" { public = false, file_size_limit = "5MB", allowed_mime_types = […] }`:
//! a Supabase Storage bucket, a row of `storage.buckets`.

use super::diag::Diag;
use super::eval::Value;
use super::lower::{Blk, Lowerer};
use crate::model::{Address, Bucket};

/// Units of `file_size_limit` as the Supabase CLI's `config.toml` reads them (go-humanize):
/// `KB`/`MB`/`GB` are powers of 1000, `KiB`/`MiB`/`GiB` of 1024.
const UNITS: [(&str, i64); 9] = [
    ("b", 1),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
    ("k", 1_000),
    ("m", 1_000_000),
];

/// Bytes of `5MB`, `50MiB`, `1024` (`None` when it is not a size).
pub fn parse_size(s: &str) -> Option<i64> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: i64 = s[..digits].parse().ok()?;
    let unit = s[digits..].trim().to_ascii_lowercase();
    if unit.is_empty() {
        return Some(n);
    }
    let mult = UNITS.iter().find(|(u, _)| *u == unit)?.1;
    n.checked_mul(mult)
}

/// A bucket id as Storage accepts one: at most 100 characters, no `/` (it is a URL path
/// segment), no control characters.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.chars().count() <= 100 && !id.chars().any(|c| c == '/' || c.is_control())
}

pub(super) fn lower_bucket(lw: &mut Lowerer, b: &mut Blk) {
    let id = b.label().to_string();
    let addr = Address::Bucket(id.clone());
    b.addr = addr.to_string();
    lw.check_shape(
        b,
        &[
            "name",
            "public",
            "file_size_limit",
            "allowed_mime_types",
            "depends_on",
        ],
        &[],
    );
    if !valid_id(&id) {
        lw.push(
            Diag::new(
                "config::invalid_value",
                format!("`{id}` is not a valid bucket id"),
            )
            .at(b.label_span(), "invalid bucket id")
            .help("a bucket id is at most 100 characters, without `/` or control characters: it is a segment of every file's URL"),
        );
    }
    let name = lw
        .string(b, "name")
        .map(|s| s.0)
        .unwrap_or_else(|| id.clone());
    let public = lw.boolean(b, "public").unwrap_or(false);
    let file_size_limit = match lw.val(b, "file_size_limit") {
        None => None,
        Some(v) => {
            let bytes = match &v.value {
                Value::Number(n) => n.parse::<i64>().ok().filter(|n| *n >= 0),
                Value::String(s) => parse_size(s),
                _ => None,
            };
            if bytes.is_none() {
                lw.push(
                    Diag::new(
                        "config::invalid_value",
                        "`file_size_limit` must be a size such as \"5MB\", \"50MiB\" or a number of bytes",
                    )
                    .at(&v.span, "not a size")
                    .help("units: B, KB, MB, GB (powers of 1000), KiB, MiB, GiB (powers of 1024)"),
                );
            }
            bytes
        }
    };
    let allowed_mime_types = lw.strings(b, "allowed_mime_types").map(|types| {
        for (t, span) in &types {
            if !t.contains('/') || t.chars().any(|c| c.is_whitespace()) {
                lw.push(
                    Diag::new("config::invalid_value", format!("`{t}` is not a MIME type"))
                        .at(span, "expected type/subtype")
                        .help("for example \"image/png\" or \"image/*\""),
                );
            }
        }
        types.into_iter().map(|t| t.0).collect::<Vec<_>>()
    });
    // No types listed: any type, as without the attribute.
    let allowed_mime_types = allowed_mime_types.filter(|t| !t.is_empty());
    lw.depends_on(b, &addr);
    lw.model.buckets.insert(
        id.clone(),
        Bucket {
            id,
            name,
            public,
            file_size_limit,
            allowed_mime_types,
            objects: None,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_the_supabase_cli_reads_them() {
        assert_eq!(parse_size("5MB"), Some(5_000_000));
        assert_eq!(parse_size("50MiB"), Some(50 * 1024 * 1024));
        assert_eq!(parse_size("1 GiB"), Some(1 << 30));
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("12kb"), Some(12_000));
        assert_eq!(parse_size("5 parsecs"), None);
        assert_eq!(parse_size("MB"), None);
        assert_eq!(parse_size("99999999999999999999GB"), None);
    }
}
