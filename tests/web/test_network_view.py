"""The network view: who reported what for which year, each city's peers, the network's report
in each language; filtered by network; a secretariat limited to one network sees its cities only."""

from __future__ import annotations

import re

from accounts.invitations import accept_invitation, invite
from charter.schemas import CityUpdate
from charter.services import update_city
from kernel.caller import SYSTEM
from kernel.versions import ANY_VERSION
from tests import builders
from tests.builders import bearer
from tests.web.html import check_page
from tests.web.test_challenge_form import PASSWORD, csrf_of
from tests.web.test_secretariat_pages import _signed_in


def _cells(html: str, city: str) -> list[str]:
    """The figures of a city's row, year by year."""
    row = re.search(rf'<th scope="row"><a href="/cities/{city}">.*?</tr>', html, re.S)
    assert row, f"no row for {city}"
    return re.findall(r'<span class="figure">([^<]+)</span>', row.group(0))


async def test_reporting_by_city_and_year(client) -> None:
    editor = await builders.editor_with_adoption()
    await builders.editor_with_adoption("sousse", "fr-TN")
    await update_city(SYSTEM, "grenoble", CityUpdate(networks=["MC2CM"], region="155"), ANY_VERSION)
    await update_city(SYSTEM, "sousse", CityUpdate(networks=["UCLG"], region="015"), ANY_VERSION)
    values = "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements"
    for period, value in (("2024", 300), ("2025", 410)):
        r = await client.post(values, headers=bearer(editor), json={"period": period, "value": value})
        assert r.status_code == 201, r.text
    await _signed_in(client, "sec@uclg.example", "secretariat")
    page = await client.get("/secretariat/network", params={"lang": "fr"})
    check_page(page, "fr", "ltr")
    # LAM-DIG-01 has two indicators, adopted in January 2023: 2023 nothing, 2024 and 2025 one of
    # two, 2026 (going on) nothing yet.
    assert _cells(page.text, "grenoble") == ["0 sur 2", "1 sur 2", "1 sur 2", "0 sur 2"]
    assert _cells(page.text, "sousse") == ["0 sur 2"] * 4
    # The least complete first.
    assert page.text.index('row"><a href="/cities/sousse"') < page.text.index(
        'row"><a href="/cities/grenoble"'
    )
    for lang in ("fr", "en", "es", "ar"):
        assert f'/api/v1/charters/lampedusa/network-report.pdf?lang={lang}"' in page.text
    only = await client.get("/secretariat/network?network=MC2CM&lang=ar")
    check_page(only, "ar", "rtl")
    assert 'row"><a href="/cities/grenoble"' in only.text and 'row"><a href="/cities/sousse"' not in only.text
    assert "network-report.pdf?lang=fr&amp;network=MC2CM" in only.text
    report = await client.get("/api/v1/charters/lampedusa/network-report.pdf?lang=fr&network=MC2CM")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


async def test_the_network_view_is_the_secretariats_and_stays_in_its_networks(client) -> None:
    await builders.editor_with_adoption()
    await builders.editor_with_adoption("sousse", "fr-TN")
    await update_city(SYSTEM, "grenoble", CityUpdate(networks=["MC2CM"]), ANY_VERSION)
    await update_city(SYSTEM, "sousse", CityUpdate(networks=["UCLG"]), ANY_VERSION)
    await _signed_in(client, "agent@grenoble.fr", "city_editor", "grenoble")
    assert (await client.get("/secretariat/network")).status_code == 403
    secret = await invite(SYSTEM, "sec@mc2cm.example", "secretariat", network="MC2CM")
    await accept_invitation(secret, PASSWORD)
    client.cookies.clear()
    form = await client.get("/sign-in")
    await client.post(
        "/sign-in",
        data={"_csrf_token": csrf_of(form.text), "email": "sec@mc2cm.example", "password": PASSWORD},
    )
    page = await client.get("/secretariat/network")
    assert page.status_code == 200
    assert 'row"><a href="/cities/grenoble"' in page.text and 'row"><a href="/cities/sousse"' not in page.text
    assert '<option value="UCLG"' not in page.text
