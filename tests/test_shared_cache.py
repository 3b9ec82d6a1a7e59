"""The cache shared by all app servers (NEUEWEGE_CACHE_URL, Redis): how the settings read it,
and that a sign-out ends the session for every app server. Runs against the Redis server named
by NEUEWEGE_TEST_REDIS_URL (CI starts one; locally: make test with that variable set)."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.urls import reverse

from tests.second_factor import recovery_code_for


def settings_of(**environment):
    """The cache and session settings a fresh process reads from ``environment``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)",
        ],
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "neuewege.settings"} | environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_without_a_cache_url_each_process_keeps_its_own_cache_and_sessions_in_the_database():
    result = settings_of(NEUEWEGE_CACHE_URL="")
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
    ]


def test_a_redis_url_shares_the_cache_and_reads_sessions_from_it_first():
    result = settings_of(NEUEWEGE_CACHE_URL="redis://cache.internal:6379/0")
    assert result.stdout.split() == [
        "neuewege.core.cache.SharedRedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]


def test_a_cache_url_that_is_not_redis_stops_the_start_with_a_clear_message():
    result = settings_of(NEUEWEGE_CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0
    assert "NEUEWEGE_CACHE_URL must name a Redis server" in result.stderr


@pytest.mark.redis
def test_a_sign_out_ends_the_session_for_every_app_server(client, coordinator, shared_cache):
    coordinator.set_password("ein-langes-passwort")
    coordinator.save()
    code = recovery_code_for(coordinator)  # a coordinator signs in with a second factor
    response = client.post(
        reverse("login"), {"username": coordinator.email, "password": "ein-langes-passwort"}
    )
    assert response.status_code == 302
    assert client.post(reverse("second-factor-verify"), {"code": code}).status_code == 302
    key = client.session.session_key
    stored = shared_cache.get(KEY_PREFIX + key)
    assert stored[SESSION_KEY] == str(coordinator.pk)  # another server reads it from Redis
    assert client.get(reverse("region-home", args=["05170"])).status_code == 200

    client.post(reverse("logout"))
    assert shared_cache.get(KEY_PREFIX + key) is None
    client.cookies["sessionid"] = key  # the old cookie, sent again
    response = client.get(reverse("region-home", args=["05170"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
