import factory
from factory.django import DjangoModelFactory

from neuewege.core.models import Institution, Person, Region, User


def region(key):
    return Region.objects.get(key=key)


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    region = factory.LazyFunction(lambda: region("05170"))
    kind = Institution.Kind.FAMILY_CENTRE
    name = factory.Sequence(lambda n: f"Familienzentrum Test {n}")
    postcode = "46483"
    town = "Wesel"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    institution = factory.SubFactory(InstitutionFactory)
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    function = Person.Function.FAMILY_CENTRE_HEAD
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    role = User.Role.VIEWER
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)


def make_event(
    family_centre,
    format_code="parent_cafe",
    *,
    starts=None,
    dates=1,
    capacity=12,
    status="published",
    speakers=(),
    title="Elterncafé am Dienstag",
    childcare_offered=True,
):
    """An event straight in the database (no service rules): ``dates`` weekly sessions of 90
    minutes from ``starts`` (default: in a week, 9:30 local time). A parent course gets its five
    modules; more than one date makes a series."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from neuewege.events.models import EventSession, Format, ParentEvent

    event_format = Format.objects.get(code=format_code)
    if event_format.is_course:
        shape, dates = ParentEvent.Shape.COURSE, event_format.modules.count()
    else:
        shape = ParentEvent.Shape.SERIES if dates > 1 else ParentEvent.Shape.SINGLE
    if starts is None:
        day = timezone.localdate() + timedelta(days=7)
        starts = datetime.combine(day, time(9, 30), tzinfo=timezone.get_default_timezone())
    event = ParentEvent.objects.create(
        family_centre=family_centre,
        format=event_format,
        shape=shape,
        title_de=title,
        capacity=capacity,
        status=status,
        childcare_offered=childcare_offered,
        languages=["de"],
    )
    event.speakers.set(speakers)
    modules = list(event_format.modules.all())
    for index in range(dates):
        start = starts + timedelta(weeks=index)
        EventSession.objects.create(
            event=event,
            starts_at=start,
            ends_at=start + timedelta(minutes=90),
            module=modules[index] if modules else None,
        )
    return event


def make_training(
    region,
    module_code="basismodul",
    *,
    sessions=2,
    status="open",
    title="Kooperative Fortbildung: Basismodul",
    start=None,
    site=None,
    min_size=None,
    max_size=None,
):
    """A training straight in the database (no service rules) with ``sessions`` weekly sessions
    of a full day, the module's size range unless given."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone

    from neuewege.trainings.models import Module, Training

    module = Module.objects.get(code=module_code)
    training = Training.objects.create(
        region=region,
        module=module,
        title=title,
        status=status,
        registration_key=secrets.token_urlsafe(32),
    )
    start = start or (timezone.now() + timedelta(days=30)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    for number in range(sessions):
        training.sessions.create(
            site=site,
            site_address="" if site else f"Rathaus, Raum {number + 1}, 46483 Wesel",
            site_postcode="" if site else "46483",
            starts_at=start + timedelta(days=7 * number),
            ends_at=start + timedelta(days=7 * number, hours=8),
            min_size=module.min_size if min_size is None else min_size,
            max_size=module.max_size if max_size is None else max_size,
        )
    return training


def make_registrant(training, institution, *, available=None, confirmed=True, **values):
    """A registration straight in the database, available for ``available`` sessions (all by
    default), confirmed unless told otherwise."""
    from django.utils import timezone

    from neuewege.trainings.models import TrainingRegistration

    number = TrainingRegistration.objects.count() + 1
    registration = TrainingRegistration.objects.create(
        training=training,
        institution=institution,
        institution_kind=institution.kind,
        first_name=values.pop("first_name", "Kim"),
        last_name=values.pop("last_name", f"Fachkraft{number}"),
        email=values.pop("email", f"fachkraft{number}@example.org"),
        **{
            "status": "confirmed" if confirmed else "unconfirmed",
            "confirmed_at": timezone.now() if confirmed else None,
            **values,
        },
    )
    registration.available_sessions.set(training.sessions.all() if available is None else available)
    return registration
