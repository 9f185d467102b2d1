"""The secretariat's review queue in pages: the first page after signing in, with counts and
filters; twenty pieces of evidence reviewed in twenty submits, each answered by the next piece
and nothing else; a rejection says why; a piece reviewed meanwhile by someone else is said, the
note kept; and nobody else opens or sends any of it."""

from __future__ import annotations

from urllib.parse import urlsplit

from accounts.invitations import accept_invitation, invite
from indicators.tables import Evidence
from kernel.caller import SYSTEM
from kernel.tables import AuditEntry
from tests import builders
from tests.builders import bearer
from tests.web.html import check_page, parse
from tests.web.test_challenge_form import PASSWORD, csrf_of


async def _signed_in(client, email: str, role: str, city: str | None = None) -> str:
    """Signed in through the sign-in page; returns where it lands."""
    secret = await invite(
        SYSTEM, email, role, city, organisation="Observatoire" if role == "reviewer" else None
    )
    await accept_invitation(secret, PASSWORD, "192.0.2.9")
    client.cookies.clear()
    page = await client.get("/sign-in")
    r = await client.post(
        "/sign-in", data={"_csrf_token": csrf_of(page.text), "email": email, "password": PASSWORD}
    )
    assert r.status_code == 303, r.text[:500]
    return r.headers["location"]


async def _evidence(client, count: int) -> list[int]:
    editor = await builders.editor_with_adoption()
    ids = []
    for n in range(count):
        r = await client.post(
            "/api/v1/cities/grenoble/evidence",
            headers=bearer(editor),
            json={"title": f"Rapport {n}", "kind": "report", "url": f"https://grenoble.example/{n}.pdf"},
        )
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


async def test_twenty_pieces_in_twenty_submits(client) -> None:
    """The queue lands first after signing in, counts what waits, and goes through twenty pieces
    with one submit each: every answer is the next piece's page, the last one the queue."""
    ids = await _evidence(client, 20)
    assert await _signed_in(client, "sec@uclg.example", "secretariat") == "/secretariat"
    queue = await client.get("/secretariat", params={"lang": "fr"})
    page = check_page(queue, "fr", "ltr")
    # Twenty pieces of evidence, and Grenoble late with its 2025 values.
    assert "21 éléments attendent le secrétariat" in page.text and "Preuves à examiner (20)" in page.text
    start = f"/secretariat/evidence/{ids[0]}"
    assert start in queue.text
    current, loads, submits = await client.get(start), 1, 0
    for n, evidence_id in enumerate(ids):
        assert f'action="/secretariat/evidence/{evidence_id}"' in current.text
        verdict = "rejected" if n % 5 == 0 else "accepted"
        form = {"_csrf_token": csrf_of(current.text), "review": verdict, "version": "1"}
        if verdict == "rejected":
            form["note"] = "Le lien ne mène à aucun document."
        sent = await client.post(f"/secretariat/evidence/{evidence_id}", data=form)
        submits += 1
        assert sent.status_code == 303, sent.text[:500]
        current, loads = await client.get(sent.headers["location"]), loads + 1
        assert current.status_code == 200
    assert (submits, loads) == (20, 21)  # the first piece, then one page per submit
    assert urlsplit(str(current.url)).path == "/secretariat"
    reviews = await Evidence.select(Evidence.review).order_by(Evidence.id)
    assert [r["review"] for r in reviews] == ["rejected" if n % 5 == 0 else "accepted" for n in range(20)]
    assert await AuditEntry.count().where(AuditEntry.action == "review") == 20


async def test_the_review_page_in_arabic_and_its_refusals(client) -> None:
    """The page speaks Arabic right to left; a rejection without a note is refused, nothing
    written; a piece reviewed meanwhile is said and the note kept; a form without its token is 403."""
    first, second = await _evidence(client, 2)
    await _signed_in(client, "sec@uclg.example", "secretariat")
    check_page(await client.get("/secretariat", params={"lang": "ar"}), "ar", "rtl")
    shown = await client.get(f"/secretariat/evidence/{first}", params={"lang": "ar"})
    assert '<html lang="ar" dir="rtl">' in shown.text  # (its link leads off the site: no check_page)
    token = csrf_of(shown.text)
    url = f"/secretariat/evidence/{first}"
    assert (await client.post(url, data={"review": "accepted", "version": "1"})).status_code == 403
    bare = await client.post(url, data={"_csrf_token": token, "review": "rejected", "version": "1"})
    assert bare.status_code == 422 and 'aria-invalid="true"' in bare.text
    assert (await Evidence.select(Evidence.review).where(Evidence.id == first).first())[
        "review"
    ] == "unreviewed"
    await client.post(url, data={"_csrf_token": token, "review": "accepted", "version": "1"})
    stale = await client.post(
        url, data={"_csrf_token": token, "review": "rejected", "version": "1", "note": "Document illisible."}
    )
    assert stale.status_code == 409 and "Document illisible." in stale.text
    assert (await Evidence.select(Evidence.review).where(Evidence.id == first).first())[
        "review"
    ] == "accepted"
    skip = parse(shown.text)
    assert any(a.get("href") == f"/secretariat/evidence/{second}" for n, a in skip.tags if n == "a")


