table "profiles" {
  column "id" { type = "int8" }
  column "username" { type = "TEXT" }
  column "created_at" {
    type    = "timestamp with time zone"
    default = sql("NOW( )")
  }
  column "tags" {
    type    = "text[]"
    default = sql("'{}'::text[]")
  }
  primary_key = ["id"]
  check "username_length" { expression = "CHAR_LENGTH( username )>=3" }
  index "profiles_lower_username" {
    expressions = ["LOWER(username)"]
    where       = "username <> ''"
  }
  rls { enabled = true }
}

policy "profiles_read" {
  table   = table.profiles
  command = "select"
  roles   = ["authenticated"]
  using   = "TRUE"
}

view "usernames" {
  query            = <<-SQL
    SELECT username
    FROM   public.profiles
    WHERE  id > 0
  SQL
  security_invoker = true
}
