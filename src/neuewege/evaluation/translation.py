"""Texts of the questionnaires in the parents' languages (django-modeltranslation, as the event
catalogue): German in the plain columns, translations beside them, fallback to German."""

from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Question, Questionnaire


@register(Questionnaire)
class QuestionnaireTranslation(TranslationOptions):
    fields = ("title", "intro")


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label",)
