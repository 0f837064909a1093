"""compat.dataset_files: mirror, checksums, atomic downloads, and the errors for bad files.

Network behaviour is exercised against a real HTTP server on 127.0.0.1 (http.server in a thread), including
one that drops the connection mid-file. Expected digests come from the published tables in
../shared/data/README.md and Fashion-MNIST's README, never from the module under test.
"""

import gzip
import hashlib
import http.server
import io
import os
import shutil
import socket
import struct
import threading
import traceback
from pathlib import Path

import numpy as np
import pytest

from compat import dataset_files
from compat.dataset_files import (
    ChecksumMismatchError,
    DataFileError,
    DatasetUnavailableError,
    WrongDatasetError,
)
from conftest import (FASHION_DIR, IDX_NAMES, SHARED_DATA, SHARED_MNIST, TEST_IMAGES as IMAGES,
                      TEST_LABELS as LABELS, needs_fashion, needs_mnist)
from idx import idx_gz

# Published digests (../shared/data/README.md; Fashion-MNIST README for the upstream .gz md5).
MNIST_T10K_LABELS_GZ_MD5 = "ec29112dd5afa0611ce80d1b7f02629c"
MNIST_T10K_LABELS_CONTENT_SHA256 = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
FASHION_T10K_LABELS_CONTENT_SHA256 = "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"


def small_labels(count=12):
    return idx_gz(np.arange(count) % 10, 2049)


def leftovers(directory):
    return sorted(os.listdir(directory))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for var in ("COMPAT_DATA_MIRROR", "COMPAT_DATA_OFFLINE", "COMPAT_MNIST_DATASET"):
        monkeypatch.delenv(var, raising=False)
    # Loopback requests must not be sent to a proxy configured on the machine.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def no_default_mirrors(monkeypatch):
    monkeypatch.setattr(dataset_files, "DEFAULT_MIRROR_DIRS", ())


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves server.routes: path -> (body, mode); modes: ok, drop, no-length-drop, stall."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.hits.append(self.path)
        if self.path not in self.server.routes:
            self.send_error(404, "Not Found")
            return
        body, mode = self.server.routes[self.path]
        self.send_response(200)
        if mode != "no-length-drop":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "stall":
            self.server.release.wait(10)
            return
        if mode in ("drop", "no-length-drop"):
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.routes, httpd.hits, httpd.release = {}, [], threading.Event()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# --- source URLs and mirror directories -------------------------------------------------------------------


def test_dataset_for_url_knows_tf1_and_fashion_sources():
    assert dataset_files.dataset_for_url("https://storage.googleapis.com/cvdf-datasets/mnist/") == "mnist"
    assert dataset_files.dataset_for_url("https://storage.googleapis.com/cvdf-datasets/mnist/" + IMAGES) == "mnist"
    assert dataset_files.dataset_for_url("http://yann.lecun.com/exdb/mnist/") == "mnist"
    fashion = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
    assert dataset_files.dataset_for_url(fashion) == "fashion-mnist"
    assert dataset_files.dataset_for_url(fashion.replace("http:", "https:") + LABELS) == "fashion-mnist"
    assert dataset_files.dataset_for_url("http://127.0.0.1:8000/") is None
    assert dataset_files.dataset_for_url("https://storage.googleapis.com/other/") is None


