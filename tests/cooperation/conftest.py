"""Fixtures of the cooperation tests."""

import pytest
from django.conf import settings


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
