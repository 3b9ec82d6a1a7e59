"""Offer texts that keepers enter in German and may translate for parents
(django-modeltranslation; parents see German where no translation is given)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Offer


@register(Offer)
class OfferTranslation(TranslationOptions):
    fields = ("name", "description", "required_documents")