def test_mirror_directories_env_first_then_defaults(monkeypatch, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("COMPAT_DATA_MIRROR", os.pathsep.join([str(a), "", str(b), str(a)]))
    assert dataset_files.mirror_directories() == [
        str(a), str(b), "/usr/share/datasets/fashion-mnist", "/usr/share/datasets/mnist"]


# --- identification by digest -----------------------------------------------------------------------------


@needs_mnist
def test_identify_genuine_and_regzipped_mnist(tmp_path):
    genuine = SHARED_MNIST / LABELS
    assert hashlib.md5(genuine.read_bytes()).hexdigest() == MNIST_T10K_LABELS_GZ_MD5
    found = dataset_files.identify(str(genuine), LABELS)
    assert found.dataset == "mnist" and MNIST_T10K_LABELS_GZ_MD5 in found.evidence

    # Re-compressing changes every .gz byte but not the content: recognised by the content digest.
    content = gzip.decompress(genuine.read_bytes())
    assert hashlib.sha256(content).hexdigest() == MNIST_T10K_LABELS_CONTENT_SHA256
    regzipped = tmp_path / LABELS
    regzipped.write_bytes(gzip.compress(content, compresslevel=1, mtime=12345))
    assert regzipped.read_bytes() != genuine.read_bytes()
    found = dataset_files.identify(str(regzipped), LABELS)
    assert found.dataset == "mnist" and "decompressed" in found.evidence


@needs_fashion
def test_identify_debian_fashion_by_content(tmp_path):
    debian = FASHION_DIR / LABELS
    assert hashlib.sha256(gzip.decompress(debian.read_bytes())).hexdigest() == FASHION_T10K_LABELS_CONTENT_SHA256
    assert dataset_files.identify(str(debian), LABELS).dataset == "fashion-mnist"
    # Any other re-compression of the same content too.
    regzipped = tmp_path / LABELS
    regzipped.write_bytes(gzip.compress(gzip.decompress(debian.read_bytes()), compresslevel=2, mtime=1))
    assert dataset_files.identify(str(regzipped), LABELS).dataset == "fashion-mnist"


def test_identify_unknown_content(tmp_path):
    path = tmp_path / LABELS
    path.write_bytes(small_labels())
    found = dataset_files.identify(str(path), LABELS)
    assert found.dataset is None
    assert hashlib.sha256(path.read_bytes()).hexdigest() in found.evidence


# --- offline mirror ---------------------------------------------------------------------------------------


@needs_mnist
def test_mirror_copy_with_dataset_subdirectory(monkeypatch, tmp_path, no_default_mirrors, capsys):
    # ../shared/data holds mnist/<files>: a mirror may keep each dataset in a sub-directory named after it.
    monkeypatch.setenv("COMPAT_DATA_MIRROR", str(SHARED_DATA))
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    work = tmp_path / "MNIST_data"
    path = dataset_files.maybe_download(LABELS, str(work), closed_port_url() + LABELS, dataset="mnist")
    assert path == str(work / LABELS)
    assert Path(path).read_bytes() == (SHARED_MNIST / LABELS).read_bytes()
    assert leftovers(work) == [LABELS]
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o644)
    assert "offline mirror" in capsys.readouterr().err


@needs_mnist
@needs_fashion
def test_mirror_skips_same_named_file_of_other_dataset(monkeypatch, tmp_path, no_default_mirrors, capsys):
    fashion_dir, mnist_dir = tmp_path / "first", tmp_path / "second"
    fashion_dir.mkdir()
    mnist_dir.mkdir()
    shutil.copy(FASHION_DIR / LABELS, fashion_dir / LABELS)
    shutil.copy(SHARED_MNIST / LABELS, mnist_dir / LABELS)
    monkeypatch.setenv("COMPAT_DATA_MIRROR", os.pathsep.join([str(fashion_dir), str(mnist_dir)]))
    path = dataset_files.maybe_download(LABELS, str(tmp_path / "w"), closed_port_url() + LABELS, dataset="mnist")
    assert Path(path).read_bytes() == (SHARED_MNIST / LABELS).read_bytes()
    path = dataset_files.maybe_download(
        LABELS, str(tmp_path / "f"), closed_port_url() + LABELS, dataset="fashion-mnist")
    assert hashlib.sha256(gzip.decompress(Path(path).read_bytes())).hexdigest() == FASHION_T10K_LABELS_CONTENT_SHA256


