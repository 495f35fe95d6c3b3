"""The visible stamp's embedded font, parsed and compiled once per process.

pyHanko's ``GlyphAccumulator`` reads the TrueType file, runs the fontTools
subsetter and re-serialises the font program for every signature (about a third
of a signature's time). The stamp font is a small Latin face (232 glyphs, 11 KB
compressed), so every signature embeds it whole, from bytes compressed once per
process: still an embedded font program as PDF/A requires, with widths taken from
its ``hmtx`` table and a ``ToUnicode`` map of the glyphs actually shown.

Everything cached here is read-only after it is built (all font tables are
decompiled up front), so signing threads may share it; the HarfBuzz font object
is created per engine. Shaping a line and the ``ToUnicode`` map are kept per
text (a signer's stamp shows the same lines on every letter): a result is only
ever added, never changed, so a race at worst shapes a line twice.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import uharfbuzz as hb
from fontTools import ttLib
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory, ShapeResult
from pyhanko.pdf_utils.font.opentype import (
    GlyphAccumulator,
    _build_type0_font_from_cidfont,
    _read_ps_name,
)
from pyhanko.pdf_utils.generic import pdf_name, pdf_string

from warkat.signing.filecache import by_file

__all__ = ["EmbeddedFontFactory", "FontProgram", "font_program"]


PDF_UNITS_PER_EM = 1000


@dataclass(frozen=True)
class FontProgram:
    """A TrueType font ready to embed: metrics, glyph widths and the compressed
    font file."""

    ps_name: str
    units_per_em: int
    tt: ttLib.TTFont
    hb_face: Any
    widths: tuple[int, ...]
    reverse_cmap: dict[str, set[int]]
    descriptor: tuple[tuple[str, Any], ...]
    font_file: bytes
    font_file_length: int
    #: What shaping a line of text gave (``EmbeddedFontEngine.shape``), per
    #: font size and text: a signer's stamp shows the same lines every time.
    shapes: dict[tuple[int, bool, str], _Shaped] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: ``ToUnicode`` maps already written, by the glyphs they map.
    to_unicode: dict[tuple[tuple[int, str], ...], bytes] = field(
        default_factory=dict, compare=False, repr=False
    )


#: Bounds on the caches of a ``FontProgram`` (entries are a few hundred bytes).
SHAPES_MAX = 4096


@dataclass(frozen=True)
class _Shaped:
    """One line's shaping result and the glyphs it uses, to replay into the
    engine of another signature."""

    result: ShapeResult
    glyphs: tuple[tuple[int, tuple[int, int]], ...]
    cid_to_unicode: tuple[tuple[int, str], ...]


def _font_program(path: str) -> FontProgram:
    with open(path, "rb") as handle:
        raw = handle.read()
    tt = ttLib.TTFont(BytesIO(raw))
    if "CFF " in tt or "CFF2" in tt:
        raise ValueError("the stamp font must be a TrueType (glyf) font")
    # Decompile everything now: lazy loading on first use would mutate the
    # shared object from several threads.
    tt.ensureDecompiled()
    hmtx = tt["hmtx"]
    head, hhea, os2 = tt["head"], tt["hhea"], tt["OS/2"]

    # PDF glyph space has 1000 units per em (ISO 32000-1 §9.2.4), whatever the
    # font's own grid (2048 for DejaVu): widths and metrics in font units made
    # every glyph twice as wide as drawn (letter-spaced, clipped stamp text).
    def pdf_units(value: float) -> int:
        return round(value * PDF_UNITS_PER_EM / head.unitsPerEm)

    widths = tuple(pdf_units(hmtx[name][0]) for name in tt.getGlyphOrder())
    descriptor = (
        ("/Ascent", pdf_units(hhea.ascent)),
        ("/Descent", pdf_units(hhea.descent)),
        (
            "/FontBBox",
            tuple(pdf_units(v) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ),
        # Symbolic: the glyphs are addressed by CID, not by a standard encoding.
        ("/Flags", 0b100),
        ("/StemV", int(10 + 220 * (os2.usWeightClass - 50) / 900)),
        ("/ItalicAngle", float(getattr(tt["post"], "italicAngle", 0))),
        ("/CapHeight", pdf_units(getattr(os2, "sCapHeight", 0)) or 700),
    )
    return FontProgram(
        ps_name=_read_ps_name(tt),
        units_per_em=PDF_UNITS_PER_EM,
        tt=tt,
        hb_face=hb.Face(raw),
        widths=widths,
        reverse_cmap=tt["cmap"].buildReversed(),
        descriptor=descriptor,
        font_file=zlib.compress(raw, 9),
        font_file_length=len(raw),
    )


#: The parsed font at a path, once per process (re-read when the file changes).
font_program = by_file(_font_program)


def _pdf_value(value: Any) -> generic.PdfObject:
    if isinstance(value, tuple):
        return generic.ArrayObject([_pdf_value(v) for v in value])
    if isinstance(value, float):
        return generic.FloatObject(value)
    return generic.NumberObject(value)


class _WholeCidFont(generic.DictionaryObject):
    """A CIDFontType2 dictionary whose font file is the whole, pre-compressed
    program (GIDs are CIDs: ``/CIDToGIDMap /Identity``)."""

    def __init__(self, program: FontProgram) -> None:
        self.program = program
        self.name = program.ps_name
        super().__init__(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/CIDFontType2"),
                pdf_name("/CIDSystemInfo"): generic.DictionaryObject(
                    {
                        pdf_name("/Registry"): pdf_string("Adobe"),
                        pdf_name("/Ordering"): pdf_string("Identity"),
                        pdf_name("/Supplement"): generic.NumberObject(0),
                    }
                ),
                pdf_name("/BaseFont"): pdf_name("/" + program.ps_name),
                pdf_name("/CIDToGIDMap"): pdf_name("/Identity"),
            }
        )

    def embed(self, writer: Any, obj_stream: Any = None) -> tuple[Any, Any]:
        program = self.program
        font_file = writer.add_object(
            generic.StreamObject(
                {
                    pdf_name("/Filter"): pdf_name("/FlateDecode"),
                    pdf_name("/Length1"): generic.NumberObject(
                        program.font_file_length
                    ),
                },
                encoded_data=program.font_file,
            )
        )
        descriptor = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/FontDescriptor"),
                pdf_name("/FontName"): pdf_name("/" + program.ps_name),
                pdf_name("/FontFile2"): font_file,
                **{pdf_name(k): _pdf_value(v) for k, v in program.descriptor},
            }
        )
        descriptor_ref = writer.add_object(descriptor, obj_stream=obj_stream)
        self[pdf_name("/FontDescriptor")] = descriptor_ref
        return descriptor_ref, font_file


class EmbeddedFontEngine(GlyphAccumulator):
    """pyHanko's glyph accumulator (HarfBuzz shaping, ToUnicode map) over a
    cached ``FontProgram``: nothing is parsed or subset per signature."""

    def __init__(
        self, writer: Any, program: FontProgram, font_size: int, obj_stream: Any
    ) -> None:
        # GlyphAccumulator.__init__ would parse the font file again; set up the
        # same state from the cached program instead.
        FontEngine.__init__(
            self,
            writer,
            program.ps_name,
            embedded_subset=False,
            obj_stream=obj_stream,
            font_size=font_size,
        )
        self.program = program
        self.hb_font = hb.Font(program.hb_face)
        # Shaping results in PDF glyph space, like the widths.
        self.hb_font.scale = (program.units_per_em, program.units_per_em)
        self.tt = program.tt
        self._font_ref = writer.allocate_placeholder()
        self.cidfont_obj = _WholeCidFont(program)  # type: ignore[assignment]
        self.cff_charset = None
        self.use_raw_gids = True
        self.features = None
        self.units_per_em = program.units_per_em
        self._glyphs: dict[int, tuple[int, int]] = {}
        self._cid_to_unicode: dict[int, str] = {}
        self._GlyphAccumulator__reverse_cmap = program.reverse_cmap
        self.ot_language_tag = None
        self.ot_script_tag = None
        self.writing_direction = None
        self.bcp47_lang_code = None
        # The whole program is embedded: there is no subset to extract.
        self._subset_created = True
        self._write_prepared = False

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        result = self._glyphs.get(glyph_id)
        if result is None:
            result = self._glyphs[glyph_id] = (glyph_id, self.program.widths[glyph_id])
        return result

    def shape(self, txt: str, with_actual_text: bool = True) -> ShapeResult:
        """HarfBuzz's shaping of ``txt``, done once per process for each text and
        size (the glyphs it uses are recorded in this engine as pyHanko does)."""
        key = (self.font_size, with_actual_text, txt)
        shaped = self.program.shapes.get(key)
        if shaped is None:
            glyphs, cid_to_unicode = self._glyphs, self._cid_to_unicode
            self._glyphs, self._cid_to_unicode = {}, {}
            try:
                result = super().shape(txt, with_actual_text)
                shaped = _Shaped(
                    result=result,
                    glyphs=tuple(self._glyphs.items()),
                    cid_to_unicode=tuple(self._cid_to_unicode.items()),
                )
            finally:
                self._glyphs, self._cid_to_unicode = glyphs, cid_to_unicode
            if len(self.program.shapes) < SHAPES_MAX:
                self.program.shapes[key] = shaped
        self._glyphs.update(shaped.glyphs)
        self._cid_to_unicode.update(shaped.cid_to_unicode)
        return shaped.result

    def _format_tounicode_cmap(self) -> generic.StreamObject:
        key = tuple(sorted(self._cid_to_unicode.items()))
        encoded = self.program.to_unicode.get(key)
        if encoded is None:
            stream = super()._format_tounicode_cmap()
            encoded = stream.encoded_data
            if len(self.program.to_unicode) < SHAPES_MAX:
                self.program.to_unicode[key] = encoded
        return generic.StreamObject(
            {pdf_name("/Filter"): pdf_name("/FlateDecode")}, encoded_data=encoded
        )

    def prepare_write(self) -> None:
        if self._write_prepared:
            return
        writer = self.writer
        type0 = _build_type0_font_from_cidfont(
            writer=writer,
            cidfont_obj=self.cidfont_obj,
            widths_by_cid_iter=iter(sorted(self._glyphs.values())),
            obj_stream=self.obj_stream,
            vertical=False,
        )
        type0["/ToUnicode"] = writer.add_object(self._format_tounicode_cmap())
        writer.add_object(type0, self.obj_stream, idnum=self._font_ref.idnum)
        self._write_prepared = True


@dataclass(frozen=True)
class EmbeddedFontFactory(FontEngineFactory):
    """What ``TextBoxStyle(font=...)`` takes: one engine per signature, over the
    process-wide ``FontProgram`` of ``font_file``."""

    font_file: str
    font_size: int = 10

    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> FontEngine:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return EmbeddedFontEngine(
            writer, font_program(self.font_file), self.font_size, obj_stream
        )
