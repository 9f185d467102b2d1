"""The pages' routes, templates and static files, for the composition root to mount."""

from __future__ import annotations

from pathlib import Path

from litestar.types import ControllerRouterHandler

from web.city.acts import ActsPages, WithdrawPages
from web.city.library import LibraryPages
from web.city.reports import ReportPages
from web.city.spreadsheets import SpreadsheetPages
from web.city.statuses import StatusPages
from web.city.targets import TargetPages
from web.city.todo import TodoPages
from web.city.values import ValuePages
from web.civil.challenge import ChallengeFormPages
from web.civil.my_challenges import MyChallengePages
from web.civil.replies import ReplyPages
from web.public.challenges import ChallengePages
from web.public.charters import CharterPages
from web.public.cities import CityPages
from web.public.commitments import CommitmentPages
from web.public.comparison import ComparisonPages
from web.public.evidence import EvidencePages
from web.public.history import HistoryPages
from web.public.home import HomePages
from web.secretariat.charters import CharterAdminPages
from web.secretariat.cities import CityAdminPages
from web.secretariat.network import NetworkPages
from web.secretariat.queue import ClaimReviewPages, QueuePages, RulingPages

PAGE_CONTROLLERS: list[ControllerRouterHandler] = [
    HomePages,
    CharterPages,
    CityPages,
    CommitmentPages,
    EvidencePages,
    ChallengePages,
    ComparisonPages,
    HistoryPages,
    ChallengeFormPages,
    ReplyPages,
    MyChallengePages,
    TodoPages,
    ValuePages,
    StatusPages,
    ActsPages,
    WithdrawPages,
    LibraryPages,
    ReportPages,
    SpreadsheetPages,
    TargetPages,
    QueuePages,
    ClaimReviewPages,
    RulingPages,
    CharterAdminPages,
    CityAdminPages,
    NetworkPages,
]
"""Every page's controller: the public's (home and search, a charter, a city, a commitment in a
city, a piece of evidence, the challenges, a charter's comparison, an item's history) and civil
society's (challenge a claim, answer back, my challenges), and the city's workspace (its to-do, reporting a
value or a status, setting a target; the answer to a challenge), and the secretariat's (the review queue
and the reviews it leads to, the charters and the cities, the network view)."""

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
"""The pages' templates; `base.html` is the layout every page extends, by name."""
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_URL = "/static/web"
"""Where the stylesheet, fonts and htmx are served from (the templates name this path)."""
