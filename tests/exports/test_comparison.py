"""The comparison across cities: numbers against a hand-computed fixture, the same numbers as the
city-by-city rules on the demo data, counts that add up to the adopted commitments (every status,
and every cell of the demo data), every filter, sorting, CSV and XLSX, adoption over time, peers."""

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest

from charter.choices import SignatureStatus
from charter.schemas import CityCreate, SignatureCreate
from charter.services import create_city, create_signature
from commitments.choices import CommitmentStatus
from commitments.schemas import AdoptionCreate, StatusUpdateCreate
from commitments.services import adopt
from exports.comparison import STANDINGS, Cell, comparison
from exports.comparison_query import Filters
from indicators.challenges import open_challenge
from indicators.city_view import city_commitments_full
from indicators.claims import verify_claim
from indicators.evidence import create_link_evidence
from indicators.flags import on_track
from indicators.measurements import add_measurement
from indicators.progress import principle_progress
from indicators.schemas import ChallengeCreate, EvidenceCreate, MeasurementCreate, TargetSet
from indicators.status_updates import add_status_update
from indicators.targets import set_target
from kernel import clock
from kernel.caller import SYSTEM, Caller
from kernel.versions import ANY_VERSION
from tests import builders

TODAY = date(2026, 11, 26)
URL = "/api/v1/charters/lampedusa/comparison"
REVIEWER = Caller(label="ngo", name="Observatoire", roles=frozenset({"reviewer"}), system=True)


async def _city(
    slug: str, country: str, region: str, population: int, networks: list[str], signed: bool = True
) -> None:
    await create_city(
        SYSTEM,
        CityCreate(
            slug=slug,
            name=slug.title(),
            country=country,
            locale="fr-FR",
            population=population,
            region=region,
            networks=networks,
        ),
    )
    if signed:
        await builders.signed(slug)


async def _adopt(city: str, code: str, due: date | None) -> None:
    await adopt(
        SYSTEM,
        city,
        AdoptionCreate(charter="lampedusa", commitment=code, adopted_on=date(2023, 1, 15), due_on=due),
    )


async def _status(city: str, code: str, status: str, on: date, evidence: list[int] | None = None):
    return await add_status_update(
        SYSTEM,
        city,
        "lampedusa",
        code,
        StatusUpdateCreate(status=CommitmentStatus(status), reported_on=on, evidence=evidence or []),
    )


async def _value(city: str, code: str, period: str, value: float, **extra):
    return await add_measurement(
        SYSTEM, city, "lampedusa", code, MeasurementCreate(period=period, value=value, **extra)
    )


async def _target(city: str, code: str, baseline: float, target: float) -> None:
    await set_target(
        SYSTEM, city, "lampedusa", code, TargetSet(target=target, baseline=baseline), ANY_VERSION
    )


