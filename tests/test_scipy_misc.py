"""Tests for compat.scipy_misc against SciPy 1.1's documented behaviour.

Expectations come from SciPy 1.1's bytescale formula (scale, clip, add 0.5,
truncate), its documented examples, Pillow's documented ITU-R 601-2 luma
transform and plain NumPy (np.repeat for nearest-neighbour 2x upsampling).
"""

import io
import re

import numpy as np
import pytest
from PIL import Image

from compat import scipy_misc


def scipy11_bytescale(data, cmin, cmax, high=255, low=0):
    """SciPy 1.1's bytescale arithmetic written out in float64 NumPy."""
    data = np.asarray(data, dtype=np.float64)
    span = (cmax - cmin) or 1
    scaled = (data - cmin) * ((high - low) / span) + low
    return np.floor(np.clip(scaled, low, high) + 0.5).astype(np.uint8)


def luma_601(rgb):
    """ITU-R 601-2 luma as Pillow documents it: R*299/1000 + G*587/1000 + B*114/1000."""
    rgb = rgb.astype(np.int64)
    return ((rgb[..., 0] * 299 + rgb[..., 1] * 587 + rgb[..., 2] * 114) / 1000).astype(np.float32)


@pytest.fixture
def rng():
    return np.random.default_rng(20180505)


# ----------------------------------------------------------------- bytescale

def test_bytescale_reproduces_scipy11_docstring_examples():
    img = np.array([[91.06794177, 3.39058326, 84.4221549],
                    [73.88003259, 80.91433048, 4.88878881],
                    [51.53875334, 34.45808177, 27.5873488]])
    np.testing.assert_array_equal(
        scipy_misc.bytescale(img),
        [[255, 0, 236], [205, 225, 4], [140, 90, 70]])
    np.testing.assert_array_equal(
        scipy_misc.bytescale(img, high=200, low=100),
        [[200, 100, 192], [180, 188, 102], [155, 135, 128]])
    np.testing.assert_array_equal(
        scipy_misc.bytescale(img, cmin=0, cmax=255),
        [[91, 3, 84], [74, 81, 5], [52, 34, 28]])


@pytest.mark.parametrize("kwargs", [
    {},
    {"high": 200, "low": 100},
    {"cmin": -0.5, "cmax": 0.5},          # values outside [cmin, cmax] get clipped
    {"cmin": -1.0, "cmax": 1.0, "high": 128, "low": 3},
])
def test_bytescale_matches_scipy11_formula(rng, kwargs):
    data = rng.uniform(-0.8, 0.9, size=(17, 23))
    cmin = kwargs.get("cmin", data.min())
    cmax = kwargs.get("cmax", data.max())
    expected = scipy11_bytescale(data, cmin, cmax, kwargs.get("high", 255), kwargs.get("low", 0))
    out = scipy_misc.bytescale(data, **kwargs)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, expected)


def test_bytescale_float32_uses_float32_arithmetic_like_numpy1():
    # Under NumPy 1.x a float32 image stayed float32 through SciPy 1.1's
    # arithmetic. Values just next to a rounding boundary k + 0.5 show it.
    k = np.arange(255)
    near = np.float32((k + 0.5) / 255.0)
    probes = np.concatenate([np.nextafter(near, np.float32(0)), near,
                             np.nextafter(near, np.float32(1))])
    data = np.concatenate([[0.0, 1.0], probes]).astype(np.float32)
    in_float32 = ((data - np.float32(0)) * np.float32(255.0)).clip(0, 255) + np.float32(0.5)
    expected = in_float32.astype(np.uint8)
    in_float64 = scipy11_bytescale(data, 0.0, 1.0)
    assert np.any(expected != in_float64), "probes must tell float32 from float64 apart"
    np.testing.assert_array_equal(scipy_misc.bytescale(data), expected)


def test_bytescale_leaves_uint8_alone_even_with_range_arguments():
    data = np.array([[0, 7, 255]], dtype=np.uint8)
    assert scipy_misc.bytescale(data, cmin=0, cmax=7, high=10) is data


def test_bytescale_constant_image_becomes_low():
    np.testing.assert_array_equal(scipy_misc.bytescale(np.full((3, 4), 0.7)), np.zeros((3, 4)))
    np.testing.assert_array_equal(scipy_misc.bytescale(np.full((2, 2), -3.0), low=9), np.full((2, 2), 9))


def test_bytescale_integer_ranges_do_not_wrap():
    data = np.array([[-128, -1, 0, 127]], dtype=np.int8)
    np.testing.assert_array_equal(scipy_misc.bytescale(data), scipy11_bytescale(data, -128, 127))


