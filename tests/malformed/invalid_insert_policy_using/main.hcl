table "posts" {
  column "id" { type = "uuid" }
}

policy "posts_insert" {
  table   = table.posts
  command = "insert"
  using   = "true"
  check   = "true"
}

policy "posts_select" {
  table   = table.posts
  command = "select"
  check   = "true"
}

policy "posts_empty" {
  table   = table.posts
  command = "update"
}
