"""Helpers of the cooperation page tests: the form of a Regionen-Check, a page of a region."""

from django.urls import reverse


def check_form(**changes):
    return {
        "held_on": "27.08.2015",
        "existing_structures": "Arbeitskreis Frühe Hilfen",
        "expectations": "Mehr Eltern erreichen",
        "elements": ["steering_group", "parent_cafe"],
        "offers": ["region_check"],
        **changes,
    }


def url(name, region, *args):
    return reverse(name, args=[region.key, *args])
