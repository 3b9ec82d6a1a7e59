"""Content that staff enter in German and may translate for parents (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import ConsentText, Format, FormatModule, ParentEvent


@register(Format)
class FormatTranslation(TranslationOptions):
    fields = ("name", "description")


@register(FormatModule)
class FormatModuleTranslation(TranslationOptions):
    fields = ("motto", "description")


@register(ParentEvent)
class ParentEventTranslation(TranslationOptions):
    fields = ("title", "description")


@register(ConsentText)
class ConsentTextTranslation(TranslationOptions):
    fields = ("text",)
