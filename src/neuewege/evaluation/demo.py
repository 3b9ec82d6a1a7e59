"""Demo invitations and anonymous responses for the demo and the state datasets (``neuewege
demo``, after the events): the parents' follow-up survey, the speakers' and the family centres'
feedback.

Who is asked follows the rules of the invitations: every parent who agreed to the survey and
attended an event that was held, once, ``SURVEY_WEEKS`` weeks after the last session they
attended (its month is the month of the response); the speakers and the family centre (its
head) the day after each event held. Only invitations due before today are created, already
sent (and reminded, where the reminder is due as well), without a seed; the parents of the last
weeks are left to ``run-due-jobs``. The tokens are thrown away: nobody can answer a demo
invitation, and nothing tells which invitations were answered.

The answers come out near what the programme reported from its own follow-up survey (seed,
"Resümee der Veranstaltungen"):

    "Nachbefragung: Fast alle Teilnehmer/innen haben nach der Veranstaltung konkrete berufliche
    Schritte unternommen und einen persönlichen Nutzen daraus gezogen (Elternkurs 100%,
    Elterncafé 90%)"
    "Berater/innen AA/JC: Der Rahmen „Familienzentrum“ eröffnet bessere Möglichkeiten des
    Zugangs und des offenen Gesprächs als andere Beratungsformen."
    "Familienzentren: positive Bewertung der Ausweitung des Angebotsspektrums; [...] Aufwand
    besteht vor allem in der Ansprache und Motivierung der Mütter"

Volume: the state dataset invites about 200,000 parents, so the rows are written in batches of
5,000 with the events generator's ``Table`` (COPY on PostgreSQL, ``executemany`` elsewhere),
not through ``services.submit_response``: a durable transaction, a token lookup and a row lock
per response would take many minutes, and even ``bulk_create`` took a minute. The rows are the
ones the service writes: the answers are checked by ``services.clean_answers`` and turned into
rows by the service's own ``answer_rows`` (one row per ticked option; computed once per
distinct set of answers), the context is the invitation's, and each response leaves a
``SpentToken``. The service's rules themselves are tested in tests/evaluation/test_services.py.
Responses are shuffled within a batch before they get their ids, so not even their order
follows the invitations.

Deterministic for a seed (except the discarded tokens); generated once (None when present).
"""

import random
import secrets
import time as clock
from collections import Counter
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from neuewege.core.demo.scales import prefix_of
from neuewege.core.models import Institution, Person
from neuewege.events.demo.tables import Table, bulk_load
from neuewege.events.models import ParentEvent, Registration

from . import aggregates, services
from .models import (
    NO,
    YES,
    Answer,
    DayCount,
    EventCount,
    Questionnaire,
    SpentToken,
    SurveyInvitation,
    SurveyResponse,
)
from .questionnaires import CENTRE_FEEDBACK, PARENT_FOLLOW_UP, SPEAKER_FEEDBACK
from .selectors import questions_of

CAFE, INFO, COURSE = "parent_cafe", "info_session", "parent_course"
HELD = [ParentEvent.Status.HELD, ParentEvent.Status.CLOSED]
BATCH = 5000
SENT_AT = time(9)  # local time the due job sends, give or take two hours

