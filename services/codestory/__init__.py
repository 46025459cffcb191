"""codestory: a narrated audio tour of any code repository."""

__version__ = "0.1.0"
