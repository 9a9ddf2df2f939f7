"""One data directory opened for use: paths, config, store and plans, loaded lazily.

The CLI and the console both start here, so first use behaves the same everywhere:
create the private directory, write config.toml, create the database, load the demo
roster and start a shift.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from command_console import config as config_io
from command_console.config import Config
from command_console.core.clock import Clock, SystemClock
from command_console.core.matching import resolve_named
from command_console.core.plans import Plan
from command_console.paths import (
    Paths,
    check_data_dir,
    claim_data_dir,
    demo_roster_file,
    ensure_private_dir,
    resolve_paths,
    shipped_plans_dir,
)


class Workspace:
    def __init__(self, paths: Paths, clock: Clock | None = None) -> None:
        self.paths = paths
        self.clock = clock or SystemClock()

    @classmethod
    def open(cls, data_dir: str | Path | None = None, clock: Clock | None = None) -> Workspace:
        workspace = cls(resolve_paths(data_dir), clock)
        if not workspace.paths.config.exists():
            workspace.initialise()
        return workspace

    def initialise(self, **settings) -> Config:
        """First use: directory, config, database, demo roster, first shift. The folder and
        the settings are checked as a whole before anything is written; settings given here
        replace those in an existing config.toml, so `init` also repairs a bad value."""
        check_data_dir(self.paths)
        config = self._settings_for_init(settings)
        claim_data_dir(self.paths)
        ensure_private_dir(self.paths.plans)
        config_io.save(self.paths, config)
        self.__dict__.pop("config", None)
        self._seed_database()
        return config

    def _settings_for_init(self, settings: dict) -> Config:
        given = {key: value for key, value in settings.items() if value is not None}
        if self.paths.config.exists():
            current, text = config_io.read_raw(self.paths.config)
        else:
            current, text = config_io.to_dict(config_io.default_config()), ""
        return config_io.from_dict({**current, **given}, self.paths.config, text)

    def _seed_database(self) -> None:
        from command_console.data import actions, queries
        from command_console.data.contacts_io import read_roster

        if not queries.list_contacts(self.store):
            actions.upsert_contacts(self.store, read_roster(demo_roster_file()))
        if queries.current_shift(self.store) is None:
            actions.start_shift(self.store, self.config.lead_name or "lead")

    @cached_property
    def config(self) -> Config:
        return config_io.load(self.paths)

    @cached_property
    def store(self):
        from command_console.data.store import Store
        from command_console.data.sync import keys

        store = Store(
            self.paths.database,
            self.config.console_id,
            self.config.lead_name or "lead",
            self.clock,
            signer=keys.load_or_create(self.paths.root),
        )
        store.site = (self.config.site_name, self.config.site_location)
        self.refresh_author(store)
        return store

    def refresh_author(self, store=None) -> None:
        """Operations are signed by the lead of the current shift (after a handover, the new one)."""
        store = store or self.store
        lead = store.current_lead()
        if lead:
            store.author = lead

    @cached_property
    def plans(self):
        from command_console.data.plan_files import load_library

        return load_library([shipped_plans_dir(), self.paths.plans])

    def plan(self, query: str) -> Plan:
        """A plan by id (or unique prefix), English or Chinese title, or fuzzy match."""
        titles: dict[str, tuple[str, ...]] = {
            plan_id: (plan.title, plan.title_zh)
            for plan_id, plan in sorted(self.plans.plans.items())
        }
        return self.plans.plans[resolve_named(query, titles, "plan")]

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
