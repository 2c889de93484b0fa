# Environments and secrets read env() lazily: only the column default is an error.
environment "production" {
  database_url = env("SUPAFORM_TEST_UNSET_URL")
}

secret "STRIPE_SECRET_KEY" { value = env("SUPAFORM_TEST_UNSET_SECRET") }

table "profiles" {
  column "theme" {
    type    = "text"
    default = env("SUPAFORM_TEST_UNSET_THEME")
  }
}
