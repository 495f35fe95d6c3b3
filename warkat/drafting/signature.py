"""The signing position and capacity (a.n., u.b., Plt., Plh.) and how the signer's
name is written (Permendagri 1/2023 Pasal 44; reference §1.7)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from warkat.core.memo import per_action
from warkat.drafting.errors import invalid
from warkat.drafting.models import NaskahType, SigningCapacity
from warkat.org.models import Person, Position, PositionCategory, Unit
from warkat.org.nip import rank_label


@dataclass(frozen=True)
class Authority:
    """Who signs for whom: the signer, and for a.n./u.b. the positions above."""

    capacity: str
    on_behalf: Position | None
    ub: Position | None


def capacity_resolve(*, signer_position: Position, capacity: str) -> Authority:
    """Derive the a.n./u.b. positions from the hierarchy. a.n. delegates one level
    (the signer's superior is the authority); u.b. one more (the superior's superior);
    responsibility never travels further."""
    if capacity not in SigningCapacity.values:
        raise invalid("capacity_invalid", _("Unknown signing capacity."), "capacity")
    if capacity == SigningCapacity.OWN:
        return Authority(capacity="", on_behalf=None, ub=None)
    superior = signer_position.superior
    if superior is None or not superior.is_active:
        raise invalid(
            "capacity_no_superior",
            _("%(position)s has no superior position to sign on behalf of."),
            "capacity",
            position=signer_position.name,
        )
    if capacity == SigningCapacity.AN:
        return Authority(capacity="an", on_behalf=superior, ub=None)
    authority = superior.superior
    if authority is None or not authority.is_active:
        raise invalid(
            "capacity_ub_no_authority",
            _("u.b. needs two levels above %(position)s; there is only one."),
            "capacity",
            position=signer_position.name,
        )
    return Authority(capacity="ub", on_behalf=authority, ub=superior)


def is_kepala_daerah(position: Position) -> bool:
    return position.category == PositionCategory.KEPALA_DAERAH


@per_action  # once per batch of letters (``core.memo``)
def is_sekda(position: Position) -> bool:
    """The regional secretary: the JPT position at the top unit (or Setda) reporting
    directly to the Kepala Daerah."""
    superior = position.superior
    return (
        position.category == PositionCategory.JPT
        and superior is not None
        and is_kepala_daerah(superior)
        and position.unit.kind in {Unit.Kind.PEMDA, Unit.Kind.SETDA}
    )


@dataclass(frozen=True)
class NameLine:
    name: str
    rank: str
    nip: str


def signer_name(
    *, person: Person, position: Position, kind: str, naskah_type: NaskahType
) -> NameLine:
    """The name, pangkat and NIP as printed under the signature (Pasal 44):
    pengaturan/penetapan naskah without gelar; the Kepala Daerah, Wakil and Sekda
    without NIP and pangkat; Pj/Plt/Plh Kepala Daerah and Plh Sekda with none of them."""
    kdh = is_kepala_daerah(position)
    sekda = is_sekda(position)
    temporary = kind in {"plt", "plh"}
    bare = (kdh and temporary) or (sekda and kind == "plh")
    with_titles = naskah_type.signer_titles and not bare
    name = person.display_name if with_titles else person.full_name
    if kdh or sekda or bare:
        return NameLine(name=name, rank="", nip="")
    rank = rank_label(person.rank) if person.rank else ""
    return NameLine(name=name, rank=rank, nip=person.nip or "")


def position_title(position: Position, kind: str = "") -> str:
    prefix = {"plt": "Plt. ", "plh": "Plh. "}.get(kind, "")
    return f"{prefix}{position.name}".upper()


@dataclass
class SignatureBlock:
    lines: list[str] = field(default_factory=list)
    name: str = ""
    rank: str = ""
    nip: str = ""
    electronic: bool = False


def signature_block(
    *,
    authority: Authority,
    signer_position: Position,
    signer_kind: str,
    person: Person | None,
    naskah_type: NaskahType,
) -> SignatureBlock:
    block = SignatureBlock()
    signer = position_title(signer_position, signer_kind)
    if authority.capacity and authority.on_behalf is not None:
        block.lines.append(f"a.n. {position_title(authority.on_behalf)},")
        if authority.ub is not None:
            block.lines.append(f"{position_title(authority.ub)},")
            block.lines.append("u.b.")
    block.lines.append(f"{signer},")
    if person is not None:
        line = signer_name(
            person=person,
            position=signer_position,
            kind=signer_kind,
            naskah_type=naskah_type,
        )
        block.name, block.rank, block.nip = line.name, line.rank, line.nip
    return block
