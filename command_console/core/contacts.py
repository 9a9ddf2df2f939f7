"""Contacts and the roles that plan steps call for."""

from __future__ import annotations

from dataclasses import dataclass, field

# role id -> what it means. Plans and rosters may only use these.
ROLES: dict[str, str] = {
    "superior": "the lead's superior (上级领导)",
    "duty-manager": "duty manager (值班经理)",
    "centre-manager": "centre manager (中心经理)",
    "department-head": "department head (部门负责人)",
    "emergency-team": "emergency team (应急小组)",
    "it": "IT / system maintenance (系统维护)",
    "operations": "operations / facilities (运维)",
    "network": "network provider (网络)",
    "venue": "venue management (场馆)",
    "security": "security / patrol (安保)",
    "outbound": "outbound team lead (外呼)",
    "quality-office": "quality office (质量办)",
    "pr": "spokesperson / media (宣传)",
    "fire": "fire brigade",
    "police": "police",
    "ambulance": "ambulance",
}
EXTERNAL_ROLES = ("fire", "police", "ambulance")


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    roles: dict[str, int] = field(default_factory=dict)  # role -> 1 (first) or 2 (second)
    phones: tuple[str, ...] = ()
    notes: str = ""
    on_duty: bool = True

    def rank_for(self, role: str) -> int | None:
        return self.roles.get(role)

    def matches(self, query: str) -> bool:
        """Case-insensitive filter on name, roles, phones and notes."""
        query = query.strip().lower()
        if not query:
            return True
        haystack = " ".join([self.name, *self.roles, *self.phones, self.notes]).lower()
        return all(word in haystack for word in query.split())


def contacts_for_role(contacts: list[Contact], role: str) -> list[Contact]:
    """First then second contact for a role; on-duty people before off-duty ones."""
    chosen = [c for c in contacts if role in c.roles]
    return sorted(chosen, key=lambda c: (c.roles[role], not c.on_duty, c.name))


def contact_id_for(name: str) -> str:
    """A stable id from a name, so re-importing a roster updates instead of duplicating."""
    import hashlib

    return "c-" + hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:10]
