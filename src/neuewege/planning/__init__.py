"""Optimisation models: pure functions over plain dataclasses (dataclasses in, dataclasses out).
No Django and no ORM inside: the app that uses a model maps its rows to the dataclasses in a
service (import-linter holds this, see pyproject.toml)."""
