"""Piccolo app of commitments, adoptions and status updates."""

import os

from piccolo.conf.apps import AppConfig

from commitments.tables import Adoption, Commitment, StatusUpdate

APP_CONFIG = AppConfig(
    app_name="commitments",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Commitment, Adoption, StatusUpdate],
    migration_dependencies=["charter.piccolo_app"],
    commands=[],
)
