"""The catalogue of training modules as the programme describes them (the seed): the three
modules of the cooperative training, the speaker training and the information event for family
centres. Loaded by a data migration; the state level edits it afterwards."""

from neuewege.core.models import EventFormat, Institution

Kind = Institution.Kind
OPERATIVE_STAFF = [
    Kind.EMPLOYMENT_AGENCY,
    Kind.JOB_CENTRE,
    Kind.FAMILY_CENTRE,
    Kind.YOUTH_WELFARE_OFFICE,
    Kind.EQUALITY_OFFICE,
]

MODULES = [
    {
        "code": "basismodul",
        "kind": "cooperative",
        "title": "Basismodul „Aufbau von Orientierungswissen“",
        "content": (
            "Aufbau und Optimierung der Kooperationsbasis. Die Institutionen stellen sich vor: "
            "Möglichkeiten und Grenzen der eigenen Arbeit. Gemeinsame Erarbeitung von "
            "Fallbeispielen aus der Praxis. Ganztägig, 15 bis 25 Personen pro Standort, "
            "ausgeglichene Verteilung der Institutionen."
        ),
        "duration_hours": 7,
        "credited_hours": 7,
        "target_kinds": OPERATIVE_STAFF,
        "min_size": 15,
        "max_size": 25,
    },
    {
        "code": "management-von-kooperationen",
        "kind": "cooperative",
        "title": "Management von Kooperationen",
        "content": (
            "Kooperationen gestalten und steuern: Absprachen, Zuständigkeiten, Wege der "
            "Zusammenarbeit zwischen Arbeitsmarkt und Jugendhilfe. Ganztägig, 15 bis 25 "
            "Personen pro Standort, ausgeglichene Verteilung der Institutionen."
        ),
        "duration_hours": 7,
        "credited_hours": 7,
        "target_kinds": OPERATIVE_STAFF,
        "min_size": 15,
        "max_size": 25,
    },
    {
        "code": "wissenstransfer",
        "kind": "cooperative",
        "title": "Wissenstransfer",
        "content": (
            "Das Wissen aus der Kooperation in die eigene Institution tragen und verankern. "
            "Ganztägig, 15 bis 25 Personen pro Standort, ausgeglichene Verteilung der "
            "Institutionen."
        ),
        "duration_hours": 7,
        "credited_hours": 7,
        "target_kinds": OPERATIVE_STAFF,
        "min_size": 15,
        "max_size": 25,
    },
    {
        "code": "referentenschulung",
        "kind": "speaker",
        "title": "Referent/inn/enschulung",
        "content": (
            "Für Fachkräfte der Arbeitsmarktinstitutionen (BCA, Arbeitsvermittlung, "
            "Fallmanagement): Veranstaltungen für Eltern in Familienzentren moderieren, "
            "Elterncafé, Themenveranstaltung und Elternkurs „Neue Wege“."
        ),
        "duration_hours": 7,
        "credited_hours": 7,
        "target_kinds": [Kind.EMPLOYMENT_AGENCY, Kind.JOB_CENTRE],
        "min_size": 6,
        "max_size": 16,
        "qualifies_for": [code for code, _label in EventFormat.choices],
    },
    {
        "code": "informationsveranstaltung-familienzentren",
        "kind": "information",
        "title": "Informationsveranstaltung für Familienzentren",
        "content": (
            "Das Projekt „Neue Wege NRW“ und seine Angebote für Familienzentren: Veranstaltungen "
            "für Eltern, Kooperation mit Agentur für Arbeit und Jobcenter, Vereinbarungen."
        ),
        "duration_hours": 3,
        "credited_hours": 3,
        "target_kinds": [Kind.FAMILY_CENTRE],
        "min_size": 5,
        "max_size": 40,
    },
]


def load_catalogue(apps, schema_editor):
    Module = apps.get_model("trainings", "Module")
    for order, values in enumerate(MODULES):
        values = {**values, "target_kinds": [str(kind) for kind in values["target_kinds"]]}
        Module.objects.update_or_create(
            code=values.pop("code"), defaults={**values, "order": order}
        )