@needs_fashion
def test_no_network_no_mirror_error_says_what_to_do(monkeypatch, tmp_path, no_default_mirrors):
    wrong = tmp_path / "mirror"
    wrong.mkdir()
    shutil.copy(FASHION_DIR / LABELS, wrong / LABELS)
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("COMPAT_DATA_MIRROR", os.pathsep.join([str(wrong), str(missing)]))
    url = closed_port_url() + LABELS
    work = tmp_path / "MNIST_data"
    with pytest.raises(DatasetUnavailableError) as info:
        dataset_files.maybe_download(LABELS, str(work), url, dataset="mnist")
    message = str(info.value)
    for expected in (LABELS, url, str(wrong / LABELS), "Fashion-MNIST's file", str(missing),
                     "COMPAT_DATA_MIRROR", "dataset-fashion-mnist", "--dataset fashion-mnist"):
        assert expected in message
    assert leftovers(work) == []


def test_offline_setting_skips_network(monkeypatch, tmp_path, server, no_default_mirrors):
    server.routes["/" + LABELS] = (small_labels(), "ok")
    monkeypatch.setenv("COMPAT_DATA_OFFLINE", "1")
    with pytest.raises(DatasetUnavailableError, match="COMPAT_DATA_OFFLINE"):
        dataset_files.maybe_download(LABELS, str(tmp_path), server.url + LABELS, dataset="mnist")
    assert server.hits == []


@needs_fashion
def test_mnist_unavailable_but_fashion_at_hand_is_two_lines(monkeypatch, tmp_path):
    monkeypatch.setattr(dataset_files, "DEFAULT_MIRROR_DIRS", (str(FASHION_DIR),))
    url = closed_port_url() + LABELS
    with pytest.raises(DatasetUnavailableError) as info:
        dataset_files.maybe_download(LABELS, str(tmp_path / "MNIST_data"), url, dataset="mnist")
    message = str(info.value)
    assert len(message.splitlines()) == 2
    first, second = message.splitlines()
    assert first.startswith("MNIST cannot be had here") and url in first and "Connection refused" in first
    assert f"Fashion-MNIST can: its four files are in {FASHION_DIR}" in second
    assert "--dataset fashion-mnist" in second and "COMPAT_DATA_MIRROR" in second
    shown = shown_traceback(info.value)
    assert shown.count("Traceback") == 1 and "/urllib/" not in shown and "socket.py" not in shown


def test_network_failure_carries_no_urllib_traceback(tmp_path, no_default_mirrors):
    with pytest.raises(DatasetUnavailableError, match="Connection refused") as info:
        dataset_files.maybe_download(LABELS, str(tmp_path), closed_port_url() + LABELS, dataset="mnist")
    shown = shown_traceback(info.value)
    assert shown.count("Traceback") == 1 and "/urllib/" not in shown and "During handling" not in shown


# --- downloads --------------------------------------------------------------------------------------------


def test_download_unknown_source_then_reuse(tmp_path, server, capsys):
    body = small_labels()
    server.routes["/" + LABELS] = (body, "ok")
    work = tmp_path / "data"
    path = dataset_files.maybe_download(LABELS, str(work), server.url + LABELS)
    assert Path(path).read_bytes() == body
    assert f"Successfully downloaded {LABELS} {len(body)} bytes." in capsys.readouterr().out
    assert leftovers(work) == [LABELS]
    # As in TF1, a file already present is used, not fetched again.
    dataset_files.maybe_download(LABELS, str(work), server.url + LABELS)
    assert server.hits == ["/" + LABELS]


@needs_mnist
def test_download_verified_against_published_digest(tmp_path, server):
    body = (SHARED_MNIST / LABELS).read_bytes()
    server.routes["/" + LABELS] = (body, "ok")
    path = dataset_files.maybe_download(LABELS, str(tmp_path), server.url + LABELS, dataset="mnist")
    assert Path(path).read_bytes() == body


