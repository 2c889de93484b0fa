extension "citext" { schema = "public" }
