"""The CLI's commands, each imported only when it runs."""