def test_bytescale_bool_mask_maps_to_0_and_255():
    np.testing.assert_array_equal(scipy_misc.bytescale(np.array([[True, False]])), [[255, 0]])


@pytest.mark.parametrize("kwargs, message", [
    ({"high": 256}, "high=256"),
    ({"low": -1}, "low=-1"),
    ({"high": 10, "low": 20}, "high=10"),
    ({"cmin": 1.0, "cmax": 0.0}, "cmax=0.0"),
])
def test_bytescale_rejects_bad_ranges(kwargs, message):
    with pytest.raises(ValueError, match=message):
        scipy_misc.bytescale(np.linspace(0, 1, 6).reshape(2, 3), **kwargs)


def test_bytescale_rejects_nan_and_empty():
    with pytest.raises(ValueError, match="1 NaN"):
        scipy_misc.bytescale(np.array([[0.0, np.nan, 1.0]]))
    with pytest.raises(ValueError, match=r"empty array of shape \(0, 3\)"):
        scipy_misc.bytescale(np.zeros((0, 3)))


# ------------------------------------------------------------------- toimage

@pytest.mark.parametrize("shape, mode", [((5, 7), "L"), ((5, 7, 3), "RGB"), ((5, 7, 4), "RGBA")])
def test_toimage_picks_mode_from_shape(rng, shape, mode):
    data = rng.integers(0, 256, size=shape, dtype=np.uint8)
    image = scipy_misc.toimage(data)
    assert image.mode == mode
    assert image.size == (7, 5)
    np.testing.assert_array_equal(np.asarray(image), data)


def test_toimage_channel_axis_detection_follows_scipy11(rng):
    channels_first = rng.integers(0, 256, size=(3, 5, 6), dtype=np.uint8)
    image = scipy_misc.toimage(channels_first)
    assert image.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(image), np.transpose(channels_first, (1, 2, 0)))
    # The first axis of length 3 wins over a later one of length 4 ...
    square = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)
    np.testing.assert_array_equal(np.asarray(scipy_misc.toimage(square)), square)
    # ... and with no 3 the first 4 is the channel axis.
    rgba_first = rng.integers(0, 256, size=(4, 5, 6), dtype=np.uint8)
    image = scipy_misc.toimage(rgba_first)
    assert image.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(image), np.transpose(rgba_first, (1, 2, 0)))
    # An explicit (also negative) channel_axis overrides the search.
    middle = rng.integers(0, 256, size=(5, 3, 6), dtype=np.uint8)
    np.testing.assert_array_equal(
        np.asarray(scipy_misc.toimage(middle, channel_axis=-2)), np.transpose(middle, (0, 2, 1)))


def test_toimage_bytescales_all_channels_together(rng):
    data = rng.uniform(-1, 1, size=(4, 6, 3))
    expected = scipy11_bytescale(data, data.min(), data.max())
    np.testing.assert_array_equal(np.asarray(scipy_misc.toimage(data)), expected)


def test_toimage_special_2d_modes(rng):
    data = rng.uniform(-2, 5, size=(4, 6))
    as_float = scipy_misc.toimage(data, mode="F")
    assert as_float.mode == "F"
    np.testing.assert_array_equal(np.asarray(as_float), data.astype(np.float32))

    as_int = scipy_misc.toimage(data, mode="I")
    expected = ((data - data.min()) * 255 / (data.max() - data.min())).astype(np.int32)
    np.testing.assert_array_equal(np.asarray(as_int), expected)

    as_bits = scipy_misc.toimage(data, mode="1", high=1.5)
    assert as_bits.mode == "1"
    np.testing.assert_array_equal(np.asarray(as_bits), data > 1.5)

    palette = rng.integers(0, 256, size=(256, 3), dtype=np.uint8)
    paletted = scipy_misc.toimage(data, pal=palette)
    assert paletted.mode == "P"
    indices = scipy11_bytescale(data, data.min(), data.max())
    np.testing.assert_array_equal(np.asarray(paletted.convert("RGB")), palette[indices])

    grey_p = scipy_misc.toimage(data, mode="P")
    assert grey_p.mode == "P"
    np.testing.assert_array_equal(np.asarray(grey_p.convert("L")), indices)


@pytest.mark.parametrize("shape", [(2, 8, 8, 3), (8,), (8, 8, 2), ()])
def test_toimage_rejects_non_image_shapes_naming_them(shape):
    with pytest.raises(ValueError, match="shape " + re.escape(str(shape))):
        scipy_misc.toimage(np.zeros(shape))


