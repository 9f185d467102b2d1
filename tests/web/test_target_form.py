"""Set or change an indicator's target from the page: numbers as the city writes them, periods
checked, and two officers at once: the second sees the first's values beside what they typed,
which is kept, and nothing is overwritten unknowingly."""

from __future__ import annotations

import pytest

from indicators.schemas import TargetSet
from indicators.tables import Target
from indicators.targets import set_target
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from kernel.versions import ANY_VERSION
from tests import builders
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import csrf_of
from tests.web.test_value_form import _editor

FORM = "/workspace/grenoble/indicators/lampedusa/LAM-DIG-01-I1/target"


def _value(html: str, field: str) -> str | None:
    return next((a.get("value") for n, a in parse(html).tags if a.get("id") == field), None)


async def test_set_then_change_a_target(client) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    todo = await client.get("/workspace/grenoble")
    assert FORM in [a.get("href") for n, a in parse(todo.text).tags if n == "a"]
    form = await client.get(FORM, params={"lang": "fr"})
    check_page(form, "fr", "ltr")
    data = {"baseline": "1 200", "baseline_period": "2021", "target": "2 000", "target_period": "2030"}
    r = await client.post(FORM, data={"_csrf_token": csrf_of(form.text), "version": "0", **data})
    assert r.status_code == 303, r.text[:600]
    row = await Target.select().first()
    assert (float(row["baseline"]), float(row["target"]), row["target_period"]) == (1200, 2000, "2030")
    form = await client.get(FORM)
    assert _value(form.text, "target") == "2000" and _value(form.text, "version") is None
    version = next(a.get("value") for n, a in parse(form.text).tags if a.get("name") == "version")
    r = await client.post(
        FORM, data={"_csrf_token": csrf_of(form.text), "version": version, "target": "2500"}
    )
    assert r.status_code == 303
    assert float((await Target.select().first())["target"]) == 2500


async def test_a_second_officer_sees_the_first_ones_values_and_keeps_what_they_typed(client) -> None:
    await builders.editor_with_adoption()
    await set_target(SYSTEM, "grenoble", "lampedusa", "LAM-DIG-01-I1", TargetSet(target="2000"), ANY_VERSION)
    await _editor(client)
    form = await client.get(FORM, params={"lang": "fr"})
    version = next(a.get("value") for n, a in parse(form.text).tags if a.get("name") == "version")
    # Meanwhile another officer sets it to 3000.
    await set_target(SYSTEM, "grenoble", "lampedusa", "LAM-DIG-01-I1", TargetSet(target="3000"), ANY_VERSION)
    r = await client.post(
        FORM, data={"_csrf_token": csrf_of(form.text), "version": version, "target": "2500"}
    )
    assert r.status_code == 409
    page = check_page(r, "fr", "ltr")
    assert "3 000" in page.text.replace("\u202f", " ") and _value(r.text, "target") == "2500"
    assert float((await Target.select().first())["target"]) == 3000
    newer = next(a.get("value") for n, a in page.tags if a.get("name") == "version")
    again = await client.post(FORM, data={"_csrf_token": csrf_of(r.text), "version": newer, "target": "2500"})
    assert again.status_code == 303 and float((await Target.select().first())["target"]) == 2500


@pytest.mark.parametrize(
    ("fields", "anchors"),
    [
        ({"target": ""}, ["#target"]),
        ({"target": "beaucoup"}, ["#target"]),
        ({"target": "10", "baseline": "1,5"}, ["#baseline"]),  # a count is whole
        ({"target": "10", "target_period": "2030-13"}, ["#target-period"]),
        ({"target": "x", "baseline_period": "hier"}, ["#baseline-period", "#target"]),
    ],
)
async def test_refused_fields_are_named_and_nothing_written(client, fields, anchors) -> None:
    await builders.editor_with_adoption()
    await _editor(client)
    form = await client.get(FORM, params={"lang": "ar"})
    before = await AuditEntry.count()
    r = await client.post(FORM, data={"_csrf_token": csrf_of(form.text), "version": "0", **fields})
    assert r.status_code == 422
    page = check_page(r, "ar", "rtl")
    summary = [a.get("href") for n, a in page.tags if n == "a" and (a.get("href") or "").startswith("#")]
    assert sorted(h for h in summary if h != "#main") == sorted(anchors)
    assert await Target.count() == 0 and await AuditEntry.count() == before
