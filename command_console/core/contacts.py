"""Contacts and the roles that plan steps call for."""

from __future__ import annotations

from dataclasses import dataclass, field

from command_console.i18n import N_, _

# role id -> what it means, in English (marked for gettext) and in the seeds' Chinese words.
# Plans and rosters may only use these. 运维 (maintenance: power, air conditioning) and
# 运营 (business operations: the cinemas' duty managers) are two roles (seed 004).
ROLES: dict[str, str] = {
    "superior": N_("the lead's superior"),
    "duty-manager": N_("duty manager"),
    "centre-manager": N_("customer service centre manager"),
    "department-head": N_("department head"),
    "office-head": N_("head of the general office"),
    "emergency-team": N_("emergency leading group"),
    "management": N_("hotline management department"),
    "higher-authority": N_("superior department"),
    "it": N_("IT / system maintenance"),
    "maintenance": N_("maintenance (power, air conditioning)"),
    "operations": N_("business operations (cinema duty managers)"),
    "property": N_("property management"),
    "network": N_("network department"),
    "theatre": N_("theatre contact"),
    "sports-venue": N_("sports venue contact"),
    "security": N_("security / patrol"),
    "outbound": N_("outbound sales team"),
    "pr": N_("spokesperson / publicity"),
    "fire": N_("fire brigade"),
    "police": N_("police"),
    "ambulance": N_("ambulance"),
}
ROLE_LABELS_ZH: dict[str, str] = {
    "superior": "上级领导",
    "duty-manager": "值班经理",
    "centre-manager": "客服中心经理",
    "department-head": "部门负责人",
    "office-head": "办公室主管",
    "emergency-team": "应急处理领导小组",
    "management": "热线管理部门",
    "higher-authority": "上级部门",
    "it": "系统运维专员",
    "maintenance": "运维人员",
    "operations": "运营",
    "property": "物业管理部门",
    "network": "网络管理部门",
    "theatre": "话剧联系人",
    "sports-venue": "运动场馆联系人",
    "security": "安保人员",
    "outbound": "营销外呼人员",
    "pr": "宣传报道小组",
    "fire": "火警 119",
    "police": "报警 110",
    "ambulance": "急救 120",
}
EXTERNAL_ROLES = ("fire", "police", "ambulance")


def role_label(role: str, language: str) -> str:
    """A role's name for people: the seeds' Chinese term in zh, else the English one.
    An unknown role (from a newer console, or a retired one) is shown as its id."""
    if language.lower().startswith("zh") and role in ROLE_LABELS_ZH:
        return ROLE_LABELS_ZH[role]
    return _(ROLES[role]) if role in ROLES else role


def told_role(told: str, role: str | None, language: str) -> str:
    """' (role)' after whom an upward report went to; nothing without a role, or when the
    role is whom it went to (the duties screen tells a role itself: '应急处理领导小组
    (应急处理领导小组)')."""
    named = role_label(role, language) if role else ""
    return f" ({named})" if named and named != told else ""


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
