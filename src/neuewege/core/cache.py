"""The shared cache (NEUEWEGE_CACHE_URL): Django's Redis backend, keeping one redis-py client
per connection pool in the process. Django's makes a new client for every call, and making one
costs more than the calls most pages make (a session read, a few figures)."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _KeptClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:  # a client is safe to share between threads, as its pool is
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClients
