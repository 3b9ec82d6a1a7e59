"""The rules of agreements as a user relies on them: the clause library, bad input refused with
nothing saved, versions and signatures, paper copies, renewal, the status shown."""

import contextlib
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from neuewege.agreements import selectors, services
from neuewege.agreements.models import (
    EXPIRING,
    Agreement,
    AgreementVersion,
    Clause,
    ClauseVersion,
    Kind,
    PaperCopy,
    Party,
    Signature,
)
from neuewege.agreements.permissions import SEE
from neuewege.agreements.reminders import run_out
from neuewege.core import services as core_services
from neuewege.core.access import access_for
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Person, User

from ..factories import InstitutionFactory, PersonFactory, UserFactory
from .conftest import (
    ENDS_ON,
    STARTS_ON,
    in_force,
    make_centre_agreement,
    make_dated_event,
    make_framework,
    sign_all,
    small_pdf,
    staff_account,
)

pytestmark = pytest.mark.django_db

ROWS = (Agreement, Party, AgreementVersion, Signature, PaperCopy, Clause, ClauseVersion)


def counts():
    return {model.__name__: model.objects.count() for model in ROWS}


def clause(version: AgreementVersion, key: str) -> dict:
    return next(entry for entry in version.snapshot["clauses"] if entry["key"] == key)


def state_clause(kind, key) -> Clause:
    return Clause.objects.get(kind=kind, key=key, region=None)


def messages(error, field) -> str:
    return " ".join(str(message) for message in error.value.errors[field])


@pytest.fixture
def state(state_user):
    return access_for(state_user)


@pytest.fixture
def borken_parties(borken):
    kinds = (
        Institution.Kind.JOB_CENTRE,
        Institution.Kind.EMPLOYMENT_AGENCY,
        Institution.Kind.YOUTH_WELFARE_OFFICE,
    )
    parties = [
        InstitutionFactory(region=borken, kind=kind, name=f"{kind} Borken", postcode="46325")
        for kind in kinds
    ]
    PersonFactory(
        institution=parties[2], first_name="Bea", function=Person.Function.YOUTH_WELFARE_STAFF
    )
    PersonFactory(institution=parties[2], first_name="Bodo", function=Person.Function.COORDINATOR)
    return parties


@pytest.fixture
def borken_coord(borken):
    return access_for(UserFactory(role=User.Role.COORDINATOR, regions=[borken]))


# The clause library


def test_a_clause_version_is_never_changed_a_change_is_a_new_one(
    state, coord, framework_parties, ja_staff, steering_group
):
    goal = state_clause(Kind.FRAMEWORK, "ziel")
    first = goal.latest
    old_text = first.text
    draft = make_framework(coord, framework_parties)

    second = services.save_clause_version(
        access=state, clause=goal, text="Ziel ist eine Kooperation in {{region}}.", note="kürzer"
    )
    assert (second.number, first.number) == (2, 1)
    first.refresh_from_db()
    assert first.text == old_text
    assert list(goal.versions.values_list("number", flat=True)) == [2, 1]
    # the draft keeps the version it was drawn from; a new agreement takes the new one
    assert clause(draft.versions.get(), "ziel")["clause_version"] == first.pk
    services.send_for_signature(access=coord, agreement=draft)  # one draft at a time
    newer = make_framework(coord, framework_parties, title="Neue Rahmenvereinbarung")
    entry = clause(newer.versions.get(), "ziel")
    assert (entry["clause_version"], entry["clause_number"]) == (second.pk, 2)
    assert entry["filled"] == f"Ziel ist eine Kooperation in {newer.region.name}."


def test_a_clause_text_unchanged_or_with_an_unknown_placeholder_is_refused(state):
    goal = state_clause(Kind.FRAMEWORK, "ziel")
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        services.save_clause_version(
            access=state, clause=goal, text="Für {{region}} mit {{bürgermeister}} und {{x}}."
        )
    assert "{{bürgermeister}}, {{x}}" in messages(error, "text")
    assert "{{veranstaltungen}}" in messages(error, "text")  # the known ones are listed
    with pytest.raises(ValidationFailed):
        services.save_clause_version(access=state, clause=goal, text=goal.latest.text + "\n")
    assert counts() == before


