import pytest
from django.core.management import CommandError, call_command

from agencies.demo import DEMO_USERS
from agencies.models import Agency, AgencyKind, ContactPerson, Membership, Municipality, Role, User

# About the demo itself: the whole demo region.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

EXPECTED_MEMBERSHIPS = {
    "rise.oulu": {
        ("Pohjois-Suomen yhdyskuntaseuraamustoimisto", Role.STAFF),
        ("Oulun vankila", Role.CONTACT_PERSON),
    },
    "tym.oulu": {("Oulun seudun työllisyysalue", Role.CONTACT_PERSON)},
    "tym.tampere": {("Tampereen seudun työllisyysalue", Role.CONTACT_PERSON)},
    "koordinaattori.oulu": {("Oulun seudun työllisyysalue", Role.COORDINATOR)},
    "hva.pohjois": {("Pohjois-Pohjanmaan hyvinvointialue", Role.STAFF)},
    "kela.pohjoinen": {("Kela, pohjoinen asiakaspalveluyksikkö", Role.STAFF)},
    "priima.butti": {("Priima Butti -hanke", Role.STAFF)},
    "tietosuoja": {("Oulun seudun työllisyysalue", Role.DATA_PROTECTION_OFFICER)},
    "admin": set(),
}


def test_personas_have_the_right_memberships(personas):
    assert set(personas) == set(EXPECTED_MEMBERSHIPS) == {u.username for u in DEMO_USERS}
    for username, expected in EXPECTED_MEMBERSHIPS.items():
        got = set(
            Membership.objects.filter(user__username=username).values_list(
                "agency__name_fi", "role"
            )
        )
        assert got == expected, username
    assert personas["admin"].is_superuser
    assert not personas["tym.oulu"].is_staff


def test_named_rise_contact_person_of_oulun_seutu(personas):
    contact = ContactPerson.objects.get(agency__employment_area__code="24", topic__code="rise")
    assert contact.person.username == "tym.oulu"
    assert contact.substitute is not None
    assert contact.substitute.username == "koordinaattori.oulu"


def test_demo_agencies_cover_the_demo_region(personas):
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert kinds == {
        AgencyKind.EMPLOYMENT_AREA,
        AgencyKind.WELLBEING_AREA,
        AgencyKind.NGO,
        AgencyKind.KELA,
        AgencyKind.RISE_COMMUNITY_SANCTIONS,
        AgencyKind.RISE_PRISON,
    }
    priima = Agency.objects.get(name_fi="Priima Butti -hanke")
    assert priima.wellbeing_area is not None
    assert priima.wellbeing_area.name_fi == "Etelä-Pohjanmaan hyvinvointialue"


def test_seed_demo_is_idempotent_and_keeps_changed_passwords(personas, capsys):
    user = User.objects.get(username="tym.oulu")
    user.set_password("changed-by-the-user-123")
    user.save()
    counts = [Agency.objects.count(), Membership.objects.count(), ContactPerson.objects.count()]
    call_command("seed_demo")
    assert "9 personas" in capsys.readouterr().out
    assert counts == [
        Agency.objects.count(),
        Membership.objects.count(),
        ContactPerson.objects.count(),
    ]
    assert User.objects.get(username="tym.oulu").check_password("changed-by-the-user-123")
    call_command("seed_demo", "--reset-passwords")
    assert User.objects.get(username="tym.oulu").check_password("polku-demo-2026")


def test_seed_demo_takes_the_password_from_the_environment(personas, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-environment-1")
    call_command("seed_demo", "--reset-passwords")
    assert User.objects.get(username="hva.pohjois").check_password("from-the-environment-1")


def test_seed_demo_refuses_without_reference_data_or_in_production(personas, settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEVELOPMENT = False
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo")
    settings.DEVELOPMENT = True
    Municipality.objects.update(is_active=False)
    with pytest.raises(CommandError, match="load_reference_data"):
        call_command("seed_demo")