async def test_filters_travel_from_piece_to_piece(client) -> None:
    """Reviewing with `?city=` goes on to the next piece of that city, with the filter kept."""
    ids = await _evidence(client, 2)
    await _signed_in(client, "sec@uclg.example", "secretariat")
    shown = await client.get(f"/secretariat/evidence/{ids[0]}", params={"city": "grenoble"})
    sent = await client.post(
        f"/secretariat/evidence/{ids[0]}?city=grenoble",
        data={"_csrf_token": csrf_of(shown.text), "review": "accepted", "version": "1"},
    )
    assert (
        sent.headers["location"]
        == f"/secretariat/evidence/{ids[1]}?city=grenoble&done={ids[0]}&review=accepted"
    )
    assert (await client.get("/secretariat", params={"city": "atlantis"})).status_code == 422


async def test_nobody_else_opens_or_sends_it(client) -> None:
    """A visitor signs in first; a city editor and a reviewer get 403 on every page and form."""
    (piece,) = await _evidence(client, 1)
    for path in ("/secretariat", f"/secretariat/evidence/{piece}"):
        r = await client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/sign-in"), path
    for email, role, city in (
        ("ed@grenoble.fr", "city_editor", "grenoble"),
        ("obs@ngo.example", "reviewer", None),
    ):
        await _signed_in(client, email, role, city)
        token = csrf_of((await client.get("/account")).text)
        for path in ("/secretariat", f"/secretariat/evidence/{piece}"):
            assert (await client.get(path)).status_code == 403, (role, path)
        sent = await client.post(
            f"/secretariat/evidence/{piece}",
            data={"_csrf_token": token, "review": "accepted", "version": "1"},
        )
        assert sent.status_code == 403, role
    assert (await Evidence.select(Evidence.review).first())["review"] == "unreviewed"


async def test_claims_verified_one_after_another(client) -> None:
    """Two values citing accepted evidence wait to be verified; each is verified in one submit,
    the first leading to the second, the second back to the queue; a claim whose evidence was
    rejected meanwhile is refused, the note kept."""
    editor = await builders.editor_with_adoption()
    secretariat = await builders.token("secretariat")
    ids: list[int] = []
    for n in range(3):
        r = await client.post(
            "/api/v1/cities/grenoble/evidence",
            headers=bearer(editor),
            json={"title": f"Rapport {n}", "kind": "report", "url": f"https://grenoble.example/{n}.pdf"},
        )
        ids.append(r.json()["id"])
        await client.post(
            f"/api/v1/evidence/{ids[-1]}/review",
            headers=bearer(secretariat, "*"),
            json={"review": "accepted"},
        )
    claims = []
    for n, period in enumerate(("2022", "2023", "2024")):
        r = await client.post(
            "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements",
            headers=bearer(editor),
            json={"period": period, "value": 10 + n, "evidence": [ids[n]]},
        )
        claims.append(r.json()["claim_id"])
    await _signed_in(client, "sec@uclg.example", "secretariat")
    queue = await client.get("/secretariat", params={"lang": "fr"})
    assert "Déclarations à vérifier (3)" in parse(queue.text).text
    shown = await client.get(f"/secretariat/claims/{claims[0]}", params={"lang": "fr"})
    check_page(shown, "fr", "ltr")
    token = csrf_of(shown.text)
    sent = await client.post(
        f"/secretariat/claims/{claims[0]}",
        data={"_csrf_token": token, "version": "1", "note": "Rapport p. 4."},
    )
    assert sent.headers["location"] == f"/secretariat/claims/{claims[1]}?done={claims[0]}"
    # The evidence of the third is rejected while the second is on screen.
    await client.post(
        f"/api/v1/evidence/{ids[2]}/review",
        headers=bearer(secretariat, "*"),
        json={"review": "rejected", "note_md": "Illisible."},
    )
    sent = await client.post(f"/secretariat/claims/{claims[1]}", data={"_csrf_token": token, "version": "1"})
    assert sent.headers["location"] == f"/secretariat?verified={claims[1]}"
    refused = await client.post(
        f"/secretariat/claims/{claims[2]}", data={"_csrf_token": token, "version": "1", "note": "Vu."}
    )
    assert refused.status_code == 409 and "Vu." in refused.text
    verified = await client.get("/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements")
    assert [m["assurance"] for m in verified.json()] == ["verified", "verified", "self_reported"]


