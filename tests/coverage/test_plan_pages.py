"""The coordinator's pages of the coverage plans, with real plans (the solver through the
background task, run at once): a hand-built small region of two family centres, where the BCA of
the employment agency reaches only the northern one and a case manager of the job centre the
southern one. "BCAs only" covers one centre, "with case managers" both; the comparison names
the centre gained and the case manager's value. The scenario form refuses bad input at the field
and saves nothing; a viewer sees the plans but cannot compute them."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from neuewege.core.access import access_for
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import EventFormat, Institution, OpeningPeriod, Person, User
from neuewege.coverage import api, plan_report
from neuewege.coverage.models import CentreRequest, PlanRun, Scenario, SpeakerCapacity
from neuewege.coverage.services import scenarios
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

YEAR = timezone.localdate().year + 1  # every month of it lies ahead
LIMIT = 3


def open_weekdays(centre):
    for day in range(5):
        OpeningPeriod.objects.create(
            institution=centre, weekday=day, opens=time(8), closes=time(16)
        )


def centre(region, name, latitude, longitude):
    result = InstitutionFactory(
        region=region, name=name, latitude=str(latitude), longitude=str(longitude)
    )
    open_weekdays(result)
    CentreRequest.objects.create(
        family_centre=result, year=YEAR, format=EventFormat.PARENT_CAFE, per_year=12
    )
    return result


def speaker(region, kind, function, first, last, latitude, longitude, km):
    office = InstitutionFactory(
        region=region,
        kind=kind,
        name=f"{kind} {last}",
        latitude=str(latitude),
        longitude=str(longitude),
    )
    person = PersonFactory(
        institution=office,
        function=function,
        first_name=first,
        last_name=last,
        moderated_formats=[EventFormat.PARENT_CAFE],
    )
    SpeakerCapacity.objects.create(
        person=person, hours_per_month=8, max_travel_km=km, max_travel_minutes=120
    )
    return person


@pytest.fixture(autouse=True)
def english(client, settings):
    """The pages in English (the msgids): the assertions read the words."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def small_region(wesel):
    """Wesel in the north, Moers about 25 km south: the BCA (in Wesel, 10 km) reaches only the
    northern centre, the case manager (in Moers, 10 km) only the southern one."""
    north = centre(wesel, "Familienzentrum Nord", 51.6580, 6.6170)
    south = centre(wesel, "Familienzentrum Süd", 51.4516, 6.6260)
    bca = speaker(
        wesel, Institution.Kind.EMPLOYMENT_AGENCY, Person.Function.BCA, "Berta", "Agentur",
        51.6590, 6.6180, 10,
    )  # fmt: skip
    case_manager = speaker(
        wesel, Institution.Kind.JOB_CENTRE, Person.Function.CASE_MANAGER, "Frank", "Werner",
        51.4520, 6.6270, 10,
    )  # fmt: skip
    bcas = Scenario.objects.create(region=wesel, year=YEAR, name="Nur BCA", functions=["bca"])
    everyone = Scenario.objects.create(region=wesel, year=YEAR, name="Mit Fallmanagern", base=bcas)
    return {
        "north": north,
        "south": south,
        "bca": bca,
        "case_manager": case_manager,
        "bcas": bcas,
        "everyone": everyone,
    }


def compute(client, scenario, django_capture_on_commit_callbacks, limit=LIMIT):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scenario-run", args=[scenario.pk]), {"time_limit_seconds": limit}
        )
    assert response.status_code == 302
    run = scenario.runs.get()
    assert response["Location"] == reverse("plan-run-detail", args=[run.pk])
    run.refresh_from_db()
    assert run.work_state == PlanRun.State.DONE, run.error
    return run


def text(response) -> str:
    return response.content.decode()


