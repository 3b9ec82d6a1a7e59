"""Who is asking: the client's address, the same for sign-in throttling and the limits on
public writes.

Behind reverse proxies the connection comes from the nearest proxy; each proxy appends the
address it saw to X-Forwarded-For. With ``NEUEWEGE_PROXY_COUNT`` proxies in front of the
application, the address the outermost one saw is the ``PROXY_COUNT``-th entry from the right.
Entries further left were written by the client and are never trusted.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.PROXY_COUNT
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # a request that did not pass all proxies: its own connection
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
