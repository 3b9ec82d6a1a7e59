"""The scales of ``neuewege demo``: ``demo`` (a few regions and the demo accounts), ``state``
(the 53 regions of NRW, ten years of events) and ``germany`` (about ten times the state, for
the benchmark: ``make bench SCALE=germany``; PostgreSQL only).

Each scale's records carry its name as the prefix of their ``external_id`` ("state:00042"), so
every app's generator finds the records of its scale and a second run adds nothing.

No list of Germany's 400 Kreise with their towns and Jugendämter is kept here: the Germany-scale
dataset is NRW's 53 regions and seven synthetic copies of them, each copy standing for another
state (its regions' keys start with that state's number, "09170" for the Bavarian copy of Kreis
Wesel "05170"). A copy's places are NRW's towns with their postcodes, moved by a fixed offset
onto a cell of its own in a grid of NRW-sized cells, so that no two copies overlap: a search
around a place finds about as many family centres as in the state, while everything counted
across the whole programme is ten times as much (each region holds 1.25 times the family
centres of its NRW original, and each centre the events of a state-scale one)."""

from dataclasses import dataclass

SCALES = ["demo", "state", "germany"]
NRW = "05"
# the copies: the key prefix of the state each stands for, its name, and the offset of its
# places in degrees of latitude and longitude (NRW spans about 2.2° × 3.6°)
COPIES = [
    ("03", "Niedersachsen", 2.3, 0.0),
    ("13", "Mecklenburg-Vorpommern", 2.3, 3.7),
    ("16", "Thüringen", 0.0, 3.7),
    ("14", "Sachsen", 0.0, 7.4),
    ("07", "Rheinland-Pfalz", -2.3, 0.0),
    ("09", "Bayern", -2.3, 3.7),
    ("08", "Baden-Württemberg", -4.6, 0.0),
]
OFFSETS = {prefix: (dlat, dlon) for prefix, _name, dlat, dlon in COPIES}


def prefix_of(scale: str) -> str:
    """The ``external_id`` prefix of a scale's records."""
    return scale


@dataclass(frozen=True)
class GermanyShape:
    """The size of the Germany-scale dataset; the tests build a tiny one."""

    copies: int = len(COPIES)  # synthetic copies of NRW besides NRW itself
    regions: int | None = None  # NRW's regions in each copy (None: all 53)
    family_centres: int = 33_220  # in all (ten times the state's 3,322)


GERMANY = GermanyShape()


def origin(key: str) -> tuple[str, float, float]:
    """The NRW region a region of the Germany-scale dataset copies, and the offset of its places
    (NRW's own regions: themselves, no offset)."""
    offset = OFFSETS.get(key[:2])
    if offset is None:
        return key, 0.0, 0.0
    return NRW + key[2:], *offset


def copy_key(prefix: str, key: str) -> str:
    return prefix + key[2:]
