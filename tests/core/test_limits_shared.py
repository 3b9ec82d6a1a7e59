"""The limits' counters in the Redis all app servers share (NEUEWEGE_CACHE_URL): one round trip
counts every rate of a name, a counter lives as long as its window, and the count goes on where
another app server left it. Runs against NEUEWEGE_TEST_REDIS_URL (as tests/test_shared_cache.py)."""

import pytest
from django.core.cache import caches

from neuewege.core import limits

pytestmark = pytest.mark.redis


def test_every_rate_is_counted_in_one_round_trip_within_its_window(shared_cache, monkeypatch):
    backend = caches["default"]
    clients = []
    real = type(backend._cache).get_client

    def counted(self, *args, **kwargs):
        client = real(self, *args, **kwargs)
        clients.append(client)
        return client

    monkeypatch.setattr(type(backend._cache), "get_client", counted)
    for _attempt in range(10):  # "booking": 10 in 10 minutes, 40 a day
        assert limits.hit("booking", "203.0.113.5") is None
    assert len(clients) == 10  # one client, one pipeline per attempt
    assert limits.hit("booking", "203.0.113.5") == 600  # 11 in 10 minutes, not yet 41 a day
    counters = limits._counters("booking", "203.0.113.5")
    assert shared_cache.get_many(list(counters)) == dict.fromkeys(counters, 11)
    redis = backend._cache.get_client(write=True)
    for key, rate in counters.items():
        assert 0 < redis.ttl(backend.make_and_validate_key(key)) <= rate.seconds
    assert limits.waiting("booking", "203.0.113.5") == 600
    assert limits.hit("booking", "198.51.100.7") is None  # another address counts on its own
