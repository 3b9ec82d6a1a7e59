from django.conf import settings
from django.utils import translation


def parent_page(view):
    """Marks a view as a page for parents: shown in every language of LANGUAGES.
    Every other page is shown in the staff languages (German unless English is chosen)."""
    view.is_parent_page = True
    return view


class StaffLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "is_parent_page", False):
            return
        if translation.get_language() not in settings.STAFF_LANGUAGES:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