async def test_challenges_ruled_one_after_another(client) -> None:
    """Two challenges the city answered wait for a ruling; each is ruled from its own page, with
    reasons, in one submit leading to the next; without reasons nothing is ruled; only the
    secretariat sees the form."""
    editor = await builders.editor_with_adoption()
    reviewer = await builders.token("reviewer", organisation="Observatoire")
    challenges = []
    for period in ("2023", "2024"):
        r = await client.post(
            "/api/v1/cities/grenoble/indicators/lampedusa/LAM-DIG-01-I1/measurements",
            headers=bearer(editor),
            json={"period": period, "value": 7},
        )
        r = await client.post(
            f"/api/v1/claims/{r.json()['claim_id']}/challenges",
            headers=bearer(reviewer),
            json={"reason_md": "Aucune source."},
        )
        challenges.append(r.json()["id"])
        r = await client.post(
            f"/api/v1/challenges/{challenges[-1]}/replies",
            headers=bearer(editor),
            json={"body_md": "Voir le registre."},
        )
        assert r.status_code == 201, r.text
    await _signed_in(client, "ed@grenoble.fr", "city_editor", "grenoble")
    assert 'id="ruling-form"' not in (await client.get(f"/challenges/{challenges[0]}")).text
    await _signed_in(client, "sec@uclg.example", "secretariat")
    queue = await client.get("/secretariat", params={"lang": "fr"})
    assert "Contestations à trancher (2)" in parse(queue.text).text
    shown = await client.get(f"/challenges/{challenges[0]}", params={"lang": "fr"})
    check_page(shown, "fr", "ltr")
    assert 'id="ruling-form"' in shown.text
    token = csrf_of(shown.text)
    url = f"/secretariat/challenges/{challenges[0]}/ruling"
    bare = await client.post(url, data={"_csrf_token": token, "outcome": "upheld", "version": "1"})
    assert (
        bare.status_code == 422
        and 'id="reasons-error"' in bare.text
        and 'value="upheld" checked' in bare.text
    )
    sent = await client.post(
        url,
        data={
            "_csrf_token": token,
            "outcome": "upheld",
            "reasons": "La ville n'a pas de source.",
            "version": "2",
        },
    )
    assert sent.status_code == 303, sent.text[:300]
    assert sent.headers["location"] == f"/challenges/{challenges[1]}?ruled={challenges[0]}#ruling-form"
    following = await client.get(sent.headers["location"].split("#")[0] + "&lang=fr")
    assert f"La contestation n° {challenges[0]} est tranchée." in parse(following.text).text
    sent = await client.post(
        f"/secretariat/challenges/{challenges[1]}/ruling",
        data={
            "_csrf_token": csrf_of(following.text),
            "outcome": "dismissed",
            "reasons": "Le registre le montre.",
            "version": "2",
        },
    )
    assert sent.headers["location"] == f"/secretariat?ruled={challenges[1]}"
    rulings = (await client.get("/api/v1/challenges")).json()["items"]
    assert sorted((c["id"], c["ruling"]["outcome"]) for c in rulings) == [
        (challenges[0], "upheld"),
        (challenges[1], "dismissed"),
    ]


async def test_a_pdf_is_seen_page_by_page_and_a_broken_one_is_only_downloaded(client) -> None:
    """A PDF filed as evidence shows its first pages on its review page (drawn once, in another
    process); a file that only starts like a PDF shows none, and the page still answers."""
    from weasyprint import HTML

    editor = await builders.editor_with_adoption()
    pages = "".join(f'<p style="break-before: page">Page {n}</p>' for n in range(1, 5))
    pieces = {}
    for name, content in (
        ("rapport.pdf", HTML(string=f"<h1>Rapport</h1>{pages}").write_pdf()),
        ("casse.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100),
    ):
        r = await client.post(
            "/api/v1/cities/grenoble/evidence",
            headers=bearer(editor),
            files={"file": (name, content, "application/pdf")},
            data={"title": name, "kind": "report"},
        )
        assert r.status_code == 201, r.text
        pieces[name] = r.json()["id"]
    await _signed_in(client, "sec@uclg.example", "secretariat")
    shown = await client.get(f"/secretariat/evidence/{pieces['rapport.pdf']}", params={"lang": "fr"})
    check_page(shown, "fr", "ltr")
    drawn = [a.get("src") for n, a in parse(shown.text).tags if n == "img"]
    assert drawn == [f"/secretariat/evidence/{pieces['rapport.pdf']}/pages/{n}" for n in (1, 2, 3)]
    image = await client.get(drawn[0])
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert (await client.get(f"/secretariat/evidence/{pieces['rapport.pdf']}/pages/4")).status_code == 404
    broken = await client.get(f"/secretariat/evidence/{pieces['casse.pdf']}")
    assert broken.status_code == 200 and "/pages/" not in broken.text
    await _signed_in(client, "ed@grenoble.fr", "city_editor", "grenoble")
    assert (await client.get(drawn[0])).status_code == 403
