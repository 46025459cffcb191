"""The kernel's lowest floor: words and rules every room may use, importing none of them."""
