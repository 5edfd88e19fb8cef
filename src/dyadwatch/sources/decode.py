"""Bytes to text for the readers, whatever the file's encoding.

News files arrive as UTF-8 (with or without a byte-order mark), UTF-16 or
UTF-32, legacy single-byte encodings (cp1252 for most English text that is
not UTF-8), CJK multi-byte encodings, or a mix of UTF-8 and cp1252 lines
(an edited file, articles pasted together). `decode` chooses per file, or
per line for a mixed file so that its UTF-8 lines keep their characters, and
refuses binary data; `utf8_lines` reads JSON Lines line by line with a
bounded buffer. Split from ingest.py, which reads formats, not encodings.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator

from .cleaner import has_letters
from ..errors import InputError, error

__all__ = ["decode", "utf16_without_bom", "utf8_lines"]

#: Multi-byte encodings charset_normalizer may report that are worth trusting
#: (for text mostly in CJK script); otherwise we use cp1252, the usual encoding
#: of English news that is not UTF-8 (the detector says cp1250 for Latin-1
#: text, and even Shift-JIS for a short Latin-1 text with curly quotes).
_MULTIBYTE = frozenset({"euc_kr", "cp949", "johab", "iso2022_kr", "gb2312", "gbk", "gb18030",
                        "hz", "big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp",
                        "iso2022_jp", "utf_8", "utf_16", "utf_32"})
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])


def decode(data: bytes, path: str) -> str:
    """Bytes to text: BOMs, UTF-8 (a character cut off at the very end is
    dropped), UTF-16 without BOM, then charset detection / cp1252 / Latin-1
    when the result reads as text. Binary data is refused."""
    if not data.strip():
        raise error("E130" if not data else "E131", path=path)
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise error("E140", codec=codec, byte=exc.start, path=path) from None
    utf16 = utf16_without_bom(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            text = ""
        if text and _plausible(text):
            return text
    sample = data[:65536]
    if b"\x00" in data or len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > \
            0.05 * len(sample):
        raise error("E141", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return data[:exc.start].decode("utf-8")
    return _decode_mixed(data) or _decode_legacy(data, path)


def _decode_mixed(data: bytes) -> str | None:
    """Text of a file whose lines are partly UTF-8 and partly cp1252 (an
    edited file, or articles pasted together), decoded line by line so the
    UTF-8 lines keep their characters; None when no line has UTF-8 beyond
    ASCII, so that wholly legacy files go to charset detection."""
    lines = data.split(b"\n")
    out, utf8_seen = [], False
    for raw in lines:
        try:
            line = raw.decode("utf-8")
            utf8_seen = utf8_seen or not raw.isascii()
        except UnicodeDecodeError:
            line = raw.decode("cp1252", errors="replace")
        out.append(line)
    text = "\n".join(out)
    return text if utf8_seen and _plausible(text) else None


def _decode_legacy(data: bytes, path: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding in _MULTIBYTE:
        try:
            text = data.decode(best.encoding)
        except (UnicodeDecodeError, LookupError):
            text = ""
        # Trusted only for text mostly in that script: Latin text with a few
        # accents also "decodes" as CJK, into mojibake in the middle of words.
        sample = text[:100_000]
        if _plausible(sample) and sum(1 for ch in sample if ord(ch) > 0x2E7F) > 0.3 * len(sample):
            return text
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text
    raise error("E142", path=path)


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'-be' when NUL bytes sit on one side of each byte pair, as
    in mostly-ASCII text written as UTF-16 without a byte-order mark."""
    sample = data[:4096]
    sample = sample[:len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


def _plausible(text: str) -> bool:
    sample = text[:100_000]
    bad = sum(1 for ch in sample if not (ch.isprintable() or ch in "\n\r\t"))
    return bad <= 0.02 * len(sample) and has_letters(sample)


def utf8_lines(fh: io.BufferedIOBase, name: str, max_bytes: int,
               first: int = 1) -> Iterator[tuple[int, str | InputError]]:
    """(line number, text or error) for each line from the file position,
    whose line number is `first`, never holding more than `max_bytes` of
    one line in memory."""
    lineno = first - 1
    while raw := fh.readline(max_bytes + 1):
        lineno += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield lineno, error("E118", limit=max_bytes, path=name, line=lineno)
            continue
        if lineno == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield lineno, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield lineno, error("E143", byte=exc.start + 1, path=name, line=lineno)
