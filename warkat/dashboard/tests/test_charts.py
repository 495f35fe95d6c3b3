"""The distrik tile map: one tile per distrik, coloured by its share, text escaped."""

from __future__ import annotations

from warkat.dashboard.charts import SHADES, Tile, tile_map
from warkat.dashboard.models import AdoptionSnapshot
from warkat.dashboard.monev import TenantAdoption
from warkat.dashboard.views import _distrik_map


def _row(name: str, kind: str, active: int, accounts: int) -> AdoptionSnapshot:
    return AdoptionSnapshot(
        unit_name=name, unit_kind=kind, accounts_active_30d=active, accounts=accounts
    )


def test_tiles_are_coloured_by_share_and_escaped() -> None:
    svg = tile_map(
        [
            Tile("Arso <b>", 0.0, "0%"),
            Tile("Waris", 1.0, "100%"),
            Tile("Senggi", None, "-"),
        ],
        title="Peta",
    )
    assert svg.count("<rect") == 3
    assert SHADES[0] in svg and SHADES[-1] in svg and "#e5e7eb" in svg
    assert "<b>" not in svg and "Arso &lt;b&gt;" in svg


def test_the_adoption_map_shows_distrik_only() -> None:
    entry = TenantAdoption(1, "Kabupaten Keerom")
    entry.units = [
        _row("Arso", "kecamatan", 3, 4),
        _row("Waris", "kecamatan", 0, 0),
        _row("Dinas Kesehatan", "dinas", 9, 10),
        _row("Kampung Banda", "desa", 1, 1),
    ]
    svg = _distrik_map(entry)
    assert svg is not None
    assert svg.count("<rect") == 2 and "75%" in svg and "Dinas" not in svg
    assert _distrik_map(TenantAdoption(2, "Tanpa distrik")) is None
