"""Menus and home-page tiles, generated from the access declarations (core.access).

A page appears in a menu when its declaration names a menu group (``menu=``) and on the
home page when it carries a ``tile=``; either way only for users whose roles open it, so no
link the system shows leads to a 403 page (tests/test_navigation.py walks every demo role).
"""

from django.urls import NoReverseMatch, reverse

from . import access
from .access import MenuGroup, Tile
from .roles import role_codes

__all__ = ["Tile", "menus_for", "tiles_for"]


def menus_for(user, current: str = "") -> list[dict]:
    """The menu groups with the entries ``user`` may open, in order; empty groups left out."""
    grouped: dict[str, list[access.Page]] = {}
    for declared in access.pages_for_roles(user):
        if declared.menu:
            grouped.setdefault(declared.menu, []).append(declared)
    groups = access.menu_groups()
    menus = []
    for key, entries in grouped.items():
        group = groups.get(key) or MenuGroup(key, key)
        items = []
        for declared in sorted(entries, key=lambda p: (p.order, p.name)):
            try:
                url = reverse(declared.name)
            except NoReverseMatch:
                continue
            items.append(
                {
                    "name": declared.name,
                    "label": declared.label,
                    "url": url,
                    "current": declared.name == current,
                }
            )
        if items:
            menus.append({"key": key, "label": group.label, "order": group.order, "items": items,
                          "url": items[0]["url"], "current": any(item["current"] for item in items)})
    return sorted(menus, key=lambda m: (m["order"], m["key"]))


def tiles_for(user) -> list[dict]:
    """Home-page tiles of the pages ``user`` may open (a tile's audience may narrow it further)."""
    visible = []
    for declared in access.pages_for_roles(user):
        tile = declared.tile
        if tile is None:
            continue
        if tile.audience and not role_codes(user) & set(tile.audience):
            continue
        try:
            url = reverse(declared.name)
        except NoReverseMatch:
            continue
        visible.append({"key": tile.key, "label": tile.label, "url": url, "description": tile.description,
                        "article": tile.article})
    return visible
