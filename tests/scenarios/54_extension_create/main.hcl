extension "pg_trgm" { schema = "extensions" }

function "title_similarity" {
  argument "a" { type = "text" }
  argument "b" { type = "text" }
  returns    = "real"
  volatility = "stable"
  body       = "select extensions.similarity(a, b)"
}
