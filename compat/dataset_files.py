"""Getting the MNIST-family IDX files into a directory: verified, offline-capable, written atomically.

What TF1 did
------------
``tensorflow/examples/tutorials/mnist/input_data.py`` in TF 1.15 (``_maybe_download``; the contrib copy used
``contrib.learn.datasets.base.maybe_download``) did four things: create ``work_directory`` if missing; if
``work_directory/filename`` already existed, use it as it was; otherwise ``urllib.request.urlretrieve`` the
URL straight into that final path; then print ``Successfully downloaded <filename> <size> bytes.``.
It checked nothing. An interrupted download left a truncated file under the final name that every later run
took as data; a machine without network could not run the tutorial at all; and because MNIST and
Fashion-MNIST use the same four file names, a directory holding one was read as the other — which the
Fashion-MNIST README relied on (``input_data.read_data_sets('data/fashion')``).

What this module adds
---------------------
* **Offline mirror.** Before any download, the directories in ``COMPAT_DATA_MIRROR`` (separated by
  ``os.pathsep``), then :data:`DEFAULT_MIRROR_DIRS`, are searched for the file, either directly in the
  directory or in a sub-directory named after the dataset (``<dir>/mnist/...``, ``<dir>/fashion-mnist/...``).
  A candidate is used only if a digest proves it is the file *of the dataset asked for*.
* **Files already present are used as TF1 used them**, whatever dataset they hold: only their structure is
  checked (gzip stream, IDX header), so a truncated file is named with its fix instead of failing deep inside
  NumPy. :func:`other_dataset_note` recognises by checksum a folder that holds the other dataset of the same
  file names, for a one-line note; it is never an error.
* **Checksums of what is meaningful**, for what this module itself fetches. :data:`KNOWN_FILES` lists, per
  dataset and file, the md5/sha256 of the ``.gz`` files as published, and the sha256 of the *decompressed*
  content. The content digest is what makes a re-compressed copy acceptable: Debian's
  ``dataset-fashion-mnist`` package re-gzipped the files, so their ``.gz`` bytes differ from upstream while the
  IDX bytes inside do not. A file of a dataset with no known digests (a custom ``source_url``) is accepted
  after its gzip stream and IDX header are checked.
* **Atomic writes.** Downloads and mirror copies go to a hidden temporary file in the destination directory,
  are verified there, and only then ``os.replace``-d onto the final name. An interrupted or corrupt transfer
  is removed and never passes as data.
* **Clear failures.** Network errors, dropped connections, checksum mismatches and wrong-dataset downloads
  raise errors that name the file, the URL tried, the mirror directories searched and what to do, and carry no
  chained library traceback (the cause is in the message). When MNIST cannot be had but Fashion-MNIST can, the
  error says so in two lines, with the runner flag that switches to it.
* **Opt-out of the network.** ``COMPAT_DATA_OFFLINE=1`` makes a missing file fail at once instead of trying the
  network (for CI and air-gapped machines).
"""

import gzip
import hashlib
import http.client
import os
import shutil
import ssl
import sys
import tempfile
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass

import numpy as np

MNIST = "mnist"
FASHION_MNIST = "fashion-mnist"
DATASET_TITLES = {MNIST: "MNIST", FASHION_MNIST: "Fashion-MNIST"}

MIRROR_ENV_VAR = "COMPAT_DATA_MIRROR"
OFFLINE_ENV_VAR = "COMPAT_DATA_OFFLINE"
# Where Debian's dataset packages install (dataset-fashion-mnist puts its four .gz files in the first).
DEFAULT_MIRROR_DIRS = ("/usr/share/datasets/fashion-mnist", "/usr/share/datasets/mnist")
DOWNLOAD_TIMEOUT_S = 60.0

# IDX magic numbers: two zero bytes, a type code (0x08 = unsigned byte), then the number of dimensions.
IMAGES_MAGIC = 2051  # 0x00000803: uint8, 3 dimensions (count, rows, columns)
LABELS_MAGIC = 2049  # 0x00000801: uint8, 1 dimension (count)
_MAGIC_KIND = {IMAGES_MAGIC: "image", LABELS_MAGIC: "label"}

_CHUNK = 1 << 20


