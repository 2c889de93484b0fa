function "touch" {
  returns = "trigger"
  body    = <<-SQL
    begin new.updated_at = now(); return new; end;
