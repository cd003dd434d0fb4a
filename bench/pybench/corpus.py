"""Writes DICOM Part 10 files (explicit VR little endian, CT Image Storage) directly.

One header per instance (fresh UIDs) followed by the pixel data, sliced from one shared
block: far faster than dump2dcm/dcmodify per file. Only the standard library is used.
"""
import os
import random
import struct
import uuid

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
EXPLICIT_VR_LE = "1.2.840.10008.1.2.1"
IMPLEMENTATION_UID = "2.25.299180411406151133361512203960406813955"
LONG_VRS = {"OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UC", "UR", "UT", "UN", "SV", "UV"}


def new_uid():
    """A fresh, globally unique UID (UUID-derived, PS3.5 B.2)."""
    return "2.25." + str(uuid.uuid4().int)


def _text(value, vr):
    data = value.encode("ascii")
    if len(data) % 2:
        data += b"\0" if vr == "UI" else b" "
    return data


def _element(group, element, vr, value):
    if vr in LONG_VRS:
        return struct.pack("<HH2sHI", group, element, vr.encode(), 0, len(value)) + value
    return struct.pack("<HH2sH", group, element, vr.encode(), len(value)) + value


def _us(v):
    return struct.pack("<H", v)


def header(study_uid, series_uid, sop_uid, rows, columns, number, description, patient):
    """Everything of the file up to and including the Pixel Data element header."""
    meta_body = b"".join([
        _element(0x0002, 0x0001, "OB", b"\0\1"),
        _element(0x0002, 0x0002, "UI", _text(CT_IMAGE_STORAGE, "UI")),
        _element(0x0002, 0x0003, "UI", _text(sop_uid, "UI")),
        _element(0x0002, 0x0010, "UI", _text(EXPLICIT_VR_LE, "UI")),
        _element(0x0002, 0x0012, "UI", _text(IMPLEMENTATION_UID, "UI")),
        _element(0x0002, 0x0013, "SH", _text("GW_BENCH", "SH")),
    ])
    meta = _element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta_body))) + meta_body
    dataset = b"".join([
        _element(0x0008, 0x0008, "CS", _text("ORIGINAL\\PRIMARY\\AXIAL", "CS")),
        _element(0x0008, 0x0016, "UI", _text(CT_IMAGE_STORAGE, "UI")),
        _element(0x0008, 0x0018, "UI", _text(sop_uid, "UI")),
        _element(0x0008, 0x0020, "DA", _text("20261127", "DA")),
        _element(0x0008, 0x0030, "TM", _text("101500", "TM")),
        _element(0x0008, 0x0050, "SH", _text("BENCH%06d" % (number % 1000000), "SH")),
        _element(0x0008, 0x0060, "CS", _text("CT", "CS")),
        _element(0x0008, 0x0070, "LO", _text("GW BENCH", "LO")),
        _element(0x0008, 0x1030, "LO", _text(description, "LO")),
        _element(0x0010, 0x0010, "PN", _text(patient, "PN")),
        _element(0x0010, 0x0020, "LO", _text("BENCH-PID", "LO")),
        _element(0x0010, 0x0030, "DA", _text("19700101", "DA")),
        _element(0x0010, 0x0040, "CS", _text("O", "CS")),
        _element(0x0018, 0x0050, "DS", _text("1.0", "DS")),
        _element(0x0020, 0x000D, "UI", _text(study_uid, "UI")),
        _element(0x0020, 0x000E, "UI", _text(series_uid, "UI")),
        _element(0x0020, 0x0010, "SH", _text("1", "SH")),
        _element(0x0020, 0x0011, "IS", _text("1", "IS")),
        _element(0x0020, 0x0013, "IS", _text(str(number), "IS")),
        _element(0x0028, 0x0002, "US", _us(1)),
        _element(0x0028, 0x0004, "CS", _text("MONOCHROME2", "CS")),
        _element(0x0028, 0x0010, "US", _us(rows)),
        _element(0x0028, 0x0011, "US", _us(columns)),
        _element(0x0028, 0x0100, "US", _us(16)),
        _element(0x0028, 0x0101, "US", _us(12)),
        _element(0x0028, 0x0102, "US", _us(11)),
        _element(0x0028, 0x0103, "US", _us(0)),
        _element(0x0028, 0x1050, "DS", _text("40", "DS")),
        _element(0x0028, 0x1051, "DS", _text("400", "DS")),
    ])
    pixel_length = rows * columns * 2
    pixel_header = struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, pixel_length)
    return b"\0" * 128 + b"DICM" + meta + dataset + pixel_header


# name: (instances, studies, columns, (min rows, max rows)) at full size.
CORPORA = {
    "A": (5000, 10, 512, (512, 512)),        # CT-like, 0.5 MB
    "B": (10000, 100, 64, (12, 150)),        # 2-20 KB
    "C": (50, 50, 2048, (5120, 12200)),      # 20-50 MB
}
QUICK = {"A": (300, 3), "B": (1000, 10), "C": (3, 3)}


class Corpus:
    """A folder of generated files; `files` are relative to `root` (short storescu arguments)."""

    def __init__(self, name, root, files, studies, total_bytes):
        self.name, self.root, self.files = name, root, files
        self.studies, self.total_bytes = studies, total_bytes

    @property
    def count(self):
        return len(self.files)


def generate(name, root, instances, studies, columns, row_range, seed, description):
    """Writes `instances` files in `studies` studies (instances of a study are contiguous)."""
    rng = random.Random(seed)
    max_pixels = columns * row_range[1] * 2
    block = (bytes(range(256)) * (max_pixels // 256 + 1))[:max_pixels]
    view = memoryview(block)
    study_uids = [new_uid() for _ in range(studies)]
    series_uids = [new_uid() for _ in range(studies)]
    files, total = [], 0
    for s in range(studies):
        os.makedirs(os.path.join(root, "s%04d" % s), exist_ok=True)
    for i in range(instances):
        s = i * studies // instances
        rows = rng.randint(*row_range)
        head = header(study_uids[s], series_uids[s], new_uid(), rows, columns, i + 1,
                      description, "BENCH^%s^%d" % (name, s))
        relative = "s%04d/i%06d.dcm" % (s, i)
        with open(os.path.join(root, relative), "wb") as out:
            out.write(head)
            out.write(view[:rows * columns * 2])
        files.append(relative)
        total += len(head) + rows * columns * 2
    return Corpus(name, root, files, studies, total)
