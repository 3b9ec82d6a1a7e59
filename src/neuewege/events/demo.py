"""Deterministic events, sessions and registrations for the demo regions and the state-scale
dataset (``neuewege demo --scale demo|state``).

Seed data, written straight into the tables (COPY on PostgreSQL, ``executemany`` elsewhere)
rather than through the services, so that ten years of a state's events load in seconds. The
rules the services keep hold here as well:

- confirmed registrations never exceed the places of a unit (a date, or a whole course), and
  nobody waits while a place is free: bookings, cancellations and move-ups are replayed in
  the order they happened;
- no speaker (and no family centre) has two sessions at the same time; speakers are people of
  the region's job centre or employment agency and are marked as qualified for what they
  moderate;
- sessions lie on weekdays between 9:00 and 16:00 (Fridays until 14:00, when the centres
  close); events that were held lie in the past, published ones in the future;
- every registration carries the consent (version 1, booking) with its time; parents' details
  of events that ended longer ago than the retention period are deleted, as the due job
  would have done.

The same seed on the same day gives the same records. A second run adds nothing.
"""

import json
import random
import time as clock
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from neuewege.core.models import Institution, Person

from .models import (
    ConsentText,
    EventSession,
    Format,
    FormatModule,
    Notification,
    ParentEvent,
    Registration,
)

CAFE, INFO, COURSE = "parent_cafe", "info_session", "parent_course"
SPEAKER_FUNCTIONS = [
    Person.Function.BCA,
    Person.Function.PLACEMENT_OFFICER,
    Person.Function.CASE_MANAGER,
]
SPEAKER_KINDS = [Institution.Kind.JOB_CENTRE, Institution.Kind.EMPLOYMENT_AGENCY]
SPEAKER_GAP = 30  # minutes between two sessions of one speaker (travel)

# Local times (minutes after midnight): within 9:00-16:00, afternoons Monday to Thursday only.
TIMES = {
    CAFE: [(540, 630), (570, 660), (600, 690), (660, 750), (840, 930)],
    INFO: [(570, 660), (600, 660), (600, 690), (780, 840), (870, 960)],
    COURSE: [(540, 660), (570, 690), (840, 960)],
}
FRIDAY_CLOSES = 14 * 60