def test_only_the_state_level_changes_the_states_clauses(coord):
    with pytest.raises(PermissionDenied):
        services.save_clause_version(
            access=coord, clause=state_clause(Kind.FRAMEWORK, "ziel"), text="Anders."
        )


def test_a_region_variant_replaces_the_clause_in_that_regions_new_agreements_only(
    coord, borken_coord, framework_parties, borken_parties, ja_staff, steering_group
):
    earlier = make_framework(coord, framework_parties)
    services.send_for_signature(access=coord, agreement=earlier)  # one draft at a time
    goal = state_clause(Kind.FRAMEWORK, "ziel")
    variant = services.add_region_variant(
        access=coord, clause=goal, region=framework_parties[0].region, text="Wesels Ziel."
    )
    wesel_new = make_framework(coord, framework_parties, title="Wesel neu")
    borken_new = make_framework(borken_coord, borken_parties)

    entry = clause(wesel_new.versions.get(), "ziel")
    assert entry["filled"] == "Wesels Ziel." and entry["region_variant"] is True
    assert entry["clause_version"] == variant.latest.pk
    assert clause(borken_new.versions.get(), "ziel")["clause_version"] == goal.latest.pk
    assert clause(earlier.versions.get(), "ziel")["clause_version"] == goal.latest.pk
    # a coordinator of another region can neither add nor change Wesel's variant
    with pytest.raises(PermissionDenied):
        services.save_clause_version(access=borken_coord, clause=variant, text="Borkens Ziel.")
    with pytest.raises(ValidationFailed):
        services.add_region_variant(
            access=coord, clause=goal, region=framework_parties[0].region, text="Noch eins."
        )
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        services.add_region_variant(
            access=coord,
            clause=state_clause(Kind.FRAMEWORK, "austausch"),
            region=framework_parties[0].region,
            text="Austausch mit {{landrat}}.",
        )
    assert "{{landrat}}" in messages(error, "text")
    assert counts() == before


# Bad input: refused, naming the field or clause, nothing saved


def test_a_party_of_the_wrong_kind_or_region_is_refused(
    coord, framework_parties, centre, borken_parties, ja_staff, steering_group
):
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        make_framework(coord, [*framework_parties, centre])
    assert centre.name in messages(error, "parties")
    with pytest.raises(ValidationFailed) as error:
        make_framework(coord, [framework_parties[0], framework_parties[1], borken_parties[2]])
    assert borken_parties[2].name in messages(error, "parties")
    with pytest.raises(ValidationFailed) as error:
        make_framework(coord, framework_parties[:2])  # no Jugendamt
    assert "Jugendamt" in messages(error, "parties")
    with pytest.raises(ValidationFailed) as error:
        services.create_agreement(
            access=coord,
            kind=Kind.FAMILY_CENTRE,
            region=centre.region,
            family_centre=InstitutionFactory(region=borken_parties[0].region),
            parties=framework_parties[:2],
            starts_on=STARTS_ON,
            ends_on=ENDS_ON,
        )
    assert "family_centre" in error.value.errors
    assert counts() == before


def test_an_end_before_the_start_is_refused(coord, framework_parties, ja_staff, steering_group):
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        make_framework(
            coord, framework_parties, starts_on=date(2027, 6, 1), ends_on=date(2027, 5, 31)
        )
    assert "ends_on" in error.value.errors
    assert counts() == before


def test_missing_dates_are_named_not_a_crash(coord, framework_parties, ja_staff, steering_group):
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        make_framework(coord, framework_parties, starts_on=None, ends_on=None)
    assert {"starts_on", "ends_on"} <= set(error.value.errors)
    assert counts() == before


def test_a_placeholder_without_data_names_the_clause_and_nothing_is_saved(
    coord, centre, job_centre, employment_agency
):
    """A centre without any events (and so without speakers), no BCA at the parties."""
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        make_centre_agreement(coord, centre, [job_centre, employment_agency])
    text = messages(error, "clauses")
    assert "„(1) Veranstaltungen“" in text and "{{veranstaltungen}}" in text
    assert "„(2) Durchführung“" in text and "{{referentinnen}}" in text
    assert counts() == before


