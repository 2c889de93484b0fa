function "purge" {
  procedure  = true
  returns    = "void"
  volatility = "stable"
  body       = "delete from public.drafts"
}
