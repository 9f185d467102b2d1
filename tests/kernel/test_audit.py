"""The audit log: every write leaves one row, written or rolled back with the write itself."""

import json

import pytest

from kernel.caller import Caller
from kernel.db import audit, write_transaction
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer


async def test_audit_row_is_rolled_back_with_its_write() -> None:
    """A write that fails after auditing leaves no audit row."""
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await audit(Caller(user_id=1, label="x"), "create", "city", "x", None, {"a": 1})
            raise RuntimeError("the write failed")
    assert await AuditEntry.count() == 0


async def test_a_change_is_audited_with_who_and_before_after(client) -> None:
    """PATCH of a city appends a row with the actor, the state before and after."""
    await builders.city("grenoble")
    token = await builders.token("city_editor", "grenoble", email="ed@grenoble.fr")
    start = max([r["id"] for r in await AuditEntry.select(AuditEntry.id)] or [0])
    r = await client.patch("/api/v1/cities/grenoble", headers=bearer(token, "*"), json={"locale": "fr-CH"})
    assert r.status_code == 200
    rows = await AuditEntry.select().where(AuditEntry.id > start).order_by(AuditEntry.id)
    assert len(rows) == 1
    row = rows[0]
    assert (row["actor_label"], row["action"], row["entity"], row["key"]) == (
        "ed@grenoble.fr",
        "update",
        "city",
        "grenoble",
    )
    assert json.loads(row["before"])["locale"] == "fr-FR"
    assert json.loads(row["after"])["locale"] == "fr-CH"


async def test_refused_writes_leave_no_audit_row(client) -> None:
    """A refused measurement (duplicate period) or a forbidden write adds nothing to the log."""
    token = await builders.editor_with_adoption()
    url = "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements"
    assert (
        await client.post(url, headers=bearer(token), json={"period": "2024", "value": 1})
    ).status_code == 201
    count = await AuditEntry.count()
    assert (
        await client.post(url, headers=bearer(token), json={"period": "2024", "value": 2})
    ).status_code == 409
    assert (
        await client.post(
            "/api/v1/cities",
            headers=bearer(token),
            json={"slug": "x", "name": "X", "country": "FR", "locale": "fr"},
        )
    ).status_code == 403
    assert await AuditEntry.count() == count