def test_signing_a_superseded_version_is_refused(coord, framework, jc_staff):
    services.send_for_signature(access=coord, agreement=framework)
    first = framework.versions.get()
    services.save_version(access=coord, agreement=framework, texts={"ziel": "Neues Ziel."})
    party = framework.parties.get(institution=jc_staff.person.institution)
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        services.sign(access=access_for(jc_staff), agreement=framework, version=first, party=party)
    assert "durch Fassung 2 ersetzt" in messages(error, "version")
    assert counts() == before


def test_only_a_person_of_the_partys_institution_signs_for_it(
    coord, framework, jc_staff, fc_staff, region_coordinator, coordinator
):
    services.send_for_signature(access=coord, agreement=framework)
    version = framework.versions.get()
    job_centre = framework.parties.get(institution__kind=Institution.Kind.JOB_CENTRE)
    youth_office = framework.parties.get(institution__kind=Institution.Kind.YOUTH_WELFARE_OFFICE)
    before = counts()
    for account, party in (
        (fc_staff, job_centre),  # staff of another institution
        (region_coordinator, job_centre),  # the coordinator is of the Jugendamt
        (coordinator, youth_office),  # a coordinator account without a person
    ):
        with pytest.raises(PermissionDenied):
            services.sign(
                access=access_for(account), agreement=framework, version=version, party=party
            )
    assert counts() == before
    # the coordinator signs for her own institution
    services.sign(access=coord, agreement=framework, version=version, party=youth_office)
    assert Signature.objects.get().signer_name == "Clara Koordina"


def test_a_person_of_the_partys_institution_without_the_right_to_sign_is_refused(
    coord, framework, job_centre
):
    """A case manager of the Jobcenter does not bind it: only an account the coordinator has
    given the right to sign (an authorised signatory) signs; once given, she signs."""
    case_manager = staff_account(
        job_centre,
        first_name="Carla",
        last_name="Fall",
        function=Person.Function.CASE_MANAGER,
        email="carla.fall@jobcenter-wesel.example",
        signs_agreements=False,
    )
    services.send_for_signature(access=coord, agreement=framework)
    version = framework.versions.get()
    party = framework.parties.get(institution=job_centre)
    before = counts()
    with pytest.raises(PermissionDenied) as error:
        services.sign(
            access=access_for(case_manager), agreement=framework, version=version, party=party
        )
    assert "Jobcenter Kreis Wesel" in " ".join(error.value.messages())
    assert counts() == before
    framework.refresh_from_db()
    assert framework.status == Agreement.Status.SIGNING
    # the agreement's page tells her why, for her institution's party only
    states = selectors.party_states(access_for(case_manager), selectors.detail(framework))
    refused = {state.party: state.refusal for state in states if state.refusal}
    assert list(refused) == [party] and "Jobcenter Kreis Wesel" in refused[party]
    assert not any(state.can_sign for state in states)

    # the region's coordinator gives her account the right: she signs
    core_services.update_account(
        access=coord,
        user=case_manager,
        role=User.Role.STAFF,
        region_ids=[],
        person=case_manager.person,
        is_active=True,
        signs_agreements=True,
    )
    states = selectors.party_states(access_for(case_manager), selectors.detail(framework))
    assert [state.party for state in states if state.can_sign] == [party]
    signature = services.sign(
        access=access_for(case_manager), agreement=framework, version=version, party=party
    )
    assert signature.signed_by == case_manager and signature.signer_name == "Carla Fall"


def test_a_party_signs_once(coord, framework, jc_staff):
    services.send_for_signature(access=coord, agreement=framework)
    version = framework.versions.get()
    party = framework.parties.get(institution=jc_staff.person.institution)
    services.sign(access=access_for(jc_staff), agreement=framework, version=version, party=party)
    with pytest.raises(ValidationFailed) as error:
        services.sign(
            access=access_for(jc_staff), agreement=framework, version=version, party=party
        )
    assert "party" in error.value.errors
    # what two signatures at the same moment would meet: the database's own rule
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.create(
            version=version, party=party, method="electronic", signer_name="x", digest="y"
        )
    assert Signature.objects.count() == 1


# Versions, signatures, paper copies


