import importlib
import os

import pytest
from django.core.cache import CacheHandler, cache
from django.utils import translation

from neuewege.core.models import Institution, Region, User
from neuewege.events.models import ConsentText
from neuewege.events.services.booking import Booking

from .factories import InstitutionFactory, PersonFactory, UserFactory
from .second_factor import SignInClient

WESEL, BORKEN = "05170", "05554"


@pytest.fixture
def client():
    """The Django test client whose ``force_login`` also passes the second factor for accounts
    that need one (tests/second_factor.py)."""
    return SignInClient()


@pytest.fixture
def wesel(db):
    return Region.objects.get(key=WESEL)


@pytest.fixture
def borken(db):
    return Region.objects.get(key=BORKEN)


@pytest.fixture
def coordinator(wesel):
    return UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="coord@wesel.example")


@pytest.fixture
def state_user(db):
    return UserFactory(role=User.Role.STATE, email="state@nrw.example")


@pytest.fixture
def family_centre(wesel):
    return InstitutionFactory(region=wesel, name="Familienzentrum Sonnenschein Wesel")


@pytest.fixture
def staff(family_centre):
    person = PersonFactory(institution=family_centre, first_name="Fatma", last_name="Yılmaz")
    return UserFactory(role=User.Role.STAFF, person=person, email="fz@wesel.example")


@pytest.fixture
def youth_welfare_office(wesel):
    return InstitutionFactory(
        region=wesel, kind=Institution.Kind.YOUTH_WELFARE_OFFICE, name="Jugendamt Kreis Wesel"
    )


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests empty the database afterwards, the data loaded by migrations
    included: load it again (regions, event formats, consent texts, questionnaires, training
    modules, the agreements' clause library, the navigator's needs)."""
    from django.apps import apps

    from neuewege.agreements.library import load_library
    from neuewege.evaluation.questionnaires import load_questionnaires
    from neuewege.events.catalogue import load_catalogue
    from neuewege.navigator.models import Need
    from neuewege.navigator.taxonomy import load_taxonomy
    from neuewege.trainings.catalogue import load_catalogue as load_modules

    importlib.import_module("neuewege.core.migrations.0002_nrw_regions").load_regions(apps, None)
    load_catalogue(apps, None)
    load_questionnaires(apps, None)
    load_modules(apps, None)
    load_library(apps, None)
    load_taxonomy(Need)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts without the pages an earlier test left in the cache."""
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in another one (the language cookie)
    leaves that language active in the thread, and a later test on the same worker would read
    English where it expects German."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of each test land in its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests find assets through the finders; no collectstatic manifest needed."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture
def consent(db):
    return ConsentText.objects.get(purpose=ConsentText.Purpose.BOOKING, version=1)


@pytest.fixture
def booking_for(consent):
    """A valid booking of a parent; keyword arguments change single details."""

    def make(**changes):
        details = {
            "first_name": "Ayşe",
            "email": "ayse@example.org",
            "child_ages": [2],
            "language": "tr",
            "consent_id": consent.pk,
        }
        return Booking(**(details | changes))

    return make


@pytest.fixture
def shared_cache(settings):
    """The Redis all app servers share (NEUEWEGE_CACHE_URL) as production sets it up, from
    NEUEWEGE_TEST_REDIS_URL; yields the cache as another app server sees it."""
    url = os.environ.get("NEUEWEGE_TEST_REDIS_URL", "")
    if not url:
        pytest.fail("Set NEUEWEGE_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) for this test.")
    settings.CACHES = {
        "default": {
            "BACKEND": "neuewege.core.cache.SharedRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "neuewege-test",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield CacheHandler(settings.CACHES)["default"]
    CacheHandler(settings.CACHES)["default"].clear()
