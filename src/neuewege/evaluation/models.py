"""Questionnaires (versioned, with conditional questions and translations), the invitations that
carry a personal link, and the anonymous responses.

Anonymity by construction:

- ``SurveyResponse`` and ``Answer`` hold no column that refers to a person, an account, a
  registration, an invitation or a token, and no time finer than the month of the event.
- The invitation never records its use. A used link is remembered as ``SpentToken``: a second,
  independent hash of the token, with no reference and no order (it is its own primary key).
  Without the token nobody can tell which invitation was answered, so the pending invitations
  of an event do not reveal the responders by elimination either.
"""

import hashlib

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import EventFormat, Institution, Person, Region

SCALE = range(1, 6)
YES, NO = "yes", "no"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]


class Audience(models.TextChoices):
    PARENTS = "parents", _("Parents")
    SPEAKERS = "speakers", _("Speakers")
    FAMILY_CENTRES = "family_centres", _("Family centres")
    TRAINING_PARTICIPANTS = "training_participants", _("Training participants")


class QuestionnaireQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def current(self, code: str):
        """The latest published version of a questionnaire, or None."""
        return self.published().filter(code=code).order_by("-version").first()


class Questionnaire(models.Model):
    """One version of a questionnaire. A published version is never changed (its responses
    refer to it); a change makes the next version with the same ``code``."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    audience = models.CharField(_("asked"), max_length=24, choices=Audience.choices)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_questionnaire_version")
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def is_published(self):
        return self.published_at is not None


class Question(models.Model):
    """A question, identified by a ``code`` that stays the same across versions (``took_step``),
    so that answers to several versions can be counted together. A question with a condition
    is shown only when the answer to an earlier choice question includes ``condition_choice``."""

    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        YES_NO = "yes_no", _("Yes or no")
        SCALE = "scale_1_5", _("Scale from 1 to 5")
        NUMBER = "number", _("Number")
        FREE_TEXT = "free_text", _("Free text")

    CHOICE_KINDS = {Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.YES_NO}

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    min_value = models.IntegerField(_("smallest number"), null=True, blank=True)
    max_value = models.IntegerField(_("largest number"), null=True, blank=True)
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.RESTRICT,  # deleted only together with its questionnaire
        null=True,
        blank=True,
        related_name="dependent_questions",
        verbose_name=_("shown only after the question"),
    )
    condition_choice = models.CharField(_("was answered with"), max_length=40, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="one_question_per_code"),
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="one_question_per_position"
            ),
            models.CheckConstraint(
                condition=Q(condition_question__isnull=True, condition_choice="")
                | (Q(condition_question__isnull=False) & ~Q(condition_choice="")),
                name="question_condition_complete",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.text}"

    def options(self):
        """``(code, label)`` of the answers a choice question allows, in order."""
        if self.kind == self.Kind.YES_NO:
            return YES_NO
        if self.kind in self.CHOICE_KINDS:
            return [(choice.code, choice.label) for choice in self.choices.all()]
        return []


class Choice(models.Model):
    """An answer option of a single or multiple choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="one_choice_per_code")
        ]

    def __str__(self):
        return self.label


class SurveyContext(models.Model):
    """What a response may be related to: the event, its format, family centre and region, and
    the month. Copied from the invitation to the response, and kept as plain values besides the
    links so the evaluation stays whole when an event or a centre is deleted."""

    event = models.ForeignKey(
        "events.ParentEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("event"),
    )
    format = models.CharField(
        _("format"), max_length=20, choices=EventFormat.choices, blank=True, default=""
    )
    family_centre = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family centre"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    month = models.DateField(_("month"))  # the first day of the month of the (last) session

    class Meta:
        abstract = True


class SurveyInvitation(SurveyContext):
    """The personal link of one person to one questionnaire. Only a SHA-256 hash of the token is
    stored; the token itself exists only when the invitation is created. The recipient's
    registration (parents), person (speakers, centre staff) or training registration (training
    participants) is kept for sending; it tells who was invited, never who answered: answering
    leaves no mark on the invitation. Invitations
    of the due job keep a random ``seed`` the token is derived from until the reminder is sent
    (``invitations.py`` explains the trade-off)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="invitations"
    )
    registration = models.OneToOneField(
        "events.Registration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitation",
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # a participant of a training, asked after their session (trainings/feedback.py)
    training_registration = models.OneToOneField(
        "trainings.TrainingRegistration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitation",
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("to be sent on"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    expires_on = models.DateField(_("answers accepted until"))
    # The random seed the link is derived from (``invitations.py``), kept only while the
    # invitation may still be sent or reminded; cleared after the reminder, after the text was
    # passed on by phone, or when the link expires.
    seed = models.CharField(max_length=64, blank=True, default="")
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            models.Index(fields=["due_on", "sent_at"]),
            models.Index(fields=["questionnaire", "month"]),  # the results count by month
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration__isnull=True, person__isnull=True)
                | Q(registration__isnull=True, training_registration__isnull=True)
                | Q(person__isnull=True, training_registration__isnull=True),
                name="invitation_to_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("due_on")),
                name="invitation_expires_after_it_is_due",
            ),
        ]

    def __str__(self):
        return f"{self.questionnaire} → {self.month:%Y-%m}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class SpentToken(models.Model):
    """A link that has been answered, as a hash independent of the invitation's: with the
    token it is found, without it nothing ties it to an invitation. No other column, no
    sequence: its own hash is the key."""

    digest = models.CharField(max_length=64, primary_key=True)

    def __str__(self):
        return f"{self.digest[:8]}…"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(f"spent:{token}".encode()).hexdigest()


class SurveyResponse(SurveyContext):
    """One anonymous response: the questionnaire version answered and the context, nothing
    else (no time of submission, no language, no link to the invitation)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            models.Index(fields=["questionnaire", "region", "month"]),
            models.Index(fields=["questionnaire", "month"]),  # the results of all regions
            models.Index(fields=["family_centre", "month"]),
        ]

    def __str__(self):
        return f"{self.questionnaire} {self.month:%Y-%m}"


