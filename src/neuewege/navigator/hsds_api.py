"""The HSDS 3.0 API profile of the directory (read-only, public data)."""

from ninja import Router

router = Router(tags=["hsds"])