def test_checksum_mismatch_leaves_nothing(tmp_path, server, no_default_mirrors):
    server.routes["/" + LABELS] = (small_labels(), "ok")
    with pytest.raises(ChecksumMismatchError) as info:
        dataset_files.maybe_download(LABELS, str(tmp_path), server.url + LABELS, dataset="mnist")
    message = str(info.value)
    assert LABELS in message and server.url + LABELS in message and MNIST_T10K_LABELS_GZ_MD5 in message
    assert "not saved" in message
    assert leftovers(tmp_path) == []


@needs_fashion
def test_download_of_other_dataset_rejected(tmp_path, server, no_default_mirrors):
    server.routes["/" + LABELS] = ((FASHION_DIR / LABELS).read_bytes(), "ok")
    with pytest.raises(WrongDatasetError, match="Fashion-MNIST's t10k-labels.*MNIST was asked for"):
        dataset_files.maybe_download(LABELS, str(tmp_path), server.url + LABELS, dataset="mnist")
    assert leftovers(tmp_path) == []


def test_connection_dropped_mid_file(tmp_path, server):
    body = idx_gz(np.arange(5000) % 256, 2049)
    server.routes["/" + LABELS] = (body, "drop")
    with pytest.raises(DatasetUnavailableError) as info:
        dataset_files.maybe_download(LABELS, str(tmp_path), server.url + LABELS)
    message = str(info.value)
    assert f"closed after {len(body) // 2} of {len(body)} bytes" in message
    assert server.url + LABELS in message and LABELS in message
    assert leftovers(tmp_path) == []


def test_connection_dropped_without_content_length(tmp_path, server):
    # Without Content-Length only the data can tell: the gzip stream is cut short.
    body = idx_gz(np.random.RandomState(0).randint(0, 256, 20000), 2049)
    server.routes["/" + LABELS] = (body, "no-length-drop")
    with pytest.raises(DataFileError, match="truncated"):
        dataset_files.maybe_download(LABELS, str(tmp_path), server.url + LABELS)
    assert leftovers(tmp_path) == []


def test_http_error_and_timeout(tmp_path, server):
    with pytest.raises(DatasetUnavailableError, match="404"):
        dataset_files.maybe_download(LABELS, str(tmp_path), server.url + "missing/" + LABELS)
    server.routes["/" + LABELS] = (small_labels(), "stall")
    with pytest.raises(DatasetUnavailableError, match="timed out"):
        dataset_files.maybe_download(LABELS, str(tmp_path), server.url + LABELS, timeout=0.3)
    assert leftovers(tmp_path) == []


# --- files already in the work directory ------------------------------------------------------------------


def shown_traceback(exc):
    """What Python prints for an uncaught `exc`, chained exceptions included."""
    return "".join(traceback.format_exception(exc))


def test_bad_file_in_work_directory_is_named_in_one_line_not_deleted(tmp_path, no_default_mirrors):
    path = tmp_path / LABELS
    url = closed_port_url() + LABELS
    # Cut inside the IDX header, as an interrupted TF1 download could leave it. (Only the header is read here;
    # a cut further on is reported by the full read that follows, see test_input_data.)
    path.write_bytes(small_labels(3000)[:12])
    with pytest.raises(DataFileError, match="truncated") as info:
        dataset_files.maybe_download(LABELS, str(tmp_path), url, dataset="mnist")
    message = str(info.value)
    assert str(path) in message and "Delete it" in message and "\n" not in message
    shown = shown_traceback(info.value)
    assert shown.count("Traceback") == 1 and "EOFError" not in shown  # gzip's own error is in the message
    assert leftovers(tmp_path) == [LABELS]


def test_sound_file_in_work_directory_is_used_whatever_it_holds(tmp_path, no_default_mirrors):
    # TF1's maybe_download returned a present file without looking at it: a sound IDX file that is not
    # MNIST's (a user's own data, or Fashion-MNIST) is read, not refused.
    body = small_labels()
    (tmp_path / LABELS).write_bytes(body)
    url = closed_port_url() + LABELS
    assert dataset_files.maybe_download(LABELS, str(tmp_path), url, dataset="mnist") == str(tmp_path / LABELS)
    assert (tmp_path / LABELS).read_bytes() == body


