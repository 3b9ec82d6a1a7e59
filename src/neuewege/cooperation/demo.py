"""Demo histories of regional cooperation, written through the services like a coordinator
would: Kreis Wesel gets the Regionen-Check of 27 August 2015 (the seed) with its action plan;
the programme's model, transfer and extension regions get a steering group with meetings,
minutes and decisions. At state scale every region of the programme gets that history and the
other regions a first Check. The programme's materials library gets the transfer handbook, a
template of the action plan and a presentation; Kreis Wesel its own templates. Deterministic;
generated once (None when present already)."""

import random
from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape

from neuewege.core.access import system_access
from neuewege.core.demo.scales import prefix_of
from neuewege.core.documents import html_pdf, to_xlsx
from neuewege.core.models import Institution, Person, Region

from . import services
from .models import Element, Material, RegionalGoal, RegionCheck, SteeringGroup, Task

WESEL = "05170"
WESEL_CHECK = {
    "held_on": date(2015, 8, 27),
    "participants": (
        "Agentur für Arbeit Wesel (BCA)\nJobcenter Kreis Wesel (BCA, Fallmanagement)\n"
        "Kreisjugendamt Wesel\nJugendämter der Städte\nFamilienzentren (Leitungen)\n"
        "Gleichstellungsstelle des Kreises\nIAQ und innovaBest (Projektteam Neue Wege NRW)"
    ),
    "existing_structures": (
        "Arbeitskreis der Familienzentren im Kreis; Netzwerk Frühe Hilfen; die BCA von "
        "Arbeitsagentur und Jobcenter bieten vereinzelt Sprechstunden in Familienzentren an."
    ),
    "conflicts": (
        "Mehrere Jugendämter im Kreis (Kreisjugendamt und Jugendämter der Städte): "
        "Zuständigkeiten früh klären. Kapazität der BCA für regelmäßige Termine ist begrenzt."
    ),
    "expectations": (
        "Mütter in den Familienzentren früher erreichen; verlässliche Ansprechpartner in AA "
        "und JC für die Familienzentren; Kinderbetreuung bei der Vermittlung mitdenken."
    ),
    "elements": [
        Element.STEERING_GROUP,
        Element.REGIONAL_COORDINATION,
        Element.TRAINING_ORIENTATION,
        Element.SPEAKER_TRAINING,
        Element.FAMILY_CENTRE_INFO_EVENT,
        Element.PARENT_CAFE,
        Element.PARENT_COURSE,
        Element.FAMILY_CENTRE_AGREEMENT,
    ],
    "support_needed": "Referentenschulung für Fallmanager/innen des Jobcenters; Materialien.",
    "offers": [
        "speaker_training",
        "family_centre_info_event",
        "regional_training",
        "region_check",
    ],
    "planning": (
        "Steuerungsgruppe gründen; Koordinierung beim Jobcenter; erste Elterncafés in drei "
        "Familienzentren; Informationsveranstaltung für alle Familienzentren."
    ),
    "agreements": (
        "Kooperationsvereinbarungen mit den Familienzentren nach ersten Erfahrungen, "
        "zur Sicherung der Nachhaltigkeit."
    ),
    "dates": "Steuerungsgruppe: Oktober 2015\nReferent/inn/enschulung: November 2015",
}
OTHER_CHECK = {
    "existing_structures": "Arbeitskreis Familienzentren; Kooperation der BCA von AA und JC.",
    "expectations": "Mehr Veranstaltungen in Familienzentren, verlässliche Ansprechpartner.",
    "planning": "Steuerungsgruppe einberufen, erste Veranstaltungen planen.",
}
AGENDA = "Bericht der Koordinierung\nVeranstaltungen in Familienzentren\nVerschiedenes"
DECISIONS = [
    "Terminplan der Elterncafés für das nächste Halbjahr abstimmen",
    "Kooperationsvereinbarung mit weiteren Familienzentren vorbereiten",
    "Ansprechpartner/innen für Kinderbetreuung an JC und AA weitergeben",
    "Bericht über die Nachbefragung in der nächsten Sitzung",
]


