"""Two-column indexes for the lookups that decide an adoption's standing (a city's values of one
indicator, latest first; a city's target for one indicator), and the standings of the data
already there."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from indicators.tables import Measurement

ID = "2026-11-26T14:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for standings; standings of the existing adoptions."

INDEXES = {
    "measurement_city_indicator_period": "measurement (city, indicator, period_end)",
    "target_city_indicator": "target (city, indicator)",
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="indicators", description=DESCRIPTION)

    async def create() -> None:
        from charter.tables import Charter
        from indicators.standing import refresh_charter

        for name, columns in INDEXES.items():
            await Measurement.raw(f"CREATE INDEX IF NOT EXISTS {name} ON {columns}")
        for charter in await Charter.select(Charter.id):
            await refresh_charter(charter["id"])

    async def drop() -> None:
        for name in INDEXES:
            await Measurement.raw(f"DROP INDEX IF EXISTS {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