def test_the_plan_page_shows_the_plan_in_words(
    client, coordinator, small_region, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    run = compute(client, small_region["bcas"], django_capture_on_commit_callbacks)

    page = text(client.get(reverse("plan-run-detail", args=[run.pk])))

    assert "Optimal: no plan serves more family centres with these speakers." in page
    assert "1 / 2" in page  # one of two centres
    assert "Familienzentrum Nord" in page and "Familienzentrum Süd" in page
    # the southern centre's reason, in words with its format
    assert "No speaker within reach for the Elterncafé." in page
    assert "not served" in page and "covered" in page
    assert "Berta Agentur" in page
    assert "Frank Werner" not in page  # no BCA: not part of this scenario
    assert "Compare with" not in page  # no base


def test_the_comparison_names_the_centre_gained_and_the_speakers_value(
    client, coordinator, small_region, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    run = compute(client, small_region["everyone"], django_capture_on_commit_callbacks)
    result = run.result
    assert plan_report.headline(result["plan"])["covered"] == 2
    assert plan_report.headline(result["base"])["covered"] == 1

    response = client.get(reverse("plan-run-compare", args=[run.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "With “Mit Fallmanagern” 2 of 2 family centres can be served, with “Nur BCA” 1." in page
    comparison = response.context["comparison"]
    assert comparison["gained"] == ["Familienzentrum Süd"]
    assert comparison["lost"] == []
    assert comparison["covered_difference"] == 1
    assert [row["format"] for row in comparison["formats"]] == ["Elterncafé"]
    (cafe,) = comparison["formats"]
    assert (cafe["base"], cafe["scenario"], cafe["demand"], cafe["difference"]) == (12, 24, 24, 12)
    assert [(m["name"], m["centres"]) for m in comparison["marginal"]] == [("Frank Werner", 1)]
    assert "Frank Werner adds 1 family centre" in page
    rows = {row["name"]: row["key"] for row in response.context["rows"]}
    assert rows == {"Familienzentrum Nord": "both", "Familienzentrum Süd": "gained"}
    assert "covered only with the scenario" in page
    # the scenarios page shows the plan's headline and links to it
    plans = text(client.get(reverse("coverage-plans", args=[small_region["bcas"].region.key])
                            + f"?year={YEAR}"))  # fmt: skip
    assert reverse("plan-run-compare", args=[run.pk]) in plans
    assert "2 / 2" in plans


def test_a_plan_without_a_base_has_no_comparison(
    client, coordinator, small_region, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    run = compute(client, small_region["bcas"], django_capture_on_commit_callbacks)
    assert client.get(reverse("plan-run-compare", args=[run.pk])).status_code == 404


def test_a_scenario_without_any_speaker_says_nobody_is_planned(
    client, coordinator, small_region, django_capture_on_commit_callbacks
):
    scenario = small_region["bcas"]
    scenario.left_out.set([small_region["bca"]])
    client.force_login(coordinator)
    run = compute(client, scenario, django_capture_on_commit_callbacks, limit=1)
    page = text(client.get(reverse("plan-run-detail", args=[run.pk])))
    assert "Nobody is planned" in page
    assert "No speaker is qualified for the Elterncafé." in page


def test_while_computing_the_plan_page_shows_the_progress_bar(client, coordinator, small_region):
    client.force_login(coordinator)
    run = PlanRun.objects.create(scenario=small_region["bcas"], time_limit_seconds=5)
    response = client.get(reverse("plan-run-detail", args=[run.pk]))
    assert response.status_code == 200
    assert 'id="work-progress"' in text(response)
    polled = client.get(reverse("plan-run-detail", args=[run.pk]), headers={"HX-Request": "true"})
    assert 'id="work-progress"' in text(polled) and "<html" not in text(polled)


def form_data(**changes):
    data = {
        "name": "Plus fünf Fallmanager",
        "description": "",
        "hours_percent": "100",
        "base": "",
        "extra-TOTAL_FORMS": "2",
        "extra-INITIAL_FORMS": "0",
        "extra-MIN_NUM_FORMS": "0",
        "extra-MAX_NUM_FORMS": "20",
        "extra-0-institution_kind": "job_centre",
        "extra-0-function": "case_manager",
        "extra-0-count": "5",
        "extra-0-hours_per_month": "4",
        "extra-0-formats": ["parent_cafe"],
        "extra-0-max_travel_km": "30",
        "extra-1-institution_kind": "job_centre",
        "extra-1-function": "case_manager",
        "extra-1-count": "",
        "extra-1-hours_per_month": "4",
        "extra-1-max_travel_km": "30",
        "centres-TOTAL_FORMS": "1",
        "centres-INITIAL_FORMS": "0",
        "centres-MIN_NUM_FORMS": "0",
        "centres-MAX_NUM_FORMS": "20",
        "centres-0-name": "",
        "centres-0-postcode": "",
        "centres-0-parent_cafe": "0",
        "centres-0-info_session": "0",
        "centres-0-parent_course": "0",
    }
    return data | changes


def test_a_scenario_is_created_with_its_added_speakers(client, coordinator, small_region):
    client.force_login(coordinator)
    url = reverse("coverage-scenario-create", args=[small_region["bcas"].region.key])
    response = client.post(
        f"{url}?year={YEAR}",
        form_data(functions=["case_manager", "other"], base=small_region["bcas"].pk),
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get(name="Plus fünf Fallmanager")
    assert scenario.year == YEAR and scenario.base == small_region["bcas"]
    assert scenario.functions == ["case_manager", "other"]
    assert scenario.extra_speakers == [
        {
            "institution_kind": "job_centre",
            "function": "case_manager",
            "count": 5,
            "hours_per_month": 4,
            "formats": ["parent_cafe"],
            "max_travel_km": 30,
        }
    ]
    assert scenario.created_by == coordinator


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "nur bca"}, "already has a scenario “nur bca”"),
        ({"hours_percent": "5"}, "Give an hours budget from 10 to 300 %."),
        ({"hours_percent": "301"}, "Give an hours budget from 10 to 300 %."),
        ({"extra-0-formats": []}, "Choose at least one format they may moderate."),
        ({"extra-0-count": "51"}, "Give how many, from 1 to 50."),
        ({"extra-0-hours_per_month": "41"}, "Give the hours per month, from 1 to 40."),
        ({"extra-0-max_travel_km": "0"}, "Give the longest journey, from 1 to 200 km."),
    ],
)
def test_bad_scenario_input_is_a_field_error_and_nothing_is_saved(
    client, coordinator, small_region, changes, message
):
    client.force_login(coordinator)
    before = list(Scenario.objects.values_list("pk", "name", "hours_percent", "extra_speakers"))
    url = reverse("coverage-scenario-create", args=[small_region["bcas"].region.key])
    response = client.post(f"{url}?year={YEAR}", form_data(**changes))
    assert response.status_code == 200
    page = text(response)
    assert "data-error-summary" in page
    assert message in page
    after = list(Scenario.objects.values_list("pk", "name", "hours_percent", "extra_speakers"))
    assert after == before


def test_a_base_that_leads_back_is_refused(client, coordinator, small_region):
    """ "Nur BCA" compared with "Mit Fallmanagern", which is compared with "Nur BCA": a cycle."""
    client.force_login(coordinator)
    bcas = small_region["bcas"]
    data = form_data(name="Nur BCA", functions=["bca"], base=small_region["everyone"].pk)
    data |= {"extra-0-count": "", "extra-0-formats": []}  # no speakers added
    response = client.post(reverse("scenario-update", args=[bcas.pk]), data)
    assert response.status_code == 200
    assert "is itself compared with this scenario" in text(response)
    bcas.refresh_from_db()
    assert bcas.base is None
    # itself is not offered (and refused if sent)
    response = client.post(reverse("scenario-update", args=[bcas.pk]), data | {"base": bcas.pk})
    assert response.status_code == 200 and "data-error-summary" in text(response)
    bcas.refresh_from_db()
    assert bcas.base is None


def test_a_time_limit_outside_1_to_60_seconds_starts_nothing(client, coordinator, small_region):
    client.force_login(coordinator)
    for limit in ("0", "61", "x"):
        response = client.post(
            reverse("scenario-run", args=[small_region["bcas"].pk]), {"time_limit_seconds": limit}
        )
        assert response.status_code == 200
        assert "data-error-summary" in text(response)
    assert not PlanRun.objects.exists()


def test_a_viewer_sees_the_plans_but_cannot_compute_or_change_them(
    client, wesel, small_region, django_capture_on_commit_callbacks
):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    client.force_login(viewer)
    scenario = small_region["bcas"]
    plans = client.get(reverse("coverage-plans", args=[wesel.key]) + f"?year={YEAR}")
    assert plans.status_code == 200
    assert reverse("scenario-run", args=[scenario.pk]) not in text(plans)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scenario-run", args=[scenario.pk]), {"time_limit_seconds": 1}
        )
    assert response.status_code == 403
    assert not PlanRun.objects.exists()
    response = client.post(reverse("scenario-delete", args=[scenario.pk]))
    assert response.status_code == 403
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_a_scenario_is_deleted_and_its_comparison_loses_its_base(client, coordinator, small_region):
    client.force_login(coordinator)
    response = client.post(reverse("scenario-delete", args=[small_region["bcas"].pk]))
    assert response.status_code == 302
    assert not Scenario.objects.filter(pk=small_region["bcas"].pk).exists()
    small_region["everyone"].refresh_from_db()
    assert small_region["everyone"].base is None


def test_the_coverage_pages_link_to_each_other(client, coordinator, wesel):
    client.force_login(coordinator)
    plans = reverse("coverage-plans", args=[wesel.key])
    for name in ("coverage-demand", "coverage-speakers", "coverage-plans"):
        page = text(client.get(reverse(name, args=[wesel.key])))
        assert plans in page and reverse("coverage-demand", args=[wesel.key]) in page
        assert reverse("coverage-speakers", args=[wesel.key]) in page


def test_every_reason_code_has_words():
    plan = {"requests": [{"id": 7, "format": "parent_course", "centre": 1, "demand": 1}]}
    codes = [
        "months_avoided",
        "no_qualified_speaker",
        "no_speaker_in_reach",
        "hours_too_few",
        "opening_hours",
        "capacity_used_up",
        "half_days",
        "pin_not_eligible",
        "pin_conflict",
    ]
    for language in ("en", "de"):
        with translation.override(language):
            for code in codes:
                sentence = plan_report.reason_text({"code": code, "params": {"request": "7"}}, plan)
                assert sentence and code not in sentence
    with translation.override("en"):
        assert "job centre" in plan_report.reason_text(
            {"code": "no_speaker_in_reach", "params": {"request": "7", "role": "JC"}}, plan
        )


def test_other_function_takes_in_every_speaker_of_no_planner_function(small_region, wesel):
    """ "Other function" in a scenario stands for every function the planner does not name
    (an equality officer of the job centre, say), as the planner itself maps them."""
    from neuewege.coverage.services.plans import instance_for

    officer = speaker(
        wesel, Institution.Kind.JOB_CENTRE, Person.Function.EQUALITY_OFFICER, "Olga", "Gleich",
        51.4520, 6.6270, 10,
    )  # fmt: skip
    scenario = Scenario.objects.create(region=wesel, year=YEAR, name="Andere", functions=["other"])
    ids = {s.id for s in instance_for(scenario).instance.speakers}
    assert ids == {officer.pk}


# Family centres added by a scenario

NEW_CENTRE = {
    "centres-0-name": "FZ Neubau",
    "centres-0-postcode": "46483",  # Wesel: within the BCA's 10 km
    "centres-0-parent_cafe": "2",
}
NO_SPEAKERS_ADDED = {"extra-0-count": "", "extra-0-formats": []}


def test_a_family_centre_added_is_planned_and_gained_in_the_comparison(
    client, coordinator, small_region, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    everyone, bcas = small_region["everyone"], small_region["bcas"]
    data = form_data(name="Mit Fallmanagern", base=bcas.pk) | NO_SPEAKERS_ADDED | NEW_CENTRE
    response = client.post(reverse("scenario-update", args=[everyone.pk]), data)
    assert response.status_code == 302, text(response)
    everyone.refresh_from_db()
    assert everyone.extra_centres == [
        {"name": "FZ Neubau", "postcode": "46483", "requests": {"parent_cafe": 2}}
    ]
    form = client.get(reverse("scenario-update", args=[everyone.pk]))
    assert form.context["centres"].forms[0].initial["name"] == "FZ Neubau"
    assert "Remove this family centre" in text(form)

    run = compute(client, everyone, django_capture_on_commit_callbacks)
    plan = client.get(reverse("plan-run-detail", args=[run.pk]))
    (row,) = [row for row in plan.context["centres"] if row["name"] == "FZ Neubau"]
    assert (row["added"], row["status"]) == (True, "covered")
    assert not any(r["added"] for r in plan.context["centres"] if r["name"] != "FZ Neubau")
    assert "FZ Neubau (added): covered" in [p["name"] for p in plan.context["map_points"]]
    assert '<span class="kern-label">added</span>' in text(plan)

    compared = client.get(reverse("plan-run-compare", args=[run.pk]))
    comparison = compared.context["comparison"]
    assert comparison["gained"] == ["FZ Neubau", "Familienzentrum Süd"]
    assert comparison["added"] == ["FZ Neubau"]
    assert comparison["covered_difference"] == 2
    rows = {row["name"]: (row["key"], row["added"]) for row in compared.context["rows"]}
    assert rows["FZ Neubau"] == ("gained", True)
    assert rows["Familienzentrum Süd"] == ("gained", False)
    assert "With “Mit Fallmanagern” 3 of 3 family centres can be served" in text(compared)
    # the API's comparison, from the same facts: the added centre by its plan id
    assert {"id": "new-0", "name": "FZ Neubau"} in api.comparison(run.result)["gained"]
    # the plan's events: those of the centre added cannot become events (no institution)
    events = client.get(reverse("plan-run-events", args=[run.pk]))
    (group,) = [g for g in events.context["groups"] if g["name"] == "FZ Neubau"]
    assert group["added"] and len(group["events"]) == 2
    assert "?request=None" not in text(events)  # no adjusting without a request
    made = client.post(reverse("plan-run-make-events", args=[run.pk]))
    assert made.status_code == 302
    run.refresh_from_db()
    assert run.events_made["failed"] == []
    real = [a for a in run.result["plan"]["assignments"] if a["centre"] != "new-0"]
    assert len(run.events_made["created"]) == len(real) == 24  # none of the centre added


def test_a_family_centre_added_without_a_location_links_to_the_scenario(
    client, coordinator, small_region, django_capture_on_commit_callbacks
):
    """A postcode the planner cannot place (stored before it was checked): the plan says so and
    leads to the scenario, not to an institution that does not exist."""
    scenario = small_region["bcas"]
    scenario.extra_centres = [{"name": "FZ Irgendwo", "postcode": "00000", "requests": {}}]
    scenario.save()
    client.force_login(coordinator)
    run = compute(client, scenario, django_capture_on_commit_callbacks)
    page = text(client.get(reverse("plan-run-detail", args=[run.pk])))
    assert "FZ Irgendwo: the family centre added has no location" in page
    assert reverse("scenario-update", args=[scenario.pk]) in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"centres-0-postcode": "00000"}, "Give a German postcode of five digits."),
        ({"centres-0-postcode": "4648"}, "Give a German postcode of five digits."),
        ({"centres-0-postcode": ""}, "Give the postcode."),
        ({"centres-0-parent_cafe": "0"}, "Ask for at least one event a year of some format."),
        ({"centres-0-info_session": "25"}, "Give the events a year, from 0 to 24."),
        ({"centres-0-name": ""}, "Give the family centre&#x27;s name."),
    ],
)
def test_a_bad_family_centre_added_is_a_field_error_and_nothing_is_saved(
    client, coordinator, small_region, changes, message
):
    client.force_login(coordinator)
    before = list(Scenario.objects.values_list("pk", "name", "extra_speakers", "extra_centres"))
    url = reverse("coverage-scenario-create", args=[small_region["bcas"].region.key])
    data = form_data(name="Neues FZ") | NO_SPEAKERS_ADDED | NEW_CENTRE | changes
    response = client.post(f"{url}?year={YEAR}", data)
    assert response.status_code == 200
    page = text(response)
    assert "data-error-summary" in page
    assert "Added family centres, row 1, " in page and message in page
    (row,) = response.context["centres"].forms
    assert row.errors  # at the row's field
    after = list(Scenario.objects.values_list("pk", "name", "extra_speakers", "extra_centres"))
    assert after == before


