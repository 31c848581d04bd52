"""Menus and home-page tiles, generated from the access declarations (core.access).

A page appears in a menu when its declaration names a menu group (``menu=``) and on the
home page when it carries a ``tile=``; either way only for users whose roles open it, so no
link the system shows leads to a 403 page (tests/test_navigation.py walks every demo role).
"""

from django.urls import NoReverseMatch, get_script_prefix, reverse

from . import access
from .access import MenuGroup, Tile
from .roles import role_codes

__all__ = ["Tile", "menus_for", "tiles_for"]


def _skeleton(user) -> tuple[list[dict], list[dict]]:
    """The menus (without which entry is current) and the tiles ``user``'s roles open, built once per
    set of roles, URL prefix and declarations: every page a signed-in user opens draws its menus from
    it (290 declarations and a URL reversal per entry, each time, before)."""
    codes = frozenset(role_codes(user))
    key = (codes, get_script_prefix(), access.generation())
    built = _BUILT.get(key)
    if built is not None:
        return built
    grouped: dict[str, list[access.Page]] = {}
    tiles = []
    for declared in access.pages_for_roles(user):
        if declared.menu:
            grouped.setdefault(declared.menu, []).append(declared)
        tile = declared.tile
        if tile is None or (tile.audience and not codes & set(tile.audience)):
            continue
        try:
            url = reverse(declared.name)
        except NoReverseMatch:
            continue
        tiles.append({"key": tile.key, "label": tile.label, "url": url, "description": tile.description,
                      "article": tile.article})
    groups = access.menu_groups()
    menus = []
    for key_, entries in grouped.items():
        group = groups.get(key_) or MenuGroup(key_, key_)
        items = []
        for declared in sorted(entries, key=lambda p: (p.order, p.name)):
            try:
                url = reverse(declared.name)
            except NoReverseMatch:
                continue
            items.append({"name": declared.name, "label": declared.label, "url": url})
        if items:
            menus.append({"key": key_, "label": group.label, "order": group.order, "items": items})
    menus.sort(key=lambda m: (m["order"], m["key"]))
    if len(_BUILT) > 256:  # sets of roles are few; a changed prefix or declaration leaves old keys behind
        _BUILT.clear()
    _BUILT[key] = built = (menus, tiles)
    return built


_BUILT: dict[tuple, tuple[list[dict], list[dict]]] = {}


def menus_for(user, current: str = "") -> list[dict]:
    """The menu groups with the entries ``user`` may open, in order; empty groups left out."""
    menus = []
    for menu in _skeleton(user)[0]:
        items = [{**item, "current": item["name"] == current} for item in menu["items"]]
        menus.append({**menu, "items": items, "url": items[0]["url"],
                      "current": any(item["current"] for item in items)})
    return menus


def tiles_for(user) -> list[dict]:
    """Home-page tiles of the pages ``user`` may open (a tile's audience may narrow it further)."""
    return [dict(tile) for tile in _skeleton(user)[1]]
