"""Targets and measurements through the API: numbers as cities type them, and what is refused."""

import pytest

from tests import builders
from tests.builders import bearer

IND = "/api/v1/cities/{city}/indicators/lampedusa/{code}"


def url(city: str = "grenoble", code: str = "LAM-DIG-01-I1", tail: str = "measurements") -> str:
    return IND.format(city=city, code=code) + "/" + tail


async def test_target_then_measurements_give_progress(client) -> None:
    """Baseline 300 → target 600, latest 450: the indicator is half way; the commitment too."""
    token = await builders.editor_with_adoption()
    r = await client.put(
        url(tail="target"),
        headers=bearer(token),
        json={"baseline": 300, "baseline_period": "2021", "target": "600", "target_period": "2025"},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "baseline": 300.0,
        "baseline_period": "2021",
        "target": 600.0,
        "target_period": "2025",
        "version": 1,
    }
    assert r.headers["etag"] == '"v1"'
    for period, value in (("2022", 350), ("2023", "450")):
        r = await client.post(url(), headers=bearer(token), json={"period": period, "value": value})
        assert r.status_code == 201, r.text
    r = await client.put(
        url(code="LAM-DIG-01-I2", tail="target"), headers=bearer(token), json={"baseline": 30, "target": 15}
    )
    await client.post(url(code="LAM-DIG-01-I2"), headers=bearer(token), json={"period": "2023", "value": 20})
    detail = (await client.get("/api/v1/cities/grenoble/commitments/lampedusa/LAM-DIG-01")).json()
    progress = {i["code"]: (i["latest"], i["progress"]) for i in detail["indicators"]}
    assert progress == {"LAM-DIG-01-I1": (450.0, 0.5), "LAM-DIG-01-I2": (20.0, pytest.approx(2 / 3))}
    assert detail["progress"] == pytest.approx((0.5 + 2 / 3) / 2)
    # Due 2025-12-31 and not achieved; no value for 2025 on either indicator.
    latest = {i["code"]: i["measurements"][-1]["claim_id"] for i in detail["indicators"]}
    assert detail["flags"] == [
        {"code": "overdue", "message": "Past its due date", "claim_id": None, "indicator": None},
        {
            "code": "stale",
            "message": "No measurement for the last period",
            "claim_id": latest["LAM-DIG-01-I1"],
            "indicator": "LAM-DIG-01-I1",
        },
        {
            "code": "stale",
            "message": "No measurement for the last period",
            "claim_id": latest["LAM-DIG-01-I2"],
            "indicator": "LAM-DIG-01-I2",
        },
    ]
    assert latest["LAM-DIG-01-I1"].startswith("measurement-")
    listed = (await client.get(url())).json()
    assert [(m["period"], m["value"], m["value_text"]) for m in listed] == [
        ("2022", 350.0, "350"),
        ("2023", 450.0, "450"),
    ]


