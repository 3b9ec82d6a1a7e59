"""The two templates of the seed as the state's clause library, and the placeholders a clause
may hold.

The clause texts are the programme's (German, as the parties sign them); the seed abbreviates
with "(...)", completed here in its sense. A placeholder is a name in double braces
(``{{veranstaltungen}}``); ``filling.fill`` puts the platform's data in its place when a
version is saved. ``PLACEHOLDERS`` names every placeholder a clause may use: an unknown name
is refused where the clause is saved.
"""

from django.utils.translation import gettext_lazy as _

from .models import Kind

PLACEHOLDERS = {
    "region": _("the region"),
    "parteien": _("the parties, with their addresses"),
    "koordination": _("the region's coordinator(s)"),
    "familienzentrum": _("the family centre, with its address"),
    "traeger": _("the family centre's provider (Träger)"),
    "jobcenter": _("the Jobcenter among the parties"),
    "agentur": _("the Agentur für Arbeit among the parties"),
    "jugendamt": _("the Jugendamt among the parties"),
    "veranstaltungen": _("the events planned or held at the family centre, with their rhythm"),
    "referentinnen": _("the speakers of these events and the contacts at Jobcenter and Agentur"),
    "kinderbetreuung_kontakte": _("the Jugendamt's contacts for childcare places"),
    "laufzeit": _("the term: from, until, renewal"),
}

# (key, heading, text) in order, per template. The text is German whatever the language of the
# page that draws it up: ``services.snapshot_of`` fills it in German.
TEMPLATES = {
    Kind.FRAMEWORK: [
        (
            "parteien",
            "Vertragspartner",
            "Diese Rahmenvereinbarung wird geschlossen zwischen {{parteien}}.\n\n"
            "Sie gilt für {{region}}. Die regionale Koordinierung des Programms „Neue Wege“ "
            "liegt bei {{koordination}}.",
        ),
        (
            "ziel",
            "§ 1 Ziel der Kooperation",
            "Ziel dieser Rahmenvereinbarung ist es, die im Projekt „Neue Wege zum "
            "(Wieder-)Einstieg“ entwickelten Möglichkeiten einer systematischen Verknüpfung "
            "zwischen arbeitsmarkt- und jugendhilfebezogenen Dienstleistungen auf eine "
            "nachhaltige Basis zu stellen. Mütter und Väter, die nach einer Familienphase "
            "(wieder) in Arbeit kommen wollen, sollen dort erreicht werden, wo sie ohnehin "
            "sind: in den Familienzentren.",
        ),
        (
            "austausch",
            "§ 2 Austausch zwischen den Fachkräften",
            "Die Partner streben einen regelmäßigen Austausch zwischen Fachkräften aus den "
            "arbeitsmarkt- und jugendhilfebezogenen Dienstleistungen an. Dazu dienen die "
            "regionale Steuerungsgruppe, die mindestens einmal im Jahr tagt, und kooperative "
            "Fortbildungen, zu denen die Partner ihre Fachkräfte entsenden.",
        ),
        (
            "veranstaltungen",
            "§ 3 Veranstaltungen in Familienzentren",
            "(1) Fachkräfte aus dem Bereich der arbeitsmarktbezogenen Dienstleistungen bieten "
            "im Rahmen ihrer verfügbaren Kapazitäten regelmäßig arbeitsmarkt- und "
            "berufsorientierende Veranstaltungen in Familienzentren an.\n\n"
            "(2) Vereinbarungen über die konkrete Planung, insbesondere über Formate, Termine "
            "und Referentinnen und Referenten, werden zwischen den jeweiligen Beteiligten aus "
            "dem Bereich der arbeitsmarktbezogenen Dienstleistungen und den einzelnen "
            "Familienzentren bzw. ihren Trägern geschlossen.\n\n"
            "(3) Das Jugendamt schafft Strukturen für eine bedarfsorientierte Abstimmung "
            "zwischen den Familienzentren und den arbeitsmarktbezogenen Dienstleistungen.",
        ),
        (
            "kinderbetreuung",
            "§ 4 Kindertagesbetreuung und Vermittlung in Arbeit",
            "(1) Die Partner dieser Rahmenvereinbarung sind sich darüber einig, dass die "
            "Vermittlung in Arbeit nicht an fehlender Kinderbetreuung scheitern soll.\n\n"
            "(2) Das Jugendamt informiert das Jobcenter und die Agentur für Arbeit über "
            "Ansprechpartner und Informationsmöglichkeiten für die Vermittlung von "
            "Kindertagesbetreuung. Ansprechpersonen sind: {{kinderbetreuung_kontakte}}.\n\n"
            "(3) Jobcenter und Agentur für Arbeit stellen sicher, dass die Mitarbeiterinnen "
            "und Mitarbeiter in Fallmanagement und Arbeitsvermittlung Zugriff auf die "
            "Informationen nach § 4 Absatz 2 haben.",
        ),
        (
            "laufzeit",
            "§ 5 Laufzeit",
            "Diese Rahmenvereinbarung gilt {{laufzeit}}.",
        ),
    ],
    Kind.FAMILY_CENTRE: [
        (
            "parteien",
            "Vertragspartner",
            "Zwischen {{parteien}} wird auf der Grundlage der Rahmenvereinbarung "
            "Arbeitsmarkt/Jugendhilfe für {{region}} die folgende Kooperationsvereinbarung "
            "geschlossen.",
        ),
        (
            "veranstaltungen",
            "(1) Veranstaltungen",
            "Im Familienzentrum werden die folgenden Veranstaltungen durchgeführt: "
            "{{veranstaltungen}}",
        ),
        (
            "durchfuehrung",
            "(2) Durchführung",
            "Die Veranstaltungen werden durchgeführt von {{referentinnen}}. Diese bereiten "
            "die Veranstaltungen in Absprache mit dem Familienzentrum vor.",
        ),
        (
            "leistungen",
            "(3) Leistungen des Familienzentrums",
            "Das Familienzentrum stellt den Referentinnen und Referenten Informationen über "
            "die Zielgruppen und die besonderen Interessen im Familienzentrum bereit. Es "
            "übernimmt die Werbung für die Veranstaltungen, die Gewinnung von "
            "Teilnehmerinnen und Teilnehmern und die Stellung der Räume; wo möglich bietet es "
            "während der Veranstaltungen eine Kinderbetreuung an.",
        ),
        (
            "laufzeit",
            "(4) Laufzeit",
            "Diese Kooperationsvereinbarung gilt {{laufzeit}}.",
        ),
    ],
}


def load_library(apps, schema_editor):
    """The state's clauses of both templates where they are missing, each with its first
    version (the migration's data; tests load it again after emptying the database)."""
    Clause = apps.get_model("agreements", "Clause")
    ClauseVersion = apps.get_model("agreements", "ClauseVersion")
    for kind, clauses in TEMPLATES.items():
        for position, (key, heading, text) in enumerate(clauses, start=1):
            clause, new = Clause.objects.get_or_create(
                kind=kind,
                key=key,
                region=None,
                defaults={"position": position * 10, "heading": heading},
            )
            if new:
                ClauseVersion.objects.create(clause=clause, number=1, text=text, note="Vorlage")
