"""The production storage of static files gives each file's address with its hash, as
WhiteNoise's manifest storage does, and works it out once per process."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from neuewege.core.staticfiles import RememberedManifestStaticFilesStorage


@pytest.fixture
def manifest(tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "hash": "x", "paths": {"app.css": "app.0123abcd.css"}})
    )
    return tmp_path


def test_addresses_are_those_of_the_manifest_storage_and_worked_out_once(manifest, monkeypatch):
    remembered = RememberedManifestStaticFilesStorage(location=manifest, base_url="/static/")
    plain = CompressedManifestStaticFilesStorage(location=manifest, base_url="/static/")
    assert remembered.url("app.css") == plain.url("app.css") == "/static/app.0123abcd.css"
    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", None)  # not asked again
    assert remembered.url("app.css") == "/static/app.0123abcd.css"


def test_a_file_missing_from_the_manifest_is_refused_every_time(manifest):
    storage = RememberedManifestStaticFilesStorage(location=manifest, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match=r"missing\.css"):
            storage.url("missing.css")
