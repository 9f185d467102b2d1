"""Piccolo app of charters, principles, cities and signatures."""

import os

from piccolo.conf.apps import AppConfig

from charter.tables import Charter, City, Principle, Signature

APP_CONFIG = AppConfig(
    app_name="charter",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Charter, Principle, City, Signature],
    migration_dependencies=["kernel.piccolo_app"],
    commands=[],
)