# Parents: the share of the invited who answer, and of those the share who took a step
# (the programme: Elternkurs 100 %, Elterncafé 90 %; the info session, one afternoon, a little
# less). Regions differ by up to ``*_SPREAD`` either way.
RESPONSE_RATE = {COURSE: 0.50, CAFE: 0.41, INFO: 0.41}
RESPONSE_SPREAD = 0.05
TOOK_STEP = {COURSE: 0.985, CAFE: 0.90, INFO: 0.80}
TOOK_STEP_SPREAD = {COURSE: 0.0, CAFE: 0.03, INFO: 0.03}
# The chance of each step among those who took one (at least one is ticked), in the order of
# frequency: counselling first, as the events prepare individual counselling.
STEPS = {
    CAFE: {
        "counselling": 0.62,
        "application": 0.34,
        "training": 0.22,
        "childcare": 0.18,
        "internship": 0.09,
        "job": 0.07,
        "other": 0.05,
    },
    INFO: {
        "counselling": 0.66,
        "application": 0.30,
        "training": 0.24,
        "childcare": 0.15,
        "internship": 0.08,
        "job": 0.05,
        "other": 0.05,
    },
    COURSE: {
        "counselling": 0.70,
        "application": 0.46,
        "training": 0.32,
        "childcare": 0.24,
        "internship": 0.14,
        "job": 0.11,
        "other": 0.06,
    },
}
SCALE = [1, 2, 3, 4, 5]
USEFUL = {  # weights of 1..5: (took a step, took none)
    CAFE: ([1, 3, 12, 40, 44], [6, 15, 34, 30, 15]),
    INFO: ([1, 4, 15, 42, 38], [7, 17, 35, 28, 13]),
    COURSE: ([0, 1, 7, 32, 60], [3, 10, 30, 35, 22]),
}
MISSING_SHARE = 0.12
# What parents wrote: simple German, some in their own language. Never a name, a number or
# anything else that points to a person.
MISSING = [
    "Mehr Termine am Nachmittag wären gut.",
    "Die Kinderbetreuung war sehr gut. Gerne öfter so ein Angebot.",
    "Ich hätte gern mehr Zeit für meine Fragen gehabt.",
    "Mehr Informationen zur Ausbildung in Teilzeit.",
    "Ein Beratungstermin direkt im Familienzentrum wäre toll.",
    "Bitte mehr in einfacher Sprache erklären.",
    "Alles gut, vielen Dank!",
    "Ein zweites Treffen zum Thema Bewerbung wäre hilfreich.",
    "Mehr über Minijob und Teilzeit erfahren.",
    "Es war etwas laut, aber sehr hilfreich.",
    "Ich wusste vorher nicht, dass das Jobcenter auch hier berät. Gut!",
    "Mehr Angebote für Väter.",
    "Die Unterlagen zum Mitnehmen waren gut.",
    "Die Veranstaltung war zu kurz.",
    "Hilfe bei der Suche nach einem Kitaplatz fehlt mir noch.",
]
MISSING_OTHER_LANGUAGES = [
    "Türkçe bilgi de olsa iyi olur.",  # tr: information in Turkish would be good as well
    "Teşekkürler, çok faydalıydı.",
    "شكراً، كانت المعلومات مفيدة جداً.",  # ar: thank you, the information was very useful
    "أتمنى مواعيد أكثر في الصباح.",
    "Дякую! Хотілося б більше про курси німецької мови.",  # uk: more on German courses
    "Спасибо, было очень полезно.",  # ru: thank you, very useful
    "Więcej spotkań po południu byłoby dobrze.",  # pl: more afternoon meetings
    "More information about the recognition of foreign qualifications, please.",
]
OTHER_LANGUAGE_SHARE = 0.25

# Speakers and family centres: the share who answer, and the weights of 1..5 per question.
PROFESSIONAL_RATE = {SPEAKER_FEEDBACK: 0.65, CENTRE_FEEDBACK: 0.55}
PROFESSIONAL_SCALES = {
    SPEAKER_FEEDBACK: {
        "setting": [1, 2, 10, 40, 47],
        "access": [1, 4, 18, 42, 35],
        "openness": [0, 2, 10, 38, 50],
    },
    CENTRE_FEEDBACK: {
        "effort": [3, 12, 35, 35, 15],  # reaching the mothers is the work
        "fit": [0, 2, 12, 40, 46],
    },
}
COMMENT_SHARE = 0.15
COMMENTS = {
    SPEAKER_FEEDBACK: [
        "Die Eltern waren sehr offen, die vertraute Umgebung im Familienzentrum hilft.",
        "Gute Vorbereitung durch das Familienzentrum.",
        "Einige Eltern brauchten eine Übersetzung; beim nächsten Mal eine Sprachmittlerin "
        "einplanen.",
        "Mehr Zeit für Einzelgespräche einplanen.",
        "Mehrere Mütter haben direkt einen Beratungstermin vereinbart.",
        "Der Raum war klein, die Gespräche aber gut.",
    ],
    CENTRE_FEEDBACK: [
        "Die Mütter persönlich anzusprechen war viel Arbeit, hat sich aber gelohnt.",
        "Passt gut zu unserem Angebot; hilfreich für die Zertifizierung.",
        "Der Termin am Vormittag war für viele Eltern gut.",
        "Aushänge allein reichen nicht, die persönliche Einladung wirkt.",
        "Gerne regelmäßig, am besten alle zwei Wochen.",
    ],
}