def test_a_changed_clause_is_a_new_version_an_unchanged_one_none(coord, framework):
    first = framework.versions.get()
    assert services.save_version(access=coord, agreement=framework, texts={}) is None
    same = clause(first, "ziel")["text"]
    assert services.save_version(access=coord, agreement=framework, texts={"ziel": same}) is None
    second = services.save_version(
        access=coord, agreement=framework, texts={"ziel": "Anderes Ziel für {{region}}."}
    )
    assert second.number == 2 and framework.versions.count() == 2
    assert clause(second, "ziel")["clause_version"] == clause(first, "ziel")["clause_version"]
    first.refresh_from_db()
    assert clause(first, "ziel")["text"] == same  # the older version stays as it was
    with pytest.raises(ValidationFailed) as error:
        services.save_version(access=coord, agreement=framework, texts={"ziel": "{{unbekannt}}"})
    assert "§ 1 Ziel der Kooperation" in messages(error, "texts")
    with pytest.raises(ValidationFailed) as error:
        services.save_version(access=coord, agreement=framework, texts={"gibtsnicht": "x"})
    assert "gibtsnicht" in messages(error, "texts")
    assert framework.versions.count() == 2


def test_a_new_version_voids_the_open_signatures_and_stays_in_signature(coord, framework, jc_staff):
    services.send_for_signature(access=coord, agreement=framework)
    party = framework.parties.get(institution=jc_staff.person.institution)
    signature = services.sign(
        access=access_for(jc_staff),
        agreement=framework,
        version=framework.versions.get(),
        party=party,
    )
    assert signature.digest == framework.versions.get().digest
    services.save_version(access=coord, agreement=framework, texts={"ziel": "Neues Ziel."})
    signature.refresh_from_db()
    framework.refresh_from_db()
    assert signature.voided_at is not None
    assert framework.status == Agreement.Status.SIGNING


def test_all_three_signatures_put_it_in_force_and_it_is_not_edited_then(coord, framework, accounts):
    services.send_for_signature(access=coord, agreement=framework)
    version = framework.versions.get()
    parties = list(framework.parties.all())
    sign_all(framework, accounts, parties=parties[:2])
    assert framework.status == Agreement.Status.SIGNING and framework.in_force_at is None
    sign_all(framework, accounts, parties=parties[2:])
    assert framework.status == Agreement.Status.IN_FORCE and framework.in_force_at is not None
    assert set(Signature.objects.values_list("digest", flat=True)) == {version.digest}
    with pytest.raises(ValidationFailed):
        services.save_version(access=coord, agreement=framework, texts={"ziel": "Später."})
    with pytest.raises(ValidationFailed):
        services.save_version(access=coord, agreement=framework, ends_on=date(2029, 12, 31))
    framework.refresh_from_db()
    assert framework.versions.count() == 1 and framework.ends_on == ENDS_ON


def test_a_paper_copy_for_the_remaining_parties_puts_it_in_force(coord, framework, jc_staff):
    services.send_for_signature(access=coord, agreement=framework)
    version = framework.versions.get()
    job_centre, *others = framework.parties.order_by("position")
    services.sign(
        access=access_for(jc_staff), agreement=framework, version=version, party=job_centre
    )
    copy = services.record_paper_copy(
        access=coord,
        agreement=framework,
        version=version,
        upload=small_pdf(),
        parties=others,
        signer_names={others[0].pk: "Dr. Paula Papier"},
    )
    framework.refresh_from_db()
    assert framework.status == Agreement.Status.IN_FORCE
    signatures = Signature.objects.filter(paper_copy=copy).order_by("party__position")
    assert [s.method for s in signatures] == ["paper", "paper"]
    assert signatures[0].signer_name == "Dr. Paula Papier"
    assert signatures[1].signer_name == "Jugendamt Kreis Wesel"
    with copy.file.open("rb") as stored:
        assert len(PdfReader(stored).pages) == 1
    assert copy.size == copy.file.size and copy.filename == "unterschrieben.pdf"


