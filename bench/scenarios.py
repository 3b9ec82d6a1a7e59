"""The measured pages. Each runs in a locust run of its own and is compared with the bare view."""

from dataclasses import dataclass
from urllib.parse import quote_plus

REGION_KEY = "05170"  # Kreis Wesel
BASELINE = "bare"
TARGET_RATIO = 0.40  # of the signed-in bare view's req/s (issue 19: a staff page's ceiling)
TARGET_P95_MS = 100
# the public event search (issue 3): parents' pages over the whole state's upcoming dates
SEARCH_TARGET_RATIO = 0.30
SEARCH_TARGET_P95_MS = 150
SEARCH_RADIUS_KM = 20
# the same search with every request a cache miss (issue 19): searches that stay fast uncached
UNCACHED_SEARCH_TARGET_RATIO = 0.20
UNCACHED_SEARCH_TARGET_P95_MS = 150
# the navigator's search (issue 17): need + postcode + language over the state's ~20,000 offers,
# every request a cache miss: ≥ 20 % of the bare view (as issue 19 restates it; issue 17: 30 %)
OFFER_SEARCH_TARGET_RATIO = 0.20
OFFER_SEARCH_TARGET_P95_MS = 150
# the region dashboard and the state overview (issue 4): 10 users
COOPERATION_USERS = 10
# the region dashboard from kept counts (issue 19): one request with an empty figures cache
# in-process, and p95 at 10 users
DASHBOARD_TARGET_MS = 30
DASHBOARD_TARGET_P95_MS = 60
# the start pages (issue 18): 10 users, against the signed-in bare view
START_USERS = 10
START_TARGET_RATIO = 0.30
START_TARGET_P95_MS = 200
SIGNED_IN_BASELINE = "bare_signed_in"
# Who signs in for a scenario's ``auth``: the key of the account's e-mail in the fixtures.
ACCOUNTS = {
    "session": "email",  # the coordinator
    "state": "state_email",
    "family_centre": "centre_email",  # staff of the family centre with the most dates ahead
    "speaker": "speaker_email",  # the job centre's speaker with the most dates ahead
}


@dataclass(frozen=True)
class Scenario:
    name: str  # also the request name in locust's statistics
    user_class: str  # the user class in bench/locustfile.py
    title: str
    auth: str  # "anonymous", "token" (API), or an account of ACCOUNTS ("session": the coordinator)
    path: str  # may name {query}, {institution_id}, {postcode} and {date_from} (fixtures)
    is_page: bool = True  # False for the baseline and references: no targets
    target_ratio: float | None = TARGET_RATIO  # None: no target for the ratio
    target_p95_ms: int = TARGET_P95_MS
    target_in_process_ms: float | None = None  # one request in this process (empty caches)
    users: int = 0  # locust users; 0: BENCH_USERS
    cache_missed: bool = False  # locust asks for an address not asked before, at a random postcode
    baseline: str = BASELINE  # the reference of the ratio


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
        Scenario(
            "region_home",
            "RegionHome",
            "region home",
            "session",
            f"/regions/{REGION_KEY}/",
            baseline=SIGNED_IN_BASELINE,
        ),
        Scenario(
            "institution_list",
            "InstitutionList",
            "institution list, filtered",
            "session",
            f"/regions/{REGION_KEY}/institutions/?kind=family_centre&q={{query}}",
            baseline=SIGNED_IN_BASELINE,
        ),
        Scenario(
            "institution_detail",
            "InstitutionDetail",
            "institution detail",
            "session",
            "/institutions/{institution_id}/",
            baseline=SIGNED_IN_BASELINE,
        ),
        Scenario(
            "api_institutions",
            "ApiInstitutions",
            "API institution list",
            "token",
            f"/api/v1/institutions?region={REGION_KEY}&kind=family_centre",
            baseline=SIGNED_IN_BASELINE,
        ),
        Scenario(
            "region_dashboard",
            "RegionDashboard",
            f"region dashboard ({COOPERATION_USERS} users)",
            "session",
            f"/regions/{REGION_KEY}/dashboard/",
            target_ratio=None,
            target_p95_ms=DASHBOARD_TARGET_P95_MS,
            target_in_process_ms=DASHBOARD_TARGET_MS,
            users=COOPERATION_USERS,
        ),
        Scenario(  # the state level's start page (issue 18), against the signed-in bare view
            "state_overview",
            "StateOverview",
            f"start page of the state level, all regions ({START_USERS} users)",
            "state",
            "/state/",
            target_ratio=START_TARGET_RATIO,
            target_p95_ms=START_TARGET_P95_MS,
            users=START_USERS,
            baseline=SIGNED_IN_BASELINE,
        ),
        *(
            Scenario(
                name,
                user_class,
                f"start page, {who} ({START_USERS} users)",
                auth,
                f"/regions/{REGION_KEY}/",
                target_ratio=START_TARGET_RATIO,
                target_p95_ms=START_TARGET_P95_MS,
                users=START_USERS,
                baseline=SIGNED_IN_BASELINE,
            )
            for name, user_class, auth, who in [
                ("start_coordinator", "StartCoordinator", "session", "coordinator"),
                (
                    "start_family_centre",
                    "StartFamilyCentre",
                    "family_centre",
                    "family-centre staff",
                ),
                ("start_speaker", "StartSpeaker", "speaker", "speaker of the job centre"),
            ]
        ),
        Scenario(
            "event_search",
            "EventSearch",
            f"public event search, postcode + {SEARCH_RADIUS_KM} km",
            "anonymous",
            f"/veranstaltungen/?plz={{postcode}}&radius={SEARCH_RADIUS_KM}",
            target_ratio=SEARCH_TARGET_RATIO,
            target_p95_ms=SEARCH_TARGET_P95_MS,
        ),
        Scenario(
            "event_search_filtered",
            "EventSearchFiltered",
            "public event search, + format and date",
            "anonymous",
            f"/veranstaltungen/?plz={{postcode}}&radius={SEARCH_RADIUS_KM}"
            "&format=parent_cafe&ab={date_from}",
            target_ratio=SEARCH_TARGET_RATIO,
            target_p95_ms=SEARCH_TARGET_P95_MS,
        ),
        Scenario(
            "event_search_any_postcode",
            "EventSearchAnyPostcode",
            "public event search, every request a cache miss",
            "anonymous",
            f"/veranstaltungen/?plz={{postcode}}&radius={SEARCH_RADIUS_KM}",
            target_ratio=UNCACHED_SEARCH_TARGET_RATIO,
            target_p95_ms=UNCACHED_SEARCH_TARGET_P95_MS,
            cache_missed=True,
        ),
        Scenario(
            "offer_search",
            "OfferSearch",
            "navigator search, need + postcode + language, every request a cache miss",
            "anonymous",
            "/hilfe/?bedarf=money&plz={postcode}&radius=10&sprache=tr",
            target_ratio=OFFER_SEARCH_TARGET_RATIO,
            target_p95_ms=OFFER_SEARCH_TARGET_P95_MS,
            cache_missed=True,
        ),
    ]
}


def url(scenario: Scenario, fixtures: dict) -> str:
    return scenario.path.format(
        query=quote_plus(fixtures.get("query", "")),
        institution_id=fixtures.get("institution_id", ""),
        postcode=fixtures.get("postcode", ""),
        date_from=fixtures.get("date_from", ""),
    )
