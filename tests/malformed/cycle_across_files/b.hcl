function "account_count" {
  returns    = "bigint"
  body       = "select count(*) from public.accounts"
  depends_on = [view.account_summary]
}

view "account_summary" {
  query      = "select * from public.accounts"
  depends_on = [table.accounts]
}
