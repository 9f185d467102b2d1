"""What people write is shown, never run: a script in a city's name, a charter's title, a
principle, a narrative, a challenge's reason or a reviewer's organisation is inert on every page,
and so is a script, an event handler or a `javascript:` link typed in any field any page shows
(people's names, a token's name, evidence and its file name, replies, rulings), on every page type
and to whoever reads it; drafts never reach a public page; bad filters and unknown addresses get
pages, not errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts.invitations import accept_invitation, invite
from accounts.services import create_own_token, issue_token
from accounts.sessions import caller_for_session
from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate
from indicators.challenges import open_challenge
from indicators.schemas import ChallengeCreate
from indicators.status_updates import add_status_update
from kernel.caller import SYSTEM, Caller
from tests import builders
from tests.web.html import Page, check_page, parse
from tests.web.story import PDF

SCRIPT = "<script>alert('{}')</script>"
HOSTILE_MD = (
    builders.CHARTER_MD.replace(
        "title: Lampedusa Charter", "title: \"<script>alert('charter')</script> Lampedusa\""
    )
    .replace("## DIG: Dignity", "## DIG: <img src=x onerror=alert('principle')> Dignity")
    .replace("Cities commit to dignity and equity.", "Cities commit. <script>alert('preamble')</script>")
)
NARRATIVE = (
    "<script>alert('narrative')</script> [click](javascript:alert('link')) "
    '<img src=x onerror=alert(\'img\')> <a href="https://evil.example" onclick="alert(1)">x</a>'
)
REVIEWER = Caller(
    label="ngo", roles=frozenset({"reviewer"}), system=True, organisation="<script>alert('org')</script> NGO"
)


async def _hostile_world() -> str:
    """A charter, a city, a published status and a challenge, each carrying a script."""
    await builders.charter(HOSTILE_MD)
    await builders.city("hostile", name=SCRIPT.format("city"))
    await builders.signed("hostile")
    await builders.adopted("hostile")
    status = await add_status_update(
        SYSTEM,
        "hostile",
        "lampedusa",
        "LAM-DIG-01",
        StatusUpdateCreate(
            status=CommitmentStatus.in_progress, reported_on=date(2026, 3, 1), note_md=NARRATIVE
        ),
    )
    await open_challenge(REVIEWER, status.claim_id, ChallengeCreate(reason_md=NARRATIVE))
    return status.claim_id


async def test_scripts_written_by_people_are_inert_on_every_page(client) -> None:
    """On the home page, the search, the charter and the city, in each language: no script (none
    of them has a form that previews), no image, no event handler, no link off the site (a
    `javascript:` link stays text); the texts show as text."""
    await _hostile_world()
    pages = ["/", "/search?q=script", "/search?q=dign", "/charters/lampedusa", "/cities/hostile"]
    for lang in ("fr", "en", "es", "ar"):
        for url in pages:
            r = await client.get(url, params={"lang": lang})
            assert r.status_code == 200, (url, r.text[:300])
            page = check_page(r, lang, "rtl" if lang == "ar" else "ltr")
            assert "<script>alert" not in r.text and "<img" not in r.text, url
            assert [n for n, a in page.tags if n in ("script", "img", "iframe")] == [], url
    home = (await client.get("/", params={"lang": "en"})).text
    assert "&lt;script&gt;alert(&#39;city&#39;)&lt;/script&gt;" in home
    assert "&lt;script&gt;alert(&#39;org&#39;)&lt;/script&gt; NGO" in home
    assert "alert(&#39;narrative&#39;)" not in home  # the sanitiser drops the script element
    charter = (await client.get("/charters/lampedusa")).text
    assert "&lt;script&gt;alert(&#39;charter&#39;)&lt;/script&gt; Lampedusa" in charter


async def test_drafts_never_reach_a_public_page(client) -> None:
    """A draft status sent through the API by the city's editor appears on no public page and
    changes nothing on any (not the status, not the counts, not the claims published lately)."""
    await builders.charter()
    await builders.city("grenoble", name="Grenoble")
    await builders.signed("grenoble")
    await builders.adopted("grenoble")
    token = await builders.token("city_editor", "grenoble")
    urls = ("/", "/cities/grenoble", "/charters/lampedusa", "/search?q=grenoble")
    before = {url: (await client.get(url, params={"lang": "en"})).text for url in urls}
    r = await client.post(
        "/api/v1/cities/grenoble/commitments/lampedusa/LAM-DIG-01/updates",
        headers=builders.bearer(token),
        json={
            "status": "achieved",
            "reported_on": "2026-06-01",
            "note_md": "SECRET-DRAFT-NOTE",
            "draft": True,
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["draft"] is True
    for url in urls:
        text = (await client.get(url, params={"lang": "en"})).text
        assert "SECRET-DRAFT-NOTE" not in text and text == before[url], url


async def test_an_unknown_filter_value_is_a_400_page_naming_the_filter(client) -> None:
    """`?status=finished`: the city's page, status 400, a summary naming the filter and linking
    to it, the field marked; the API refuses the same value with its problem."""
    await builders.charter()
    await builders.city("grenoble", name="Grenoble")
    await builders.signed("grenoble")
    await builders.adopted("grenoble")
    for name, value, label in (
        ("status", "finished", "Statut"),
        ("assurance", "<b>sure</b>", "Fiabilité"),
        ("flag", "late", "Alerte"),
    ):
        r = await client.get("/cities/grenoble", params={"lang": "fr", name: value})
        assert r.status_code == 400, name
        page = check_page(r, "fr", "ltr")
        assert "Il y a un problème" in page.text
        assert f"Le filtre « {label} » n’a pas de valeur" in page.text  # no-break spaces read as spaces
        assert any(n == "a" and a.get("href") == f"#filter-{name}" for n, a in page.tags)
        field = next(a for n, a in page.tags if n == "select" and a.get("name") == name)
        assert field.get("aria-invalid") == "true" and field.get("aria-describedby") == f"filter-{name}-error"
        assert "<b>sure</b>" not in r.text
        api = await client.get("/api/v1/cities/grenoble/commitments", params={name: value})
        assert api.status_code == 400 and api.json()["errors"][0]["field"] == name


async def test_filters_keep_what_the_api_keeps(client) -> None:
    """A known filter lists the commitments the API lists for it."""
    await builders.charter()
    await builders.city("grenoble", name="Grenoble")
    await builders.signed("grenoble")
    await builders.adopted("grenoble", "LAM-DIG-01")
    await builders.adopted("grenoble", "LAM-EQU-01")
    await add_status_update(
        SYSTEM,
        "grenoble",
        "lampedusa",
        "LAM-EQU-01",
        StatusUpdateCreate(status=CommitmentStatus.delayed, reported_on=date(2026, 3, 1)),
    )
    for query in ({}, {"status": "delayed"}, {"principle": "DIG"}, {"flag": "stale"}, {"status": "achieved"}):
        page = parse((await client.get("/cities/grenoble", params={**query, "lang": "en"})).text)
        shown = [a["data-commitment"] for n, a in page.tags if n == "tr" and a.get("data-commitment")]
        api = (await client.get("/api/v1/cities/grenoble/commitments", params=query)).json()
        assert shown == [c["commitment"] for c in api], query
    r = await client.get("/cities/grenoble", params={"status": "achieved", "lang": "en"})
    assert "No commitment matches these filters." in r.text


async def test_unknown_addresses_get_a_page_in_the_visitor_language(client) -> None:
    """An unknown city or charter, or an address that is no page: a 404 page in the visitor's
    language with a way home; the API keeps answering problems."""
    await builders.charter()
    for url in ("/cities/nowhere", "/charters/nothing", "/nowhere/at/all"):
        r = await client.get(url, params={"lang": "ar"})
        assert r.status_code == 404, url
        page = check_page(r, "ar", "rtl")
        assert "لم نعثر على هذه الصفحة" in page.text
        assert any(n == "a" and a.get("href") == "/" for n, a in page.tags)
    api = await client.get("/api/v1/cities/nowhere")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert (await client.get("/api/v1/nowhere")).headers["content-type"] == "application/problem+json"
    r = await client.post("/cities/nowhere", headers={"Accept-Language": "fr"})
    assert r.status_code == 405 and r.headers["content-type"].startswith("text/html")


# Every page, every field people write -------------------------------------------------------------

SITE_SCRIPTS = {"/static/web/htmx.min.js", "/static/web/keep.js"}
"""The only scripts a page may load: the site's own."""
FOREIGN = ("img", "iframe", "object", "embed", "frame", "base", "link", "meta")
"""Elements a payload could bring in; a page's own `link` and `meta` are in its head, counted apart."""


