"""What the optimisation models share."""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reason:
    """Why a plan is as it is, for one record: a code the interface translates, with its
    parameters (ids, counts, names)."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)
