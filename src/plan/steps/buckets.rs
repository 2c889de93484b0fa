//! Storage buckets: rows of `storage.buckets`, created after the schema they serve (its
//! policies on `storage.objects` name them by id), deleted among the late drops.

use super::B;
use crate::model::Bucket;
use crate::plan::ddl;
use crate::plan::rules::Rule;
use crate::plan::RowCount;

fn limits(b: &Bucket) -> String {
    let size = b
        .file_size_limit
        .map(|n| format!("files up to {n} bytes"))
        .unwrap_or_else(|| "any file size".into());
    let types = b
        .allowed_mime_types
        .as_ref()
        .map(|t| t.join(", "))
        .unwrap_or_else(|| "any type".into());
    format!("{size}, {types}")
}

fn visibility(b: &Bucket) -> &'static str {
    if b.public {
        "public"
    } else {
        "private"
    }
}

pub(super) fn create(b: &Bucket) -> B {
    let mut s = B::new(46, format!("create {} bucket {}", visibility(b), b.id))
        .rule(Rule::S025, format!("a new bucket ({})", limits(b)))
        .sql(ddl::create_bucket(b));
    if b.public {
        s = s.rule(
            Rule::C123,
            format!(
                "every file of {} is readable by anyone who has its URL, without a policy",
                b.id
            ),
        );
    }
    s
}

pub(super) fn alter(from: &Bucket, to: &Bucket) -> B {
    let mut what = Vec::new();
    if from.name != to.name {
        what.push(format!("name {} → {}", from.name, to.name));
    }
    if from.public != to.public {
        what.push(format!("{} → {}", visibility(from), visibility(to)));
    }
    if from.file_size_limit != to.file_size_limit
        || from.allowed_mime_types != to.allowed_mime_types
    {
        what.push(format!("{} → {}", limits(from), limits(to)));
    }
    let mut s = B::new(46, format!("update bucket {} ({})", to.id, what.join("; ")))
        .sql(ddl::update_bucket(to));
    s = match (from.public, to.public) {
        (false, true) => s.rule(
            Rule::C123,
            match from.objects {
                Some(n) => format!(
                    "the {n} file(s) of {} become readable by anyone who has their URL",
                    to.id
                ),
                None => format!(
                    "the files of {} become readable by anyone who has their URL",
                    to.id
                ),
            },
        ),
        (true, false) => s.rule(
            Rule::C123,
            format!(
                "public URLs of the files of {} stop working: clients need signed URLs or a policy",
                to.id
            ),
        ),
        _ => s.rule(
            Rule::S025,
            "applies to new uploads; files already stored are kept as they are",
        ),
    };
    s
}

pub(super) fn delete(b: &Bucket) -> B {
    let files = b.objects.unwrap_or(0);
    let mut s = B::new(61, format!("delete bucket {}", b.id)).sqls(ddl::delete_bucket(&b.id));
    s = if files > 0 {
        s.rule(
            Rule::D211,
            format!(
                "{} holds {files} file(s), lost with the bucket: the step fails until it is emptied through the Storage API (supaform never deletes file rows in SQL, which would orphan the stored files)",
                b.id
            ),
        )
    } else {
        s.rule(
            Rule::C124,
            format!("{} holds no files; uploads to it fail from now on", b.id),
        )
    };
    if files > 0 {
        s.affected = Some(RowCount {
            rows: files,
            exact: true,
        });
    }
    s
}
