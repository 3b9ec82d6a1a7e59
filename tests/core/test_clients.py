"""The client's address behind reverse proxies: only what our own proxies wrote is trusted."""

import pytest
from django.test import RequestFactory

from neuewege.core.clients import client_ip


def request(remote="10.0.0.5", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_connection_counts_and_the_header_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request(forwarded="203.0.113.9")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # the client wrote the first entry itself: one proxy appended the real address
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (1, "2001:db8::1", "2001:db8::1"),
        # fewer entries than proxies, or rubbish: the connection's own address
        (2, "203.0.113.9", "10.0.0.5"),
        (1, "not-an-address", "10.0.0.5"),
        (1, "", "10.0.0.5"),
    ],
)
def test_behind_proxies_the_address_the_outermost_proxy_saw(settings, count, forwarded, expected):
    settings.PROXY_COUNT = count
    assert client_ip(request(forwarded=forwarded)) == expected