def test_the_service_refuses_bad_family_centres_whole(small_region, coordinator, wesel):
    """Without the form (the API, a script): every row's problems at ``extra_centres``."""
    good = {"name": "FZ Neubau", "postcode": "46483", "requests": {"parent_cafe": 2}}
    data = {
        "name": "Zwei neue",
        "hours_percent": 100,
        "extra_centres": [
            good,
            good | {"name": " fz neubau "},  # the same name again
            {"name": "FZ Leer", "postcode": "46483", "requests": {"parent_cafe": 0}},
            {"name": "FZ Fern", "postcode": "99999", "requests": {"gala": 1}},
        ],
    }
    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        scenarios.save_scenario(access=access_for(coordinator), region=wesel, year=YEAR, data=data)
    messages = error.value.errors["extra_centres"]
    assert len(messages) == 3 and all(m.startswith("Added family centres, row ") for m in messages)
    assert "row 2: give each added family centre a name of its own." in messages[0]
    assert "row 3: ask for at least one event a year." in messages[1]
    assert "give a German postcode of five digits" in messages[2]
    assert "give the events a year per format, from 0 to 24" in messages[2]
    assert not Scenario.objects.filter(name="Zwei neue").exists()
    zero_dropped = good | {"requests": {"parent_cafe": 2, "parent_course": 0}}
    saved = scenarios.save_scenario(
        access=access_for(coordinator),
        region=wesel,
        year=YEAR,
        data=data | {"extra_centres": [zero_dropped]},
    )
    assert saved.extra_centres == [good]