TITLES = {
    CAFE: [
        (
            ["labour_market", "return_to_work", "childcare"],
            {
                "de": "Elterncafé: Zurück in den Beruf",
                "en": "Parents' café: back to work",
                "tr": "Ebeveyn kafesi: İşe geri dönüş",
                "ar": "مقهى الآباء والأمهات: العودة إلى العمل",
                "uk": "Батьківське кафе: повернення до роботи",
                "ru": "Родительское кафе: возвращение на работу",
                "pl": "Kawiarenka dla rodziców: powrót do pracy",
            },
        ),
        (
            ["labour_market", "childcare"],
            {
                "de": "Elterncafé: Arbeit und Familie",
                "en": "Parents' café: work and family",
                "tr": "Ebeveyn kafesi: İş ve aile",
                "ar": "مقهى الآباء والأمهات: العمل والأسرة",
                "uk": "Батьківське кафе: робота і сім'я",
                "ru": "Родительское кафе: работа и семья",
                "pl": "Kawiarenka dla rodziców: praca i rodzina",
            },
        ),
        (
            ["return_to_work", "benefits"],
            {
                "de": "Frühstückscafé für Mütter und Väter",
                "en": "Breakfast café for mothers and fathers",
                "tr": "Anneler ve babalar için kahvaltı kafesi",
                "ar": "مقهى الفطور للأمهات والآباء",
                "uk": "Кафе-сніданок для мам і тат",
                "ru": "Кафе-завтрак для мам и пап",
                "pl": "Kawiarenka śniadaniowa dla mam i tatów",
            },
        ),
    ],
    INFO: [
        (
            ["return_to_work", "labour_market"],
            {
                "de": "Wiedereinstieg in den Beruf",
                "en": "Returning to work",
                "tr": "İşe yeniden başlama",
                "ar": "العودة إلى الحياة المهنية",
                "uk": "Повернення до професії",
                "ru": "Возвращение в профессию",
                "pl": "Powrót do pracy zawodowej",
            },
        ),
        (
            ["part_time_training", "career_orientation"],
            {
                "de": "Ausbildung in Teilzeit: Wie geht das?",
                "en": "Part-time vocational training: how does it work?",
                "tr": "Yarı zamanlı meslek eğitimi: Nasıl olur?",
                "ar": "التدريب المهني بدوام جزئي: كيف يتم ذلك؟",
                "uk": "Професійне навчання неповний день: як це працює?",
                "ru": "Профессиональное обучение на неполный день: как это устроено?",
                "pl": "Nauka zawodu w niepełnym wymiarze: jak to działa?",
            },
        ),
        (
            ["labour_market", "benefits"],
            {
                "de": "Minijob, Teilzeit, Vollzeit: Was passt zu mir?",
                "en": "Mini-job, part-time, full-time: what suits me?",
                "tr": "Mini iş, yarı zamanlı, tam zamanlı: Bana hangisi uygun?",
                "ar": "عمل صغير، دوام جزئي، دوام كامل: ما الذي يناسبني؟",
                "uk": "Мініджоб, неповний чи повний день: що мені підходить?",
                "ru": "Миниджоб, неполный или полный день: что мне подходит?",
                "pl": "Minijob, część etatu, pełny etat: co do mnie pasuje?",
            },
        ),
        (
            ["applications", "childcare"],
            {
                "de": "Bewerben mit Kindern",
                "en": "Applying for jobs with children",
                "tr": "Çocuklarla iş başvurusu",
                "ar": "التقدّم للوظائف مع وجود أطفال",
                "uk": "Як шукати роботу, маючи дітей",
                "ru": "Как искать работу, имея детей",
                "pl": "Szukanie pracy z dziećmi",
            },
        ),
        (
            ["childcare", "benefits"],
            {
                "de": "Kinderbetreuung und Arbeit: Was ist möglich?",
                "en": "Childcare and work: what is possible?",
                "tr": "Çocuk bakımı ve iş: Neler mümkün?",
                "ar": "رعاية الأطفال والعمل: ما الممكن؟",
                "uk": "Догляд за дітьми і робота: що можливо?",
                "ru": "Присмотр за детьми и работа: что возможно?",
                "pl": "Opieka nad dziećmi i praca: co jest możliwe?",
            },
        ),
    ],
    COURSE: [
        (
            ["return_to_work", "career_orientation", "childcare"],
            {
                "de": "Elternkurs „Neue Wege“: Mein Weg in Arbeit",
                "en": "Parents' course “Neue Wege”: my way into work",
                "tr": "“Neue Wege” ebeveyn kursu: İşe giden yolum",
                "ar": "دورة „Neue Wege“ للآباء والأمهات: طريقي إلى العمل",
                "uk": "Курс для батьків «Neue Wege»: мій шлях до роботи",
                "ru": "Курс для родителей «Neue Wege»: мой путь к работе",
                "pl": "Kurs dla rodziców „Neue Wege”: moja droga do pracy",
            },
        ),
    ],
}
DESCRIPTIONS = {
    CAFE: {
        "de": "Bei Kaffee und Tee sprechen wir über Arbeit und Familie. Eine Fachkraft vom "
        "Jobcenter oder von der Agentur für Arbeit ist dabei und beantwortet Ihre Fragen. Sie "
        "können einfach vorbeikommen und zuhören. Ihre Kinder werden in der Zeit betreut.",
        "en": "Over coffee and tea we talk about work and family. Someone from the job centre "
        "or the employment agency is there and answers your questions. You can simply come "
        "and listen. Your children are looked after meanwhile.",
        "tr": "Çay ve kahve eşliğinde iş ve aile hakkında konuşuyoruz. Jobcenter'dan veya İş "
        "Ajansı'ndan bir uzman da orada ve sorularınızı yanıtlıyor. Sadece gelip "
        "dinleyebilirsiniz. Bu sırada çocuklarınıza bakılır.",
        "ar": "نتحدث عن العمل والأسرة مع القهوة والشاي. يحضر معنا مختص من مركز العمل "
        "(Jobcenter) أو وكالة العمل ويجيب عن أسئلتكم. يمكنكم أن تأتوا وتستمعوا فقط. يتم "
        "الاعتناء بأطفالكم خلال ذلك.",
        "uk": "За кавою та чаєм ми говоримо про роботу і сім'ю. Фахівець із Jobcenter або "
        "Агентства з питань праці відповідає на ваші запитання. Можна просто прийти й "
        "послухати. Тим часом за вашими дітьми доглядають.",
        "ru": "За кофе и чаем мы говорим о работе и семье. Специалист из Jobcenter или "
        "Агентства по труду отвечает на ваши вопросы. Можно просто прийти и послушать. В это "
        "время за детьми присматривают.",
        "pl": "Przy kawie i herbacie rozmawiamy o pracy i rodzinie. Osoba z Jobcenter lub "
        "Agencji Pracy odpowiada na pytania. Możesz po prostu przyjść i posłuchać. W tym "
        "czasie dzieci są pod opieką.",
    },
    INFO: {
        "de": "Sie bekommen Informationen zum Thema und können Ihre Fragen stellen. Sie lernen "
        "Ansprechpersonen kennen und nehmen Infomaterial mit. Ihre Kinder werden in der Zeit "
        "betreut.",
        "en": "You get information on the topic and can ask your questions. You meet contacts "
        "and take information material home. Your children are looked after meanwhile.",
        "tr": "Konu hakkında bilgi alır ve sorularınızı sorabilirsiniz. Yetkililerle tanışır ve "
        "bilgi materyali alırsınız. Bu sırada çocuklarınıza bakılır.",
        "ar": "تحصلون على معلومات حول الموضوع ويمكنكم طرح أسئلتكم. تتعرفون على أشخاص يمكنهم "
        "مساعدتكم وتأخذون مواد إعلامية. يتم الاعتناء بأطفالكم خلال ذلك.",
        "uk": "Ви отримаєте інформацію на тему й зможете поставити запитання. Познайомитеся з "
        "контактними особами й візьмете інформаційні матеріали. Тим часом за вашими дітьми "
        "доглядають.",
        "ru": "Вы получите информацию по теме и сможете задать вопросы. Познакомитесь с "
        "контактными лицами и возьмёте информационные материалы. В это время за детьми "
        "присматривают.",
        "pl": "Otrzymasz informacje na ten temat i możesz zadawać pytania. Poznasz osoby "
        "kontaktowe i weźmiesz materiały informacyjne. W tym czasie dzieci są pod opieką.",
    },
    COURSE: {
        "de": "Fünf Treffen in einer kleinen Gruppe: Sie denken über Ihre Wünsche und Stärken "
        "nach und planen Ihre nächsten Schritte in Arbeit oder Ausbildung. Sie melden sich für "
        "alle fünf Termine an. Ihre Kinder werden in der Zeit betreut.",
        "en": "Five meetings in a small group: you think about your wishes and strengths and "
        "plan your next steps into work or training. You book all five dates together. Your "
        "children are looked after meanwhile.",
        "tr": "Küçük bir grupta beş buluşma: İsteklerinizi ve güçlü yönlerinizi düşünür, işe "
        "veya meslek eğitimine doğru sonraki adımlarınızı planlarsınız. Beş buluşmanın hepsine "
        "birlikte kaydolursunuz. Bu sırada çocuklarınıza bakılır.",
        "ar": "خمسة لقاءات في مجموعة صغيرة: تفكرون في رغباتكم ونقاط قوتكم وتخططون لخطواتكم "
        "التالية نحو العمل أو التدريب المهني. تسجلون لجميع المواعيد الخمسة معاً. يتم الاعتناء "
        "بأطفالكم خلال ذلك.",
        "uk": "П'ять зустрічей у невеликій групі: ви обміркуєте свої бажання та сильні сторони "
        "й сплануєте наступні кроки до роботи чи навчання. Ви записуєтеся одразу на всі п'ять "
        "зустрічей. Тим часом за вашими дітьми доглядають.",
        "ru": "Пять встреч в небольшой группе: вы подумаете о своих желаниях и сильных сторонах "
        "и спланируете следующие шаги к работе или обучению. Вы записываетесь сразу на все "
        "пять встреч. В это время за детьми присматривают.",
        "pl": "Pięć spotkań w małej grupie: zastanowisz się nad swoimi życzeniami i mocnymi "
        "stronami i zaplanujesz kolejne kroki do pracy lub nauki zawodu. Zapisujesz się na "
        "wszystkie pięć spotkań razem. W tym czasie dzieci są pod opieką.",
    },
}
TARGET_GROUPS = {
    CAFE: [["all_parents"], ["single_parents", "hidden_reserve"], ["all_parents", "sgb_ii"]],
    INFO: [["sgb_ii", "sgb_iii"], ["all_parents"], ["young_mothers", "single_parents"]],
    COURSE: [["all_parents"], ["young_mothers", "hidden_reserve"], ["sgb_ii", "single_parents"]],
}
CANCELLATION_REASONS = [
    "Die Referentin ist erkrankt. Wir laden bald zu einem neuen Termin ein.",
    "Zu wenige Anmeldungen.",
    "Das Familienzentrum ist an diesem Tag geschlossen.",
]