@pytest.mark.parametrize(
    ("locale", "text", "value"),
    [
        ("fr-FR", "12,5", 12.5),
        ("pt-PT", "12,5", 12.5),
        ("fr-FR", "1\u00a0250", 1250.0),
        ("ar-TN", "٤٧", 47.0),
        ("en-GB", "1,250", 1250.0),
    ],
)
async def test_values_typed_in_the_city_locale(client, locale: str, text: str, value: float) -> None:
    """`"12,5"` in French is 12.5 and the text is kept as typed; `"٤٧"` is 47."""
    token = await builders.editor_with_adoption(locale=locale)
    code = "LAM-DIG-01-I2"  # days: decimals allowed
    r = await client.post(url(code=code), headers=bearer(token), json={"period": "2024", "value": text})
    assert r.status_code == 201, r.text
    assert (r.json()["value"], r.json()["value_text"]) == (value, text)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"period": "2026", "value": 5}, 422, "period"),  # not yet ended
        ({"period": "2026-Q4", "value": 5}, 422, "period"),
        ({"period": "2024-13", "value": 5}, 422, "period"),
        ({"period": "2024", "value": -3}, 422, "value"),  # negative count
        ({"period": "2024", "value": 2.5}, 422, "value"),  # half a person
        ({"period": "2024", "value": "douze"}, 422, "value"),
        ({"period": "2024", "value": "12.5.1"}, 422, "value"),
        ({"period": "2024", "value": None}, 400, "value"),
        ({"period": "2024", "value": 5, "evidence": [12345]}, 422, "evidence"),
        ({"period": "2024", "value": 5, "extra": 1}, 400, "body"),
        ({"value": 5}, 400, "period"),
    ],
)
async def test_measurement_hostile_inputs(client, body: dict, status: int, field: str) -> None:
    """Each bad measurement gets a 4xx naming its field, and nothing is stored."""
    token = await builders.editor_with_adoption()
    r = await client.post(url(), headers=bearer(token), json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"][0]["field"] == field
    assert (await client.get(url())).json() == []


@pytest.mark.parametrize(
    ("clock", "period", "status"),
    [
        ("2027-01-01T00:00:00+00:00", "2026", 201),
        ("2027-01-01T00:00:00+00:00", "2026-Q4", 201),
        ("2027-01-01T00:00:00+00:00", "2027-01", 422),
        ("2026-12-31T23:00:00+00:00", "2026", 422),
        ("2031-07-01T00:00:00+00:00", "2031-Q2", 201),
    ],
)
async def test_a_period_has_ended_by_the_service_clock(
    client, monkeypatch, clock: str, period: str, status: int
) -> None:
    """Whether a period has ended is read from the service's clock, not from the calendar."""
    monkeypatch.setenv("CLOCK", clock)
    token = await builders.editor_with_adoption()
    r = await client.post(url(), headers=bearer(token), json={"period": period, "value": 5})
    assert r.status_code == status, r.text


async def test_percent_above_100_and_boolean_not_0_or_1(client) -> None:
    """A percent is 0–100 and a boolean 0 or 1, in targets and measurements alike."""
    token = await builders.editor_with_adoption()
    await builders.adopted("grenoble", "LAM-EQU-01")
    pct = url(code="LAM-EQU-01-I1")
    r = await client.post(pct, headers=bearer(token), json={"period": "2024", "value": 101})
    assert r.status_code == 422 and "0 to 100" in r.json()["errors"][0]["message"]
    r = await client.put(
        url(code="LAM-EQU-01-I1", tail="target"), headers=bearer(token), json={"target": 140}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "target"
    assert (
        await client.post(pct, headers=bearer(token), json={"period": "2024", "value": "99,5"})
    ).status_code == 201


async def test_same_period_twice_is_a_conflict(client) -> None:
    """A period is reported once; the second value is refused and the first kept."""
    token = await builders.editor_with_adoption()
    assert (
        await client.post(url(), headers=bearer(token), json={"period": "2024", "value": 5})
    ).status_code == 201
    r = await client.post(url(), headers=bearer(token), json={"period": "2024", "value": 6})
    assert r.status_code == 409
    assert [m["value"] for m in (await client.get(url())).json()] == [5.0]


async def test_indicator_of_a_commitment_not_adopted(client) -> None:
    """Measuring an indicator of a commitment the city has not adopted is a conflict."""
    token = await builders.editor_with_adoption()
    r = await client.post(
        url(code="LAM-EQU-01-I1"), headers=bearer(token), json={"period": "2024", "value": 5}
    )
    assert r.status_code == 409
    r = await client.post(url(code="NOPE-1"), headers=bearer(token), json={"period": "2024", "value": 5})
    assert r.status_code == 404


async def test_quarters_and_months(client) -> None:
    """Quarterly and monthly periods are accepted once ended and listed in time order."""
    token = await builders.editor_with_adoption()
    for period in ("2024-07", "2024-Q1", "2023"):
        r = await client.post(url(), headers=bearer(token), json={"period": period, "value": 1})
        assert r.status_code == 201, r.text
    assert [m["period"] for m in (await client.get(url())).json()] == ["2023", "2024-Q1", "2024-07"]
