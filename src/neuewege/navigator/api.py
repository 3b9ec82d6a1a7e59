"""The navigator API: offers, the taxonomy of needs, the search."""

from ninja import Router

router = Router(tags=["navigator"])
