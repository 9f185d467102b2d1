"""What people write is shown, never run: a script in a city's name, a charter's title, a
principle, a narrative, a challenge's reason or a reviewer's organisation is inert on every page;
drafts never reach a public page; bad filters and unknown addresses get pages, not errors."""

from __future__ import annotations

from datetime import date

from commitments.choices import CommitmentStatus
from commitments.schemas import StatusUpdateCreate
from indicators.challenges import open_challenge
from indicators.schemas import ChallengeCreate
from indicators.status_updates import add_status_update
from kernel.caller import SYSTEM, Caller
from tests import builders
from tests.web.html import check_page, parse

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
    """On the home page, the search, the charter and the city, in each language: no script but
    htmx's, no image, no event handler, no link off the site (a `javascript:` link stays text);
    the texts show as text."""
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