async def fixture() -> None:
    """alpha (FR, 150 000, MC2CM): DIG-01 overdue at 7/12, DIG-02 achieved and verified, EQU-01 on
    track at 3/4, one value contested. beta (TN, 600 000, MC2CM+UCLG): DIG-01 delayed, one value
    corrected, one draft. gamma withdrew its signature; delta never signed."""
    await builders.charter()
    await _city("alpha", "FR", "155", 150_000, ["MC2CM"])
    await _city("beta", "TN", "015", 600_000, ["MC2CM", "UCLG"])
    await _city("gamma", "ES", "039", 3_300_000, ["MC2CM"])
    await create_signature(
        SYSTEM,
        "gamma",
        SignatureCreate(charter="lampedusa", signed_on=date(2024, 5, 1), status=SignatureStatus.withdrawn),
    )
    await _city("delta", "IT", "039", 850_000, [], signed=False)

    await _adopt("alpha", "LAM-DIG-01", date(2025, 12, 31))
    await _adopt("alpha", "LAM-DIG-02", date(2030, 12, 31))
    await _adopt("alpha", "LAM-EQU-01", date(2030, 12, 31))
    await _target("alpha", "LAM-DIG-01-I1", 300, 600)
    await _target("alpha", "LAM-DIG-01-I2", 30, 15)
    await _target("alpha", "LAM-EQU-01-I1", 20, 60)
    contested = await _value("alpha", "LAM-DIG-01-I1", "2023", 450)
    await _value("alpha", "LAM-DIG-01-I2", "2023", 20)
    await _value("alpha", "LAM-EQU-01-I1", "2024", 50)
    await _status("alpha", "LAM-DIG-01", "in_progress", date(2024, 3, 1))
    proof = await create_link_evidence(
        SYSTEM,
        "alpha",
        EvidenceCreate(title="Arrêté", kind="council_decision", url="https://alpha.example/arrete.pdf"),
    )
    achieved = await _status("alpha", "LAM-DIG-02", "achieved", date(2024, 6, 30), [proof.id])
    await verify_claim(SYSTEM, achieved.claim_id, "Checked.", ANY_VERSION)
    await _status("alpha", "LAM-EQU-01", "in_progress", date(2024, 9, 1))
    await open_challenge(REVIEWER, contested.claim_id, ChallengeCreate(reason_md="Lower."))

    await builders.adopted("beta")
    await _target("beta", "LAM-DIG-01-I1", 0, 400)
    wrong = await _value("beta", "LAM-DIG-01-I1", "2023", 100)
    await _value("beta", "LAM-DIG-01-I1", "2023", 200, supersedes=wrong.claim_id)
    await _value("beta", "LAM-DIG-01-I1", "2024", 400, draft=True)
    await _status("beta", "LAM-DIG-01", "delayed", date(2024, 2, 1))


def _cells(read, city: str) -> dict:
    row = next(r for r in read.rows if r.city == city)
    return {**{code: cell for code, cell in row.cells.items()}, "total": row.total}


async def test_the_numbers_of_a_hand_computed_fixture() -> None:
    """Counts, progress and shares as computed by hand in the fixture's docstring."""
    await fixture()
    read = await comparison("lampedusa", today=TODAY)
    assert [r.city for r in read.rows] == ["alpha", "beta"]  # gamma withdrew, delta never signed
    assert [c.code for c in read.columns] == ["DIG", "EQU"]
    alpha, beta = _cells(read, "alpha"), _cells(read, "beta")
    dig = alpha["DIG"]
    assert (dig.adopted, dig.achieved, dig.on_track, dig.delayed, dig.overdue) == (2, 1, 0, 0, 1)
    assert (dig.in_progress, dig.not_started, dig.withdrawn) == (1, 0, 0)  # DIG-01, past due
    assert dig.progress == pytest.approx(((0.5 + 2 / 3) / 2 + 1.0) / 2)
    assert (dig.claims, dig.verified_share, dig.contested_share) == (4, 0.25, 0.25)
    equ = alpha["EQU"]
    assert (equ.adopted, equ.achieved, equ.on_track, equ.delayed, equ.overdue) == (1, 0, 1, 0, 0)
    assert equ.progress == pytest.approx(0.75) and equ.claims == 2 and equ.verified_share == 0
    total = alpha["total"]
    assert (total.adopted, total.achieved, total.on_track, total.overdue, total.claims) == (3, 1, 1, 1, 6)
    assert total.progress == pytest.approx(((0.5 + 2 / 3) / 2 + 1.0 + 0.75) / 3)
    assert total.verified_share == pytest.approx(1 / 6) and total.contested_share == pytest.approx(1 / 6)
    dig = beta["DIG"]
    assert (dig.adopted, dig.achieved, dig.on_track, dig.delayed, dig.overdue) == (1, 0, 0, 1, 1)
    assert (dig.in_progress, dig.not_started, dig.withdrawn) == (0, 0, 0)
    assert dig.progress == pytest.approx(0.25)  # the correction counts (200/400), the draft does not
    assert dig.claims == 2  # the status and the correction; not the corrected value, not the draft
    assert beta["EQU"].adopted == 0 and beta["EQU"].progress is None and beta["EQU"].claims == 0


def _parts(cell: Cell) -> dict[str, int]:
    """The cell's disjoint counts, those that add up to `adopted`."""
    return {key: getattr(cell, key) for key in STANDINGS}


