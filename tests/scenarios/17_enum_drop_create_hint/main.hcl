enum "postcard_status" { values = ["draft", "sent"] }
