print("natgrad")