def generate_cooperation(scale: str, seed: int = 2015) -> str | None:
    prefix = prefix_of(scale)
    regions = list(
        Region.objects.filter(institutions__external_id__startswith=f"{prefix}:").distinct()
    )
    if not regions or RegionCheck.objects.filter(region__in=regions).exists():
        return None
    rng = random.Random(seed)
    access = system_access()
    add_programme_materials(access)
    for region in sorted(regions, key=lambda r: r.key):
        if region.key == WESEL:
            wesel_history(access, region, rng)
            add_wesel_materials(access, region)
        elif region.phase:
            programme_history(access, region, rng)
        elif scale != "demo" and rng.random() < 0.5:
            services.save_check(
                access=access,
                region=region,
                data=OTHER_CHECK
                | {"held_on": date(2016, 1, 1) + timedelta(days=rng.randrange(3000))},
            )
    return (
        f"Cooperation: {RegionCheck.objects.filter(region__in=regions).count()} Regionen-Checks, "
        f"{SteeringGroup.objects.filter(region__in=regions).count()} steering groups, "
        f"{Task.objects.filter(region__in=regions).count()} tasks, "
        f"{RegionalGoal.objects.filter(region__in=regions).count()} goals, "
        f"{Material.objects.count()} materials."
    )


def wesel_history(access, region, rng):
    check = services.save_check(access=access, region=region, data=WESEL_CHECK)
    tasks = services.create_action_plan(access=access, region_check=check, today=check.held_on)
    group = found_steering_group(access, region, rng, date(2015, 10, 14))
    meetings = hold_meetings(access, region, group, rng, date(2015, 10, 14), count=3)
    by_element = {task.element: task for task in tasks}
    services.save_task(
        access=access,
        region=region,
        task=by_element[Element.STEERING_GROUP],
        data={"meeting": meetings[0]},
        today=check.held_on,
    )
    services.save_task(
        access=access,
        region=region,
        task=by_element[Element.REGIONAL_COORDINATION],
        data={"status": Task.Status.DONE, "owner": group.coordinator},
        today=date(2015, 10, 14),
    )
    services.save_task(
        access=access,
        region=region,
        task=by_element[Element.SPEAKER_TRAINING],
        data={"status": Task.Status.IN_PROGRESS},
        today=check.held_on,
    )
    # a second version a year on, and a meeting ahead
    services.save_check(
        access=access,
        region=region,
        data=WESEL_CHECK
        | {
            "held_on": date(2016, 9, 7),
            "conflicts": "Die Zuständigkeiten der Jugendämter sind geklärt.",
            "elements": [*WESEL_CHECK["elements"], Element.FRAMEWORK_AGREEMENT],
            "dates": "Steuerungsgruppe: zweimal im Jahr",
        },
    )
    finish_all(access, region, by_element.values(), date(2016, 3, 1))
    today = timezone.localdate()
    set_goals(access, region, today)
    schedule(access, region, today + timedelta(days=40), "steering_group")
    services.save_task(
        access=access,
        region=region,
        data={"title": "Lotsenbroschüre aktualisieren", "due_on": today + timedelta(days=30)},
        today=today - timedelta(days=20),
    )
    services.save_task(
        access=access,
        region=region,
        data={
            "title": "Rahmenvereinbarung mit Jobcenter, Arbeitsagentur und Jugendamt entwerfen",
            "element": Element.FRAMEWORK_AGREEMENT,
            "owner": group.coordinator,
            "due_on": today - timedelta(days=10),
        },
        today=today - timedelta(days=60),
    )


def programme_history(access, region, rng):
    start = region.phase_start or date(2013, 5, 1)
    check = services.save_check(
        access=access,
        region=region,
        data=OTHER_CHECK
        | {
            "held_on": start,
            "elements": rng.sample(Element.values, 6),
            "offers": ["speaker_training", "regional_training"],
        },
    )
    tasks = services.create_action_plan(access=access, region_check=check, today=start)
    finish_all(access, region, tasks, start + timedelta(days=120))
    group = found_steering_group(access, region, rng, start + timedelta(days=45))
    hold_meetings(access, region, group, rng, start + timedelta(days=45), count=4)
    set_goals(access, region, timezone.localdate())


