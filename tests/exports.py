"""Fetching a file as a person does: at once, or — a long export (core/exporters.py) — from
the page that waited for it, once its task has run."""

from urllib.parse import urlsplit

from django.urls import resolve, reverse

from neuewege.core.tasks import make_export


def fetched(client, response):
    """The download's file. For a long export: its task run here, as the worker would (the
    test's transaction never commits, so the task queued on commit does not run by itself)."""
    if response.status_code != 302 or not response["Location"].startswith("/exports/files/"):
        return response
    pk = resolve(urlsplit(response["Location"]).path).kwargs["pk"]
    make_export.call(file_id=pk)
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["ready"], page.content[:500]
    return client.get(reverse("export-file-download", args=[pk]))
