"""Piccolo app of users, memberships, passwords, invitations, sessions and API tokens."""

import os

from piccolo.conf.apps import AppConfig

from accounts.tables import ApiToken, AuthFailure, Invitation, Membership, User, UserSession

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[User, Membership, ApiToken, AuthFailure, Invitation, UserSession],
    migration_dependencies=["charter.piccolo_app"],
    commands=[],
)
