//! Storage buckets (`storage.buckets` rows, as Supabase Storage keeps them): which files a
//! project may hold, how large, of which types, and whether anyone may read them by URL.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// The bucket's id, what `storage.objects.bucket_id` and policies name.
    pub id: String,
    /// Its display name (the id unless set otherwise).
    pub name: String,
    /// Files readable by anyone with their URL, without a policy.
    #[serde(default)]
    pub public: bool,
    /// The largest file accepted, in bytes; `None`: the project's global limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size_limit: Option<i64>,
    /// MIME types accepted (`image/*` allowed); `None`: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_mime_types: Option<Vec<String>>,
    /// How many files it holds: read from a live database, never compared or stored.
    #[serde(skip)]
    pub objects: Option<i64>,
}

/// Equal when declared the same: the file count is not part of a bucket's definition.
impl PartialEq for Bucket {
    fn eq(&self, other: &Bucket) -> bool {
        self.id == other.id
            && self.name == other.name
            && self.public == other.public
            && self.file_size_limit == other.file_size_limit
            && self.allowed_mime_types == other.allowed_mime_types
    }
}

impl Bucket {
    /// The bucket as declared: without the live file count.
    pub fn declared(&self) -> Bucket {
        Bucket {
            objects: None,
            ..self.clone()
        }
    }
}
