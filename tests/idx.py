"""Gzip'd IDX files (the MNIST container) read and written for tests, from the format description alone.

IDX: a big-endian header — two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions, then one
uint32 per dimension — followed by the payload. MNIST's label files have magic 2049 (one dimension), its image files
2051 (three). Kept independent of compat/ so that tests of the loaders never check them against themselves.
"""
import gzip
import struct
from pathlib import Path

import numpy as np


def idx_gz(array, magic):
    """Gzip'd IDX bytes holding ``array`` as uint8, under the header ``magic`` (which may deliberately not fit)."""
    array = np.asarray(array, dtype=np.uint8)
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape)
    return gzip.compress(header + array.tobytes())


def write_idx_gz(path, array, magic):
    """Write ``idx_gz(array, magic)`` to ``path``."""
    Path(path).write_bytes(idx_gz(array, magic))


def read_idx_gz(path):
    """The uint8 array of a gzip'd IDX file, shaped by the dimensions its header declares."""
    data = gzip.decompress(Path(path).read_bytes())
    ndim = data[3]
    dims = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)