def generate_evaluation(scale: str, seed: int = 2015) -> str | None:
    """Invitations and responses for the held events of the demo regions (``scale="demo"``)
    or the state-scale dataset; None when there are responses already (or nothing to ask
    about). Then, when it generated, the kept counts of everything: the demo's rows are
    written in bulk, which marks nothing stale (the events' too, generated before). A second
    call changes nothing (a benchmark may be writing to the dataset meanwhile)."""
    line = _generate_evaluation(scale, seed)
    if line is not None or not (EventCount.objects.exists() and DayCount.objects.exists()):
        aggregates.rebuild_kept_counts()
    return line


def _generate_evaluation(scale: str, seed: int) -> str | None:
    started = clock.monotonic()
    prefix = prefix_of(scale)
    with transaction.atomic():
        generator = EvaluationGenerator(prefix, seed)
        if generator.already_generated() or not generator.questionnaires_ready():
            return None
        tables = generator.tables if scale != "demo" else []  # 2 million rows at Germany scale
        with bulk_load(table.model for table in tables):
            generator.invite_parents()
            generator.invite_professionals()
            generator.flush()
        generator.finish()
    if not generator.invitations:
        return None
    return generator.line(clock.monotonic() - started)


class Quota:
    """Yes for about ``share`` of the draws under one key, a little at random; the count of
    yes never strays more than 0.65 from the expected, so the published shares hold for small
    numbers too (an Elternkurs with twelve answers shows 100 %, not 92 %)."""

    def __init__(self, rng: random.Random):
        self.rng, self.expected, self.count = rng, Counter(), Counter()

    def draw(self, key, share: float) -> bool:
        self.expected[key] += min(max(share, 0.0), 1.0)
        if self.count[key] + 1 <= self.expected[key] + self.rng.uniform(0.35, 0.65):
            self.count[key] += 1
            return True
        return False


