enum "visibility" { values = ["private", "public"] }

table "avatars" {
  column "id" { type = "bigint" }
  column "path" { type = "text" }
  column "visibility" {
    type    = enum.visibility
    default = "private"
  }
  primary_key = ["id"]
  index "avatars_visibility_idx" {
    columns = ["visibility"]
    where   = "visibility = 'public'"
  }
}

policy "avatars_read_own" {
  table   = "storage.objects"
  command = "select"
  roles   = ["authenticated"]
  using   = "bucket_id = 'avatars' and (select auth.uid())::text = (storage.foldername(name))[1]"
}