PLACES = {
    # city: (commitment, due date, last status or None, values of LAM-EQU-01-I1 (20 → 60), where
    # it is counted, whether it is overdue)
    "done": ("LAM-DIG-02", date(2030, 12, 31), "achieved", None, "achieved", False),
    "open": ("LAM-DIG-02", None, "in_progress", None, "on_track", False),
    "ahead": ("LAM-EQU-01", date(2030, 12, 31), "in_progress", 60, "on_track", False),
    "idle": ("LAM-EQU-01", date(2030, 12, 31), "not_started", 60, "on_track", False),
    "behind": ("LAM-DIG-02", date(2030, 12, 31), "in_progress", None, "in_progress", False),
    "late": ("LAM-DIG-02", date(2025, 12, 31), "in_progress", None, "in_progress", True),
    "stuck": ("LAM-DIG-02", date(2025, 12, 31), "delayed", None, "delayed", True),
    "slow": ("LAM-DIG-02", date(2030, 12, 31), "delayed", None, "delayed", False),
    "waiting": ("LAM-DIG-02", date(2030, 12, 31), "not_started", None, "not_started", False),
    "silent": ("LAM-DIG-02", date(2025, 12, 31), None, None, "not_started", True),
    "dropped": ("LAM-DIG-02", date(2025, 12, 31), "withdrawn", None, "withdrawn", False),
    "unscheduled": ("LAM-DIG-02", None, "not_started", None, "not_started", False),
    "due-today": ("LAM-EQU-01", TODAY, "in_progress", 60, "on_track", False),
    # Halfway in time (from 2023-01-15, the adoption) and halfway to the target: on track; a
    # day earlier due, just behind.
    "even": ("LAM-EQU-01", TODAY + (TODAY - date(2023, 1, 15)), "in_progress", 40, "on_track", False),
    "just-behind": (
        "LAM-EQU-01",
        TODAY + (TODAY - date(2023, 1, 15)) - timedelta(days=1),
        "in_progress",
        40,
        "in_progress",
        False,
    ),
}


async def test_each_status_is_counted_once_and_overdue_across_them() -> None:
    """A commitment is counted in exactly one of achieved, on track, in progress (not on track),
    delayed, not started (or no status) and withdrawn, so they add up to adopted; overdue flags
    those past due among in progress, delayed and not started, never achieved or withdrawn."""
    await builders.charter()
    for city, (code, due, status, value, _, _) in PLACES.items():
        await _city(city, "FR", "155", 100_000, [])
        await _adopt(city, code, due)
        if value is not None:
            await _target(city, "LAM-EQU-01-I1", 20, 60)
            await _value(city, "LAM-EQU-01-I1", "2024", value)
        if status:
            await _status(city, code, status, date(2024, 3, 1))
    read = await comparison("lampedusa", level="commitment", today=TODAY)
    rows = {r.city: r for r in read.rows}
    for city, (code, due, status, _, place, overdue) in PLACES.items():
        cell = rows[city].cells[code]
        assert cell.adopted == 1, city
        assert _parts(cell) == {key: int(key == place) for key in STANDINGS}, city
        by_python = on_track(
            status=status,
            progress=cell.progress or 0.0,
            adopted_on=date(2023, 1, 15),
            due_on=due,
            today=TODAY,
        )
        assert cell.on_track == int(by_python), city  # the SQL and the Python rule agree
        assert cell.overdue == int(overdue), city
        assert _parts(rows[city].total) == _parts(cell) and rows[city].total.overdue == cell.overdue
    assert rows["dropped"].total.progress is None  # withdrawn: adopted, left out of progress


