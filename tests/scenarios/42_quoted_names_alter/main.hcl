table "Order Items" {
  column "ID" { type = "bigint" }
  column "Unit Price" { type = "numeric(12,2)" }
  column "Note \"x\"; --" {
    type = "text"
    null = true
  }
  primary_key = ["ID"]
  index "Order Items \"price\" idx" { columns = ["Unit Price"] }
  check "Price > 0" { expression = "\"Unit Price\" > 0" }
}