def test_toimage_rejects_mode_shape_mismatch_and_complex():
    with pytest.raises(ValueError, match="'RGBA' needs 4 channels"):
        scipy_misc.toimage(np.zeros((4, 4, 3)), mode="RGBA")
    with pytest.raises(ValueError, match="mode='RGB' does not fit a 2-D array"):
        scipy_misc.toimage(np.zeros((4, 4)), mode="RGB")
    with pytest.raises(ValueError, match="complex"):
        scipy_misc.toimage(np.zeros((4, 4), dtype=complex))
    with pytest.raises(ValueError, match="channel_axis=1"):
        scipy_misc.toimage(np.zeros((3, 5, 6)), channel_axis=1)


# ------------------------------------------------------------- imsave/imread

@pytest.mark.parametrize("shape, mode", [((9, 11), "L"), ((9, 11, 3), "RGB"), ((9, 11, 4), "RGBA")])
def test_uint8_png_round_trip_is_bit_exact(tmp_path, rng, shape, mode):
    data = rng.integers(0, 256, size=shape, dtype=np.uint8)
    path = tmp_path / "img.png"
    scipy_misc.imsave(str(path), data)
    with Image.open(path) as written:
        assert written.format == "PNG" and written.mode == mode
    back = scipy_misc.imread(str(path))
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, data)


def test_imsave_writes_float_samples_bytescaled(tmp_path, rng):
    # A tanh GAN sample that only spans part of [-1, 1].
    sample = rng.uniform(-0.4, 0.7, size=(8, 8, 3)).astype(np.float32)
    path = tmp_path / "sample.png"
    scipy_misc.imsave(str(path), sample)
    back = scipy_misc.imread(str(path))
    expected = scipy11_bytescale(sample, float(sample.min()), float(sample.max()))
    assert back.min() == 0 and back.max() == 255
    np.testing.assert_array_equal(back, expected)


def test_imsave_to_file_object_needs_format(rng):
    data = rng.integers(0, 256, size=(3, 4), dtype=np.uint8)
    buffer = io.BytesIO()
    scipy_misc.imsave(buffer, data, format="PNG")
    buffer.seek(0)
    np.testing.assert_array_equal(scipy_misc.imread(buffer), data)


def test_imsave_rejects_bad_shapes_and_leaves_no_file(tmp_path):
    batch = tmp_path / "batch.png"
    with pytest.raises(ValueError, match=r"\(2, 8, 8, 3\)"):
        scipy_misc.imsave(str(batch), np.zeros((2, 8, 8, 3)))
    assert not batch.exists()
    # imsave pins the channels to the last axis, so channels-first fails.
    with pytest.raises(ValueError, match=r"np.transpose\(arr, \(1, 2, 0\)\)"):
        scipy_misc.imsave(str(tmp_path / "chw.png"), np.zeros((3, 8, 8)))
    rgba_jpeg = tmp_path / "rgba.jpg"
    with pytest.raises(OSError):
        scipy_misc.imsave(str(rgba_jpeg), np.zeros((4, 4, 4), dtype=np.uint8))
    assert not rgba_jpeg.exists()


@pytest.mark.parametrize("channels", [3, 4])
def test_imread_flatten_gives_itu_r_601_2_luma(tmp_path, rng, channels):
    rgb = rng.integers(0, 256, size=(6, 7, channels), dtype=np.uint8)
    path = tmp_path / "color.png"
    Image.fromarray(rgb).save(path)
    grey = scipy_misc.imread(str(path), flatten=True)
    assert grey.dtype == np.float32 and grey.shape == (6, 7)
    np.testing.assert_array_equal(grey, luma_601(rgb))
    # mode first, then flatten: 'L' rounds the luma to integers before 'F'.
    grey_l = scipy_misc.imread(str(path), flatten=True, mode="L")
    np.testing.assert_allclose(grey_l, luma_601(rgb), atol=0.5 + 1e-6)
    assert np.all(grey_l == np.round(grey_l))