def hostile(field: str) -> str:
    """What someone hostile types in `field`: a script, an attribute that breaks out of its
    quotes with an event handler, and a `javascript:` link, each naming the field."""
    return (
        f"<script>alert('{field}')</script>\"><img src=x onerror=alert('{field}')> "
        f"[go](javascript:alert('{field}'))"
    )


def shown_as_text(field: str) -> list[str]:
    """The parts of `hostile(field)` a page must show as text, whether it prints the field as
    text or as Markdown."""
    return [f"<script>alert('{field}')</script>", f"<img src=x onerror=alert('{field}')>"]


def assert_inert(url: str, html: str) -> Page:
    """Nothing in the page comes from a payload: no script but the site's own, no element a
    payload could bring, no event handler, no `javascript:` address anywhere."""
    page = parse(html)
    assert "<script>alert" not in html and "<img" not in html, url
    assert page.inline_scripts == [], url
    head_ends = next(i for i, (n, _) in enumerate(page.tags) if n == "body")
    for i, (name, attrs) in enumerate(page.tags):
        if name == "script":
            assert attrs.get("src") in SITE_SCRIPTS, (url, attrs)
        if name in FOREIGN:
            assert name in ("link", "meta") and i < head_ends, (url, name, attrs)
        assert not [a for a in attrs if a.lower().startswith("on")], (url, name, attrs)
        for attribute, value in attrs.items():
            squeezed = "".join((value or "").split()).lower()
            assert "javascript:" not in squeezed, (url, name, attribute, value)
    return page


