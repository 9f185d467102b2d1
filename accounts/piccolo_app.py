"""Piccolo app of users, memberships and API tokens."""

import os

from piccolo.conf.apps import AppConfig

from accounts.tables import ApiToken, AuthFailure, Membership, User

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[User, Membership, ApiToken, AuthFailure],
    migration_dependencies=["charter.piccolo_app"],
    commands=[],
)
