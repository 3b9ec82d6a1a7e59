"""Settings of the benchmark server: the product's settings plus the baseline view."""

from neuewege.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
