# Column conversions Postgres has no direct form for, and a view's trigger kept across its
# replacement: an enum column moved to another enum with the same labels (through text),
# an integer column made serial (a new sequence past the highest id), a serial column made
# a plain integer (its sequence dropped), and a view whose new column list forces a drop,
# whose INSTEAD OF trigger comes back with it.
enum "status_v1" {
  values = ["new", "done"]
}

enum "status_v2" {
  values = ["new", "done"]
}

table "tickets" {
  column "id" { type = "serial" }
  column "status" {
    type    = enum.status_v2
    default = "new"
  }
  primary_key = ["id"]
}

table "counters" {
  column "id" { type = "integer" }
  column "label" {
    type = "text"
    null = true
  }
  primary_key = ["id"]
}

table "notes" {
  column "body" {
    type = "text"
    null = true
  }
  column "author" {
    type = "text"
    null = true
  }
}

view "note_bodies" {
  query = "select author, body from public.notes"
}

function "note_insert" {
  returns  = "trigger"
  language = "plpgsql"
  body     = <<-SQL
    begin
      insert into public.notes (body, author) values (new.body, new.author);
      return new;
    end
  SQL
}

trigger "note_insert" {
  table    = view.note_bodies
  timing   = "instead of"
  events   = ["insert"]
  function = function.note_insert
}
