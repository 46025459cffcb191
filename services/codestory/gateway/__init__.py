"""The gateway: the HTTP face of codestory."""
