"""How current an offer is — the one place of the rule. An offer not confirmed for six months
carries a "may be out of date" note and its keeper is reminded; after twelve months it is
hidden from parents until someone confirms it. Month arithmetic by ``relativedelta`` (an offer
checked on 31 August ages on 28 February); the same cutoffs filter in SQL and decide in Python.
An imported offer counts as checked on its HSDS ``assured_date`` (one in the future is refused),
and as checked on the day of the import when its file gives none.
"""

import enum
from datetime import date

from dateutil.relativedelta import relativedelta

AGING_AFTER = relativedelta(months=6)
HIDDEN_AFTER = relativedelta(months=12)


class Freshness(enum.Enum):
    CURRENT = "current"
    AGING = "aging"  # shown with a note; the keeper is reminded
    HIDDEN = "hidden"  # not shown to parents


def aging_cutoff(today: date) -> date:
    """Offers checked on or before this day are out of date."""
    return today - AGING_AFTER


def hidden_cutoff(today: date) -> date:
    """Offers checked on or before this day are hidden from parents."""
    return today - HIDDEN_AFTER


def freshness(checked_on: date, today: date) -> Freshness:
    if checked_on <= hidden_cutoff(today):
        return Freshness.HIDDEN
    if checked_on <= aging_cutoff(today):
        return Freshness.AGING
    return Freshness.CURRENT
