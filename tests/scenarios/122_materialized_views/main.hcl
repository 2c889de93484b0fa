# Materialized views: one gains a unique index (built concurrently, so REFRESH … CONCURRENTLY
# works), one changes its query (dropped and created again with its index), one is new, and
# a set-returning function reading one carries a row estimate.
table "downloads" {
  column "id" { type = "bigint" }
  column "package" { type = "text" }
  column "at" {
    type    = "timestamp with time zone"
    default = sql("now()")
  }
  primary_key = ["id"]
}

view "download_counts" {
  materialized = true
  query        = "select package, count(*) as n from public.downloads group by package"
  index "download_counts_package" {
    columns = ["package"]
    unique  = true
  }
}

view "daily" {
  materialized = true
  comment      = "downloads per day and package"
  query        = "select date_trunc('day', at) as day, package, count(*) as n from public.downloads group by 1, 2"
  index "daily_day" { columns = ["day"] }
}

view "packages" {
  materialized = true
  query        = "select distinct package from public.downloads"
}

function "downloads_of" {
  argument "p" { type = "text" }
  returns    = "setof public.download_counts"
  volatility = "stable"
  rows       = 1
  body       = "select * from public.download_counts where package = p"
}

grant "download_counts_read" {
  on         = view.download_counts
  roles      = ["service_role"]
  privileges = ["select"]
}
