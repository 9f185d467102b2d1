"""HTTP route of adoptions. Reading adoptions (with progress, indicators and evidence) is served
by indicators/, the package that knows how commitments are measured."""

from __future__ import annotations

from litestar import Controller, post
from litestar.params import FromPath, JSONBody

from commitments import services
from commitments.schemas import AdoptionCreate, AdoptionRead
from kernel.http import WRITE, CallerDep


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
