"""Turning a script into audio. Pure: text in, bytes out; no Celery, Redis or HTTP."""