def test_imread_expands_palette_and_one_bit_images(tmp_path, rng):
    palette = rng.integers(0, 256, size=(256, 3), dtype=np.uint8)
    indices = rng.integers(0, 256, size=(5, 6), dtype=np.uint8)
    paletted = Image.fromarray(indices, mode="L")
    paletted.putpalette(palette.tobytes())
    path = tmp_path / "pal.png"
    paletted.save(path)
    np.testing.assert_array_equal(scipy_misc.imread(str(path)), palette[indices])

    paletted.save(path, transparency=0)
    with_alpha = scipy_misc.imread(str(path))
    assert with_alpha.shape == (5, 6, 4)
    np.testing.assert_array_equal(with_alpha[..., 3], np.where(indices == 0, 0, 255))

    bits = rng.integers(0, 2, size=(5, 9)).astype(bool)
    bit_path = tmp_path / "bits.png"
    Image.fromarray(bits).save(bit_path)
    read = scipy_misc.imread(str(bit_path))
    assert read.dtype == np.uint8
    np.testing.assert_array_equal(read, np.where(bits, 255, 0))


def test_imread_mode_converts(tmp_path, rng):
    rgba = rng.integers(0, 256, size=(4, 5, 4), dtype=np.uint8)
    path = tmp_path / "rgba.png"
    Image.fromarray(rgba).save(path)
    np.testing.assert_array_equal(scipy_misc.imread(str(path), mode="RGB"), rgba[..., :3])


def test_fromimage_rejects_non_images():
    with pytest.raises(TypeError, match="ndarray"):
        scipy_misc.fromimage(np.zeros((2, 2)))


# ------------------------------------------------------------------ imresize

@pytest.mark.parametrize("shape, size, expected_shape", [
    ((10, 20), 50, (5, 10)),               # int: percent
    ((5, 7), 50, (2, 3)),                  # truncated toward zero per side
    ((10, 20), np.int32(150), (15, 30)),
    ((10, 20), 0.5, (5, 10)),              # float: fraction
    ((10, 20), np.float32(0.3), (3, 6)),
    ((10, 20), (6, 9), (6, 9)),            # (height, width)
    ((10, 20, 3), (6, 9, 3), (6, 9, 3)),   # extra entries ignored
    ((10, 20, 4), [7, 4], (7, 4, 4)),
])
def test_imresize_sizes_and_dtype(rng, shape, size, expected_shape):
    data = rng.uniform(size=shape)
    out = scipy_misc.imresize(data, size)
    assert out.shape == expected_shape
    assert out.dtype == np.uint8


def test_imresize_nearest_upsampling_of_uint8_repeats_pixels(rng):
    data = rng.integers(0, 256, size=(4, 5, 3), dtype=np.uint8)
    out = scipy_misc.imresize(data, 200, interp="nearest")
    np.testing.assert_array_equal(out, data.repeat(2, axis=0).repeat(2, axis=1))


def test_imresize_bytescales_float_input_first(rng):
    data = rng.uniform(0.2, 0.6, size=(4, 5))
    out = scipy_misc.imresize(data, 2.0, interp="nearest")
    expected = scipy11_bytescale(data, data.min(), data.max())
    np.testing.assert_array_equal(out, expected.repeat(2, axis=0).repeat(2, axis=1))


def test_imresize_mode_f_keeps_float_values(rng):
    data = rng.uniform(-3, 3, size=(4, 5))
    out = scipy_misc.imresize(data, 200, interp="nearest", mode="F")
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, data.astype(np.float32).repeat(2, axis=0).repeat(2, axis=1))


def test_imresize_returns_channels_last_for_channels_first_input(rng):
    data = rng.integers(0, 256, size=(3, 4, 5), dtype=np.uint8)
    out = scipy_misc.imresize(data, (4, 5), interp="nearest")
    np.testing.assert_array_equal(out, np.transpose(data, (1, 2, 0)))


@pytest.mark.parametrize("interp", ["bilinear", "bicubic", "cubic", "lanczos"])
def test_imresize_smooth_filters_keep_a_flat_image_flat(interp):
    data = np.full((6, 8, 3), 77, dtype=np.uint8)
    np.testing.assert_array_equal(scipy_misc.imresize(data, (3, 5), interp=interp), np.full((3, 5, 3), 77))


def test_imresize_rejects_bad_arguments():
    data = np.zeros((5, 5), dtype=np.uint8)
    with pytest.raises(ValueError, match="5x5 image into 0x0"):
        scipy_misc.imresize(data, 10)
    with pytest.raises(ValueError, match="interp='area'"):
        scipy_misc.imresize(data, 50, interp="area")
    with pytest.raises(TypeError, match="bool"):
        scipy_misc.imresize(data, True)
    with pytest.raises(TypeError, match=r"\(height, width\)"):
        scipy_misc.imresize(data, (3.5, 2))
    with pytest.raises(TypeError, match="unsigned"):
        scipy_misc.imresize(data, np.uint8(50))