def test_a_paper_copy_for_a_party_that_signed_already_is_refused(coord, framework, jc_staff):
    services.send_for_signature(access=coord, agreement=framework)
    version = framework.versions.get()
    job_centre = framework.parties.get(institution__kind=Institution.Kind.JOB_CENTRE)
    services.sign(
        access=access_for(jc_staff), agreement=framework, version=version, party=job_centre
    )
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        services.record_paper_copy(
            access=coord,
            agreement=framework,
            version=version,
            upload=small_pdf(),
            parties=framework.parties.all(),
        )
    assert "Jobcenter Kreis Wesel" in messages(error, "parties")
    assert counts() == before


def test_a_paper_copy_naming_a_party_twice_signs_it_once(coord, framework):
    services.send_for_signature(access=coord, agreement=framework)
    version = framework.versions.get()
    job_centre = framework.parties.get(institution__kind=Institution.Kind.JOB_CENTRE)
    copy = services.record_paper_copy(
        access=coord,
        agreement=framework,
        version=version,
        upload=small_pdf(),
        parties=[job_centre, job_centre],
    )
    assert list(copy.signatures.values_list("party", flat=True)) == [job_centre.pk]


def test_a_paper_copy_without_a_file_or_of_another_agreement_is_refused(
    coord, framework, framework_parties
):
    services.send_for_signature(access=coord, agreement=framework)  # one draft at a time
    other = make_framework(coord, framework_parties, title="Eine andere")
    services.send_for_signature(access=coord, agreement=other)
    version = framework.versions.get()
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        services.record_paper_copy(
            access=coord,
            agreement=framework,
            version=version,
            upload=None,
            parties=framework.parties.all(),
        )
    assert "upload" in error.value.errors
    with pytest.raises(ValidationFailed) as error, translation.override("en"):
        services.record_paper_copy(
            access=coord,
            agreement=other,
            version=version,
            upload=small_pdf(),
            parties=other.parties.all(),
        )
    assert messages(error, "version") == "Not a version of this agreement."
    assert counts() == before


def test_a_renewal_takes_over_the_texts_and_renews_the_old_one_when_in_force(
    coord, framework, accounts
):
    services.save_version(access=coord, agreement=framework, texts={"ziel": "Unser Ziel."})
    in_force(coord, framework, accounts)
    renewal = services.renew(
        access=coord, agreement=framework, starts_on=date(2029, 1, 1), ends_on=date(2030, 12, 31)
    )
    assert renewal.status == Agreement.Status.DRAFT and renewal.predecessor == framework
    version = renewal.versions.get()
    assert clause(version, "ziel")["text"] == "Unser Ziel."
    assert "vom 01.01.2029 bis zum 31.12.2030" in clause(version, "laufzeit")["filled"]
    assert [p.institution for p in renewal.parties.all()] == [
        p.institution for p in framework.parties.all()
    ]
    with pytest.raises(ValidationFailed):  # one renewal only
        services.renew(
            access=coord, agreement=framework, starts_on=date(2029, 1, 1), ends_on=date(2030, 1, 1)
        )
    framework.refresh_from_db()
    assert framework.status == Agreement.Status.IN_FORCE
    in_force(coord, renewal, accounts)
    framework.refresh_from_db()
    assert renewal.status == Agreement.Status.IN_FORCE
    assert framework.status == Agreement.Status.RENEWED


def test_a_renewal_needs_the_right_to_draft(framework, accounts, coord, jc_staff):
    in_force(coord, framework, accounts)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.renew(
            access=access_for(jc_staff),
            agreement=framework,
            starts_on=date(2029, 1, 1),
            ends_on=date(2030, 1, 1),
        )
    assert counts() == before


def test_the_renewal_term_is_set_checked_and_written_into_the_term_clause(
    coord, framework_parties, ja_staff, steering_group
):
    before = counts()
    for months in (0, 61, "12", True):
        with pytest.raises(ValidationFailed) as error:
            make_framework(coord, framework_parties, renewal_months=months)
        assert "renewal_months" in error.value.errors
    assert counts() == before
    agreement = make_framework(
        coord, framework_parties, renews_automatically=True, renewal_months=6
    )
    term = clause(agreement.versions.get(), "laufzeit")["filled"]
    assert "verlängert sich jeweils um 6 Monate" in term
    second = services.save_version(access=coord, agreement=agreement, renewal_months=24)
    assert "um 24 Monate" in clause(second, "laufzeit")["filled"]
    assert second.snapshot["renewal_months"] == 24
    with pytest.raises(ValidationFailed) as error:
        services.save_version(access=coord, agreement=agreement, renewal_months=0)
    agreement.refresh_from_db()
    assert agreement.renewal_months == 24 and agreement.versions.count() == 2


