"""Logging helpers used by ``settings.LOGGING``."""

import logging


class Once(logging.Filter):
    """Lets each distinct message of a logger through once per process: a warning that a
    library repeats for every document it renders is written once, not once per document.
    It remembers at most ``limit`` messages (then starts afresh), so that a long-running
    worker does not collect them without end."""

    limit = 1000

    def __init__(self):
        super().__init__()
        self.seen = set()

    def filter(self, record):
        key = (record.name, record.levelno, record.getMessage())
        if key in self.seen:
            return False
        if len(self.seen) >= self.limit:
            self.seen.clear()
        self.seen.add(key)
        return True
