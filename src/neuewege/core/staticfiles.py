"""The storage of static files in production: WhiteNoise's compressed manifest storage, whose
addresses (the file's name with its hash) are worked out once per process. The manifest is read
when the process starts and cannot change while it runs, so neither can an address; every page
asks for nine of them in its layout, each a lookup, a join and a quoting."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._remembered_urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._remembered_urls.get(name)
        if url is None:
            # a missing file raises here, as before, and is not remembered
            url = self._remembered_urls[name] = super().url(name)
        return url
