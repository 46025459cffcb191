"""How the services run: the Celery app and its config, the task wrapper, dispatch, the
watchdog, the probes and what is known of the broker's Redis layout. Import nothing heavy
here: `codestory probe` imports runtime.probes and must start fast."""
