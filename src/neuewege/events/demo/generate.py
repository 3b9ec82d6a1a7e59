"""The entry point of the events' demo data (registered in apps.py)."""

import time as clock

from django.db import transaction

from neuewege.core.demo.scales import prefix_of

from .demo_scale import plan_demo
from .events import Counts, EventGenerator
from .state_scale import plan_state
from .tables import bulk_load


def generate_events(scale: str, seed: int = 2015) -> Counts | None:
    """Events for the demo regions (``scale="demo"``), the state-scale or the Germany-scale
    dataset (the state's rules at each of its family centres); None when they were generated
    before (or there are no family centres of that scale yet)."""
    started = clock.monotonic()
    prefix = prefix_of(scale)
    with transaction.atomic():
        generator = EventGenerator(prefix, seed)
        if not generator.centres or generator.already_generated():
            return None
        generator.load_speakers()
        if scale == "demo":
            plan_demo(generator)
        else:  # millions of rows at Germany scale
            with bulk_load(table.model for table in generator.tables):
                plan_state(generator)
                generator.flush()
        generator.finish()
    generator.counts.seconds = clock.monotonic() - started
    return generator.counts


def generate_demo_events(scale: str, seed: int) -> str | None:
    """``neuewege demo``'s part of the events (registered in apps.py): what was generated, or
    None when it was generated before."""
    counts = generate_events(scale, seed)
    return None if counts is None else counts.line()