@needs_fashion
def test_fashion_file_in_mnist_work_directory_is_used(tmp_path, no_default_mirrors):
    (tmp_path / LABELS).symlink_to(FASHION_DIR / LABELS)
    path = dataset_files.maybe_download(LABELS, str(tmp_path), closed_port_url() + LABELS, dataset="mnist")
    assert path == str(tmp_path / LABELS)


# --- the note about a folder holding the other dataset ----------------------------------------------------


@needs_fashion
def test_other_dataset_note_names_the_dataset_found(tmp_path):
    paths = {name: str(FASHION_DIR / name) for name in IDX_NAMES}
    note = dataset_files.other_dataset_note(paths, "mnist")
    assert note.startswith(f"{FASHION_DIR} holds Fashion-MNIST, not MNIST") and "\n" not in note
    assert dataset_files.other_dataset_note(paths, "fashion-mnist") is None
    assert dataset_files.other_dataset_note(paths, None) is None  # a custom source_url: nothing to compare with


@needs_mnist
@needs_fashion
def test_other_dataset_note_names_the_files_of_a_mixed_folder(tmp_path):
    (tmp_path / LABELS).symlink_to(FASHION_DIR / LABELS)
    (tmp_path / IMAGES).symlink_to(SHARED_MNIST / IMAGES)
    paths = {IMAGES: str(tmp_path / IMAGES), LABELS: str(tmp_path / LABELS)}
    note = dataset_files.other_dataset_note(paths, "mnist")
    assert f"holds Fashion-MNIST's {LABELS}, not MNIST" in note and IMAGES not in note


def test_other_dataset_note_silent_for_unknown_files(tmp_path):
    (tmp_path / LABELS).write_bytes(small_labels())
    assert dataset_files.other_dataset_note({LABELS: str(tmp_path / LABELS)}, "mnist") is None


def test_unknown_source_file_in_work_directory_header_checked(tmp_path):
    path = tmp_path / IMAGES
    path.write_bytes(small_labels())  # a label file under an image-file name
    with pytest.raises(DataFileError, match="Invalid magic number 2049 in MNIST image file"):
        dataset_files.maybe_download(IMAGES, str(tmp_path), closed_port_url() + IMAGES)


# --- reading the gzip'd IDX container ---------------------------------------------------------------------


def parse_bytes(data, magic, name="file.gz"):
    return dataset_files.parse_idx(dataset_files.decompress(io.BytesIO(data), name), name, magic)


def test_parse_idx_reads_declared_shape():
    images = np.random.RandomState(1).randint(0, 256, size=(3, 4, 5))
    parsed = parse_bytes(idx_gz(images, 2051), 2051)
    assert parsed.shape == (3, 4, 5) and parsed.dtype == np.uint8
    np.testing.assert_array_equal(parsed, images)


@pytest.mark.parametrize("damage, expected", [
    (lambda b: b[: len(b) // 2], "truncated"),
    (lambda b: b"<html>Not Found</html>", "not a gzip file"),
    (lambda b: b[:-8] + bytes([b[-8] ^ 0xFF]) + b[-7:], "corrupt gzip"),  # CRC field damaged
])
def test_bad_gzip_streams(damage, expected):
    with pytest.raises(DataFileError, match=expected) as info:
        parse_bytes(damage(small_labels(300)), 2049, name="labels.gz")
    assert "labels.gz" in str(info.value)


def test_bad_magic_and_short_payload():
    with pytest.raises(ValueError, match=r"^Invalid magic number 2049 in MNIST image file: x\.gz"):
        parse_bytes(small_labels(), 2051, name="x.gz")
    header = struct.pack(">IIII", 2051, 10, 28, 28)
    with pytest.raises(DataFileError, match=r"declares 10 x 28 x 28 image bytes \(7840\).* only 100"):
        parse_bytes(gzip.compress(header + bytes(100)), 2051)
