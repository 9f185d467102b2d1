"""The `charter-tracker` command line, run as a user would, against the test database."""

import os
import subprocess
import sys
from pathlib import Path

from tests import builders
from tests.builders import CHARTER_MD, bearer

CLI = [sys.executable, "-m", "tracker"]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        cwd=cwd,
        timeout=120,
        check=False,
    )


async def test_user_add_token_and_revoke(client) -> None:
    """`user token` prints only the token; it works for writes until `user revoke`."""
    assert cli("user", "add", "ed@grenoble.fr", "--role", "city_editor", "--city", "nowhere").returncode == 2
    assert cli("user", "add", "sec@uclg.example", "--role", "secretariat").returncode == 0
    out = cli("user", "token", "sec@uclg.example")
    assert out.returncode == 0
    token = out.stdout.strip()
    assert out.stdout == token + "\n" and token.startswith("ct_") and len(token) > 40
    r = await client.post(
        "/api/v1/cities",
        headers=bearer(token),
        json={"slug": "sfax", "name": "Sfax", "country": "TN", "locale": "ar-TN"},
    )
    assert r.status_code == 201
    assert cli("user", "revoke", "sec@uclg.example").stdout.strip() == "1 token(s) revoked"
    r = await client.patch("/api/v1/cities/sfax", headers=bearer(token), json={"population": 1})
    assert r.status_code == 401


async def test_user_invite_prints_a_one_time_link(monkeypatch) -> None:
    """`user invite` gives the membership and prints `{PUBLIC_URL}/invitations/{secret}` alone on
    its output, saying it is valid 7 days; the link's secret lets the person choose a password."""
    from accounts.invitations import accept_invitation
    from accounts.services import get_user
    from accounts.sessions import caller_for_session

    monkeypatch.setenv("PUBLIC_URL", "https://charters.example/")
    await builders.city("sfax", locale="ar-TN", country="TN")
    out = cli("user", "invite", "Ed@Sfax.TN", "--role", "city_editor", "--city", "sfax", "--name", "Ed")
    assert out.returncode == 0, out.stderr
    [link] = out.stdout.splitlines()
    assert link.startswith("https://charters.example/invitations/")
    assert "valid 7 days" in out.stderr and "ed@sfax.tn" in out.stderr
    assert [(m.role, m.city) for m in (await get_user("ed@sfax.tn")).memberships] == [("city_editor", "sfax")]
    session = await accept_invitation(link.rsplit("/", 1)[1], "a long enough password", "192.0.2.1")
    assert await caller_for_session(session) is not None
    refused = cli("user", "invite", "x@sfax.tn", "--role", "city_editor")
    assert refused.returncode == 2 and "city" in refused.stderr and refused.stdout == ""


async def test_a_reviewer_speaks_for_the_organisation_set_on_the_account(client) -> None:
    """`user add --organisation` sets the name a reviewer's challenges are published under."""
    out = cli(
        "user",
        "add",
        "watch@ngo.example",
        "--role",
        "reviewer",
        "--organisation",
        "Collectif Accès aux Droits 38",
    )
    assert out.returncode == 0 and "(Collectif Accès aux Droits 38)" in out.stdout
    assert (
        cli("user", "add", "ed@x.example", "--role", "secretariat", "--organisation", "UNHCR").returncode == 2
    )
    editor = await builders.editor_with_adoption()
    reviewer = cli("user", "token", "watch@ngo.example").stdout.strip()
    values = "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements"
    claim = (await client.post(values, headers=bearer(editor), json={"period": "2023", "value": 4})).json()[
        "claim_id"
    ]
    r = await client.post(
        f"/api/v1/claims/{claim}/challenges",
        headers=bearer(reviewer),
        json={"reason_md": "Our count differs."},
    )
    assert r.status_code == 201 and r.json()["by"] == "Collectif Accès aux Droits 38"


async def test_charter_import_and_export(tmp_path: Path) -> None:
    """A document imported from a file exports back identically; a broken one names its line."""
    source = tmp_path / "lampedusa.en.md"
    source.write_text(CHARTER_MD, encoding="utf-8")
    out = cli("charter", "import", str(source))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "lampedusa (en): 8 created, 0 updated"
    exported = tmp_path / "out.md"
    assert cli("charter", "export", "lampedusa", "-o", str(exported)).returncode == 0
    assert exported.read_text(encoding="utf-8") == CHARTER_MD
    broken = tmp_path / "broken.md"
    broken.write_text("---\nslug: x\nlang: en\ntitle: X\n---\n\n### C-1: Too early\n", encoding="utf-8")
    out = cli("charter", "import", str(broken))
    assert out.returncode == 2
    assert "line 7: Commitment 'C-1' comes before any principle" in out.stderr


async def test_report_takes_the_only_charter_a_city_signed(tmp_path: Path) -> None:
    """`report CITY -o FILE` without --charter reports on the one charter the city has signed."""
    await builders.charter()
    await builders.city("sousse", locale="ar-TN", country="TN")
    await builders.signed("sousse")
    output = tmp_path / "sousse.pdf"
    out = cli("report", "sousse", "--lang", "en", "-o", str(output))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"{output} (sousse-lampedusa-en-")
    assert output.read_bytes().startswith(b"%PDF")


async def test_report_without_charter_lists_a_citys_two_charters(tmp_path: Path) -> None:
    """A city that signed two charters must name one: the error lists both, nothing is written."""
    await builders.charter()
    await builders.charter(CHARTER_MD.replace("slug: lampedusa", "slug: sousse-local"))
    await builders.city("sousse", locale="ar-TN", country="TN")
    await builders.signed("sousse")
    await builders.signed("sousse", "sousse-local")
    output = tmp_path / "sousse.pdf"
    out = cli("report", "sousse", "-o", str(output))
    assert out.returncode == 2 and not output.exists()
    assert "pass --charter SLUG" in out.stderr
    assert "  lampedusa\n" in out.stderr and "  sousse-local\n" in out.stderr
    assert "None" not in out.stderr


async def test_user_token_takes_an_expiry(client) -> None:
    """`user token --expires DAYS` issues a token that works; a life outside 1 to 3650 days is refused."""
    assert cli("user", "add", "sec@uclg.example", "--role", "secretariat").returncode == 0
    out = cli("user", "token", "sec@uclg.example", "--expires", "30")
    assert out.returncode == 0
    assert (await client.get("/api/v1/me", headers=bearer(out.stdout.strip()))).status_code == 200
    refused = cli("user", "token", "sec@uclg.example", "--expires", "0")
    assert refused.returncode == 2 and "expires" in refused.stderr