# The parents: mostly mothers, from the programme's target groups.
ORIGIN_WEIGHTS = {"de": 45, "tr": 15, "ar": 12, "uk": 8, "pl": 7, "ru": 6, "other": 7}
ORIGIN_POOL = [origin for origin, weight in ORIGIN_WEIGHTS.items() for _ in range(weight)]
FIRST_NAMES = {
    "de": "Anna Lena Sarah Julia Laura Lisa Katharina Jessica Jennifer Nadine Sabrina Stefanie "
    "Melanie Christina Vanessa Janina Michelle Marie Sandra Nicole Daniel Tobias Marcel Dennis",
    "tr": "Ayşe Fatma Elif Zeynep Emine Hatice Merve Büşra Esra Özlem Derya Gülsüm Sibel Tuğba "
    "Mehmet Mustafa Emre",
    "ar": "Fatima Mariam Amira Nour Rania Huda Samira Layla Yasmin Aisha Rasha Dalia Hanan "
    "Mohammed Ahmad Omar",
    "uk": "Olena Oksana Iryna Nataliia Tetiana Yuliia Kateryna Anastasiia Viktoriia Svitlana "
    "Oleksandr Andrii",
    "pl": "Agnieszka Katarzyna Magdalena Joanna Małgorzata Ewa Monika Karolina Justyna Piotr "
    "Tomasz",
    "ru": "Natalja Jelena Olga Swetlana Tatjana Irina Marina Ljudmila Anastasia Sergej Dmitri",
    "other": "Rojda Berfin Zilan Zahra Maryam Parisa Ioana Elena Desislava Mariya Arta Blerta",
}
FIRST_NAMES = {origin: names.split() for origin, names in FIRST_NAMES.items()}
# (language of the booking, probability), otherwise German
BOOKING_LANGUAGE = {
    "tr": ("tr", 0.4),
    "ar": ("ar", 0.6),
    "uk": ("uk", 0.6),
    "pl": ("pl", 0.4),
    "ru": ("ru", 0.5),
    "other": ("en", 0.3),
}
LANGUAGE_NEEDS = {
    "de": (0.02, ["Ich höre schlecht, bitte vorne sitzen", "Bitte in einfacher Sprache"]),
    "tr": (0.2, ["Türkisch", "Dolmetscherin für Türkisch wäre gut", "Ich spreche wenig Deutsch"]),
    "ar": (0.45, ["Arabisch", "Bitte mit Übersetzung ins Arabische", "Ich verstehe wenig Deutsch"]),
    "uk": (0.4, ["Ukrainisch", "Ukrainisch oder Russisch", "Ich lerne noch Deutsch (B1)"]),
    "ru": (0.25, ["Russisch", "Bitte langsam sprechen"]),
    "pl": (0.2, ["Polnisch", "Polnisch oder Englisch"]),
    "other": (0.4, ["Kurdisch (Kurmancî)", "Farsi", "Rumänisch", "Bulgarisch", "Englisch"]),
}
EVENT_LANGUAGES = ["tr", "ar", "uk", "ru", "pl"]
MAIL_DOMAINS = ["example.org", "example.org", "mail.invalid", "post.invalid"]
# Telephone numbers from the blocks set aside for fictional use (films, examples).
PHONE_BLOCKS = ["030 23125", "069 90009", "040 66969", "0221 4710", "089 99998"]
ASCII = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue"})


def ascii_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.translate(ASCII))
    return "".join(c for c in text if c.isascii() and c.isalpha()).lower()


# Writing rows


def json_text(value, cache={}):  # noqa: B006 - a cache of the few lists that occur
    key = tuple(value) if isinstance(value, list) else None
    if key is None:
        return json.dumps(value)
    text = cache.get(key)
    if text is None:
        text = cache[key] = json.dumps(value)
    return text


