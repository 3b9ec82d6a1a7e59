"""The shipped questionnaires, as the data migration loads them."""

from django.apps import apps
from django.conf import settings
from django.utils import translation

from neuewege.evaluation.models import Choice, Question, Questionnaire
from neuewege.evaluation.questionnaires import (
    CENTRE_FEEDBACK,
    PARENT_FOLLOW_UP,
    QUESTIONNAIRES,
    SPEAKER_FEEDBACK,
    TRAINING_FEEDBACK,
    load_questionnaires,
)

PARENT_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def test_four_questionnaires_are_published(db):
    current = {
        code: Questionnaire.objects.current(code)
        for code in (PARENT_FOLLOW_UP, SPEAKER_FEEDBACK, CENTRE_FEEDBACK, TRAINING_FEEDBACK)
    }
    assert all(questionnaire.is_published for questionnaire in current.values())
    assert {code: q.audience for code, q in current.items()} == {
        PARENT_FOLLOW_UP: "parents",
        SPEAKER_FEEDBACK: "speakers",
        CENTRE_FEEDBACK: "family_centres",
        TRAINING_FEEDBACK: "training_participants",
    }
    codes = {code: list(q.questions.values_list("code", "kind")) for code, q in current.items()}
    assert codes == {
        PARENT_FOLLOW_UP: [
            ("took_step", "yes_no"),
            ("steps", "multiple_choice"),
            ("useful", "scale_1_5"),
            ("missing", "free_text"),
        ],
        SPEAKER_FEEDBACK: [
            ("setting", "scale_1_5"),
            ("access", "scale_1_5"),
            ("openness", "scale_1_5"),
            ("comments", "free_text"),
        ],
        CENTRE_FEEDBACK: [("effort", "scale_1_5"), ("fit", "scale_1_5"), ("comments", "free_text")],
        TRAINING_FEEDBACK: [
            ("exchange", "scale_1_5"),
            ("insights", "scale_1_5"),
            ("prejudice", "scale_1_5"),
            ("comments", "free_text"),
        ],
    }


def test_steps_are_asked_only_after_a_yes(follow_up):
    steps = follow_up.questions.get(code="steps")
    assert (steps.condition_question.code, steps.condition_choice) == ("took_step", "yes")
    assert list(steps.choices.values_list("code", flat=True)) == [
        "counselling",
        "application",
        "training",
        "internship",
        "job",
        "childcare",
        "other",
    ]


def test_the_parents_survey_speaks_all_seven_languages(follow_up):
    assert len(PARENT_LANGUAGES) == 7
    texts = [(follow_up, "title"), (follow_up, "intro")]
    for question in follow_up.questions.all():
        texts += [(question, "text"), (question, "help_text")]
        texts += [(choice, "label") for choice in question.choices.all()]
    for instance, name in texts:
        values = {code: getattr(instance, f"{name}_{code}") for code in PARENT_LANGUAGES}
        assert all(values.values()), (instance, name, values)
        # each language its own text, not a copy of the German one
        assert len(set(values.values())) >= 6, (instance, name, values)


def test_texts_follow_the_active_language(follow_up):
    question = follow_up.questions.get(code="took_step")
    with translation.override("uk"):
        assert question.text == "Чи зробили ви після заходу конкретний крок до роботи?"
        assert [code for code, _label in question.options()] == ["yes", "no"]
    with translation.override("ar"):
        assert follow_up.questions.get(code="steps").choices.get(code="other").label == "شيء آخر"


def test_professionals_questionnaires_fall_back_to_german(db):
    speakers = Questionnaire.objects.current(SPEAKER_FEEDBACK)
    with translation.override("en"):
        assert speakers.title == "Speakers' feedback"
    with translation.override("tr"):
        assert speakers.title == "Rückmeldung der Referentinnen und Referenten"


def test_loading_again_changes_nothing(follow_up):
    counts = (Questionnaire.objects.count(), Question.objects.count(), Choice.objects.count())
    follow_up.questions.filter(code="useful").update(text_de="Von Hand korrigiert")
    load_questionnaires(apps, None)
    assert counts == (
        Questionnaire.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
    )
    # a published version is never overwritten
    assert follow_up.questions.get(code="useful").text_de == "Von Hand korrigiert"
    assert counts[0] == len(QUESTIONNAIRES)


def test_a_new_version_becomes_current(follow_up):
    newer = Questionnaire.objects.create(
        code=PARENT_FOLLOW_UP, version=2, audience="parents", title="v2"
    )
    assert Questionnaire.objects.current(PARENT_FOLLOW_UP) == follow_up  # a draft is not current
    newer.published_at = follow_up.published_at
    newer.save()
    assert Questionnaire.objects.current(PARENT_FOLLOW_UP) == newer


def test_loading_into_an_empty_database_keeps_german_as_the_source(follow_up):
    """The loader with the live models (as the transactional tests use it), under another
    active language: German stays in the German columns."""
    Questionnaire.objects.all().delete()
    with translation.override("uk"):
        load_questionnaires(apps, None)
    loaded = Questionnaire.objects.current(PARENT_FOLLOW_UP)
    assert loaded.title_de == "Nachbefragung: Wie ging es weiter?"
    assert loaded.title_uk == "Опитування: що було далі?"
    steps = loaded.questions.get(code="steps")
    assert steps.condition_question == loaded.questions.get(code="took_step")
    assert steps.choices.get(code="job").label_de == "Arbeit angefangen"
    speakers = Questionnaire.objects.current(SPEAKER_FEEDBACK)
    assert speakers.title_uk is None