async def _session(
    email: str, role: str, city: str | None = None, name: str = "", org: str | None = None
) -> str:
    secret = await invite(SYSTEM, email, role, city, organisation=org, display_name=name)
    return await accept_invitation(secret, "correct horse battery staple", "192.0.2.9")


async def _ok(response, status: int = 201) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@dataclass
class Hostile:
    """What the hostile world holds: its people's sessions, its evidence and challenges."""

    editor: str
    reviewer: str
    link: int
    file: int
    status: str
    value: str
    open_challenge: int
    ruled_challenge: int


async def _everything_hostile(client) -> Hostile:
    """A city, its officer, a reviewer and the secretariat writing a payload in every field a
    page shows: the city's name, people's names and organisation, a token's name, evidence
    (title, description, file name), a value's note, a status's narrative, challenges' reasons,
    a reply and a ruling."""
    await builders.charter(HOSTILE_MD)
    await builders.city("hostile", name=hostile("city"))
    await builders.signed("hostile")
    await builders.adopted("hostile")
    editor = await _session("ed@hostile.example", "city_editor", "hostile", name=hostile("editor"))
    reviewer = await _session("ngo@hostile.example", "reviewer", name=hostile("reviewer"), org=hostile("org"))
    await create_own_token(await caller_for_session(editor), hostile("token"))
    ed = builders.bearer(await issue_token(SYSTEM, "ed@hostile.example"))
    ngo = builders.bearer(await issue_token(SYSTEM, "ngo@hostile.example"))
    sec = await builders.token("secretariat", email="sec@hostile.example")
    city = "/api/v1/cities/hostile"
    link = await _ok(
        await client.post(
            f"{city}/evidence",
            headers=ed,
            json={
                "title": hostile("evidence"),
                "kind": "report",
                "url": "https://example.org/report.pdf",
                "issued_on": "2024-01-10",
                "description_md": hostile("description"),
            },
        )
    )
    file = await _ok(
        await client.post(
            f"{city}/evidence",
            headers=ed,
            files={"file": (hostile("file") + ".pdf", PDF, "application/pdf")},
            data={"title": "Registre", "kind": "statistics", "issued_on": "2024-02-01"},
        )
    )
    value = await _ok(
        await client.post(
            f"{city}/indicators/lampedusa/LAM-DIG-01-I1/measurements",
            headers=ed,
            json={"period": "2023", "value": 120, "note_md": hostile("value"), "evidence": [file["id"]]},
        )
    )
    status = await _ok(
        await client.post(
            f"{city}/commitments/lampedusa/LAM-DIG-01/updates",
            headers=ed,
            json={
                "status": "in_progress",
                "reported_on": "2024-03-01",
                "note_md": hostile("narrative"),
                "evidence": [link["id"], file["id"]],
            },
        )
    )
    still_open = await _ok(
        await client.post(
            f"/api/v1/claims/{value['claim_id']}/challenges",
            headers=ngo,
            json={"reason_md": hostile("open reason"), "evidence": [link["id"]]},
        )
    )
    ruled = await _ok(
        await client.post(
            f"/api/v1/claims/{status['claim_id']}/challenges",
            headers=ngo,
            json={"reason_md": hostile("reason")},
        )
    )
    await _ok(
        await client.post(
            f"/api/v1/challenges/{ruled['id']}/replies", headers=ed, json={"body_md": hostile("reply")}
        )
    )
    etag = (await client.get(f"/api/v1/challenges/{ruled['id']}")).headers["etag"]
    await _ok(
        await client.post(
            f"/api/v1/challenges/{ruled['id']}/ruling",
            headers=builders.bearer(sec, etag),
            json={"outcome": "dismissed", "note_md": hostile("ruling")},
        ),
        200,
    )
    return Hostile(
        editor,
        reviewer,
        link["id"],
        file["id"],
        status["claim_id"],
        value["claim_id"],
        still_open["id"],
        ruled["id"],
    )


