"""Redis records of stories: keys and scripts, records, progress, leases, deliveries,
dead letters and the registries of workers and janitor runs."""
