"""Challenge this claim, from the page: who may open the form, the preview, counter-evidence as
a file and a link filed with the challenge in one go, errors that keep what was written (and the
file chosen), and the hostile inputs a form meets."""

from __future__ import annotations

import re

import pytest

from accounts.invitations import accept_invitation, invite
from indicators.tables import Challenge, ChallengeEvidence, Evidence
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from tests.indicators.test_challenge_filing import _claims
from tests.web.html import check_page, parse

PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def _signed_in(client, email: str, role: str, city: str | None = None, organisation: str | None = None):
    secret = await invite(SYSTEM, email, role, city, organisation=organisation)
    client.cookies.set("session", await accept_invitation(secret, PASSWORD, "192.0.2.9"))


def csrf_of(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def _held(html: str) -> str | None:
    match = re.search(r'name="held_file" value="([^"]+)"', html)
    return match.group(1) if match else None


async def test_a_visitor_signs_in_first_and_comes_back(client) -> None:
    published, _ = await _claims()
    r = await client.get(f"/claims/{published}/challenge")
    assert r.status_code == 303
    assert r.headers["location"] == f"/sign-in?next=/claims/{published}/challenge"


async def test_only_reviewers_challenge_and_drafts_are_not_there(client) -> None:
    published, draft = await _claims()
    await _signed_in(client, "ed@grenoble.fr", "city_editor", "grenoble")
    r = await client.get(f"/claims/{published}/challenge", params={"lang": "fr"})
    assert r.status_code == 403
    check_page(r, "fr", "ltr")
    assert "secrétariat" in r.text
    client.cookies.clear()
    await _signed_in(client, "watch@ngo.example", "reviewer", organisation="Cimade 38")
    for claim in (draft, "status_update-99999", "bogus"):
        assert (await client.get(f"/claims/{claim}/challenge")).status_code == 404, claim


async def test_preview_then_open_with_a_file_and_a_link(client) -> None:
    """The preview shows the Markdown as it will read (no raw HTML) and keeps the text and the
    chosen file; opening files both pieces of evidence with the challenge, under the
    organisation, and goes to the challenge's page."""
    published, _ = await _claims()
    await _signed_in(client, "watch@ngo.example", "reviewer", organisation="Cimade 38")
    form = await client.get(f"/claims/{published}/challenge", params={"lang": "fr"})
    assert form.status_code == 200
    page = check_page(form, "fr", "ltr")
    assert "Le guichet unique est ouvert." in page.text and "Cimade 38" in page.text
    reason = "Le guichet est **fermé** le samedi. <script>alert(1)</script>"
    fields = {
        "_csrf_token": csrf_of(form.text),
        "text": reason,
        "action": "preview",
        "evidence_title": "Enquête",
    }
    files = {"evidence_file": ("enquête.pdf", PDF, "application/pdf")}
    preview = await client.post(f"/claims/{published}/challenge", data=fields, files=files)
    assert preview.status_code == 200
    shown = parse(preview.text)
    assert "<strong>fermé</strong>" in preview.text and "<script>alert(1)" not in preview.text
    assert [a.get("id") for n, a in shown.tags if n == "textarea"] == ["text"]
    assert "**fermé**" in preview.text  # the text is kept as written
    held = _held(preview.text)
    assert held and "enquête.pdf" in shown.text
    assert await Evidence.count() == 0 and await Challenge.count() == 0

    fields |= {"action": "open", "held_file": held, "evidence_url": "https://cimade.example/rapport"}
    opened = await client.post(f"/claims/{published}/challenge", data=fields)
    assert opened.status_code == 303, opened.text[:800]
    challenge = await Challenge.select().first()
    assert opened.headers["location"] == f"/challenges/{challenge['id']}"
    assert challenge["organisation"] == "Cimade 38" and challenge["reason_md"] == reason
    evidence = await Evidence.select().order_by(Evidence.id)
    assert [(e["title"], e["file_name"], e["url"], e["origin"]) for e in evidence] == [
        ("Enquête", "enquête.pdf", None, "reviewer"),
        ("Enquête", None, "https://cimade.example/rapport", "reviewer"),
    ]
    assert await ChallengeEvidence.count() == 2
    shown = await client.get(opened.headers["location"], params={"lang": "fr"})
    check_page(shown, "fr", "ltr")
    assert "Cimade 38" in shown.text and "<script>alert(1)" not in shown.text


@pytest.mark.parametrize(
    ("fields", "files", "anchors"),
    [
        ({"text": "   "}, None, ["#text"]),
        ({"text": "x" * 20_001}, None, ["#text"]),
        ({"text": "Why", "evidence_url": "javascript:alert(1)"}, None, ["#evidence-url"]),
        (
            {"text": "Why", "evidence_title": "t" * 501, "evidence_url": "https://a.example"},
            None,
            ["#evidence-title"],
        ),
        ({"text": "Why", "evidence_title": "A title alone"}, None, ["#evidence-file"]),
        (
            {"text": "Why"},
            {"evidence_file": ("page.pdf", b"<html><script>x</script>", "application/pdf")},
            ["#evidence-file"],
        ),
        ({"text": "Why"}, {"evidence_file": ("empty.pdf", b"", "application/pdf")}, ["#evidence-file"]),
        ({"text": ""}, {"evidence_file": ("fine.pdf", PDF, "application/pdf")}, ["#text"]),
    ],
)
async def test_each_refused_field_is_named_and_nothing_is_written(client, fields, files, anchors) -> None:
    published, _ = await _claims()
    await _signed_in(client, "watch@ngo.example", "reviewer", organisation="Cimade 38")
    form = await client.get(f"/claims/{published}/challenge", params={"lang": "ar"})
    before = (await Evidence.count(), await AuditEntry.count())
    r = await client.post(
        f"/claims/{published}/challenge",
        data={"_csrf_token": csrf_of(form.text), "action": "open", **fields},
        files=files,
    )
    assert r.status_code == 422, r.text[:500]
    page = check_page(r, "ar", "rtl")
    summary = [a.get("href") for n, a in page.tags if n == "a" and (a.get("href") or "").startswith("#")]
    assert [h for h in summary if h != "#main"] == anchors
    for anchor in anchors:
        field = next(a for n, a in page.tags if a.get("id") == anchor[1:])
        assert field.get("aria-invalid") == "true"
    if fields.get("evidence_url"):
        assert f'value="{fields["evidence_url"]}"' in r.text.replace("&#34;", '"') or "javascript" in r.text
    assert (await Evidence.count(), await AuditEntry.count(), await Challenge.count()) == (*before, 0)
    if files and files["evidence_file"][1] == PDF:
        assert _held(r.text)  # a good file is kept while the reason is corrected
    else:
        assert _held(r.text) is None


async def test_a_held_file_is_this_persons_only(client) -> None:
    """A signed token names a kept file: forged, or another person's, it names nothing."""
    published, _ = await _claims()
    await _signed_in(client, "watch@ngo.example", "reviewer", organisation="Cimade 38")
    form = await client.get(f"/claims/{published}/challenge")
    token = csrf_of(form.text)
    files = {"evidence_file": ("a.pdf", PDF, "application/pdf")}
    r = await client.post(
        f"/claims/{published}/challenge",
        data={"_csrf_token": token, "text": "", "action": "open"},
        files=files,
    )
    held = _held(r.text)
    assert held
    client.cookies.clear()
    await _signed_in(client, "other@ngo.example", "reviewer", organisation="Autre")
    form = await client.get(f"/claims/{published}/challenge")
    for forged in (held, held[:-4] + "0000", "e30.abc"):
        r = await client.post(
            f"/claims/{published}/challenge",
            data={"_csrf_token": csrf_of(form.text), "text": "Why", "action": "open", "held_file": forged},
        )
        assert r.status_code == 303
    assert await Evidence.count() == 0 and await Challenge.count() == 3


async def test_without_the_csrf_token_nothing_is_written(client) -> None:
    published, _ = await _claims()
    await _signed_in(client, "watch@ngo.example", "reviewer", organisation="Cimade 38")
    await client.get(f"/claims/{published}/challenge")
    for token in (None, "wrong"):
        data = {"text": "Why", "action": "open"} | ({"_csrf_token": token} if token else {})
        r = await client.post(f"/claims/{published}/challenge", data=data)
        assert r.status_code == 403
    assert await Challenge.count() == 0


async def test_the_preview_fragment_for_htmx(client) -> None:
    published, _ = await _claims()
    await _signed_in(client, "watch@ngo.example", "reviewer", organisation="Cimade 38")
    form = await client.get(f"/claims/{published}/challenge")
    r = await client.post(
        "/preview", data={"_csrf_token": csrf_of(form.text), "text": "*Oui* <img src=x onerror=alert(1)>"}
    )
    assert r.status_code == 200
    fragment = parse(r.text)
    assert "<em>Oui</em>" in r.text and "img" not in [name for name, _ in fragment.tags]
    assert not [a for _, attrs in fragment.tags for a in attrs if a.startswith("on")]
    assert 'id="preview"' in r.text and "<html" not in r.text


async def test_hostile_names_and_file_names_are_inert_on_the_challenge_pages(client) -> None:
    """A script in the organisation's name, the person's name, the reason, an evidence title and
    a file name: every page that shows them shows text, never an element or a handler."""
    published, _ = await _claims()
    organisation = "<script>alert('org')</script>"
    secret = await invite(
        SYSTEM,
        "watch@ngo.example",
        "reviewer",
        organisation=organisation,
        display_name='"><img src=x onerror=alert(1)>',
    )
    client.cookies.set("session", await accept_invitation(secret, PASSWORD, "192.0.2.9"))
    form = await client.get(f"/claims/{published}/challenge", params={"lang": "ar"})
    check_page(form, "ar", "rtl")
    assert "&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt;" in form.text
    opened = await client.post(
        f"/claims/{published}/challenge",
        data={
            "_csrf_token": csrf_of(form.text),
            "text": "<script>alert('reason')</script> [x](javascript:alert(1))",
            "evidence_title": "<svg onload=alert(1)>",
            "action": "open",
        },
        files={"evidence_file": ("<img src=x onerror=alert(1)>.pdf", PDF, "application/pdf")},
    )
    assert opened.status_code == 303
    challenge = opened.headers["location"]
    evidence = (await Evidence.select(Evidence.id).first())["id"]
    for path in (challenge, "/my/challenges", f"/evidence/{evidence}", "/challenges", "/", form.url.path):
        for lang, direction in (("fr", "ltr"), ("ar", "rtl")):
            r = await client.get(path, params={"lang": lang})
            assert r.status_code == 200, (path, r.status_code)
            page = check_page(r, lang, direction)
            assert [n for n, _ in page.tags if n in ("img", "svg", "iframe")] == [], path
            values = [v or "" for _, attrs in page.tags for v in attrs.values()]
            assert not [v for v in values if v.strip().lower().startswith("javascript:")], path