@dataclass(frozen=True)
class KnownDigests:
    """Digests that identify one dataset file.

    Attributes:
      gz_md5: md5 hex digests of ``.gz`` files known to hold this file.
      gz_sha256: sha256 hex digests of such ``.gz`` files.
      content_sha256: sha256 of the decompressed IDX bytes, which any faithful re-compression preserves.
    """

    gz_md5: tuple
    gz_sha256: tuple
    content_sha256: str


# MNIST: .gz md5 as listed by torchvision (and most MNIST loaders), .gz sha256 as listed by TensorFlow
# Datasets and others, content sha256 as listed for the decompressed files by several independent projects;
# the digests of the three files in ../shared/data/mnist were re-checked here.
# Fashion-MNIST: .gz md5 from the upstream README (zalandoresearch/fashion-mnist), .gz sha256 of the upstream
# files, the sha256 of the .gz files of Debian's dataset-fashion-mnist package (re-gzipped; listed so a copy
# taken from that package is recognised without decompressing it), and the content sha256 that both share.
KNOWN_FILES = {
    MNIST: {
        "train-images-idx3-ubyte.gz": KnownDigests(
            gz_md5=("f68b3c2dcbeaaa9fbdd348bbdeb94873",),
            gz_sha256=("440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",),
            content_sha256="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        ),
        "train-labels-idx1-ubyte.gz": KnownDigests(
            gz_md5=("d53e105ee54ea40749a09fcbcd1e9432",),
            gz_sha256=("3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",),
            content_sha256="65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        ),
        "t10k-images-idx3-ubyte.gz": KnownDigests(
            gz_md5=("9fb629c4189551a2d022fa330f9573f3",),
            gz_sha256=("8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",),
            content_sha256="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        ),
        "t10k-labels-idx1-ubyte.gz": KnownDigests(
            gz_md5=("ec29112dd5afa0611ce80d1b7f02629c",),
            gz_sha256=("f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",),
            content_sha256="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ),
    },
    FASHION_MNIST: {
        "train-images-idx3-ubyte.gz": KnownDigests(
            gz_md5=("8d4fb7e6c68d591d4c3dfef9ec88bf0d",),
            gz_sha256=(
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",  # upstream
                "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",  # Debian package
            ),
            content_sha256="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        ),
        "train-labels-idx1-ubyte.gz": KnownDigests(
            gz_md5=("25c81989df183df01b3e8a0aad5dffbe",),
            gz_sha256=(
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",  # upstream
                "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",  # Debian package
            ),
            content_sha256="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        ),
        "t10k-images-idx3-ubyte.gz": KnownDigests(
            gz_md5=("bef4ecab320f06d8554ea6380940ec79",),
            gz_sha256=(
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",  # upstream
                "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",  # Debian package
            ),
            content_sha256="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        ),
        "t10k-labels-idx1-ubyte.gz": KnownDigests(
            gz_md5=("bb300cfdad3c16e7a12a480ee83cd310",),
            gz_sha256=(
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",  # upstream
                "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",  # Debian package
            ),
            content_sha256="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        ),
    },
}

# Directory URLs known to serve each dataset's files, without scheme or trailing slash.
_KNOWN_SOURCES = {
    "storage.googleapis.com/cvdf-datasets/mnist": MNIST,  # TF 1.15's DEFAULT_SOURCE_URL
    "yann.lecun.com/exdb/mnist": MNIST,  # TF <= 1.3's SOURCE_URL
    "ossci-datasets.s3.amazonaws.com/mnist": MNIST,
    "fashion-mnist.s3-website.eu-central-1.amazonaws.com": FASHION_MNIST,  # Fashion-MNIST's documented URL
    "raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion": FASHION_MNIST,
}


class DataFileError(ValueError):
    """A dataset file's content is wrong: not gzip, truncated, bad IDX header, wrong dataset, bad checksum.

    A ``ValueError`` because TF1 raised ``ValueError`` for the one bad-content case it detected (bad magic).
    """


class ChecksumMismatchError(DataFileError):
    """A file matches none of the digests published for the dataset file it should be."""


class WrongDatasetError(DataFileError):
    """A download served the same-named file of another dataset (MNIST and Fashion-MNIST share all four names).

    Only what this module fetches is refused so; a file of the other dataset already in the work directory is
    used, as TF1 used it (see :func:`other_dataset_note`).
    """


class DatasetUnavailableError(OSError):
    """A file is in neither the target directory nor an offline mirror, and could not be downloaded.

    An ``OSError`` because TF1's ``urlretrieve`` failures (``URLError``) were ``OSError``-s.
    """


def dataset_for_url(url):
    """Which known dataset a source URL serves.

    Args:
      url: a directory URL such as TF1's ``source_url`` (``'https://storage.googleapis.com/cvdf-datasets/mnist/'``)
        or a file URL inside such a directory.

    Returns:
      ``'mnist'``, ``'fashion-mnist'``, or ``None`` for a URL this module does not know (then there are no
      digests to check and no mirror is consulted, since a mirror file's identity could not be proved).
    """
    bare = url.split("://", 1)[-1].rstrip("/")
    while bare:
        if bare in _KNOWN_SOURCES:
            return _KNOWN_SOURCES[bare]
        if "/" not in bare:
            return None
        bare = bare.rsplit("/", 1)[0]
    return None


def mirror_directories():
    """The offline mirror directories, in search order: ``COMPAT_DATA_MIRROR`` entries, then the defaults."""
    configured = os.environ.get(MIRROR_ENV_VAR, "").split(os.pathsep)
    ordered = [os.path.expanduser(d) for d in configured if d.strip()] + list(DEFAULT_MIRROR_DIRS)
    return list(dict.fromkeys(ordered))


def magic_for_filename(filename):
    """The IDX magic number a file name promises: ``idx3`` → images (2051), ``idx1`` → labels (2049)."""
    if "idx3" in filename:
        return IMAGES_MAGIC
    if "idx1" in filename:
        return LABELS_MAGIC
    raise ValueError(
        f"Cannot tell from the name {filename!r} whether it is an IDX image file (…idx3…) or label file "
        "(…idx1…); MNIST-family file names contain one of those."
    )


# --- reading the gzip'd IDX container ---------------------------------------------------------------------


def _gzip_failure(name, exc):
    """A DataFileError explaining why the gzip stream of `name` cannot be read."""
    if isinstance(exc, EOFError):
        what = "ends before its gzip end-of-stream marker: the file is truncated"
    elif isinstance(exc, gzip.BadGzipFile) and "Not a gzipped file" in str(exc):
        what = "is not a gzip file (an HTML error page saved as data, or an already-decompressed IDX file?)"
    else:
        what = f"has a corrupt gzip stream ({exc})"
    return DataFileError(f"{name} {what}.")


def decompress(fileobj, name):
    """All decompressed bytes of a gzip file object, reading to the end so that gzip's CRC is checked.

    Args:
      fileobj: a binary file object positioned at the start of a gzip stream.
      name: how to name the file in error messages.

    Raises:
      DataFileError: the stream is not gzip, is truncated, or fails its CRC/length check.
    """
    try:
        with gzip.GzipFile(fileobj=fileobj) as stream:
            return stream.read()
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise _gzip_failure(name, exc) from None  # the message says what gzip found


def _check_magic(content, name, expected_magic):
    """Raise unless `content` starts with `expected_magic`; return the kind ('image'/'label') it stands for."""
    kind = _MAGIC_KIND[expected_magic]
    if len(content) < 4:
        raise DataFileError(
            f"{name} decompresses to only {len(content)} bytes, too few for an IDX header: it is truncated "
            "or not an MNIST-format file."
        )
    magic = int.from_bytes(content[:4], "big")
    if magic != expected_magic:
        hint = ""
        if magic in _MAGIC_KIND:
            hint = f"; {magic} is the magic number of a {_MAGIC_KIND[magic]} file, so the file names look swapped"
        raise DataFileError(
            f"Invalid magic number {magic} in MNIST {kind} file: {name} "
            f"(an IDX {kind} file starts with {expected_magic}{hint})"
        )
    return kind


def parse_idx(content, name, expected_magic):
    """Check an IDX header and return the data it describes as a uint8 array of the declared shape.

    TF1 read the magic number and the dimensions, then ``numpy.frombuffer``-ed exactly the declared number of
    bytes; bytes beyond that were ignored, and so they are here. A short file made TF1 fail inside
    ``reshape`` with a bare size message; here it is a DataFileError that says the file is truncated.

    Args:
      content: the decompressed IDX bytes.
      name: how to name the file in error messages.
      expected_magic: :data:`IMAGES_MAGIC` or :data:`LABELS_MAGIC`.

    Returns:
      A read-only uint8 array sharing memory with ``content``, shaped ``(count,)`` for labels or
      ``(count, rows, columns)`` for images.

    Raises:
      DataFileError (a ValueError): wrong magic number (message begins as TF1's did), or too few bytes.
    """
    kind = _check_magic(content, name, expected_magic)
    ndim = 3 if expected_magic == IMAGES_MAGIC else 1
    header_size = 4 + 4 * ndim
    if len(content) < header_size:
        raise DataFileError(
            f"{name} ends inside its IDX header ({len(content)} of {header_size} bytes): it is truncated."
        )
    dims = tuple(int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected_bytes = int(np.prod(dims, dtype=np.int64))
    available = len(content) - header_size
    if available < expected_bytes:
        shape = " x ".join(str(d) for d in dims)
        raise DataFileError(
            f"{name} declares {shape} {kind} bytes ({expected_bytes}) in its IDX header but holds only "
            f"{available} after it: the file is truncated or corrupt."
        )
    return np.frombuffer(content, dtype=np.uint8, count=expected_bytes, offset=header_size).reshape(dims)


def check_idx_file(path, filename, full=True, label=None):
    """Check that `path` is a gzip'd IDX file of the kind its name promises.

    Args:
      path: the file to check.
      filename: the dataset file name it stands for (decides images vs labels).
      full: also decompress everything (verifying gzip's CRC) and check the payload length; otherwise only
        the header is read.
      label: how to name the file in messages (default: `path`).

    Raises:
      DataFileError: what is wrong, naming the file.
    """
    name = label or path
    expected_magic = magic_for_filename(filename)
    with open(path, "rb") as f:
        if full:
            parse_idx(decompress(f, name), name, expected_magic)
            return
        try:
            with gzip.GzipFile(fileobj=f) as stream:
                head = stream.read(4)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise _gzip_failure(name, exc) from None  # the message says what gzip found
    _check_magic(head, name, expected_magic)


# --- identifying files by digest --------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """What the digests say a file is.

    Attributes:
      dataset: the dataset whose `filename` this file is (``'mnist'``/``'fashion-mnist'``), or None.
      evidence: the digest that decided, or, when nothing matched, the digests computed (for messages).
    """

    dataset: "str | None"
    evidence: str


def file_sha256(path):
    """sha256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _gz_digests(path):
    md5, sha256 = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            md5.update(block)
            sha256.update(block)
    return md5.hexdigest(), sha256.hexdigest()


def _content_sha256(path, name):
    digest = hashlib.sha256()
    try:
        with gzip.open(path, "rb") as stream:
            for block in iter(lambda: stream.read(_CHUNK), b""):
                digest.update(block)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise _gzip_failure(name, exc) from None  # the message says what gzip found
    return digest.hexdigest()


def identify(path, filename, label=None):
    """Which dataset's `filename` the file at `path` is, by its digests.

    The cheap ``.gz`` digests are tried first; only if none matches is the file decompressed and its content
    digest compared (this is what recognises a re-compressed copy).

    Args:
      path: the file to identify.
      filename: the dataset file name it stands for, e.g. ``'train-images-idx3-ubyte.gz'``.
      label: how to name the file in messages (default: `path`).

    Returns:
      An :class:`Identity`.

    Raises:
      DataFileError: the file needed decompressing and is not a readable gzip stream.
    """
    candidates = {ds: files[filename] for ds, files in KNOWN_FILES.items() if filename in files}
    if not candidates:
        return Identity(None, f"no digests are known for a file named {filename}")
    md5, sha256 = _gz_digests(path)
    for dataset, known in candidates.items():
        if md5 in known.gz_md5:
            return Identity(dataset, f".gz md5 {md5}")
        if sha256 in known.gz_sha256:
            return Identity(dataset, f".gz sha256 {sha256}")
    content = _content_sha256(path, label or path)
    for dataset, known in candidates.items():
        if content == known.content_sha256:
            return Identity(dataset, f"sha256 {content} of the decompressed content")
    return Identity(None, f".gz sha256 {sha256}, decompressed-content sha256 {content}")


def _title(dataset):
    return DATASET_TITLES.get(dataset, dataset)


def other_dataset_note(paths, dataset):
    """One line saying that files read for `dataset` are recognisably another dataset's, or None.

    TF1 read whatever ``train_dir`` held, and scripts relied on it: Fashion-MNIST's README taught
    ``read_data_sets('data/fashion')`` with the default (MNIST) ``source_url``. Such files are used; this note
    only tells the user which dataset the run really trains on.

    Args:
      paths: the files read, ``{file name: path}`` (one read_data_sets call's four files).
      dataset: the dataset the call asked for (``'mnist'``/``'fashion-mnist'``; None: no note).

    Returns:
      ``'<folder> holds Fashion-MNIST, not MNIST ...'`` (naming the files when only some are), or None when no
      file is recognisably another known dataset's.

    Raises:
      DataFileError: a file needed decompressing for its digest and is not a readable gzip stream.
    """
    if dataset not in KNOWN_FILES:
        return None
    others = {}
    for filename, path in paths.items():
        found = identify(path, filename)
        if found.dataset not in (None, dataset):
            others.setdefault(found.dataset, []).append(filename)
    if not others:
        return None
    folder = os.path.dirname(next(iter(paths.values())))
    found_text = "; ".join(
        _title(other) if len(names) == len(paths) else f"{_title(other)}'s {', '.join(names)}"
        for other, names in others.items())
    return (f"{folder} holds {found_text}, not {_title(dataset)} (the same file names; recognised by checksum): "
            "reading it as TF 1.15 did.")


def verify(path, filename, dataset, label=None):
    """Raise unless `path` is `dataset`'s `filename` (or, for a dataset without known digests, a sound IDX file).

    For what this module fetches (downloads, mirror copies); files already in a work directory are not held to it.

    Args:
      path: the file to check.
      filename: the dataset file name it stands for.
      dataset: ``'mnist'``, ``'fashion-mnist'`` or None (unknown: gzip and IDX structure are checked instead).
      label: how to name the file in messages (default: `path`).

    Returns:
      A short description of the evidence accepted (for log lines).

    Raises:
      WrongDatasetError: the file is the other dataset's file of that name.
      ChecksumMismatchError: the file matches no known digest of the file asked for.
      DataFileError: (no known digests) the gzip stream or IDX header is bad.
    """
    name = label or path
    if dataset is None or filename not in KNOWN_FILES.get(dataset, {}):
        check_idx_file(path, filename, label=name)
        return "IDX structure (no published digest known for this source)"
    found = identify(path, filename, label=name)
    if found.dataset == dataset:
        return found.evidence
    if found.dataset is not None:
        raise WrongDatasetError(
            f"{name} is {_title(found.dataset)}'s {filename} ({found.evidence}), but {_title(dataset)} was asked "
            f"for; both datasets use the same four file names, and this source serves the other one. Use "
            f"{_title(dataset)}'s URL, or read {_title(found.dataset)} with its own (with TF1's default "
            f"source_url, COMPAT_MNIST_DATASET / the runner's --dataset picks the dataset)."
        )
    known = KNOWN_FILES[dataset][filename]
    raise ChecksumMismatchError(
        f"{name} is not {_title(dataset)}'s {filename}: it has {found.evidence}, which match none of the "
        f"published digests (.gz md5 {', '.join(known.gz_md5)}; decompressed sha256 {known.content_sha256}): "
        "it is truncated, corrupt, or another file."
    )


def with_remedy(exc, remedy):
    """The same kind of error as `exc`, its message followed by what to do about it."""
    return type(exc)(f"{exc} {remedy}")


STALE_FILE_REMEDY = (
    "Delete it and run again: a verified copy is then fetched, from the offline mirror or the network. (TF1 "
    "downloaded straight into the final name, so an interrupted download left files like this.)"
)


# --- installing files atomically ----------------------------------------------------------------------------


def _install(final_path, filename, dataset, origin, write):
    """Write a file next to `final_path` with `write(fileobj)`, verify it, then move it onto `final_path`.

    Anything that goes wrong (including KeyboardInterrupt) removes the temporary file, so the final name
    only ever holds a complete, verified file.

    Returns:
      (size in bytes, evidence description from :func:`verify`).
    """
    directory = os.path.dirname(final_path) or "."
    fd, temp_path = tempfile.mkstemp(dir=directory, prefix=f".{filename}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        try:
            evidence = verify(temp_path, filename, dataset, label=f"{filename} from {origin}")
        except DataFileError as exc:
            raise with_remedy(exc, f"It was not saved in {directory}.") from None
        # mkstemp creates the file private (0600); the data is public, and urlretrieve left it 0644.
        os.chmod(temp_path, 0o644)
        size = os.path.getsize(temp_path)
        os.replace(temp_path, final_path)
        return size, evidence
    except BaseException:
        if os.path.exists(temp_path):
            os.unlink(temp_path)
        raise


def _find_in_mirrors(filename, dataset, notes):
    """The first mirror file proven to be `dataset`'s `filename`, or None; `notes` gets what was looked at."""
    for directory in mirror_directories():
        looked = False
        for candidate in (os.path.join(directory, filename), os.path.join(directory, dataset, filename)):
            if not os.path.isfile(candidate):
                continue
            looked = True
            try:
                found = identify(candidate, filename)
            except DataFileError as exc:
                notes.append(f"{candidate}: unreadable ({exc})")
                continue
            if found.dataset == dataset:
                return candidate, found.evidence
            what = f"{_title(found.dataset)}'s file" if found.dataset else f"no known digest ({found.evidence})"
            notes.append(f"{candidate}: not used, it is {what}")
        if not looked:
            state = "" if os.path.isdir(directory) else " (directory does not exist)"
            notes.append(f"{directory}: no {filename}{state}")
    return None


class _IncompleteDownload(Exception):
    """The server closed the connection before sending the announced Content-Length."""


def _stream_url(url, out, timeout):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        announced = response.headers.get("Content-Length")
        received = 0
        for block in iter(lambda: response.read(_CHUNK), b""):
            out.write(block)
            received += len(block)
    # http.client returns b'' instead of raising when a Content-Length body is cut short, so check here.
    if announced is not None and received < int(announced):
        raise _IncompleteDownload(f"the connection closed after {received} of {announced} bytes")


_NETWORK_ERRORS = (
    urllib.error.URLError,
    http.client.HTTPException,
    ConnectionError,
    TimeoutError,
    ssl.SSLError,
    _IncompleteDownload,
)


def _offline_copy_of(dataset):
    """The mirror directories that together hold every file of `dataset`, or None if one file is missing."""
    directories = []
    for filename in KNOWN_FILES[dataset]:
        found = _find_in_mirrors(filename, dataset, [])
        if found is None:
            return None
        directories.append(os.path.dirname(found[0]))
    return list(dict.fromkeys(directories))


def _unavailable(filename, dataset, work_directory, url, failure, notes):
    title = _title(dataset) if dataset else "the dataset"
    fashion_dirs = _offline_copy_of(FASHION_MNIST) if dataset == MNIST else None
    if fashion_dirs:
        # The common offline case (Debian's dataset-fashion-mnist installed, no MNIST anywhere): two lines.
        return DatasetUnavailableError(
            f"MNIST cannot be had here: {filename} is neither in {work_directory} nor in an offline mirror "
            f"({', '.join(mirror_directories())}), and the download from {url} failed: {failure}.\n"
            f"  Fashion-MNIST can: its four files are in {', '.join(fashion_dirs)}. Run with --dataset "
            f"fashion-mnist (COMPAT_MNIST_DATASET=fashion-mnist) to train on it, or put MNIST's .gz files in a "
            f"directory and set {MIRROR_ENV_VAR}=<that directory>."
        )
    searched = "\n".join(f"    {n}" for n in notes) if notes else "    (none: the source is not a known dataset)"
    configured = os.environ.get(MIRROR_ENV_VAR)
    setting = f"{MIRROR_ENV_VAR}={configured!r}" if configured else f"{MIRROR_ENV_VAR} unset"
    if dataset is None:
        remedy = f"copy {filename} into {work_directory}, or make {url} reachable."
    else:
        remedy = (
            f"put the published {title} .gz files in a directory and set {MIRROR_ENV_VAR}=<that directory> "
            f"(several directories separated by {os.pathsep!r}), or copy them into {work_directory}"
            + (
                "; or, to run offline without MNIST, install the Debian package dataset-fashion-mnist "
                "(apt-get install dataset-fashion-mnist) and run with --dataset fashion-mnist "
                "(COMPAT_MNIST_DATASET=fashion-mnist)."
                if dataset == MNIST
                else "; on Debian/Ubuntu, apt-get install dataset-fashion-mnist provides them."
            )
        )
    return DatasetUnavailableError(
        f"Could not get {filename} ({title}) into {work_directory}.\n"
        f"  Download from {url} failed: {failure}\n"
        f"  Offline mirror ({setting}; defaults {', '.join(DEFAULT_MIRROR_DIRS)}):\n{searched}\n"
        f"  What to do: {remedy}"
    )


def maybe_download(filename, work_directory, source_url, dataset=None, timeout=DOWNLOAD_TIMEOUT_S):
    """Make sure `work_directory/filename` holds the right file; return its path. TF1's ``_maybe_download``.

    TF1 behaviour kept: ``work_directory`` is created if missing; a file already there is used, whichever
    dataset it holds, not re-fetched; a download prints ``Successfully downloaded <filename> <size> bytes.``.
    Added (see the module docstring): the IDX header of a file already there is checked, an offline mirror is
    tried before the network, what is fetched is verified by checksum and written atomically, failures explain
    themselves.

    Args:
      filename: the file's name, e.g. ``'train-images-idx3-ubyte.gz'``.
      work_directory: the directory to hold it (TF1's ``train_dir``); local paths only (TF1's gfile also took
        ``gs://`` URLs).
      source_url: the URL of the file itself (TF1 passed ``source_url + filename``).
      dataset: ``'mnist'``, ``'fashion-mnist'``, or None to infer it from `source_url` with
        :func:`dataset_for_url` (None there too: no digests, no mirror).
      timeout: seconds the network may stay silent before the download is abandoned (TF1 had none).

    Returns:
      The path of the file.

    Raises:
      DataFileError: the file present is not a gzip'd IDX file of the kind its name says (it is left for the
        user; the message says to delete it).
      WrongDatasetError / ChecksumMismatchError / DataFileError: the file fetched is not the one asked for (it
        is deleted).
      DatasetUnavailableError: no copy anywhere and the download failed.
    """
    if dataset is None:
        dataset = dataset_for_url(source_url)
    os.makedirs(work_directory, exist_ok=True)
    filepath = os.path.join(work_directory, filename)
    if os.path.exists(filepath):
        # Header only, as TF1 trusted the file: the full read that follows reports any truncation itself.
        try:
            check_idx_file(filepath, filename, full=False)
        except DataFileError as exc:
            raise with_remedy(exc, STALE_FILE_REMEDY) from None
        return filepath

    notes = []
    if dataset is not None:
        found = _find_in_mirrors(filename, dataset, notes)
        if found is not None:
            source, evidence = found

            def copy(out):
                with open(source, "rb") as src:
                    shutil.copyfileobj(src, out, _CHUNK)

            size, _ = _install(filepath, filename, dataset, f"offline mirror {source}", copy)
            print(f"Copied {filename} ({_title(dataset)}, {size} bytes, verified by {evidence}) "
                  f"from offline mirror {source}", file=sys.stderr)
            return filepath

    if os.environ.get(OFFLINE_ENV_VAR, "").strip() not in ("", "0"):
        raise _unavailable(filename, dataset, work_directory, source_url,
                           f"not attempted, {OFFLINE_ENV_VAR} is set", notes)
    try:
        size, _ = _install(filepath, filename, dataset, source_url,
                           lambda out: _stream_url(source_url, out, timeout))
    except _NETWORK_ERRORS as exc:
        # from None: the failure is in the message; urllib's chained traceback would bury it in ~50 lines.
        raise _unavailable(filename, dataset, work_directory, source_url, exc, notes) from None
    print("Successfully downloaded", filename, size, "bytes.")
    return filepath