def _pages(w: Hostile) -> dict[str, tuple[str, set[str]]]:
    """Every page type, its address in the hostile world, and the fields it shows as text."""
    challenged = {"city", "org", "value", "open reason"}
    return {
        "home": ("/?", {"city", "narrative"} | challenged),
        "search": ("/search?q=alert", {"city"}),
        "charter": ("/charters/lampedusa?", {"city"}),
        "city": ("/cities/hostile?", {"city"}),
        "commitment": (
            "/cities/hostile/commitments/lampedusa/LAM-DIG-01?",
            {"editor", "evidence", "narrative", "reason", "reply", "ruling"} | challenged,
        ),
        "evidence": (f"/evidence/{w.link}?", {"city", "editor", "evidence", "description"}),
        "evidence file": (f"/evidence/{w.file}?", {"city", "editor", "file"}),
        "comparison": ("/charters/lampedusa/comparison?", {"city"}),
        "city's history": ("/history?entity=city&key=hostile", {"city"}),
        "evidence's history": (f"/history?entity=evidence&key=evidence-{w.link}", {"editor", "evidence"}),
        "status's history": (f"/history?entity=status_update&key={w.status}", {"editor", "narrative"}),
        "value's history": (f"/history?entity=measurement&key={w.value}", {"editor", "value"}),
        "challenge's history": (
            f"/history?entity=challenge&key=challenge-{w.ruled_challenge}",
            {"org", "reason", "ruling"},
        ),
        "challenges": ("/challenges?", {"city", "org"}),
        "open challenge": (f"/challenges/{w.open_challenge}?", {"evidence"} | challenged),
        "ruled challenge": (
            f"/challenges/{w.ruled_challenge}?",
            {"city", "editor", "org", "narrative", "reason", "reply", "ruling"},
        ),
    }


def _assert_shown(url: str, page: Page, fields: set[str]) -> None:
    for field in fields:
        # A file keeps its name after the last slash: the script's closing tag cuts it there.
        parts = shown_as_text(field)[1:] if field == "file" else shown_as_text(field)
        for part in parts:
            assert part in page.text, (url, field, part)


async def test_a_payload_in_every_field_people_write_is_inert_on_every_page(client) -> None:
    """A script, an event handler breaking out of its attribute and a `javascript:` link, typed
    in every field a page shows (a city's name, people's names and organisation, a token's name,
    evidence, narratives, challenges, replies, rulings): on every page, to the public and to the
    people signed in, in a left-to-right and a right-to-left language, no element, handler or
    address comes from it, and it reads as the text that was typed."""
    w = await _everything_hostile(client)
    pages = _pages(w)
    visitors = [(None, set()), (w.editor, {"editor"}), (w.reviewer, {"reviewer"})]
    for session, header in visitors:
        client.cookies.clear()
        if session:
            client.cookies.set("session", session)
        for lang in ("en", "ar"):
            for url, fields in pages.values():
                r = await client.get(f"{url}&lang={lang}")
                assert r.status_code == 200, (url, r.text[:300])
                _assert_shown(url, assert_inert(url, r.text), fields | header)
    accounts = [(w.editor, {"editor", "city", "token"}), (w.reviewer, {"reviewer", "org"})]
    for session, fields in accounts:
        client.cookies.set("session", session)
        for lang in ("en", "ar"):
            r = await client.get("/account", params={"lang": lang})
            assert r.status_code == 200, r.text[:300]
            _assert_shown("/account", assert_inert("/account", r.text), fields)