def utc_text(value: datetime) -> str:
    """A datetime as Django stores it on SQLite: UTC, without the offset."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ")[:-6]


class Table:
    """Rows of one table, written in batches: COPY on PostgreSQL, ``executemany`` elsewhere.
    Ids are handed out here, so rows can point at each other before they are written. Fields
    not named get their default (a field added to the model later included)."""

    def __init__(self, model, names: list[str], *, with_ids: bool = True):
        meta = model._meta
        self.model, self.table, self.with_ids = model, meta.db_table, with_ids
        fields = [meta.get_field(name) for name in names]
        self.defaults = []
        for other in meta.concrete_fields:
            if other in fields or other.primary_key:
                continue
            if other.has_default():
                fields.append(other)
                self.defaults.append(other.get_default())
            elif not other.null:
                raise RuntimeError(f"{meta.label}.{other.name} needs a value in events/demo.py")
        if with_ids:
            fields.insert(0, meta.pk)
            self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.columns = [f.column for f in fields]
        self.convert = [self._converter(f) for f in fields]
        self.rows = []

    @staticmethod
    def _converter(model_field):
        kind = model_field.get_internal_type()
        if kind == "JSONField":
            return json_text
        if kind == "DateTimeField" and connection.vendor != "postgresql":
            return utc_text
        return None

    def reserve(self, count: int) -> list[int]:
        ids = list(range(self.next_id, self.next_id + count))
        self.next_id += count
        return ids

    def add(self, *values, row_id: int | None = None) -> int | None:
        values = (*values, *self.defaults)
        if self.with_ids:
            if row_id is None:
                row_id = self.reserve(1)[0]
            values = (row_id, *values)
        self.rows.append(values)
        return row_id

    def flush(self):
        if not self.rows:
            return
        converters = list(enumerate(self.convert))
        converters = [(i, c) for i, c in converters if c is not None]
        rows = self.rows
        if converters:
            rows = []
            for values in self.rows:
                values = list(values)
                for index, convert in converters:
                    if values[index] is not None:
                        values[index] = convert(values[index])
                rows.append(values)
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.table)} ({columns}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
        self.rows = []


# Time


class Diary:
    """When a speaker or a family centre is busy: no two sessions overlap (with a gap)."""

    def __init__(self, gap: int = 0):
        self.gap, self.busy = gap, defaultdict(list)

    def free(self, key, slots) -> bool:
        gap = self.gap
        for day, start, end in slots:
            for busy_start, busy_end in self.busy.get((key, day), ()):
                if start < busy_end + gap and busy_start < end + gap:
                    return False
        return True

    def book(self, key, slots):
        for day, start, end in slots:
            self.busy[(key, day)].append((start, end))


def weekly(first: date, start: int, end: int, count: int, weeks: int = 1):
    return [(first + timedelta(weeks=weeks * n), start, end) for n in range(count)]


def fits_day(day: date, start: int, end: int) -> bool:
    return day.weekday() < 4 or (day.weekday() == 4 and end <= FRIDAY_CLOSES)


@dataclass
class Counts:
    events: int = 0
    sessions: int = 0
    upcoming_sessions: int = 0
    registrations: int = 0
    by_status: dict = field(default_factory=lambda: defaultdict(int))
    attendances: int = 0
    speakers_marked: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(self.by_status.items()))
        return (
            f"Generated {self.events} events with {self.sessions} sessions "
            f"({self.upcoming_sessions} upcoming) and {self.registrations} registrations "
            f"({statuses}), {self.attendances} attendances; {self.speakers_marked} speakers "
            f"marked as qualified; in {self.seconds:.1f} s."
        )


# The generator


class EventGenerator:
    """Builds events with their sessions, speakers, registrations and attendance."""

    def __init__(self, prefix: str, seed: int, now: datetime | None = None):
        self.prefix, self.random = prefix, random.Random(f"events:{prefix}:{seed}")
        self.now = now or timezone.now()
        self.zone = timezone.get_default_timezone()
        self.today = timezone.localtime(self.now, self.zone).date()
        self.retention = timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
        self.formats = {f.code: f for f in Format.objects.all()}
        self.modules = list(
            FormatModule.objects.filter(format=self.formats[COURSE]).values_list("pk", flat=True)
        )
        self.consent = ConsentText.objects.filter(purpose=ConsentText.Purpose.BOOKING).get(
            version=1
        )
        self.survey_consent = ConsentText.objects.filter(
            purpose=ConsentText.Purpose.SURVEY, version=1
        ).first()
        self.centres = defaultdict(list)  # region id → family centre ids
        for pk, region_id in (
            Institution.objects.family_centres()
            .filter(external_id__startswith=f"{prefix}:")
            .order_by("pk")
            .values_list("pk", "region_id")
        ):
            self.centres[region_id].append(pk)
        self.speaker_diary, self.centre_diary = Diary(SPEAKER_GAP), Diary()
        self.counts = Counts()
        self.qualify = defaultdict(set)  # person id → formats to add to moderated_formats
        self.contact_number = 0
        self.localised = {}
        self._tables()

    def already_generated(self) -> bool:
        return ParentEvent.objects.filter(
            family_centre__external_id__startswith=f"{self.prefix}:", created_by__isnull=True
        ).exists()

    def _tables(self):
        languages = [code for code, _name in settings.LANGUAGES]
        translated = [f"{name}_{code}" for name in ("title", "description") for code in languages]
        self.events = Table(
            ParentEvent,
            [
                "family_centre",
                "format",
                "shape",
                "title",
                "description",
                *translated,
                "topics",
                "target_groups",
                "languages",
                "capacity",
                "childcare_offered",
                "recurrence",
                "status",
                "cancellation_reason",
                "created_at",
                "updated_at",
            ],
        )
        self.languages = languages
        self.sessions = Table(
            EventSession,
            [
                "event",
                "module",
                "starts_at",
                "ends_at",
                "is_cancelled",
                "attendance_recorded_at",
                "counselling_appointments",
            ],
        )
        self.registrations = Table(
            Registration,
            [
                "event",
                "session",
                "status",
                "source",
                "first_name",
                "email",
                "phone",
                "child_ages",
                "language_needs",
                "language",
                "consent",
                "consented_at",
                "survey_consent",
                "survey_consented_at",
                "created_at",
                "confirmed_at",
                "cancelled_at",
                "anonymised_at",
            ],
        )
        speakers = ParentEvent.speakers.through
        self.event_speakers = Table(
            speakers, [ParentEvent.speakers.field.m2m_field_name(), "person"], with_ids=False
        )
        attended = Registration.attended_sessions.through
        self.attendance = Table(
            attended,
            [
                Registration.attended_sessions.field.m2m_field_name(),
                Registration.attended_sessions.field.m2m_reverse_field_name(),
            ],
            with_ids=False,
        )
        self.notifications = Table(
            Notification, ["registration", "kind", "session", "created_at", "sent_at"]
        )
        self.tables = [
            self.events,
            self.sessions,
            self.registrations,
            self.event_speakers,
            self.attendance,
            self.notifications,
        ]

    # speakers

    def load_speakers(self):
        """The region's candidates: BCAs, placement officers and case managers of its job
        centre and employment agency (a few are created where the master data lacks them)."""
        people = (
            Person.objects.filter(
                institution__kind__in=SPEAKER_KINDS,
                institution__external_id__startswith=f"{self.prefix}:",
                function__in=SPEAKER_FUNCTIONS,
            )
            .select_related("institution")
            .order_by("pk")
        )
        self.speakers = defaultdict(list)
        self.people = {}
        for person in people:
            self.speakers[person.institution.region_id].append(person)
            self.people[person.pk] = person
        missing = [region for region in self.centres if len(self.speakers[region]) < 3]
        if missing:
            self._create_speakers(missing)

    def _create_speakers(self, regions):
        offices = {}
        for office in Institution.objects.filter(
            region_id__in=regions,
            kind__in=SPEAKER_KINDS,
            external_id__startswith=f"{self.prefix}:",
        ).order_by("kind", "pk"):
            offices.setdefault(office.region_id, office)
        names = [("Sabine", "Terhorst"), ("Anja", "Brüggemann"), ("Murat", "Kaya")]
        created = []
        for region in regions:
            office = offices.get(region)
            if office is None:
                continue
            for (first, last), function in zip(names, SPEAKER_FUNCTIONS, strict=True):
                created.append(
                    Person(
                        institution=office,
                        first_name=first,
                        last_name=last,
                        function=function,
                        email=f"{ascii_name(first)}.{ascii_name(last)}.{office.pk}"
                        f"@{self.prefix}.neuewege.example",
                        moderated_formats=[CAFE, INFO, COURSE],
                    )
                )
        for person in Person.objects.bulk_create(created):
            person.institution = next(o for o in offices.values() if o.pk == person.institution_id)
            self.speakers[person.institution.region_id].append(person)
            self.people[person.pk] = person

    def candidates(self, region, code):
        """Speakers for a format: the qualified ones first (BCAs before the others)."""
        people = list(self.speakers[region])
        self.random.shuffle(people)
        return sorted(
            people,
            key=lambda p: (
                code not in (p.moderated_formats or []) and code not in self.qualify[p.pk],
                p.function != Person.Function.BCA,
            ),
        )

    def schedule(self, region, centre, code, options, speakers_needed=1):
        """The first option (a list of dates) for which the centre and a speaker are free
        (for a course a second one, from the other institution where possible); returns
        (dates, speaker ids). Without any free speaker the event has none."""
        people = self.candidates(region, code)
        free = self.speaker_diary.free
        for slots in options:
            if not self.centre_diary.free(centre, slots):
                continue
            first = next((p for p in people if free(p.pk, slots)), None)
            if first is None:
                continue
            chosen = [first]
            if speakers_needed > 1:
                others = [p for p in people if p is not first and free(p.pk, slots)]
                others.sort(key=lambda p: p.institution.kind == first.institution.kind)
                chosen += others[: speakers_needed - 1]
            self.centre_diary.book(centre, slots)
            for person in chosen:
                self.speaker_diary.book(person.pk, slots)
                if code not in (person.moderated_formats or []):
                    self.qualify[person.pk].add(code)
            return slots, [p.pk for p in chosen]
        for slots in options:
            if self.centre_diary.free(centre, slots):
                self.centre_diary.book(centre, slots)
                return slots, []
        return None, []

    def options(self, code, first_days, count=1, weeks=1):
        """Candidate date lists: each first day (in the order given) with each time of the
        format, weekly or every ``weeks`` weeks."""
        times = list(TIMES[code])
        result = []
        for day in first_days:
            self.random.shuffle(times)
            for start, end in times:
                if fits_day(day, start, end):
                    result.append(weekly(day, start, end, count, weeks))
        return result

    def days_around(self, day: date, spread: int = 3):
        """Weekdays near a day, the day itself first."""
        days = [day + timedelta(days=d) for d in range(-spread, spread + 1)]
        days = [d for d in days if d.weekday() < 5]
        self.random.shuffle(days)
        days.sort(key=lambda d: abs((d - day).days))
        return days

    # events

    def local(self, day: date, minute: int) -> datetime:
        key = (day, minute)
        value = self.localised.get(key)
        if value is None:
            value = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
            value = value.astimezone(UTC)
            self.localised[key] = value
        return value

    def event(
        self,
        centre,
        code,
        slots,
        speakers,
        *,
        status=None,
        capacity=None,
        demand=(),
        weeks=1,
        cancelled_at=None,
    ):
        """One event with its sessions and the bookings of each unit (``demand``: bookings
        per date, or one number for a course). ``status`` None: held or closed when past,
        published otherwise."""
        rng = self.random
        event_format = self.formats[code]
        capacity = capacity or event_format.default_capacity
        course = code == COURSE
        shape = "course" if course else ("series" if len(slots) > 1 else "single")
        times = [(self.local(day, start), self.local(day, end)) for day, start, end in slots]
        first_start, last_end = times[0][0], times[-1][1]
        past = last_end < self.now
        if status is None:
            status = "published"
            if past:
                status = "closed" if last_end < self.now - timedelta(days=45) else "held"
        published_at = min(first_start - timedelta(days=rng.randint(21, 49)), self.now)
        topics, titles = rng.choice(TITLES[code])
        descriptions = DESCRIPTIONS[code]
        languages = ["de"]
        if rng.random() < 0.3:
            languages.append(rng.choice(EVENT_LANGUAGES))
        recurrence = ""
        if shape == "series":
            recurrence = f"FREQ=WEEKLY;INTERVAL={weeks};COUNT={len(slots)}"
        reason = rng.choice(CANCELLATION_REASONS) if status == "cancelled" else ""
        changed = cancelled_at or (last_end + timedelta(days=1) if past else published_at)
        event_id = self.events.add(
            centre,
            event_format.pk,
            shape,
            titles["de"],
            descriptions["de"],
            *[titles.get(language) for language in self.languages],
            *[descriptions.get(language) for language in self.languages],
            topics,
            rng.choice(TARGET_GROUPS[code]),
            languages,
            capacity,
            True,
            recurrence,
            status,
            reason,
            published_at - timedelta(days=rng.randint(1, 14)),
            min(changed, self.now),
        )
        for person in speakers:
            self.event_speakers.add(event_id, person)
        self.counts.events += 1
        self.counts.sessions += len(times)
        self.counts.upcoming_sessions += sum(start > self.now for start, _end in times)
        # attendance is recorded for the dates of events held (the last one may still be open)
        recorded = [None] * len(times)
        if status in {"held", "closed"}:
            for index, (_start, end) in enumerate(times):
                if status == "closed" or index < len(times) - 1 or rng.random() < 0.5:
                    recorded[index] = min(end + timedelta(hours=rng.randint(1, 48)), self.now)
        session_ids = self.sessions.reserve(len(times))
        present = defaultdict(list)  # session index → registration ids
        if status != "draft":
            anonymise = last_end < self.now - self.retention
            starts = [start for start, _end in times]
            units = [(None, first_start)] if course else list(zip(session_ids, starts, strict=True))
            for unit_index, (unit, unit_start) in enumerate(units):
                wanted = demand[unit_index] if unit_index < len(demand) else 0
                if not wanted:
                    continue
                closes = min(unit_start - timedelta(hours=2), self.now, cancelled_at or self.now)
                confirmed, waiting = self.bookings(
                    event_id,
                    unit,
                    capacity,
                    wanted,
                    (published_at, closes),
                    last_end if anonymise else None,
                    may_cancel=status != "cancelled",
                )
                if status == "cancelled":
                    for registration_id in confirmed + waiting:
                        self.notifications.add(
                            registration_id, "event_cancelled", None, cancelled_at, cancelled_at
                        )
                    continue
                for index, recorded_at in enumerate(recorded):
                    if recorded_at is None or (not course and index != unit_index):
                        continue
                    chance = 0.9 - 0.04 * index if course else 0.82
                    present[index] += [r for r in confirmed if rng.random() < chance]
        for index, (start, end) in enumerate(times):
            counselling = None
            if recorded[index] is not None:
                share = (0.5 if index >= 3 else 0.0) if course else 0.3
                counselling = sum(rng.random() < share for _ in present[index])
                for registration_id in present[index]:
                    self.attendance.add(registration_id, session_ids[index])
                self.counts.attendances += len(present[index])
            self.sessions.add(
                event_id,
                self.modules[index] if course and index < len(self.modules) else None,
                start,
                end,
                False,
                recorded[index],
                counselling,
                row_id=session_ids[index],
            )
        return event_id

    def bookings(self, event_id, unit, capacity, wanted, window, anonymise_after, may_cancel):
        """Bookings of one unit in the order they came in, with some cancellations and the
        waiting list moving up; returns the ids of those confirmed and those waiting at the
        end. ``anonymise_after``: the end of the event, when its retention period is over."""
        rng = self.random
        opens, closes = window
        if closes <= opens:
            opens = closes - timedelta(hours=6)
        span = (closes - opens).total_seconds()
        booked_at = sorted(opens + timedelta(seconds=rng.random() * span) for _ in range(wanted))
        changes = []  # (time, order, index, kind)
        for index, at in enumerate(booked_at):
            changes.append((at, 0, index, "book"))
            if may_cancel and rng.random() < 0.08:
                rest = (closes - at).total_seconds()
                changes.append((at + timedelta(seconds=rng.random() * rest), 1, index, "cancel"))
        changes.sort()
        confirmed_at, cancelled_at = {}, {}
        confirmed, waiting = set(), []
        for at, _order, index, kind in changes:
            if kind == "book":
                if len(confirmed) < capacity and not waiting:
                    confirmed.add(index)
                    confirmed_at[index] = at
                else:
                    waiting.append(index)
                continue
            cancelled_at[index] = at
            if index in confirmed:
                confirmed.discard(index)
                if waiting:
                    moved = waiting.pop(0)
                    confirmed.add(moved)
                    confirmed_at[moved] = at
            else:
                waiting.remove(index)
        anonymised_at = None
        if anonymise_after is not None:
            anonymised_at = min(anonymise_after + self.retention + timedelta(days=1), self.now)
        confirmed_ids, waiting_ids = [], {}
        for index, at in enumerate(booked_at):
            status = "confirmed" if index in confirmed else "waitlisted"
            if index in cancelled_at:
                status = "cancelled"
            name, email, phone, ages, needs, language, survey = self.parent(anonymised_at)
            survey_id = self.survey_consent.pk if survey and self.survey_consent else None
            registration_id = self.registrations.add(
                event_id,
                unit,
                status,
                "staff" if rng.random() < 0.22 else "online",
                name,
                email,
                phone,
                ages,
                needs,
                language,
                self.consent.pk,
                at,
                survey_id,
                at if survey_id else None,
                at,
                confirmed_at.get(index) if status == "confirmed" else None,
                cancelled_at.get(index),
                anonymised_at,
            )
            self.counts.registrations += 1
            self.counts.by_status[status] += 1
            if status == "confirmed":
                confirmed_ids.append(registration_id)
            elif status == "waitlisted":
                waiting_ids[index] = registration_id
        return confirmed_ids, [waiting_ids[index] for index in waiting]

    def parent(self, anonymised: bool):
        """first name, e-mail, phone, child ages, language needs, language, survey consent
        (the last item is only used to set the consent fields)."""
        rng = self.random
        origin = ORIGIN_POOL[int(rng.random() * len(ORIGIN_POOL))]
        children = rng.choice((0, 1, 1, 1, 2, 2, 3))
        ages = sorted(rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8)) for _ in range(children))
        language = "de"
        if origin in BOOKING_LANGUAGE and rng.random() < BOOKING_LANGUAGE[origin][1]:
            language = BOOKING_LANGUAGE[origin][0]
        survey = rng.random() < 0.55
        if anonymised:
            return ("", "", "", ages, "", language, survey)
        name = rng.choice(FIRST_NAMES[origin])
        self.contact_number += 1
        number = self.contact_number
        email = phone = ""
        way = rng.random()
        if way < 0.85:
            email = f"{ascii_name(name)}.{number}@{rng.choice(MAIL_DOMAINS)}"
        if way > 0.55:
            block = PHONE_BLOCKS[number % len(PHONE_BLOCKS)]
            phone = f"{block} {(number // len(PHONE_BLOCKS)) % 1000:03d}"
        share, needs = LANGUAGE_NEEDS[origin]
        need = rng.choice(needs) if rng.random() < share else ""
        return (name, email, phone, ages, need, language, survey)

    def flush(self):
        for table in self.tables:
            table.flush()

    def finish(self):
        self.flush()
        if connection.vendor == "postgresql":
            models = [ParentEvent, EventSession, Registration, Notification]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
        changed = []
        for person_id, formats in self.qualify.items():
            person = self.people[person_id]
            person.moderated_formats = [*(person.moderated_formats or []), *sorted(formats)]
            changed.append(person)
        Person.objects.bulk_update(changed, ["moderated_formats"], batch_size=500)
        self.counts.speakers_marked = len(changed)

    # placing an event

    def place(self, region, centre, code, first_days, *, when, count=1, weeks=1, **details):
        """Schedule an event on the first of ``first_days`` that fits (``when``: "past" or
        "future": every date must lie before or after today) and create it."""
        if code == COURSE:
            count, weeks = len(self.modules), 1
        options = [
            slots
            for slots in self.options(code, first_days, count, weeks)
            if (slots[-1][0] < self.today if when == "past" else slots[0][0] > self.today)
        ]
        slots, speakers = self.schedule(
            region, centre, code, options, speakers_needed=2 if code == COURSE else 1
        )
        if slots is None:
            return None
        return self.event(centre, code, slots, speakers, weeks=weeks, **details)

    def upcoming_demand(self, capacity: int, day: date) -> int:
        """Bookings so far for a date ahead: the nearer, the fuller."""
        ahead, rng = (day - self.today).days, self.random
        if ahead <= 7:
            share = rng.uniform(0.4, 1.25)
        elif ahead <= 21:
            share = rng.uniform(0.1, 0.5)
        elif ahead <= 42:
            share = rng.uniform(0.0, 0.15)
        else:
            share = rng.uniform(0.0, 0.03)
        return int(capacity * share)


def plan_demo(gen: EventGenerator):
    """Every demo region: events of all three formats at its family centres, past (held and
    closed, with attendance), upcoming (single events, an Elterncafé every 2nd week, a parent
    course), some drafts and one cancelled event; full dates with a waiting list."""
    rng, today = gen.random, gen.today

    def ago(days):
        return today - timedelta(days=days)

    def ahead(days):
        return today + timedelta(days=days)

    # the centre of a region's first head comes first: the demo account of a family centre
    # (core/demo/generate.py) is that person's, so it shows every kind of event
    first_heads = {}
    for region, centre in Person.objects.filter(
        function=Person.Function.FAMILY_CENTRE_HEAD,
        institution__external_id__startswith=f"{gen.prefix}:",
    ).values_list("institution__region_id", "institution_id"):
        first_heads.setdefault(region, centre)
    for region, centres in gen.centres.items():
        head = first_heads.get(region)
        if head in centres:
            centres = [head] + [centre for centre in centres if centre != head]

        def at(index, centres=centres):
            return centres[index % len(centres)]

        def place(index, code, first_days, region=region, **details):
            return gen.place(region, at(index), code, first_days, **details)

        # held and closed
        place(0, INFO, gen.days_around(ago(63)), when="past", capacity=15, demand=[18])
        last = ago(rng.randint(3, 9))
        place(
            1,
            CAFE,
            gen.days_around(last - timedelta(weeks=8), 2),
            when="past",
            count=5,
            weeks=2,
            demand=[rng.randint(6, 13) for _ in range(5)],
        )
        place(2, COURSE, gen.days_around(ago(70)), when="past", capacity=12, demand=[15])
        place(5, CAFE, gen.days_around(ago(120)), when="past", demand=[rng.randint(7, 12)])
        # published
        place(
            0,
            CAFE,
            gen.days_around(ahead(5), 3),
            when="future",
            count=8,
            weeks=2,
            capacity=12,
            demand=[14, 8, 5, 3, 2, 1],
        )
        place(3, INFO, gen.days_around(ahead(15), 5), when="future", demand=[9])
        place(4, INFO, gen.days_around(ahead(35), 5), when="future", capacity=20, demand=[4])
        full_course = len(centres) > 8
        place(
            0,
            COURSE,
            gen.days_around(ahead(21), 6),
            when="future",
            capacity=12,
            demand=[15 if full_course else 8],
        )
        place(6, CAFE, gen.days_around(ahead(9), 3), when="future", capacity=10, demand=[13])
        # drafts and a cancelled event
        place(7, INFO, gen.days_around(ahead(56), 5), when="future", status="draft")
        place(
            6, CAFE, gen.days_around(ahead(42), 3), when="future", count=6, weeks=2, status="draft"
        )
        place(
            4,
            INFO,
            gen.days_around(ahead(14), 3),
            when="future",
            status="cancelled",
            demand=[6],
            cancelled_at=gen.now - timedelta(days=rng.randint(1, 3)),
        )
        # larger regions: every further centre gets a past and an upcoming event
        for index in range(8, len(centres)):
            code = [CAFE, INFO, COURSE][index % 3]
            place(
                index,
                code,
                gen.days_around(ago(rng.randint(20, 240))),
                when="past",
                capacity=12,
                demand=[rng.randint(5, 14) for _ in range(4)],
                count=4 if code == CAFE else 1,
                weeks=2,
            )
            place(
                index,
                code,
                gen.days_around(ahead(rng.randint(4, 40))),
                when="future",
                capacity=12,
                demand=[rng.randint(2, 14), rng.randint(0, 6)],
                count=6 if code == CAFE else 1,
                weeks=1,
            )


def plan_state(gen: EventGenerator):
    """Ten years of events at the state's family centres (about 50,000 registrations a year),
    and the months ahead: many centres hold a weekly or fortnightly Elterncafé."""
    rng, today = gen.random, gen.today
    first_year = today - timedelta(days=3650)

    def school_day(day):
        return not (
            (day.month == 7 and day.day > 10)
            or (day.month == 8 and day.day < 20)
            or (day.month == 12 and day.day > 20)
            or (day.month == 1 and day.day < 7)
        )

    def some_day(low: date, high: date) -> date:
        for _ in range(10):
            day = low + timedelta(days=rng.randint(0, max((high - low).days, 0)))
            if day.weekday() < 5 and school_day(day):
                return day
        return day

    for region, centres in gen.centres.items():
        for centre in centres:
            for year in range(10):
                low = first_year + timedelta(days=365 * year)
                high = min(low + timedelta(days=365), today - timedelta(days=1))
                if rng.random() < 0.13:
                    weeks, count = rng.choice((1, 2, 2)), rng.randint(6, 10)
                    capacity = rng.choice((12, 15, 15))
                    day = some_day(low, high - timedelta(weeks=weeks * count))
                    cancelled = rng.random() < 0.02
                    gen.place(
                        region,
                        centre,
                        CAFE,
                        gen.days_around(day),
                        when="past",
                        count=count,
                        weeks=weeks,
                        capacity=capacity,
                        demand=[rng.randint(3, capacity + 2) for _ in range(count)],
                        **_cancelled(gen, day, cancelled),
                    )
                for _ in range(int(rng.random() < 0.25) + int(rng.random() < 0.08)):
                    capacity = rng.choice((15, 15, 20))
                    day = some_day(low, high)
                    cancelled = rng.random() < 0.02
                    gen.place(
                        region,
                        centre,
                        INFO,
                        gen.days_around(day),
                        when="past",
                        capacity=capacity,
                        demand=[rng.randint(6, capacity + 3)],
                        **_cancelled(gen, day, cancelled),
                    )
                if rng.random() < 0.1:
                    day = some_day(low, high - timedelta(weeks=5))
                    gen.place(
                        region,
                        centre,
                        COURSE,
                        gen.days_around(day),
                        when="past",
                        capacity=12,
                        demand=[rng.randint(7, 15)],
                    )
            # the months ahead
            draw = rng.random()
            if draw < 0.75:
                weeks = 1 if draw < 0.45 else 2
                count = rng.randint(16, 22) if weeks == 1 else rng.randint(8, 12)
                capacity = rng.choice((12, 15, 15, 20))
                first = today + timedelta(days=rng.randint(1, 10))
                demand = [
                    gen.upcoming_demand(capacity, first + timedelta(weeks=weeks * n))
                    for n in range(count)
                ]
                gen.place(
                    region,
                    centre,
                    CAFE,
                    gen.days_around(first, 3),
                    when="future",
                    count=count,
                    weeks=weeks,
                    capacity=capacity,
                    demand=demand,
                )
            if rng.random() < 0.2:
                day = today + timedelta(days=rng.randint(3, 84))
                gen.place(
                    region,
                    centre,
                    INFO,
                    gen.days_around(day),
                    when="future",
                    demand=[gen.upcoming_demand(15, day)],
                )
            if rng.random() < 0.06:
                day = today + timedelta(days=rng.randint(7, 56))
                gen.place(
                    region,
                    centre,
                    COURSE,
                    gen.days_around(day),
                    when="future",
                    capacity=12,
                    demand=[gen.upcoming_demand(12, day) + 2],
                )
            if rng.random() < 0.03:
                day = today + timedelta(days=rng.randint(56, 112))
                gen.place(region, centre, INFO, gen.days_around(day), when="future", status="draft")
            if rng.random() < 0.01:
                day = today + timedelta(days=rng.randint(7, 28))
                gen.place(
                    region,
                    centre,
                    INFO,
                    gen.days_around(day),
                    when="future",
                    demand=[rng.randint(2, 10)],
                    status="cancelled",
                    cancelled_at=gen.now - timedelta(days=rng.randint(1, 5)),
                )
        gen.flush()


def _cancelled(gen: EventGenerator, day: date, cancelled: bool) -> dict:
    if not cancelled:
        return {}
    at = datetime.combine(day - timedelta(days=gen.random.randint(1, 6)), time(12), tzinfo=UTC)
    return {"status": "cancelled", "cancelled_at": at}


def generate_events(scale: str, seed: int = 2015) -> Counts | None:
    """Events for the demo regions (``scale="demo"``) or the state-scale dataset; None when
    they were generated before (or there are no family centres of that scale yet)."""
    started = clock.monotonic()
    prefix = "demo" if scale == "demo" else "state"
    with transaction.atomic():
        generator = EventGenerator(prefix, seed)
        if not generator.centres or generator.already_generated():
            return None
        generator.load_speakers()
        (plan_demo if scale == "demo" else plan_state)(generator)
        generator.finish()
    generator.counts.seconds = clock.monotonic() - started
    return generator.counts


def generate_demo_events(scale: str, seed: int) -> str | None:
    """``neuewege demo``'s part of the events (registered in apps.py): what was generated, or
    None when it was generated before."""
    counts = generate_events(scale, seed)
    return None if counts is None else counts.line()
