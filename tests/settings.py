"""Settings of the test run: the product's settings, with a key of the test run.

``neuewege.settings`` refuses to start without NEUEWEGE_SECRET_KEY unless debug is on, and the
tests run with debug off, as production does. The key is put into the environment before the
settings are read, so the processes that tests start (commands, settings checks) inherit it and
read the product's settings module, not this one.
"""

import os

os.environ.setdefault("NEUEWEGE_SECRET_KEY", "tests-only-key-" + "n3ue-wege-t3st-" * 4)

from neuewege.settings import *  # noqa: F403

os.environ["DJANGO_SETTINGS_MODULE"] = "neuewege.settings"  # for the processes tests start

# The replica (DATABASE_REPLICA_URL in production) is, in the tests, a second connection to the
# test database (Django's test mirror). No router by default: tests/core/test_replica.py installs
# it where it checks what goes where.
DATABASES["replica"] = DATABASES["default"] | {"TEST": {"MIRROR": "default"}}  # noqa: F405
DATABASE_ROUTERS = []
KEEP_START_PANELS = True  # one process: its memory is the shared cache