def test_the_comparison_tells_added_centres_of_the_two_scenarios_apart():
    """Ids "new-<i>" count per scenario: the base's first added centre is not the scenario's."""

    def plan(*centres):
        return {
            "status": "optimal",
            "gap": 0,
            "centres_with_requests": len(centres),
            "centres": [
                {"id": cid, "name": name, "status": status, "added": str(cid).startswith("new-")}
                for cid, name, status in centres
            ],
            "requests": [],
            "served_by_format": {"parent_cafe": [sum(s == "covered" for *_, s in centres), 3]},
        }

    result = {
        "plan": plan((1, "FZ Alt", "covered"), ("new-0", "FZ Xanten", "covered")),
        "base": plan((1, "FZ Alt", "covered"), ("new-0", "FZ Hamminkeln", "covered")),
    }
    facts = plan_report.compared(result)
    assert [(c["id"], c["name"]) for c in facts["gained"]] == [("new-0", "FZ Xanten")]
    assert [(c["id"], c["name"]) for c in facts["lost"]] == [("new-0", "FZ Hamminkeln")]
    assert facts["covered_difference"] == 0
    assert facts["formats"] == {"parent_cafe": {"base": 2, "scenario": 2, "demand": 3}}
    with translation.override("en"):
        rows = {row["name"]: row["key"] for row in plan_report.compare_rows(result)}
    assert rows == {"FZ Alt": "both", "FZ Xanten": "gained", "FZ Hamminkeln": "lost"}
    compared = api.comparison(result)
    assert compared["gained"] == [{"id": "new-0", "name": "FZ Xanten"}]
    assert compared["lost"] == [{"id": "new-0", "name": "FZ Hamminkeln"}]
    assert compared["served_by_format"] == {"parent_cafe": [2, 2]}
