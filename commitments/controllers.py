"""HTTP route of adoptions. Reading adoptions (with progress, indicators and evidence) is served
by indicators/, the package that knows how commitments are measured."""

from __future__ import annotations

from litestar import Controller, Response, patch, post
from litestar.params import FromPath, JSONBody

from commitments import services
from commitments.schemas import AdoptionCreate, AdoptionRead, AdoptionUpdate
from kernel.http import WRITE, CallerDep, IfMatch, precondition, with_etag


class AdoptionController(Controller):
    """A city's adoptions of charter commitments."""

    path = "/cities/{city:str}/commitments"
    tags = ("City commitments",)

    @post("/", security=WRITE)
    async def adopt(
        self, caller: CallerDep, city: FromPath[str], data: JSONBody[AdoptionCreate]
    ) -> AdoptionRead:
        """Adopt a commitment of a charter the city has signed (the city's editors, the secretariat)."""
        return await services.adopt(caller, city, data)

    @patch("/{charter:str}/{code:str}", security=WRITE)
    async def update_adoption(
        self,
        caller: CallerDep,
        city: FromPath[str],
        charter: FromPath[str],
        code: FromPath[str],
        data: JSONBody[AdoptionUpdate],
        if_match: IfMatch = None,
    ) -> Response[AdoptionRead]:
        """Change the local due date or owning unit, with the adoption's ETag (as read from
        `GET /cities/{city}/commitments/{charter}/{code}`) in `If-Match`."""
        read = await services.update_adoption(caller, city, charter, code, data, precondition(if_match))
        return with_etag(read, read.version)
