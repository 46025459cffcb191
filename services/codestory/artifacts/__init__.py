"""Artifacts: the one table of artifact kinds, the file and S3 backends, the caches."""