def set_goals(access, region, today):
    """Two goals computed from the events and one measured by hand, for the coming year."""
    centres = region.institutions.family_centres().count()
    by = date(today.year + 1, 12, 31)
    for title, indicator, target in [
        ("Jedes Familienzentrum bietet eine Veranstaltung an", "centres_with_event", centres),
        ("Eltern in den Familienzentren erreichen", "parents_reached", 40 * max(centres, 1)),
    ]:
        services.save_goal(
            access=access,
            region=region,
            data={
                "title": title,
                "indicator": indicator,
                "target_value": target,
                "target_date": by,
            },
        )
    trained = services.save_goal(
        access=access,
        region=region,
        data={
            "title": "Fallmanager/innen als Referent/innen geschult",
            "unit": "Personen",
            "target_value": 6,
            "target_date": by,
        },
    )
    for months_ago, value in ((10, 2), (4, 4)):
        services.record_measurement(
            access=access,
            goal=trained,
            data={"value": value, "measured_on": today - timedelta(days=30 * months_ago)},
        )


def finish_all(access, region, tasks, day):
    """History: what was planned then has long been done (tasks a record fulfils stay as
    they are)."""
    for task in tasks:
        if task.meeting_id is None and task.status != Task.Status.DONE:
            services.save_task(
                access=access, region=region, task=task, data={"status": "done"}, today=day
            )


def found_steering_group(access, region, rng, founded_on):
    kinds = [
        Institution.Kind.EMPLOYMENT_AGENCY,
        Institution.Kind.JOB_CENTRE,
        Institution.Kind.YOUTH_WELFARE_OFFICE,
        Institution.Kind.EQUALITY_OFFICE,
    ]
    institutions = list(region.institutions.filter(kind__in=kinds).order_by("pk")[:6])
    institutions += list(region.institutions.family_centres().order_by("pk")[:3])
    members = list(
        Person.objects.filter(institution__in=institutions)
        .order_by("pk")
        .select_related("institution")[:10]
    )
    coordinator = next(
        (person for person in members if person.institution.kind == Institution.Kind.JOB_CENTRE),
        members[0] if members else None,
    )
    return services.save_steering_group(
        access=access,
        region=region,
        data={
            "coordinator": coordinator,
            "founded_on": founded_on,
            "is_active": True,
            "institutions": institutions,
            "members": members,
        },
    )


def schedule(access, region, day, kind):
    starts = timezone.make_aware(datetime.combine(day, time(10)))
    return services.schedule_meeting(
        access=access,
        region=region,
        data={
            "kind": kind,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "place": f"Verwaltung {region.name}, Sitzungsraum 1"[:200],
            "agenda": AGENDA,
        },
    )


def hold_meetings(access, region, group, rng, first_day, count):
    """``count`` past meetings about half a year apart, each with minutes and a decision."""
    members = list(group.members.all())
    meetings, day = [], first_day
    for _number in range(count):
        if day >= timezone.localdate():
            break
        meeting = schedule(access, region, day, "steering_group")
        decided = services.record_minutes(
            access=access,
            meeting=meeting,
            minutes="Die Koordinierung berichtet über den Stand; die Veranstaltungen laufen.",
            attendees=rng.sample(members, min(len(members), 6)),
            decisions=[
                {
                    "title": rng.choice(DECISIONS),
                    "owner": rng.choice(members) if members else None,
                    "due_on": day + timedelta(days=90),
                }
            ],
            today=day,
        )
        finish_all(access, region, decided, day + timedelta(days=80))
        meetings.append(meeting)
        day += timedelta(days=rng.randrange(150, 220))
    return meetings


# Materials library

