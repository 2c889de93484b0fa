table "postcards" {
  column "id" {
    type    = "uuid"
    default = sql("gen_random_uuid()")
  }
  column "owner_id" {
    type = "uuid"
  }
  column "recipient_name" {
    type = "text"
  }
  column "recipient_address" {
    type = "text"
  }
  column "message" {
    type = "text"
  }
  column "image_path" {
    type    = "text"
    null    = true
    comment = "Object path in the postcard-images storage bucket"
  }
  column "status" {
    type    = enum.postcard_status
    default = "draft"
  }
  column "is_published" {
    type    = "boolean"
    default = false
  }
  column "created_at" {
    type    = "timestamptz"
    default = sql("now()")
  }
  column "sent_at" {
    type = "timestamptz"
    null = true
  }

  primary_key = ["id"]

  foreign_key "postcards_owner_id_fkey" {
    columns    = ["owner_id"]
    references = table.profiles
    on_delete  = "cascade"
  }

  index "postcards_owner_id_idx" {
    columns = ["owner_id"]
  }
  index "postcards_published_idx" {
    columns = ["created_at"]
    where   = "is_published"
  }

  check "message_length" {
    expression = "char_length(message) between 1 and 2000"
  }

  rls {
    enabled = true
  }
}

# Signed-in users read their own postcards and every published one (one policy, so
# Postgres evaluates a single expression per row).
policy "postcards_select_own" {
  table   = table.postcards
  command = "select"
  roles   = local.signed_in
  using   = "is_published or (select auth.uid()) = owner_id"
}

# Visitors who are not signed in read published postcards.
policy "postcards_select_published" {
  table   = table.postcards
  command = "select"
  roles   = ["anon"]
  using   = "is_published"
}

policy "postcards_insert_own" {
  table   = table.postcards
  command = "insert"
  roles   = local.signed_in
  check   = "(select auth.uid()) = owner_id and status = 'draft'"
}

# Only drafts may be edited or deleted; a paid postcard is on its way.
policy "postcards_update_own_draft" {
  table   = table.postcards
  command = "update"
  roles   = local.signed_in
  using   = "(select auth.uid()) = owner_id and status = 'draft'"
  # Still a draft afterwards: only a payment (service_role) moves it on.
  check = "(select auth.uid()) = owner_id and status = 'draft'"
}

policy "postcards_delete_own_draft" {
  table   = table.postcards
  command = "delete"
  roles   = local.signed_in
  using   = "(select auth.uid()) = owner_id and status = 'draft'"
}

grant "postcards_anon" {
  on         = table.postcards
  roles      = ["anon"]
  privileges = ["select"]
}

grant "postcards_signed_in" {
  on         = table.postcards
  roles      = local.signed_in
  privileges = ["select", "insert", "update", "delete"]
}

view "published_postcards" {
  query            = <<-SQL
    select id, recipient_name, message, image_path, created_at
    from public.postcards
    where is_published
  SQL
  security_invoker = true
  comment          = "The public gallery"
  depends_on       = [table.postcards]
}

grant "published_postcards_read" {
  on         = view.published_postcards
  roles      = ["anon", "authenticated"]
  privileges = ["select"]
}
