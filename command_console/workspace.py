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
from command_console.core.plans import Plan
from command_console.core.matching import resolve
from command_console.paths import Paths, demo_roster_file, ensure_private_dir, resolve_paths, shipped_plans_dir


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
        """First use: directory, config, database, demo roster, first shift."""
        ensure_private_dir(self.paths.root)
        ensure_private_dir(self.paths.plans)
        if self.paths.config.exists():
            config = config_io.load(self.paths)
        else:
            config = config_io.default_config()
        for key, value in settings.items():
            if value is not None:
                setattr(config, key, value)
        config_io.save(self.paths, config)
        self.__dict__.pop("config", None)
        self._seed_database()
        return config

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

        store = Store(self.paths.database, self.config.console_id, self.config.lead_name or "lead", self.clock)
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
        return self.plans.plans[resolve(query, sorted(self.plans.plans), "plan")]

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
