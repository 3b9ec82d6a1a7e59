"""The measured pages. Each runs in a locust run of its own and is compared with the bare view."""

from dataclasses import dataclass
from urllib.parse import quote_plus

REGION_KEY = "05170"  # Kreis Wesel
BASELINE = "bare"


@dataclass(frozen=True)
class Scenario:
    name: str  # also the request name in locust's statistics
    user_class: str  # the user class in bench/locustfile.py
    title: str
    auth: str  # "anonymous", "session" (signed in) or "token" (API token)
    path: str  # may name {query} and {institution_id}, filled from the fixtures
    is_page: bool = True  # False for the baseline and references: no targets


SCENARIOS = {
    scenario.name: scenario
    for scenario in [
        Scenario(
            BASELINE, "BareView", "bare Django view (baseline)", "anonymous", "/bench/bare/", False
        ),
        Scenario(
            "bare_signed_in",
            "BareViewSignedIn",
            "bare view, signed in (reference)",
            "session",
            "/bench/bare/",
            False,
        ),
        Scenario("region_home", "RegionHome", "region home", "session", f"/regions/{REGION_KEY}/"),
        Scenario(
            "institution_list",
            "InstitutionList",
            "institution list, filtered",
            "session",
            f"/regions/{REGION_KEY}/institutions/?kind=family_centre&q={{query}}",
        ),
        Scenario(
            "institution_detail",
            "InstitutionDetail",
            "institution detail",
            "session",
            "/institutions/{institution_id}/",
        ),
        Scenario(
            "api_institutions",
            "ApiInstitutions",
            "API institution list",
            "token",
            f"/api/v1/institutions?region={REGION_KEY}&kind=family_centre",
        ),
    ]
}


def url(scenario: Scenario, fixtures: dict) -> str:
    return scenario.path.format(
        query=quote_plus(fixtures.get("query", "")),
        institution_id=fixtures.get("institution_id", ""),
    )
