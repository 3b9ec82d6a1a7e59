"""Demo data of the apps. Each app registers its generator from its ``AppConfig.ready()``;
``neuewege demo`` runs them after core's regions, institutions and people, in the order of
INSTALLED_APPS (an app's data may build on that of an app listed before it)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoData:
    what: str  # named when there is nothing to generate: "demo events already present"
    generator: str  # dotted path of ``f(scale, seed) -> str | None``, imported when it runs:
    # a line saying what was generated, or None when the data was generated before


DEMO_DATA: list[DemoData] = []


def register_demo_data(what: str, generator: str) -> None:
    if DemoData(what, generator) not in DEMO_DATA:  # ready() may run more than once
        DEMO_DATA.append(DemoData(what, generator))