class Answer(models.Model):
    """One value of a response, in the column that fits its kind, so counting happens in the
    database: ``choice`` for yes/no and single choice, one row per ticked option of a multiple
    choice question, ``number`` for scales and numbers, ``text`` for free text."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(max_length=40, blank=True, default="")
    number = models.IntegerField(null=True, blank=True)
    text = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "choice"])]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"], name="one_answer_per_option"
            ),
            models.CheckConstraint(
                condition=(~Q(choice="") & Q(number__isnull=True) & Q(text=""))
                | (Q(choice="") & Q(number__isnull=False) & Q(text=""))
                | (Q(choice="") & Q(number__isnull=True) & ~Q(text="")),
                name="answer_holds_one_value",
            ),
        ]

    def __str__(self):
        return f"{self.question.code}: {self.value}"

    @property
    def value(self):
        return self.choice or (self.number if self.number is not None else self.text)


# Kept counts (``aggregates.py``): the figures of the results added up per month, so that a
# page reads a few thousand kept rows instead of counting every registration and answer.


class EventCount(models.Model):
    """One event in one month: its dates held there (of a live event, not cancelled) with the
    counselling appointments agreed at them, and its confirmed registrations counted there (a
    date's: in the month of the date; a course's: in the month of its first date) with those
    of them marked present; with the event's family centre, region and format. Recounted when
    the event is marked stale (``StaleEvent``)."""

    event = models.ForeignKey("events.ParentEvent", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    family_centre = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=20)
    sessions = models.PositiveIntegerField(default=0)
    counselling = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "region"]), models.Index(fields=["event"])]

    def __str__(self):
        return f"{self.event_id} {self.month:%Y-%m}: {self.registered}"


class DayCount(models.Model):
    """One event on one day (Berlin time), as ``EventCount`` per month: its dates held that
    day and its confirmed registrations counted there (a date's: on the day of the date; a
    course's: on the day of its first date) with those marked present. What the figures of the
    last twelve months read (``aggregates.window_counts``), whose window begins and ends
    within a month. Recounted with the event's ``EventCount`` rows (``StaleEvent``)."""

    event = models.ForeignKey("events.ParentEvent", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    family_centre = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=20)
    sessions = models.PositiveIntegerField(default=0)
    registered = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["region", "day"]),
            models.Index(fields=["day"]),
            models.Index(fields=["event"]),
        ]

    def __str__(self):
        return f"{self.event_id} {self.day:%Y-%m-%d}: {self.registered}"


class SurveyCount(models.Model):
    """The invitations sent and the responses of one questionnaire version per month, region,
    family centre and format (the response's context); recounted per month (``StaleMonth``)."""

    month = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    # as the responses' own: SET_NULL when the centre is deleted, so that both stay alike
    family_centre = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=20, blank=True, default="")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    invitations = models.PositiveIntegerField()
    responses = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "region"])]

    def __str__(self):
        return f"{self.questionnaire_id} {self.month:%Y-%m}: {self.responses}"


class AnswerCount(models.Model):
    """The answers to the counted questions of the parents' follow-up (``COUNTED_QUESTIONS``)
    and to the scale questions of the professionals' feedback, per month, region, family
    centre, format, question and choice: how many, how many were 4 or 5 and their sum;
    recounted per month (``StaleMonth``)."""

    month = models.DateField()
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    family_centre = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=20, blank=True, default="")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=40, blank=True, default="")
    answers = models.PositiveIntegerField()
    helpful = models.PositiveIntegerField()  # answered 4 or 5
    total = models.IntegerField(default=0)  # the sum of the numbers answered

    class Meta:
        indexes = [
            models.Index(fields=["month", "region"]),
            # the results of the whole state read every row of a year: from this index alone
            # on PostgreSQL (an index-only scan, measured 26 → 11 ms on the state dataset)
            models.Index(
                fields=["month", "question"],
                include=[
                    "choice",
                    "region",
                    "family_centre",
                    "format",
                    "answers",
                    "helpful",
                    "total",
                ],
                name="answercount_month_question",
            ),
        ]

    def __str__(self):
        return f"{self.question_id} {self.choice} {self.month:%Y-%m}: {self.answers}"


class StaleEvent(models.Model):
    """An event whose registrations, dates or status changed since its ``EventCount`` and
    ``DayCount`` rows were counted: until the due job recounts it, the results count it from
    its rows. Appended on every change (no unique key, so that writers never wait for each
    other); a plain number, so that it outlives the event."""

    event_id = models.PositiveBigIntegerField(db_index=True)

    def __str__(self):
        return str(self.event_id)


class StaleMonth(models.Model):
    """A month whose invitations or responses changed since its ``SurveyCount`` and
    ``AnswerCount`` rows were counted (as ``StaleEvent``)."""

    month = models.DateField(db_index=True)

    def __str__(self):
        return f"{self.month:%Y-%m}"