HANDBOOK = [
    (
        "Eckdaten",
        [
            "Innovationsprojekt 01/2011 bis 03/2013, Transferprojekt 05/2013 bis 04/2015",
            "Gemeinsame Durchführung IAQ an der Universität Duisburg-Essen und innovaBest GbR",
            "Förderung durch das Land NRW und die Europäische Union",
        ],
    ),
    (
        "Zielsetzung",
        [
            "Systematische Verknüpfung arbeitsmarkt- und jugendhilfebezogener Dienstleistungen",
            "Familienzentren als sozialraumorientierte Anlaufstelle für Eltern",
            "Regional angepasste Nutzung der erarbeiteten Strukturen und Instrumente",
        ],
    ),
    (
        "Elemente",
        [
            "Lenkungsgruppe und regionale Koordinierung",
            "Kooperative Fortbildungen: Basismodul, Management von Kooperationen, Wissenstransfer",
            "Veranstaltungen in Familienzentren: Elterncafé, Themenveranstaltung, Elternkurs",
            "Kooperationsvereinbarungen: Rahmenvereinbarung und Vereinbarung mit Familienzentren",
        ],
    ),
]
PRESENTATION = [
    ("Warum Familienzentren?", ["Niederschwellige Ansprechpartner für Familien im Sozialraum"]),
    (
        "Drei Veranstaltungsformen",
        [
            "Elterncafé: offenes Gespräch mit Fachkräften von Agentur und Jobcenter",
            "Themenveranstaltung: Arbeitsmarkt, Berufsorientierung, Wiedereinstieg",
            "Elternkurs „Neue Wege“: mehrere Module, auch mit Kinderbetreuung",
        ],
    ),
    ("So geht es weiter", ["Termin abstimmen, Referent/in anfragen, Eltern einladen"]),
]
MINUTES_TEMPLATE = [
    ("Lenkungsgruppe Kreis Wesel", ["Datum, Ort, Teilnehmende"]),
    ("Tagesordnung", ["Bericht der Koordinierung", "Veranstaltungen", "Verschiedenes"]),
    ("Beschlüsse", ["Was – wer – bis wann"]),
]


def add_programme_materials(access):
    if Material.objects.filter(region=None).exists():
        return
    add_material(
        access,
        None,
        "Transferhandbuch Neue Wege NRW",
        "handbook",
        [Element.STEERING_GROUP, Element.PARENT_CAFE, Element.FRAMEWORK_AGREEMENT],
        pdf_file("transferhandbuch.pdf", "Transferhandbuch Neue Wege NRW", HANDBOOK),
        "Wie eine Region die Kooperation von Arbeitsmarkt und Jugendhilfe aufbaut.",
    )
    plan = to_xlsx(
        ["Aufgabe", "Element", "Verantwortlich", "Institution", "Fällig am", "Status"],
        [["Erste Sitzung der Lenkungsgruppe", "Lenkungsgruppe", "", "", "", "offen"]],
        title="Maßnahmenplan",
    )
    add_material(
        access,
        None,
        "Vorlage Maßnahmenplan",
        "template",
        [Element.REGIONAL_COORDINATION],
        ContentFile(plan, name="massnahmenplan.xlsx"),
    )
    add_material(
        access,
        None,
        "Präsentation: Informationsveranstaltung für Familienzentren",
        "presentation",
        [Element.FAMILY_CENTRE_INFO_EVENT],
        pdf_file("info-familienzentren.pdf", "Neue Wege in Familienzentren", PRESENTATION),
    )


def add_wesel_materials(access, region):
    minutes = add_material(
        access,
        region,
        "Protokollvorlage Lenkungsgruppe",
        "template",
        [Element.STEERING_GROUP],
        pdf_file("protokoll-lenkungsgruppe.pdf", "Protokoll", MINUTES_TEMPLATE[:2]),
    )
    services.save_material(
        access=access,
        region=region,
        material=minutes,
        data={},
        upload=pdf_file("protokoll-lenkungsgruppe.pdf", "Protokoll", MINUTES_TEMPLATE),
        change_note="Beschlüsse mit Verantwortlichen und Fristen",
    )


def add_material(access, region, title, kind, elements, upload, description=""):
    return services.save_material(
        access=access,
        region=region,
        data={"title": title, "kind": kind, "elements": elements, "description": description},
        upload=upload,
    )


def pdf_file(name, title, sections):
    body = "".join(
        f"<h2>{escape(heading)}</h2><ul>{''.join(f'<li>{escape(i)}</li>' for i in items)}</ul>"
        for heading, items in sections
    )
    html = f"<html lang='de'><body><h1>{escape(title)}</h1>{body}</body></html>"
    return ContentFile(html_pdf(html), name=name)
