"""The district's particulars (issue 20): an administrator fills them in, every letter and
receipt prints them, and until then the letters show the gap, never a made-up "某区"."""

import pytest
from django.urls import reverse

from qinqing.core import district
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent, DistrictSettings
from qinqing.core.roles import Role

pytestmark = pytest.mark.django_db

VALUES = {
    "district_name": "示范区",
    "seal_text": "中共示范区纪律检查委员会",
    "issuing_office": "示范区纪委监委",
}


def test_the_administrator_fills_them_in_and_each_save_is_audited(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    home = client.get("/").content.decode()
    assert 'data-testid="district-unset"' in home  # asked for on first run
    assert client.get(reverse("core:district")).status_code == 200
    assert client.post(reverse("core:district"), VALUES).status_code == 302
    assert (
        client.post(reverse("core:district"), {**VALUES, "issuing_office": "示范区纪委"}).status_code == 302
    )
    row = DistrictSettings.objects.get()
    assert (row.district_name, row.seal_text, row.issuing_office) == (
        "示范区",
        "中共示范区纪律检查委员会",
        "示范区纪委",
    )
    events = list(AuditEvent.objects.filter(action="core.district.update").order_by("seq"))
    assert len(events) == 2 and events[1].actor_user_id == admin.pk
    assert 'data-testid="district-unset"' not in client.get("/").content.decode()
    assert district.current() == district.District(
        "示范区", "中共示范区纪律检查委员会", "示范区纪委", True, ""
    )


def test_missing_or_too_long_values_are_refused_naming_the_field(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("core:district"), {**VALUES, "seal_text": ""})
    assert response.status_code == 400 and not DistrictSettings.objects.exists()
    with pytest.raises(ServiceError) as error:
        district.district_update(
            actor=make_user(Role.ADMINISTRATOR), **{**VALUES, "district_name": "区" * 41}
        )
    assert error.value.field == "district_name" and error.value.code == "too_long"


@pytest.mark.parametrize("role", [Role.DISTRICT_LEADER, Role.OFFICIAL, Role.ENTERPRISE_USER])
def test_only_administrators_open_the_page(client, make_user, role):
    client.force_login(make_user(role))
    assert client.post(reverse("core:district"), VALUES).status_code == 403
    assert not DistrictSettings.objects.exists()


def test_a_letters_issuer_is_the_deciding_unit_else_the_districts_office():
    """core.letters.issuer: a unit heads and signs a letter with its name and seals it with its seal text, or
    with its name when that is blank; without a unit, the district's issuing office and seal."""
    from types import SimpleNamespace

    from qinqing.core import letters
    from qinqing.core.audit import SystemActor

    assert letters.issuer() == letters.Issuer("", "")  # not set yet: the letters print the gap
    district.district_update(actor=SystemActor("test"), **VALUES)
    assert letters.issuer(None) == letters.Issuer("示范区纪委监委", "中共示范区纪律检查委员会")
    sealed = SimpleNamespace(name="区自然资源局", seal_text="示范区自然资源局")
    assert letters.issuer(sealed) == letters.Issuer("区自然资源局", "示范区自然资源局")
    assert letters.issuer(SimpleNamespace(name="示范区人民法院", seal_text=" ")) == letters.Issuer(
        "示范区人民法院", "示范区人民法院"
    )
    html = letters.render_html("core/letters/_seal.html", {"issuer": sealed})
    assert "示范区自然资源局" in html and "纪委" not in html
    assert "中共示范区纪律检查委员会" in letters.render_html("core/letters/_seal.html", {})
