# Storage buckets: avatars made public with upload limits, a new private uploads bucket,
# old_exports (empty, created by an earlier apply) deleted, docs kept as it is. The
# policy names its bucket through `bucket.avatars.id`.
bucket "avatars" {
  public             = true
  file_size_limit    = "5MB"
  allowed_mime_types = ["image/png", "image/jpeg"]
}

bucket "uploads" {
  file_size_limit = "50MiB"
}

bucket "docs" {
  public = true
}

policy "avatars_insert_own" {
  table      = "storage.objects"
  command    = "insert"
  roles      = ["authenticated"]
  check      = "bucket_id = '${bucket.avatars.id}' and (select auth.uid())::text = (storage.foldername(name))[1]"
}
