# Procedures (`CREATE PROCEDURE`, run with `CALL`): one changes its body and gains a
# comment, one is created (security definer, pinned search_path, granted to
# service_role), one becomes a function (dropped and created again), one is dropped.
table "drafts" {
  column "id" { type = "bigint" }
  column "created_at" {
    type    = "timestamp with time zone"
    default = sql("now()")
  }
  primary_key = ["id"]
}

function "purge_drafts" {
  procedure = true
  argument "days" { type = "integer" }
  language = "plpgsql"
  comment  = "deletes drafts older than `days` days"
  body     = <<-SQL
    begin
      delete from public.drafts where created_at < now() - make_interval(days => days);
      commit;
    end
  SQL
}

function "rotate_drafts" {
  procedure   = true
  language    = "plpgsql"
  security    = "definer"
  search_path = ""
  body        = "begin call public.purge_drafts(30); end"
}

function "legacy_cleanup" {
  returns = "integer"
  body    = "select 1"
}

grant "rotate_drafts_service" {
  on         = function.rotate_drafts
  roles      = ["service_role"]
  privileges = ["execute"]
}
