"""The account pages: inviting (and the invitation link), changing and deactivating accounts
of the coordinator's region only, sending an invitation again; an account's API tokens."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from neuewege.core import services
from neuewege.core.access import access_for
from neuewege.core.errors import ValidationFailed
from neuewege.core.models import User
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_invitation_lets_a_colleague_set_a_password_and_sign_in(
    client, coordinator, family_centre, django_capture_on_commit_callbacks
):
    person = PersonFactory(institution=family_centre, email="leitung@fz.example")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account-invite", kwargs={"region_key": "05170"}),
            {
                "email": "Leitung@FZ.example",
                "first_name": "Lea",
                "last_name": "Leitung",
                "role": "staff",
                "person": person.pk,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="leitung@fz.example")
    assert user.role == "staff" and user.person == person and not user.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["leitung@fz.example"]
    link = re.search(r"https?://\S+(/password/set/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "Kaffee unter Linden, drei Uhr",
            "new_password2": "Kaffee unter Linden, drei Uhr",
        },
    )
    user.refresh_from_db()
    assert user.check_password("Kaffee unter Linden, drei Uhr")
    assert client.get(link, follow=True).context["validlink"] is False  # used once


def test_invitation_rejects_duplicate_email_and_foreign_regions(client, coordinator, borken):
    client.force_login(coordinator)
    url = reverse("account-invite", kwargs={"region_key": "05170"})
    response = client.post(
        url,
        {
            "email": coordinator.email,
            "first_name": "A",
            "last_name": "B",
            "role": "viewer",
            "regions": [coordinator.regions.first().key],
        },
    )
    assert "email" in response.context["form"].errors
    response = client.post(
        url,
        {
            "email": "new@example.org",
            "first_name": "A",
            "last_name": "B",
            "role": "viewer",
            "regions": [borken.key],
        },
    )
    assert "regions" in response.context["form"].errors
    response = client.post(
        url,
        {
            "email": "new@example.org",
            "first_name": "A",
            "last_name": "B",
            "role": "state",
            "regions": [],
        },
    )
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(email="new@example.org").exists()


def test_staff_account_needs_a_person_of_the_region(client, coordinator, borken):
    foreign = PersonFactory(institution=InstitutionFactory(region=borken, postcode="46325"))
    client.force_login(coordinator)
    response = client.post(
        reverse("account-invite", kwargs={"region_key": "05170"}),
        {
            "email": "x@example.org",
            "first_name": "A",
            "last_name": "B",
            "role": "staff",
            "person": foreign.pk,
        },
    )
    assert "person" in response.context["form"].errors
    assert not User.objects.filter(email="x@example.org").exists()


def test_coordinator_deactivates_an_account_but_not_themselves(client, coordinator, staff):
    client.force_login(coordinator)
    url = reverse("account-update", kwargs={"region_key": "05170", "pk": staff.pk})
    client.post(url, {"role": "staff", "person": staff.person.pk})
    staff.refresh_from_db()
    assert not staff.is_active
    own = reverse("account-update", kwargs={"region_key": "05170", "pk": coordinator.pk})
    response = client.post(own, {"role": "viewer", "regions": [coordinator.regions.first().key]})
    assert response.context["form"].errors
    coordinator.refresh_from_db()
    assert coordinator.role == "coordinator" and coordinator.is_active


def test_an_account_shared_with_another_region_is_not_managed_by_one_coordinator(
    client, coordinator, wesel, borken
):
    shared = UserFactory(role=User.Role.VIEWER, regions=[wesel, borken])
    client.force_login(coordinator)
    url = reverse("account-update", kwargs={"region_key": "05170", "pk": shared.pk})
    response = client.post(url, {"role": "viewer", "regions": ["05170"], "is_active": "on"})
    assert response.status_code == 404
    assert set(shared.regions.all()) == {wesel, borken}
    assert shared not in access_for(coordinator).accounts()


def test_a_huge_region_id_is_a_form_error_not_a_crash(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("account-invite", kwargs={"region_key": "05170"}),
        {
            "email": "neu@example.org",
            "first_name": "A",
            "last_name": "B",
            "role": "viewer",
            "regions": ["9999999999999999999999999"],
        },
    )
    assert response.status_code == 200
    assert "regions" in response.context["form"].errors


def test_an_expired_invitation_can_be_sent_again(
    client, coordinator, wesel, django_capture_on_commit_callbacks
):
    invited = UserFactory(role=User.Role.VIEWER, regions=[wesel], email="spaet@example.org")
    invited.set_unusable_password()
    invited.save()
    client.force_login(coordinator)
    url = reverse("account-update", kwargs={"region_key": "05170", "pk": invited.pk})
    assert "resend" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"resend": "1"})
    assert mail.outbox[-1].to == ["spaet@example.org"]
    assert re.search(r"/password/set/\S+/", mail.outbox[-1].body)


def test_api_tokens_page_shows_a_new_token_once_and_revokes(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("api-tokens"), {"name": "Auswertung"})
    secret = response.context["secret"]
    assert secret.startswith("nw_") and secret in response.content.decode()
    page = client.get(reverse("api-tokens")).content.decode()
    assert secret not in page and "Auswertung" in page
    token = coordinator.api_tokens.get()
    client.post(reverse("api-tokens"), {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_coordinator_gives_the_right_to_sign_and_the_list_shows_it(
    client, coordinator, staff, wesel
):
    client.force_login(coordinator)
    url = reverse("account-update", kwargs={"region_key": wesel.key, "pk": staff.pk})
    answer = client.post(
        url,
        {"role": "staff", "person": staff.person.pk, "is_active": "on", "signs_agreements": "on"},
    )
    assert answer.status_code == 302
    staff.refresh_from_db()
    assert staff.signs_agreements and staff.is_active
    listing = client.get(reverse("account-list", kwargs={"region_key": wesel.key}))
    with translation.override("de"):
        shown = translation.gettext("signs cooperation agreements for the institution")
    assert listing.content.decode().count(shown) == 1
    assert client.get(url).context["form"]["signs_agreements"].value() is True
    # and takes it back
    client.post(url, {"role": "staff", "person": staff.person.pk, "is_active": "on"})
    staff.refresh_from_db()
    assert not staff.signs_agreements


def test_the_right_to_sign_needs_an_account_of_a_person(client, coordinator, wesel):
    viewer = UserFactory(role=User.Role.VIEWER, regions=[wesel])
    client.force_login(coordinator)
    url = reverse("account-update", kwargs={"region_key": wesel.key, "pk": viewer.pk})
    answer = client.post(
        url,
        {"role": "viewer", "regions": [wesel.key], "is_active": "on", "signs_agreements": "on"},
    )
    assert "signs_agreements" in answer.context["form"].errors
    viewer.refresh_from_db()
    assert not viewer.signs_agreements


def test_no_one_gives_themselves_the_right_to_sign(client, staff, wesel, youth_welfare_office):
    own = {"role": "staff", "person": staff.person.pk, "is_active": "on", "signs_agreements": "on"}
    client.force_login(staff)
    url = reverse("account-update", kwargs={"region_key": wesel.key, "pk": staff.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, own).status_code == 403
    with pytest.raises(ValidationFailed):
        services.update_account(
            access=access_for(staff),
            user=staff,
            role=User.Role.STAFF,
            region_ids=[],
            person=staff.person,
            is_active=True,
            signs_agreements=True,
        )
    staff.refresh_from_db()
    assert not staff.signs_agreements
    # nor a coordinator who is a person of an institution (her own account is not hers to change)
    person = PersonFactory(institution=youth_welfare_office)
    head = UserFactory(role=User.Role.COORDINATOR, regions=[wesel], person=person)
    client.force_login(head)
    url = reverse("account-update", kwargs={"region_key": wesel.key, "pk": head.pk})
    answer = client.post(
        url,
        {
            "role": "coordinator",
            "regions": [wesel.key],
            "person": person.pk,
            "is_active": "on",
            "signs_agreements": "on",
        },
    )
    assert answer.status_code == 200 and answer.context["form"].errors
    head.refresh_from_db()
    assert not head.signs_agreements
