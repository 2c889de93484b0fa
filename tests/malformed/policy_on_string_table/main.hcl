table "profiles" {
  column "id" { type = "uuid" }
}

policy "p" {
  table   = "public.profiles"
  command = "select"
  using   = "true"
}

policy "q" {
  table   = "public.accounts"
  command = "select"
  using   = "true"
}