class EvaluationGenerator:
    def __init__(self, prefix: str, seed: int):
        self.prefix, self.seed = prefix, seed
        self.random = random.Random(f"evaluation:{prefix}:{seed}")
        self.quota = Quota(self.random)
        self.now = timezone.now()
        self.zone = timezone.get_default_timezone()
        self.today = timezone.localdate(self.now)
        self.questionnaires = {
            code: Questionnaire.objects.current(code)
            for code in (PARENT_FOLLOW_UP, SPEAKER_FEEDBACK, CENTRE_FEEDBACK)
        }
        self.questions = {
            code: questions_of(questionnaire)
            for code, questionnaire in self.questionnaires.items()
            if questionnaire is not None
        }
        self.offsets = {}
        self.local_days = {}
        self.rows_of = {}
        self.pending = []  # (questionnaire, context, answer rows, token) of each response
        context = ["event", "format", "family_centre", "region", "month"]
        self.invitation_table = Table(
            SurveyInvitation,
            [
                "questionnaire",
                "registration",
                "person",
                *context,
                "digest",
                "created_at",
                "due_on",
                "sent_at",
                "reminded_at",
                "expires_on",
            ],
        )
        self.response_table = Table(SurveyResponse, ["questionnaire", *context])
        self.answer_table = Table(Answer, ["response", "question", "choice", "number", "text"])
        self.spent_table = Table(SpentToken, ["digest"], with_ids=False)
        self.tables = [
            self.invitation_table,
            self.response_table,
            self.answer_table,
            self.spent_table,
        ]
        self.invitations, self.responses = Counter(), Counter()
        self.answers = 0

    def already_generated(self) -> bool:
        return SurveyResponse.objects.filter(
            family_centre__external_id__startswith=f"{self.prefix}:"
        ).exists()

    def questionnaires_ready(self) -> bool:
        return all(self.questionnaires.values())

    # parents

    def invite_parents(self, events=None):
        """One invitation per consenting attendee of an event held, when it is due; a response
        for about ``RESPONSE_RATE`` of them. ``events``: of these events only (ids; the
        benchmark's dense history of one centre, bench/evidence.py)."""
        code = PARENT_FOLLOW_UP
        weeks = timedelta(weeks=settings.SURVEY_WEEKS)
        among = {} if events is None else {"event_id__in": list(events)}
        rows = (
            Registration.objects.filter(
                event__family_centre__external_id__startswith=f"{self.prefix}:",
                event__status__in=HELD,
                survey_consent__isnull=False,
                survey_invitation__isnull=True,  # invited by the due job already
                **among,
            )
            .values_list(
                "pk",
                "event_id",
                "event__format__code",
                "event__family_centre_id",
                "event__family_centre__region_id",
            )
            .annotate(last=Max("attended_sessions__starts_at"))
            .filter(last__isnull=False)
            .order_by("pk")
        )
        # read whole before writing: SQLite does not isolate a running query from the inserts
        for registration, event, event_format, centre, region, last in list(rows):
            day = self.local_day(last)
            due_on = day + weeks
            if due_on >= self.today:
                continue  # run-due-jobs invites when the time comes (today's run too)
            context = (event, event_format, centre, region, day.replace(day=1).isoformat())
            answers = None
            rate = RESPONSE_RATE[event_format] + self.offset("rate", region, event_format)
            if self.quota.draw(("rate", event_format), rate):
                answers = self.parent_answers(event_format, region)
            self.add(code, context, due_on, answers, registration=registration)

    def parent_answers(self, event_format: str, region: int) -> dict:
        rng = self.random
        share = TOOK_STEP[event_format] + self.offset("step", region, event_format)
        took = self.quota.draw(("step", event_format), share)
        answers = {"took_step": YES if took else NO}
        if took:
            chances = STEPS[event_format]
            steps = [step for step, chance in chances.items() if rng.random() < chance]
            answers["steps"] = steps or rng.choices(list(chances), list(chances.values()))
        answers["useful"] = rng.choices(SCALE, USEFUL[event_format][0 if took else 1])[0]
        if rng.random() < MISSING_SHARE:
            texts = MISSING_OTHER_LANGUAGES if rng.random() < OTHER_LANGUAGE_SHARE else MISSING
            answers["missing"] = rng.choice(texts)
        return answers

    def offset(self, kind: str, region: int, event_format: str) -> float:
        """How far a region lies from the programme's share: fixed per region and format,
        whatever order the rows come in."""
        key = (kind, region, event_format)
        if key not in self.offsets:
            spread = RESPONSE_SPREAD if kind == "rate" else TOOK_STEP_SPREAD[event_format]
            rng = random.Random(f"evaluation:{self.seed}:{kind}:{region}:{event_format}")
            self.offsets[key] = rng.uniform(-spread, spread)
        return self.offsets[key]

    # speakers and family centres

    def invite_professionals(self):
        """The speakers and the head of the family centre (or someone of its staff), the day
        after each event held; about ``PROFESSIONAL_RATE`` answer."""
        prefix = f"{self.prefix}:"
        event_field = ParentEvent.speakers.field.m2m_field_name()
        speakers = {}
        for event, person in (
            ParentEvent.speakers.through.objects.filter(
                **{f"{event_field}__family_centre__external_id__startswith": prefix}
            )
            .order_by(f"{event_field}_id", "person_id")
            .values_list(f"{event_field}_id", "person_id")
        ):
            speakers.setdefault(event, []).append(person)
        contacts = {}
        for centre, person in (
            Person.objects.filter(
                institution__kind=Institution.Kind.FAMILY_CENTRE,
                institution__external_id__startswith=prefix,
                function__in=[
                    Person.Function.FAMILY_CENTRE_HEAD,
                    Person.Function.FAMILY_CENTRE_STAFF,
                ],
            )
            .order_by("institution_id", "function", "pk")  # the head ("…_head") before the staff
            .values_list("institution_id", "pk")
        ):
            contacts.setdefault(centre, person)
        asked = set(
            SurveyInvitation.objects.filter(
                person__isnull=False, family_centre__external_id__startswith=prefix
            ).values_list("event_id", "questionnaire__code")
        )
        events = (
            ParentEvent.objects.filter(
                family_centre__external_id__startswith=prefix, status__in=HELD
            )
            .annotate(last=Max("sessions__starts_at", filter=Q(sessions__is_cancelled=False)))
            .filter(last__isnull=False)
            .order_by("pk")
            .values_list(
                "pk", "format__code", "family_centre_id", "family_centre__region_id", "last"
            )
        )
        for event, event_format, centre, region, last in list(events):
            day = self.local_day(last)
            due_on = day + timedelta(days=1)
            if due_on >= self.today:
                continue
            context = (event, event_format, centre, region, day.replace(day=1).isoformat())
            recipients = [(SPEAKER_FEEDBACK, person) for person in speakers.get(event, [])]
            if centre in contacts:
                recipients.append((CENTRE_FEEDBACK, contacts[centre]))
            for code, person in recipients:
                if (event, code) in asked:
                    continue
                answers = None
                if self.quota.draw(code, PROFESSIONAL_RATE[code]):
                    answers = self.professional_answers(code)
                self.add(code, context, due_on, answers, person=person)

    def professional_answers(self, code: str) -> dict:
        rng = self.random
        answers = {
            question: rng.choices(SCALE, weights)[0]
            for question, weights in PROFESSIONAL_SCALES[code].items()
        }
        if rng.random() < COMMENT_SHARE:
            answers["comments"] = rng.choice(COMMENTS[code])
        return answers

    # writing

    def local_day(self, moment: datetime):
        day = self.local_days.get(moment)
        if day is None:
            day = self.local_days[moment] = timezone.localtime(moment, self.zone).date()
        return day

    def add(self, code, context, due_on, answers, registration=None, person=None):
        """An invitation, sent when it was due (and reminded when that was due too), and the
        response when ``answers`` are given. The token exists only here."""
        sent_at = datetime.combine(due_on, SENT_AT, tzinfo=self.zone) + timedelta(
            minutes=self.random.randrange(120)
        )
        reminded_at = sent_at + timedelta(days=settings.SURVEY_REMINDER_DAYS)
        token = secrets.token_urlsafe(18)
        questionnaire = self.questionnaires[code].pk
        self.invitation_table.add(
            questionnaire,
            registration,
            person,
            *context,
            SurveyInvitation.digest_of(token),
            sent_at,  # created by the due job when it sent it
            due_on.isoformat(),
            sent_at,
            reminded_at if reminded_at <= self.now else None,
            (due_on + timedelta(days=services.LINK_VALID_DAYS)).isoformat(),
        )
        self.invitations[code] += 1
        if answers is not None:
            self.pending.append((questionnaire, context, self.answer_rows(code, answers), token))
            self.responses[code] += 1
        if len(self.invitation_table.rows) >= BATCH:
            self.flush()

    def answer_rows(self, code: str, answers: dict) -> list[tuple]:
        """``(question, choice, number, text)`` of the rows the service writes for these
        answers: checked by ``services.clean_answers``, turned into rows by the service's own
        ``answer_rows``. Computed once per distinct set of answers (a few thousand)."""
        key = (
            code,
            *((name, tuple(v) if isinstance(v, list) else v) for name, v in answers.items()),
        )
        rows = self.rows_of.get(key)
        if rows is None:
            questions = self.questions[code]
            cleaned = services.clean_answers(questions, answers)
            rows = self.rows_of[key] = [
                (row.question_id, row.choice, row.number, row.text)
                for question in questions
                if question.code in cleaned
                for row in services.answer_rows(None, question, cleaned[question.code])
            ]
        return rows

    def flush(self):
        """Write a batch. The responses are shuffled first, so that not even the order of
        their ids follows the invitations."""
        self.random.shuffle(self.pending)
        ids = self.response_table.reserve(len(self.pending))
        for response, (questionnaire, context, rows, token) in zip(ids, self.pending, strict=True):
            self.response_table.add(questionnaire, *context, row_id=response)
            for row in rows:
                self.answer_table.add(response, *row)
            self.spent_table.add(SpentToken.digest_of(token))
            self.answers += len(rows)
        self.pending = []
        for table in self.tables:
            table.flush()

    def finish(self):
        self.flush()
        if connection.vendor == "postgresql":
            models = [SurveyInvitation, SurveyResponse, Answer]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)

    def line(self, seconds: float) -> str:
        def split(counts):
            return (
                f"{counts[PARENT_FOLLOW_UP]} parents, {counts[SPEAKER_FEEDBACK]} speakers, "
                f"{counts[CENTRE_FEEDBACK]} family centres"
            )

        return (
            f"Evaluation: {self.invitations.total()} invitations ({split(self.invitations)}), "
            f"{self.responses.total()} responses ({split(self.responses)}) with {self.answers} "
            f"answers; in {seconds:.1f} s."
        )
