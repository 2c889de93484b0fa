tabel "a" {}

table "b" {
  colum "id" { type = "uuid" }
  column "x" { type = 1 }
}

policy "c" {
  table   = table.bb
  command = "selec"
  using   = "true"
}