def test_termination_ends_the_automatic_renewal_and_only_drafts_are_discarded(
    coord, framework, accounts
):
    with pytest.raises(ValidationFailed):
        services.terminate(access=coord, agreement=framework, on=date(2028, 6, 30))
    services.save_version(access=coord, agreement=framework, renews_automatically=True)
    in_force(coord, framework, accounts)
    with pytest.raises(ValidationFailed) as error:
        services.terminate(access=coord, agreement=framework, on=date(2026, 12, 31))
    assert "on" in error.value.errors
    with pytest.raises(ValidationFailed):
        services.discard_draft(access=coord, agreement=framework)
    services.terminate(access=coord, agreement=framework, on=date(2028, 6, 30))
    framework.refresh_from_db()
    # ahead: in force until that day, which is now its end; then the due job records the end
    assert framework.status == Agreement.Status.IN_FORCE
    assert framework.terminated_on == framework.ends_on == date(2028, 6, 30)
    assert framework.renews_automatically is False
    with pytest.raises(ValidationFailed):  # once
        services.terminate(access=coord, agreement=framework, on=date(2028, 3, 31))
    run_out(date(2028, 7, 1))
    framework.refresh_from_db()
    assert framework.status == Agreement.Status.TERMINATED
    draft = make_framework(coord, list(framework_parties_of(framework)), title="Entwurf")
    services.discard_draft(access=coord, agreement=draft)
    assert not Agreement.objects.filter(pk=draft.pk).exists()
    assert not AgreementVersion.objects.filter(agreement_id=draft.pk).exists()


def framework_parties_of(agreement):
    return [party.institution for party in agreement.parties.select_related("institution")]


# The status as shown


def test_expiring_within_ninety_days_and_expired_after_the_end(coord, framework, accounts):
    in_force(coord, framework, accounts)
    end = framework.ends_on
    assert framework.status_on(end - timedelta(days=91)) == Agreement.Status.IN_FORCE
    assert framework.status_on(end - timedelta(days=90)) == EXPIRING
    assert framework.status_on(end) == EXPIRING
    assert framework.status_on(end + timedelta(days=1)) == Agreement.Status.EXPIRED
    framework.status = Agreement.Status.SIGNING
    assert framework.status_on(end + timedelta(days=1)) == Agreement.Status.SIGNING


def test_a_centre_agreement_comes_in_force_with_the_centres_signature(
    coord, centre_agreement, accounts
):
    assert [p.institution.kind for p in centre_agreement.parties.all()] == [
        "family_centre",
        "job_centre",
        "employment_agency",
    ]
    in_force(coord, centre_agreement, accounts)
    assert centre_agreement.status == Agreement.Status.IN_FORCE
    assert Signature.objects.filter(version__agreement=centre_agreement).count() == 3


# Where the rules combine

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("edit"),
            st.sampled_from(["ziel", "austausch", "laufzeit"]),
            st.text(alphabet="abcäöü ", min_size=1, max_size=12),
        ),
        st.tuples(st.just("sign"), st.integers(0, 2), st.just("")),
        st.tuples(st.just("paper"), st.sets(st.integers(0, 2), min_size=1), st.just("")),
        st.tuples(st.just("data"), st.just(0), st.just("")),  # a new childcare contact, saved
        st.tuples(st.just("send"), st.just(0), st.just("")),
    ),
    max_size=12,
)