async def test_the_counts_add_up_to_the_adopted_on_the_demo_data(client) -> None:
    """In every cell and total of every charter's comparison of the demo data, at both levels and
    in the API's JSON as in its CSV, the disjoint counts add up to adopted, and overdue is at most
    those that can be overdue (in progress, delayed, not started)."""
    from tracker.demo import load_demo

    await load_demo()
    seen = 0
    for charter in ("lampedusa", "sousse-local", "gca-2011"):
        for level in ("principle", "commitment"):
            r = await client.get(f"/api/v1/charters/{charter}/comparison", params={"level": level})
            assert r.status_code == 200
            cells = [c for row in r.json()["rows"] for c in [*row["cells"].values(), row["total"]]]
            assert cells
            for cell in cells:
                assert sum(cell[key] for key in STANDINGS) == cell["adopted"], (charter, level, cell)
                assert cell["overdue"] <= cell["in_progress"] + cell["delayed"] + cell["not_started"]
                seen += cell["adopted"]
            r = await client.get(
                f"/api/v1/charters/{charter}/comparison", params={"level": level, "format": "csv"}
            )
            table = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
            codes = {h.rpartition(".")[0] for h in table[0] if "." in h}
            for line in table:
                for code in codes:
                    parts = sum(int(line[f"{code}.{key}"]) for key in STANDINGS)
                    assert parts == int(line[f"{code}.adopted"]), (charter, level, code)
    assert seen > 0


async def test_one_city_has_its_line_of_the_whole_comparison() -> None:
    """Filtered to one city (a city page's scorecard), the comparison gives that city's line as
    the whole comparison counts it, and nothing for a city that withdrew."""
    await fixture()
    whole = await comparison("lampedusa", today=TODAY)
    for city in ("alpha", "beta"):
        alone = await comparison("lampedusa", filters=Filters(city=city), today=TODAY)
        assert alone.rows == [row for row in whole.rows if row.city == city]
    assert (await comparison("lampedusa", filters=Filters(city="gamma"), today=TODAY)).rows == []


async def test_commitment_level() -> None:
    """Drilled down: one column per commitment of the charter."""
    await fixture()
    read = await comparison("lampedusa", level="commitment", today=TODAY)
    assert [c.code for c in read.columns] == ["LAM-DIG-01", "LAM-DIG-02", "LAM-EQU-01"]
    alpha = _cells(read, "alpha")
    assert alpha["LAM-DIG-01"].progress == pytest.approx((0.5 + 2 / 3) / 2)
    assert alpha["LAM-DIG-02"].achieved == 1 and alpha["LAM-DIG-02"].verified_share == 1.0
    assert alpha["LAM-DIG-01"].contested_share == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    ("query", "cities"),
    [
        ({"country": "TN"}, ["beta"]),
        ({"country": "fr,tn"}, ["alpha", "beta"]),
        ({"region": "155"}, ["alpha"]),
        ({"network": "uclg"}, ["beta"]),
        ({"network": "MC2CM"}, ["alpha", "beta"]),
        ({"population_band": "medium"}, ["alpha"]),
        ({"population_band": "large"}, ["beta"]),
        ({"population_band": "small"}, []),
        ({"signed_year": "2022"}, ["alpha", "beta"]),
        ({"signed_year": "2021"}, []),
        ({"country": "TN", "network": "MC2CM"}, ["beta"]),
    ],
)
async def test_filters(client, query: dict, cities: list[str]) -> None:
    """Each filter, and two together, through the API."""
    await fixture()
    r = await client.get(URL, params=query)
    assert r.status_code == 200, r.text
    assert [row["city"] for row in r.json()["rows"]] == cities


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"population_band": "huge"}, "population_band"),
        ({"signed_year": "last"}, "signed_year"),
        ({"level": "city"}, "level"),
        ({"format": "pdf"}, "format"),
        ({"sort": "DIG.happiness"}, "sort"),
        ({"order": "up"}, "order"),
    ],
)
async def test_bad_parameters_are_400_naming_the_field(client, query: dict, field: str) -> None:
    """An unknown filter, an unknown band, a bad year, level, format, sort or order."""
    await fixture()
    r = await client.get(URL, params=query)
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["field"] == field


async def test_sorting(client) -> None:
    """By any column, both ways."""
    await fixture()
    by = {}
    for sort in ("total.progress", "DIG.overdue", "population", "EQU.adopted"):
        for order in ("asc", "desc"):
            r = await client.get(URL, params={"sort": sort, "order": order})
            by[(sort, order)] = [row["city"] for row in r.json()["rows"]]
    assert by[("total.progress", "desc")] == ["alpha", "beta"]
    assert by[("total.progress", "asc")] == ["beta", "alpha"]
    assert by[("population", "desc")] == ["beta", "alpha"]
    assert by[("EQU.adopted", "desc")] == ["alpha", "beta"]


