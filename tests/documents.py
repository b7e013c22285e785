"""Real files to upload in tests: PDFs written by pypdf, Word documents with proper XML, a Word 97
compound (OLE) file written sector by sector, and hostile archives (zip bombs, nested, encrypted)."""

from __future__ import annotations

import io
import struct
import zipfile

import pypdf

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCUMENT_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>")


def pdf(text: str = "a CV") -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def content_types(main: str = WORD_MAIN) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')


def docx(main: str = WORD_MAIN, text: str = "a CV", extra: dict[str, bytes] | None = None,
         types: str | None = None, document: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types if types is not None else content_types(main))
        archive.writestr("word/document.xml", document if document is not None else DOCUMENT_XML.format(text=text))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _nested_archives() -> dict[str, bytes]:
    import bz2
    import gzip
    import lzma

    payload = b"<w:document/>" * 100
    return {"gzip": gzip.compress(payload), "bzip2": bz2.compress(payload), "xz": lzma.compress(payload),
            "7-Zip": b"7z\xbc\xaf\x27\x1c\x00\x04" + payload, "RAR": b"Rar!\x1a\x07\x01\x00" + payload,
            "cabinet": b"MSCF\x00\x00\x00\x00" + payload, "empty zip": b"PK\x05\x06" + b"\x00" * 18}


NESTED_ARCHIVES = _nested_archives()


def zip_bomb(inflated: int, member: str = "[Content_Types].xml") -> bytes:
    """A .docx-shaped archive whose `member` inflates to `inflated` bytes of spaces after a valid
    start, written in chunks so the test itself never holds it inflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if member != "[Content_Types].xml":
            archive.writestr("[Content_Types].xml", content_types())
        with archive.open(member, "w", force_zip64=True) as stream:
            stream.write(b"<Types>")
            chunk = b" " * (1024 * 1024)
            for _ in range(inflated // len(chunk)):
                stream.write(chunk)
        if member != "word/document.xml":
            archive.writestr("word/document.xml", DOCUMENT_XML.format(text="x"))
    return buffer.getvalue()


def lying_zip_bomb(inflated: int) -> bytes:
    """A zip bomb whose directory claims its big member is small (the sizes are patched after
    writing), so only a reader that counts what it really inflates catches it."""
    data = bytearray(zip_bomb(inflated, member="word/document.xml"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    # Rewrite the declared uncompressed size (4-byte field or zip64 extra) wherever it appears.
    patched = bytes(data).replace(struct.pack("<Q", info.file_size), struct.pack("<Q", 1_000_000))
    return patched.replace(struct.pack("<I", info.file_size), struct.pack("<I", 1_000_000))


# A Word 97-2003 file: an OLE compound file (MS-CFB, version 3, 512-byte sectors) -----------------------

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


def _entry(name: str, kind: int, child: int = NOSTREAM, right: int = NOSTREAM, start: int = 0, size: int = 0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NOSTREAM, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
            + struct.pack("<IIi", start, size, 0))


def ole_word(storages: dict[str, dict[str, bytes]] | None = None, streams: dict[str, bytes] | None = None) -> bytes:
    """An OLE file with a WordDocument stream (plus `streams` at the top and `storages` of streams).
    Every stream is padded to 4096 bytes so it lives in ordinary sectors (no mini stream)."""
    top = {"WordDocument": b"\xec\xa5" + b"\0" * 100, **(streams or {})}
    storages = storages or {}
    # Directory: 0 root, then the top-level streams and storages, then each storage's streams.
    order = sorted(list(top) + list(storages), key=lambda n: (len(n), n.upper()))
    entries: list[tuple[str, int, bytes, list[str]]] = []  # (name, kind, data, children)
    for name in order:
        entries.append((name, 2, top[name], []) if name in top else (name, 1, b"", sorted(storages[name])))
    directory_names = [("", 5, b"", order)] + entries
    for name, kind, _data, children in list(entries):
        if kind == 1:
            directory_names += [(child, 2, storages[name][child], []) for child in children]
    index = {}
    for position, (name, _kind, _data, _children) in enumerate(directory_names):
        index.setdefault(name, position)
    stream_data = [(position, data.ljust(4096, b"\0")) for position, (_n, kind, data, _c) in enumerate(directory_names)
                   if kind == 2]
    directory_sectors = (len(directory_names) * 128 + SECTOR - 1) // SECTOR
    next_sector = 1 + directory_sectors
    starts = {}
    for position, data in stream_data:
        starts[position] = next_sector
        next_sector += len(data) // SECTOR
    fat = [FATSECT] + [i + 2 if i + 2 <= directory_sectors else ENDOFCHAIN for i in range(directory_sectors)]
    for position, data in stream_data:
        count = len(data) // SECTOR
        fat += [starts[position] + i + 1 if i + 1 < count else ENDOFCHAIN for i in range(count)]
    assert len(fat) <= 128
    fat += [FREESECT] * (128 - len(fat))

    def siblings(names: list[str], offset_names) -> dict[str, int]:
        # A chain to the right in CFB order: a valid (if unbalanced) tree.
        return {name: offset_names(names[i + 1]) if i + 1 < len(names) else NOSTREAM for i, name in enumerate(names)}

    records = []
    top_right = siblings(order, lambda n: index[n])
    for position, (name, kind, data, children) in enumerate(directory_names):
        if kind == 5:
            records.append(_entry("Root Entry", 5, child=index[order[0]], start=ENDOFCHAIN))
        elif position <= len(order):
            child = NOSTREAM
            if kind == 1:
                first_child = next(p for p, e in enumerate(directory_names) if p > len(order) and e[0] == children[0])
                child = first_child
            records.append(_entry(name, kind, child=child, right=top_right[name],
                                  start=starts.get(position, 0), size=len(data.ljust(4096, b"\0")) if kind == 2 else 0))
        else:
            parent = next(e for e in entries if name in e[3])
            later = parent[3][parent[3].index(name) + 1:]
            right = position + 1 if later else NOSTREAM
            records.append(_entry(name, 2, right=right, start=starts[position], size=4096))
    directory = b"".join(records)
    directory += b"".join(_entry("", 0) for _ in range(directory_sectors * 4 - len(records)))
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108)
    body = struct.pack("<128I", *fat) + directory + b"".join(data for _p, data in stream_data)
    return header + body


def encrypted_docx() -> bytes:
    """A .docx whose members are marked encrypted (general purpose flag bit 0), as a
    password-protected zip is."""
    data = bytearray(docx())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := data.find(signature, start)) != -1:
            data[found + flag_offset] |= 0x1
            start = found + 4
    return bytes(data)


def entity_bomb_docx() -> bytes:
    """word/document.xml with a 'billion laughs' DTD."""
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    return docx(document=f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
                         '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                         "<w:body>&i;</w:body></w:document>")


def pdf_html_polyglot() -> bytes:
    return pdf().replace(b"%%EOF", b"%<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF")


FAKE_OLE_DOC = bytes.fromhex("D0CF11E0A1B11AE1") + "WordDocument".encode("utf-16-le") + b"\0" * 600
MEGABYTE = 1024 * 1024
