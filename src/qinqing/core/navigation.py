"""Home-page tiles: each app registers what a role can reach from its home page."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .roles import has_role


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    url_name: str
    roles: tuple[str, ...]
    description: str = ""
    article: str = ""


_TILES: dict[str, Tile] = {}


def register_tile(tile: Tile) -> None:
    _TILES[tile.key] = tile


def tiles_for(user) -> list[dict]:
    visible = []
    for tile in _TILES.values():
        if not (user.is_superuser or has_role(user, *tile.roles)):
            continue
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            continue
        visible.append({"key": tile.key, "label": tile.label, "url": url, "description": tile.description, "article": tile.article})
    return visible
