project { name = "postcards-2" }
