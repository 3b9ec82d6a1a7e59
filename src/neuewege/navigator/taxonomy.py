"""The taxonomy of needs in plain words — what a parent would say — and the offers mapped to
it (HSDS *taxonomy* and *taxonomy_term*). The words are translated like every text of the
parents' pages; the table ``Need`` holds the codes offers are mapped to (loaded by a migration
and by ``load_taxonomy``). A search for a need finds the offers of its narrower needs too."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TAXONOMY_ID = "c0a8e3f2-6a47-5b53-9d0e-6e6577656765"  # the HSDS id of this taxonomy
TAXONOMY_NAME = "Neue Wege – Bedarfe"


@dataclass(frozen=True)
class Term:
    code: str
    label: object
    parent: str | None = None


TERMS = (
    Term("work", _("I am looking for work")),
    Term("return-to-work", _("Back to work after parental leave"), "work"),
    Term("application", _("Help with applications"), "work"),
    Term("training", _("Vocational training, also part-time")),
    Term("part-time-training", _("Vocational training part-time"), "training"),
    Term("school-qualification", _("Catching up on a school qualification"), "training"),
    Term("recognition", _("Recognition of a qualification from abroad"), "training"),
    Term("childcare", _("Childcare")),
    Term("kita", _("A place in a Kita"), "childcare"),
    Term("day-care", _("A childminder (Tagespflege)"), "childcare"),
    Term("short-notice-care", _("Care at short notice or at early and late hours"), "childcare"),
    Term("money", _("Money and debts")),
    Term("debt", _("Debt counselling"), "money"),
    Term("benefits", _("Benefits: Bürgergeld, child benefit, housing benefit"), "money"),
    Term("german", _("Learning German")),
    Term("integration-course", _("Integration course"), "german"),
    Term("german-for-work", _("German for work"), "german"),
    Term("family", _("Family and bringing up children")),
    Term("parenting", _("Parenting advice"), "family"),
    Term("pregnancy", _("Pregnancy and baby"), "family"),
    Term("separation", _("Separation and single parents"), "family"),
    Term("arrival", _("New in Germany")),
    Term("migration-counselling", _("Migration counselling"), "arrival"),
    Term("health", _("Health and crises")),
    Term("mental-health", _("Mental health"), "health"),
    Term("violence", _("Protection from violence"), "health"),
    Term("housing", _("Housing")),
)
BY_CODE = {term.code: term for term in TERMS}


def label(code: str):
    term = BY_CODE.get(code)
    return term.label if term else code


def with_narrower(code: str) -> list[str]:
    """The code and the codes of its narrower needs."""
    return [code] + [term.code for term in TERMS if term.parent == code]


def load_taxonomy(need_model) -> None:
    """Create or update the ``Need`` rows of ``TERMS`` (idempotent; migrations pass the
    historical model)."""
    for order, term in enumerate(TERMS):
        need_model.objects.update_or_create(
            code=term.code,
            defaults={
                "order": order,
                "parent": need_model.objects.get(code=term.parent) if term.parent else None,
            },
        )