async def test_csv_and_xlsx(client) -> None:
    """The same matrix as CSV (UTF-8 with BOM) and XLSX; a formula-looking name stays inert text."""
    await fixture()
    await create_city(
        SYSTEM,
        CityCreate(
            slug="epsilon", name='=HYPERLINK("http://x.example")', country="MA", locale="fr-MA", region="015"
        ),
    )
    await builders.signed("epsilon")
    r = await client.get(URL, params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="lampedusa-comparison-principle.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    alpha = next(row for row in rows if row["city"] == "alpha")
    assert alpha["DIG.adopted"] == "2" and alpha["total.claims"] == "6"
    assert float(alpha["EQU.progress"]) == pytest.approx(0.75)
    assert next(row for row in rows if row["city"] == "epsilon")["name"] == '\'=HYPERLINK("http://x.example")'
    r = await client.get(URL, params={"format": "xlsx", "level": "commitment"})
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = book["comparison"]
    header = [c.value for c in sheet[1]]
    values = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert values["alpha"][header.index("LAM-DIG-02.achieved")].value == 1
    name = values["epsilon"][header.index("name")]
    assert name.value == '=HYPERLINK("http://x.example")' and name.data_type == "s"
    assert [c.value for c in book["columns"]["A"]][1:] == ["LAM-DIG-01", "LAM-DIG-02", "LAM-EQU-01"]


async def test_adoption_over_time(client) -> None:
    """DIG: adopted by two cities in 2023; achieved by alpha in 2024 (DIG-02)."""
    await fixture()
    r = await client.get("/api/v1/charters/lampedusa/adoption-over-time")
    assert r.status_code == 200, r.text
    body = r.json()
    years = body["years"]
    assert years[0] == 2023 and years[-1] == clock.today().year
    dig = next(p for p in body["principles"] if p["code"] == "DIG")
    assert dig["adopted"][:2] == [2, 2] and dig["achieved"][:2] == [0, 1]
    equ = next(p for p in body["principles"] if p["code"] == "EQU")
    assert equ["adopted"][0] == 1 and set(equ["achieved"]) == {0}
    r = await client.get("/api/v1/charters/lampedusa/adoption-over-time", params={"country": "TN"})
    assert next(p for p in r.json()["principles"] if p["code"] == "DIG")["adopted"][0] == 1
    assert (
        await client.get("/api/v1/charters/lampedusa/adoption-over-time", params={"shape": "x"})
    ).status_code == 400


async def test_peers(client) -> None:
    """Same region first, then nearest in population; among a charter's signatories when asked."""
    await fixture()
    await create_city(
        SYSTEM,
        CityCreate(slug="sfax", name="Sfax", country="TN", locale="fr-TN", population=330_000, region="015"),
    )
    r = await client.get("/api/v1/cities/beta/peers")
    assert [p["city"] for p in r.json()] == ["sfax", "delta", "alpha", "gamma"]
    assert r.json()[0]["same_region"] is True
    r = await client.get("/api/v1/cities/beta/peers", params={"charter": "lampedusa"})
    assert [p["city"] for p in r.json()] == ["alpha"]


async def test_the_same_numbers_as_the_city_view_on_the_demo_data() -> None:
    """For every demo city and principle: the SQL matrix equals the city-by-city Python rules."""
    from tracker.demo import load_demo

    await load_demo()
    for charter in ("lampedusa", "sousse-local", "gca-2011"):
        read = await comparison(charter, today=clock.today())
        assert read.rows
        for row in read.rows:
            full = await city_commitments_full(row.city, None, charter_slug=charter)
            for code, cell in row.cells.items():
                mine = [c for c in full if c.principle == code]
                statuses = [str(c.status) if c.status else None for c in mine]
                assert cell.adopted == len(mine)
                assert cell.achieved == statuses.count("achieved")
                assert cell.delayed == statuses.count("delayed")
                assert cell.withdrawn == statuses.count("withdrawn")
                assert cell.overdue == sum("overdue" in [f.code for f in c.flags] for c in mine)
                tracks = [
                    on_track(
                        status=s,
                        progress=c.progress,
                        adopted_on=c.adopted_on,
                        due_on=c.due_on,
                        today=clock.today(),
                    )
                    for c, s in zip(mine, statuses, strict=True)
                ]
                assert cell.on_track == sum(tracks)
                off_track = [s for s, t in zip(statuses, tracks, strict=True) if not t]
                assert cell.in_progress == off_track.count("in_progress")
                assert cell.not_started == off_track.count("not_started") + off_track.count(None)
                expected = principle_progress((c.progress, s) for c, s in zip(mine, statuses, strict=True))
                assert (cell.progress is None) == (expected is None)
                if expected is not None:
                    assert cell.progress == pytest.approx(expected)
                claims = [
                    x
                    for c in mine
                    for x in [*c.timeline, *(m for i in c.indicators for m in i.measurements)]
                    if x.superseded_by is None
                ]
                assert cell.claims == len(claims)
                if claims:
                    assert cell.contested_share == pytest.approx(
                        sum(x.assurance == "contested" for x in claims) / len(claims)
                    )
                    assert cell.verified_share == pytest.approx(
                        sum(x.assurance == "verified" for x in claims) / len(claims)
                    )


def test_filters_parse_rejects_unknown_names() -> None:
    """The filter names are a closed set."""
    with pytest.raises(Exception, match="colour"):
        Filters.parse({"colour": "red"})


async def test_standings_follow_rulings_reviews_and_text_changes() -> None:
    """A dismissed challenge, rejected evidence and a new indicator in the charter each change
    the matrix at once; the standings kept by the writes equal a full recomputation."""
    from exports.charter_documents import export_document, import_document
    from indicators.challenges import rule
    from indicators.evidence import review_evidence
    from indicators.schemas import EvidenceReviewCreate, RulingCreate
    from indicators.tables import Challenge, Evidence

    await fixture()
    challenge = await Challenge.select(Challenge.id).first()
    await rule(SYSTEM, challenge["id"], RulingCreate(outcome="dismissed"), ANY_VERSION)
    proof = (
        await Evidence.select(Evidence.id).where(Evidence.url == "https://alpha.example/arrete.pdf").first()
    )
    await review_evidence(SYSTEM, proof["id"], EvidenceReviewCreate(review="rejected"), ANY_VERSION)
    dig = _cells(await comparison("lampedusa", today=TODAY), "alpha")["DIG"]
    assert dig.contested_share == 0 and dig.verified_share == 0
    text = await export_document("lampedusa")
    row = "| LAM-DIG-01-I3 | Staff trained | persons | count | increase |\n"
    text = text.replace("| LAM-DIG-01-I2 |", row + "| LAM-DIG-01-I2 |")
    await import_document(SYSTEM, text)
    dig = _cells(await comparison("lampedusa", level="commitment", today=TODAY), "alpha")["LAM-DIG-01"]
    assert dig.progress == pytest.approx((0.5 + 0 + 2 / 3) / 3)  # the new indicator has no data: 0
    kept, rebuilt = await builders.kept_and_recomputed_standings()
    assert kept == rebuilt


async def test_a_kept_matrix_is_computed_again_after_any_write() -> None:
    """The matrix is kept in memory between reads (the same object comes back), and a write
    anywhere (a status reported) makes the next read compute it again with the write in it."""
    await fixture()
    first = await comparison("lampedusa", today=TODAY)
    assert await comparison("lampedusa", today=TODAY) is first
    assert await comparison("lampedusa", level="commitment", today=TODAY) is not first
    assert _cells(first, "beta")["total"].achieved == 0
    await _status("beta", "LAM-DIG-01", "achieved", date(2024, 9, 1))
    again = await comparison("lampedusa", today=TODAY)
    assert again is not first
    assert _cells(again, "beta")["total"].achieved == 1
    assert _cells(first, "beta")["total"].achieved == 0  # what was handed out is never changed
