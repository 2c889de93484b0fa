# One profile per auth user, created by the sign-up trigger (auth.hcl).
table "profiles" {
  comment = "Public profile of each user"

  column "id" {
    type = "uuid"
  }
  column "username" {
    type = "text"
    null = true
  }
  column "avatar_url" {
    type = "text"
    null = true
  }
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  column "updated_at" {
    type    = "timestamptz"
    default = sql("now()")
  }

  primary_key = ["id"]

  foreign_key "profiles_id_fkey" {
    columns    = ["id"]
    references = "auth.users(id)"
    on_delete  = "cascade"
  }

  unique "profiles_username_key" {
    columns = ["username"]
  }

  check "username_length" {
    expression = "char_length(username) >= 3"
  }

  rls {
    enabled = true
  }

  lifecycle {
    prevent_destroy = true
  }
}

policy "profiles_select_own" {
  table   = table.profiles
  command = "select"
  roles   = local.signed_in
  using   = "(select auth.uid()) = id"
}

policy "profiles_update_own" {
  table   = table.profiles
  command = "update"
  roles   = local.signed_in
  using   = "(select auth.uid()) = id"
  check   = "(select auth.uid()) = id"
}

grant "profiles_signed_in" {
  on         = table.profiles
  roles      = local.signed_in
  privileges = ["select", "update"]
}

table "user_preferences" {
  column "user_id" {
    type = "uuid"
  }
  column "theme" {
    type    = "text"
    default = var.default_theme
  }
  column "email_notifications" {
    type    = "boolean"
    default = true
  }

  primary_key = ["user_id"]

  foreign_key "user_preferences_user_id_fkey" {
    columns    = ["user_id"]
    references = table.profiles
    on_delete  = "cascade"
  }

  check "theme_known" {
    expression = "theme in ('light', 'dark', 'system')"
  }

  rls {
    enabled = true
  }
}

policy "user_preferences_own" {
  table   = table.user_preferences
  command = "all"
  roles   = local.signed_in
  using   = "(select auth.uid()) = user_id"
  check   = "(select auth.uid()) = user_id"
}

grant "user_preferences_signed_in" {
  on         = table.user_preferences
  roles      = local.signed_in
  privileges = ["select", "insert", "update"]
}