def apply(operation, which, text, *, agreement, parties, accounts, coord):
    if operation == "edit":
        value = "Diese Rahmenvereinbarung gilt {{laufzeit}}. " + text
        services.save_version(
            access=coord,
            agreement=agreement,
            texts={which: value if which == "laufzeit" else text},
        )
    elif operation == "sign":
        party = parties[which]
        account = next(a for a in accounts if a.person.institution_id == party.institution_id)
        services.sign(
            access=access_for(account),
            agreement=agreement,
            version=agreement.versions.first(),
            party=party,
        )
    elif operation == "paper":
        services.record_paper_copy(
            access=coord,
            agreement=agreement,
            version=agreement.versions.first(),
            upload=small_pdf(),
            parties=[parties[index] for index in sorted(which)],
        )
    elif operation == "data":
        youth_office = parties[2].institution
        PersonFactory(institution=youth_office, function=Person.Function.YOUTH_WELFARE_STAFF)
        services.save_version(access=coord, agreement=agreement)
    else:
        services.send_for_signature(access=coord, agreement=agreement)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_in_force_iff_every_party_signed_the_latest_version(
    coord, framework_parties, accounts, steering_group, operations
):
    """Whatever is edited, signed (in Neue Wege or on paper), changed in the platform's data
    and sent, in whatever order: an agreement is in force iff every party has a valid signature
    of its latest version, and no valid signature names a digest other than its version's."""
    Agreement.objects.all().delete()  # the examples share the test's database
    agreement = make_framework(coord, framework_parties)
    parties = list(agreement.parties.select_related("institution"))
    for operation, which, text in operations:
        with contextlib.suppress(ValidationFailed):
            apply(
                operation,
                which,
                text,
                agreement=agreement,
                parties=parties,
                accounts=accounts,
                coord=coord,
            )
        agreement.refresh_from_db()
        latest = agreement.versions.first()
        assert latest.digest == services.digest_of(latest.snapshot)
        valid = Signature.objects.filter(version__agreement=agreement, voided_at__isnull=True)
        signed = set(valid.filter(version=latest).values_list("party_id", flat=True))
        everyone = signed == {party.pk for party in parties}
        event(f"status {agreement.status}")
        assert (agreement.status == Agreement.Status.IN_FORCE) == everyone
        assert (agreement.in_force_at is not None) == everyone
        for signature in valid.select_related("version"):
            assert signature.digest == signature.version.digest
            assert signature.version_id == latest.pk


def test_an_event_without_sessions_ahead_is_not_enough(
    coord, centre, job_centre, employment_agency
):
    """A centre whose only event is a draft with cancelled dates has nothing to list."""
    event = make_dated_event(centre, [timezone.localdate() + timedelta(days=5)])
    event.sessions.update(is_cancelled=True)
    with pytest.raises(ValidationFailed) as error:
        make_centre_agreement(coord, centre, [job_centre, employment_agency])
    assert "{{veranstaltungen}}" in messages(error, "clauses")


# An Agentur für Arbeit's district covers several regions (30 districts for 53 in NRW)


def test_the_agency_whose_district_covers_the_region_is_a_party_and_signs(
    borken_coord, borken_parties, employment_agency, aa_staff
):
    """Borken has no agency of its own here: Wesel's serves it. Before the state level sets
    that, Wesel's agency is refused as a party; after, it is one, and its staff sign."""
    job_centre, _borken_agency, youth_office = borken_parties
    parties = [job_centre, employment_agency, youth_office]
    before = counts()
    with pytest.raises(ValidationFailed) as error:
        make_framework(borken_coord, parties)
    assert employment_agency.name in messages(error, "parties")
    assert counts() == before
    assert not access_for(aa_staff).has(SEE, job_centre.region)

    employment_agency.also_serves.add(job_centre.region)
    agreement = make_framework(borken_coord, parties)
    assert {party.institution for party in agreement.parties.all()} == set(parties)
    services.send_for_signature(access=borken_coord, agreement=agreement)
    signer = access_for(aa_staff)
    assert signer.has(SEE, agreement)
    party = agreement.parties.get(institution=employment_agency)
    services.sign(access=signer, agreement=agreement, version=agreement.versions.get(), party=party)
    assert Signature.objects.get(party=party).signer_name == "Anton Albers"


def test_the_notes_the_platform_writes_are_german_whatever_the_pages_language(
    coord, framework_parties, ja_staff, steering_group
):
    with translation.override("en"):
        agreement = make_framework(coord, framework_parties)
        services.save_version(access=coord, agreement=agreement, texts={"ziel": "Neues Ziel."})
    assert [version.note for version in agreement.versions.order_by("number")] == [
        "Aus der Vorlage erstellt",
        "Geändert",
    ]
