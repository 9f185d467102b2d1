"""ASGI entry point: `uvicorn tracker.asgi:app`."""

from tracker.app import create_app

app = create_app()
