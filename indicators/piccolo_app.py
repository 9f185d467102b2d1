"""Piccolo app of indicators, targets, measurements and evidence."""

import os

from piccolo.conf.apps import AppConfig

from indicators.tables import (
    AdoptionEvidence,
    AdoptionStanding,
    Challenge,
    ChallengeEvidence,
    ChallengeReply,
    Evidence,
    ImportPreview,
    Indicator,
    Measurement,
    MeasurementEvidence,
    ReportDownload,
    SignatureEvidence,
    Target,
    UpdateEvidence,
)

APP_CONFIG = AppConfig(
    app_name="indicators",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Indicator,
        Target,
        Evidence,
        Measurement,
        MeasurementEvidence,
        UpdateEvidence,
        SignatureEvidence,
        AdoptionEvidence,
        Challenge,
        ChallengeReply,
        ChallengeEvidence,
        AdoptionStanding,
        ImportPreview,
        ReportDownload,
    ],
    migration_dependencies=["commitments.piccolo_app"],
    commands=[],
)
