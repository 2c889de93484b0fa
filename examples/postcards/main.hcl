# Postcards: a small Supabase app. Signed-in users write postcards, pay for them with
# Stripe through an Edge Function, and may publish them for anyone to read.

project {
  name          = "postcards"
  schemas       = ["public"]
  managed_roles = ["anon", "authenticated", "service_role"]
}

# The embedded Postgres: no configuration needed.
environment "local" {}

environment "staging" {
  database_url = env("STAGING_DATABASE_URL")
  project_ref  = "stagingpostcardsrefx"
}

environment "production" {
  database_url = env("PRODUCTION_DATABASE_URL")
  project_ref  = "prodpostcardsrefabcd"
  protected    = true
  lock_timeout = "5s"
}

variable "default_theme" {
  description = "Theme a new user starts with"
  default     = "light"
}

locals {
  signed_in = ["authenticated"]
}
