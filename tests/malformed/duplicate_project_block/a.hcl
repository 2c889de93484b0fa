project { name = "postcards" }
