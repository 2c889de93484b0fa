secret "stripe_key" { value = "x" }

secret "SUPABASE_URL" { value = "x" }
