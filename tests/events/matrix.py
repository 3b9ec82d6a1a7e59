"""The events app's part of the permission matrix (tests/test_permission_matrix.py): who may
open each page and API route, and the records of region A those URLs point at."""

from tests.matrix_roles import COORD_A, PLAN_A, PUBLIC, READ_A, SIGNED_IN  # noqa: F401

EVENT_PAGES = {}

EVENT_API = {}


def add_event_world(world, *, centre_a, person_a, centre_b):
    """Create region A's (and B's) event records and point the URL parameters at them:
    ``world["pk_for"][url_name] = pk`` or ``world["kwargs_for"][url_name] = {...}``."""
