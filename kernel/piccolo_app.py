"""Piccolo app of the kernel: the audit log table."""

import os

from piccolo.conf.apps import AppConfig

from kernel.tables import AuditEntry

APP_CONFIG = AppConfig(
    app_name="kernel",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[AuditEntry],
    migration_dependencies=[],
    commands=[],
)
