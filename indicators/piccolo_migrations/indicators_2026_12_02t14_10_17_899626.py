from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T14:10:17:899626"
VERSION = "1.38.0"
DESCRIPTION = "The secretariat may release the file of evidence it rejected (evidence.file_released)."


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="indicators", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Evidence",
        tablename="evidence",
        column_name="file_released",
        db_column_name="file_released",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": False,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
