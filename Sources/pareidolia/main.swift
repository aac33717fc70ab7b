print("pareidolia")
