"""Pillow-backed stand-in for the image helpers SciPy removed from ``scipy.misc``.

TF1-era GAN scripts load pictures with ``scipy.misc.imread``, shrink them with
``scipy.misc.imresize`` and write sample grids with ``scipy.misc.imsave``.
Those helpers lived in ``scipy/misc/pilutil.py`` as thin wrappers around PIL.

History (SciPy release notes and reference guide):

* SciPy 1.0.0 deprecated ``bytescale``, ``fromimage``, ``imfilter``,
  ``imread``, ``imresize``, ``imrotate``, ``imsave``, ``imshow`` and
  ``toimage``.  The warnings printed by 1.0 and 1.1 said "will be removed in
  1.2.0", which is why many blog posts date the removal to 1.2.
* SciPy 1.2.x still shipped them (its warnings moved the date to 1.3.0).
* SciPy 1.3.0 removed them ("Backwards incompatible changes" in its notes).

This module reproduces the behaviour of SciPy 1.1 on top of the installed
Pillow, with the same signatures, so era scripts write the same pixels.  The
one behaviour every user of these functions must know about:

    Any array that is not already ``uint8`` is **byte-scaled by its own
    minimum and maximum** before it becomes an 8-bit image (see `bytescale`).
    A GAN sample in [-1, 1] or [0, 1] is therefore stretched to the full
    0..255 range, an all-constant image comes out black, and ``imresize`` of a
    float image returns ``uint8`` values 0..255, not resized floats.

Where this stand-in knowingly differs from SciPy 1.1 (each spot only where
SciPy 1.1 crashed or returned garbage):

* integer and bool arrays are byte-scaled in float64, so ranges wider than the
  integer type (an int8 image spanning -128..127) no longer wrap around, and
  bool masks work (SciPy 1.1 raised ``TypeError`` on NumPy >= 1.13);
* NaN pixels, infinite automatic ranges, empty arrays, sizes that round to 0
  pixels and unknown ``interp`` names raise ``ValueError`` with the cause;
* ``toimage(..., mode='1')`` really thresholds at ``high`` (SciPy 1.1 handed
  unpacked bytes to Pillow's bit-packed decoder and got a scrambled image);
* ``channel_axis`` may be negative;
* no ``DeprecationWarning`` is printed on every call.

Resampling in `imresize` is done by the installed Pillow, so pixel values of
resized images can differ slightly from those Pillow 5.x produced in 2018;
shapes, dtypes and the byte-scaling are as in SciPy 1.1.
"""

import operator

import numpy as np
from PIL import Image

__all__ = ["bytescale", "fromimage", "imread", "imresize", "imsave", "toimage"]

# SciPy 1.1 passed PIL's integer filter codes; these are the same filters.
_RESAMPLE_BY_INTERP = {
    "nearest": Image.Resampling.NEAREST,
    "lanczos": Image.Resampling.LANCZOS,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "cubic": Image.Resampling.BICUBIC,
}

_MODES_3D = ("RGB", "RGBA", "YCbCr", "CMYK")
_CHANNELS_OF_MODE = {"RGB": 3, "YCbCr": 3, "RGBA": 4, "CMYK": 4}


def _working_copy(data):
    """Return ``data`` in the dtype SciPy 1.1 did its scaling arithmetic in.

    Under NumPy 1.x "value-based" casting a float32 (or float16) image minus a
    scalar stayed float32, so SciPy 1.1 scaled float images in their own
    precision; integer images ended up in float64.  Keeping float32 here keeps
    the rare pixels that sit on a rounding boundary identical to SciPy 1.1.
    """
    if np.issubdtype(data.dtype, np.floating):
        return data
    return data.astype(np.float64)


def _as_numpy1_scalar(value):
    """Promote a bound like NumPy 1.x did in scalar-with-scalar arithmetic.

    NumPy 1.x promoted a Python number to float64 when it met another scalar,
    while a NumPy float32 scalar stayed float32.  ``cmax - cmin`` of two
    float32 minima/maxima was therefore rounded to float32 in SciPy 1.1.
    """
    if isinstance(value, np.floating):
        return value
    return np.float64(value)


def _value_range(work, cmin, cmax, who):
    """Fill in the default ``cmin``/``cmax`` (the data's own min and max)."""
    if work.size == 0:
        raise ValueError(f"{who}: cannot scale an empty array of shape {work.shape}.")
    if np.isnan(work).any():
        raise ValueError(
            f"{who}: the array of shape {work.shape} contains "
            f"{int(np.isnan(work).sum())} NaN value(s); an image cannot be "
            "made from NaN (a diverged model?). Replace them first, e.g. "
            "with np.nan_to_num.")
    cmin = work.min() if cmin is None else cmin
    cmax = work.max() if cmax is None else cmax
    if not (np.isfinite(cmin) and np.isfinite(cmax)):
        raise ValueError(
            f"{who}: the value range [{cmin}, {cmax}] is not finite; pass "
            "finite cmin and cmax or remove the infinite values.")
    return _as_numpy1_scalar(cmin), _as_numpy1_scalar(cmax)


def bytescale(data, cmin=None, cmax=None, high=255, low=0):
    """Linearly map an array onto the integers ``low..high`` as ``uint8``.

    This is the step that made ``scipy.misc.imsave``/``toimage``/``imresize``
    "normalise" every non-``uint8`` image.  SciPy 1.1 computed::

        scale = (high - low) / (cmax - cmin)      # cmax == cmin: divide by 1
        out = ((data - cmin) * scale + low).clip(low, high)
        out = (out + 0.5).astype(uint8)           # round half up

    so ``cmin`` maps to ``low``, ``cmax`` to ``high`` and anything outside
    ``[cmin, cmax]`` is clipped.

    Args:
      data: array-like image.  A ``uint8`` array is returned **unchanged, as
        the same object**, and ``cmin``/``cmax``/``high``/``low`` are ignored
        for it.  Float16/32/64 arrays are scaled in their own precision (as
        SciPy 1.1 did under NumPy 1.x casting); integer and bool arrays in
        float64.
      cmin: value mapped to ``low``.  Default ``data.min()``: the image's own
        minimum, which is the famous surprise (see Pitfalls).
      cmax: value mapped to ``high``.  Default ``data.max()``.
      high: top of the output range, at most 255.  Default 255.
      low: bottom of the output range, at least 0.  Default 0.

    Returns:
      ``uint8`` array of the same shape.

    Raises:
      ValueError: ``high > 255``, ``low < 0``, ``high < low``,
        ``cmax < cmin``, an empty array, NaN pixels or an infinite automatic
        range (SciPy 1.1 silently returned garbage pixels for the last two).

    Pitfalls:
      * The defaults stretch each image by its *own* min/max: a GAN sample
        whose values span [-0.3, 0.6] is saved as if it spanned the full
        0..255 range, so dull samples look crisp and contrast between images
        is lost.  Pass ``cmin=-1, cmax=1`` (tanh output) or ``cmin=0, cmax=1``
        to keep absolute brightness.
      * A constant image (``cmax == cmin``) becomes all ``low`` (black).
      * Integer data is scaled too: a ``uint16`` or ``int64`` image with
        values 0..255 is stretched by its min/max, not kept as is.

    Replacement: not one call; write the formula above in NumPy, e.g.
    ``((x + 1) * 127.5).clip(0, 255).round().astype(np.uint8)`` for tanh
    outputs, or ``skimage.util.img_as_ubyte`` for images already in [0, 1].
    """
    data = np.asarray(data)
    if data.dtype == np.uint8:
        return data
    if np.iscomplexobj(data):
        raise ValueError(f"bytescale: cannot scale a complex array ({data.dtype}).")
    if high > 255:
        raise ValueError(f"bytescale: high={high!r} must be at most 255.")
    if low < 0:
        raise ValueError(f"bytescale: low={low!r} must be at least 0.")
    if high < low:
        raise ValueError(f"bytescale: high={high!r} must not be below low={low!r}.")

    work = _working_copy(data)
    cmin, cmax = _value_range(work, cmin, cmax, "bytescale")
    span = cmax - cmin
    if span < 0:
        raise ValueError(f"bytescale: cmax={cmax} must not be below cmin={cmin}.")
    if span == 0:
        span = 1
    scale = float(high - low) / float(span)
    # Python floats are "weak" under NumPy 2, so a float32 image stays float32
    # here exactly as it did under NumPy 1.x value-based casting.
    scaled = (work - float(cmin)) * scale + low
    return (scaled.clip(low, high) + 0.5).astype(np.uint8)


def fromimage(im, flatten=False, mode=None):
    """Copy a PIL image into a new NumPy array (SciPy 1.1 semantics).

    Args:
      im: a ``PIL.Image.Image``; anything else raises ``TypeError``.
      flatten: if true, convert to Pillow mode ``'F'`` last and return a
        float32 (H, W) grey image.  Pillow uses the ITU-R 601-2 luma transform
        ``L = R*299/1000 + G*587/1000 + B*114/1000`` (alpha is dropped).
      mode: Pillow mode to convert to first (``'L'``, ``'RGB'``, ``'RGBA'``,
        ``'CMYK'``, ``'YCbCr'``, ``'I'``, ``'F'``, ...).  Without it, a
        palette image (``'P'``) is expanded to RGB, or to RGBA when it has a
        transparency entry, and a 1-bit image to ``'L'`` (values 0 and 255),
        as SciPy 1.1 did.

    Returns:
      (H, W) for grey images, (H, W, 3) for RGB, (H, W, 4) for RGBA/CMYK;
      ``uint8`` for 8-bit modes, ``int32`` for ``'I'``, ``uint16`` for
      16-bit PNGs (``'I;16'``), ``float32`` for ``'F'``/``flatten``.

    Replacement: ``np.asarray(im)`` (SciPy's own deprecation message), after
    ``im.convert(mode)`` where a conversion is wanted.
    """
    if not isinstance(im, Image.Image):
        raise TypeError(
            f"fromimage: expected a PIL.Image.Image, got {type(im).__name__}.")
    if mode is not None:
        if mode != im.mode:
            im = im.convert(mode)
    elif im.mode == "P":
        # The raw array of a palette image holds palette indices, not colours.
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if flatten:
        im = im.convert("F")
    elif im.mode == "1":
        # Kept from SciPy 1.1 (a PIL crash workaround): 1-bit images come back
        # as uint8 0/255, not as bool.
        im = im.convert("L")
    return np.array(im)


def imread(name, flatten=False, mode=None):
    """Read an image file into a NumPy array (SciPy 1.1 ``scipy.misc.imread``).

    Args:
      name: file path or binary file object, any format Pillow can open.
      flatten: if true, return a float32 (H, W) grey image made with the
        ITU-R 601-2 luma transform ``L = R*299/1000 + G*587/1000 +
        B*114/1000`` (Pillow's ``convert('F')``).  With ``mode`` also given,
        the image is converted to ``mode`` first, then flattened.
      mode: Pillow mode to convert to, e.g. ``'RGB'`` to drop alpha or force
        colour, ``'L'`` for 8-bit grey.  See `fromimage`.

    Returns:
      The pixel array, shaped and typed as described in `fromimage`: a grey
      8-bit PNG gives (H, W) ``uint8``, an RGB one (H, W, 3) ``uint8``.  Values
      are the stored pixels: no scaling to [0, 1] (unlike
      ``matplotlib.pyplot.imread`` on PNGs).

    Raises:
      FileNotFoundError / PIL.UnidentifiedImageError from Pillow, naming the
      file, when it is missing or not an image.

    Replacement: ``imageio.imread(name)`` (``imageio.v3.imread`` today), as
    SciPy's deprecation message said, or ``np.asarray(Image.open(name))``;
    ``flatten=True`` becomes ``np.asarray(Image.open(name).convert('F'))``.
    """
    with Image.open(name) as im:
        return fromimage(im, flatten=flatten, mode=mode)


def _channel_axis(shape, channel_axis):
    """Pick the channel axis of a 3-D array the way SciPy 1.1 did."""
    if channel_axis is None:
        # SciPy 1.1: the first axis of length 3, else the first of length 4.
        # So a (3, 4, 4) or (4, 3, 5) array is read channel-first.
        for length in (3, 4):
            if length in shape:
                return shape.index(length)
    axis = operator.index(channel_axis)
    if not -3 <= axis <= 2:
        raise ValueError(
            f"toimage: channel_axis={channel_axis!r} is out of range for a "
            f"3-D array of shape {tuple(shape)}.")
    axis %= 3
    if shape[axis] not in (3, 4):
        raise ValueError(
            f"toimage: channel_axis={channel_axis!r} of the array of shape "
            f"{tuple(shape)} has length {shape[axis]}, but must hold 3 (RGB) "
            "or 4 (RGBA) channels. For a channels-first (C, H, W) array pass "
            "np.transpose(arr, (1, 2, 0)).")
    return axis


def toimage(arr, high=255, low=0, cmin=None, cmax=None, pal=None, mode=None,
            channel_axis=None):
    """Turn a NumPy array into a PIL image (SciPy 1.1 ``scipy.misc.toimage``).

    Everything that ends in 8-bit pixels goes through `bytescale` first, so a
    non-``uint8`` array is stretched to its own min/max (see Pitfalls).

    2-D (H, W) arrays, by ``mode``:
      * ``None`` or ``'L'``: byte-scaled grey image, mode ``'L'``; with
        ``pal`` given it becomes a palette image (``'P'``).
      * ``'P'``: byte-scaled palette image; ``pal`` or, without it, a grey
        ramp palette.
      * ``'F'``: float32 image of the raw values, no scaling.
      * ``'I'``: 32-bit integer image of
        ``(arr - cmin) * (high - low) / (cmax - cmin) + low`` truncated
        toward zero (with the defaults: 0..255, not bytescale's rounding).
      * ``'1'``: 1-bit image, ``arr > high``.
    3-D arrays (one axis of length 3 or 4 holds the channels): byte-scaled
    over all channels together, mode ``'RGB'`` for 3 channels and ``'RGBA'``
    for 4, or ``'YCbCr'`` (3) / ``'CMYK'`` (4) when asked for.

    Args:
      arr: array-like, (H, W) or 3-D with 3 or 4 channels.
      high, low: output range of the scaling (see `bytescale`; for ``'1'``
        ``high`` is the threshold).  Defaults 255 and 0.
      cmin, cmax: input values mapped to ``low``/``high``; default the
        array's own min and max.
      pal: for 2-D arrays, an (N, 3) array of 0..255 RGB palette entries.
      mode: Pillow mode, see above.  ``None`` picks ``'L'``, ``'RGB'`` or
        ``'RGBA'`` from the shape.
      channel_axis: which axis of a 3-D array holds the channels.  ``None``
        does what SciPy 1.1 did: the first axis of length 3, else the first
        of length 4, which reads a (3, 4, 5) array channels-first and a
        (4, 4, 3) array channels-last.  `imsave` always passes 2.

    Returns:
      ``PIL.Image.Image``.

    Raises:
      ValueError: complex data, an array that is neither 2-D nor 3-D with a
        3- or 4-long axis (the message names the shape), a ``mode`` that does
        not fit the shape, or the `bytescale` errors.

    Pitfalls:
      * ``toimage(x).save(...)`` of float samples in [-1, 1] writes them
        stretched by their own min/max, not mapped from [-1, 1]; pass
        ``cmin=-1, cmax=1`` to keep absolute values.
      * ``uint8`` arrays skip scaling entirely, even if ``cmin``/``cmax``/
        ``high``/``low`` are given.

    Replacement: ``PIL.Image.fromarray(arr)`` (SciPy's deprecation message),
    after converting to ``uint8`` yourself; it never rescales.
    """
    data = np.asarray(arr)
    if np.iscomplexobj(data):
        raise ValueError(f"toimage: cannot make an image from a complex array ({data.dtype}).")
    shape = list(data.shape)
    if not (data.ndim == 2 or (data.ndim == 3 and (3 in shape or 4 in shape))):
        raise ValueError(
            f"toimage: cannot make an image from an array of shape "
            f"{data.shape}: it must be 2-D (H, W) or 3-D with an axis of "
            "length 3 (RGB) or 4 (RGBA). For a batch of images save one "
            "(arr[i]) or tile them into one grid first.")

    if data.ndim == 2:
        size = (shape[1], shape[0])  # Pillow sizes are (width, height)
        if mode == "F":
            return Image.frombytes("F", size, data.astype(np.float32).tobytes())
        if mode in (None, "L", "P"):
            image = Image.frombytes(
                "L", size,
                bytescale(data, cmin=cmin, cmax=cmax, high=high, low=low).tobytes())
            if pal is not None:
                # Putting a palette on an 'L' image turns it into 'P'.
                image.putpalette(np.asarray(pal, dtype=np.uint8).tobytes())
            elif mode == "P":
                grey_ramp = np.repeat(np.arange(256, dtype=np.uint8), 3)
                image.putpalette(grey_ramp.tobytes())
            return image
        if mode == "1":
            bits = np.packbits(data > high, axis=1)  # Pillow's raw '1' is bit-packed rows
            return Image.frombytes("1", size, bits.tobytes())
        if mode == "I":
            work = _working_copy(data)
            cmin, cmax = _value_range(work, cmin, cmax, "toimage(mode='I')")
            span = cmax - cmin
            if span == 0:
                raise ValueError(
                    f"toimage(mode='I'): cmin and cmax are both {cmin}; the "
                    "scaling divides by cmax - cmin.")
            scaled = (work - float(cmin)) * (high - low) / float(span) + low
            return Image.frombytes("I", size, scaled.astype(np.uint32).tobytes())
        raise ValueError(
            f"toimage: mode={mode!r} does not fit a 2-D array of shape "
            f"{data.shape}; use None, 'L', 'P', 'F', 'I' or '1'.")

    axis = _channel_axis(shape, channel_axis)
    channels = shape[axis]
    if mode is None:
        mode = "RGB" if channels == 3 else "RGBA"
    if mode not in _MODES_3D:
        raise ValueError(
            f"toimage: mode={mode!r} does not fit a 3-D array of shape "
            f"{data.shape}; use one of {_MODES_3D}.")
    if _CHANNELS_OF_MODE[mode] != channels:
        raise ValueError(
            f"toimage: mode={mode!r} needs {_CHANNELS_OF_MODE[mode]} channels "
            f"but axis {axis} of the array of shape {data.shape} has {channels}.")
    pixels = np.moveaxis(
        bytescale(data, cmin=cmin, cmax=cmax, high=high, low=low), axis, -1)
    height, width = pixels.shape[:2]
    return Image.frombytes(mode, (width, height), np.ascontiguousarray(pixels).tobytes())


def imsave(name, arr, format=None):
    """Write an array as an image file (SciPy 1.1 ``scipy.misc.imsave``).

    Equivalent to ``toimage(arr, channel_axis=2).save(name, format)``, so:
    ``uint8`` arrays are written as they are, **every other dtype is
    byte-scaled by its own min/max** (see `bytescale`).

    Args:
      name: output path or binary file object.
      arr: (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA array.  The channels
        must be last: a channels-first (3, H, W) array is rejected.
      format: Pillow format name (``'PNG'``, ``'JPEG'``, ...).  Default: from
        the file name's extension; needed for file objects.

    Raises:
      ValueError: a shape that is not an image (the message names it), an
        unknown extension; OSError when the format cannot store the mode
        (RGBA as JPEG).  Pillow deletes a file it created and failed to fill.

    Pitfalls:
      * A GAN's tanh samples in [-1, 1] (or sigmoid samples in [0, 1]) are
        stretched so their own darkest pixel is 0 and brightest 255: saved
        grids look "normalised" and per-image contrast is exaggerated.
      * ``imageio.imwrite`` converts non-``uint8`` data its own way (which
        depends on its version), so switching libraries without converting
        to ``uint8`` first changes the pictures.
      * A constant image (e.g. a collapsed generator) is written all black.

    Replacement: ``imageio.imwrite(name, arr)`` (SciPy's deprecation
    message) with an explicit conversion to ``uint8`` first, e.g.
    ``imageio.imwrite(name, bytescale(arr))`` to keep the old pictures or
    ``((arr + 1) * 127.5).round().astype(np.uint8)`` for tanh outputs.
    """
    image = toimage(arr, channel_axis=2)
    if format is None:
        image.save(name)
    else:
        image.save(name, format)


def _output_size(size, width, height):
    """Turn imresize's ``size`` into Pillow's (width, height)."""
    if isinstance(size, (bool, np.bool_)):
        raise TypeError(f"imresize: size={size!r} is a bool, not a size.")
    if isinstance(size, (int, np.signedinteger)):
        # Percent; SciPy 1.1 truncated toward zero with astype(int).
        fraction = size / 100.0
    elif isinstance(size, (float, np.floating)):
        fraction = size
    elif isinstance(size, np.unsignedinteger):
        raise TypeError(
            f"imresize: size={size!r} is an unsigned NumPy integer, which "
            "SciPy 1.1 did not accept as a percentage; pass int(size).")
    else:
        # A sequence (rows, columns); later entries (an RGB '3') are ignored.
        try:
            rows, columns = operator.index(size[0]), operator.index(size[1])
        except (TypeError, IndexError) as exc:
            raise TypeError(
                f"imresize: size={size!r} must be an int (percent), a float "
                "(fraction) or a (height, width) pair of ints.") from exc
        return columns, rows
    new_width, new_height = (np.array([width, height]) * fraction).astype(int)
    return int(new_width), int(new_height)


def imresize(arr, size, interp="bilinear", mode=None):
    """Resize an image array with Pillow (SciPy 1.1 ``scipy.misc.imresize``).

    The array goes through ``toimage(arr, mode=mode)`` first, so with the
    default ``mode`` **the result is always ``uint8`` and a non-``uint8``
    input is byte-scaled by its own min/max before resizing**.

    Args:
      arr: (H, W) or 3-D image array; the channel axis is found as in
        `toimage` (first axis of length 3, else 4), and the result is always
        channels-last.
      size: one of
        * int: percent of the current size, e.g. ``50`` halves both sides;
        * float: fraction of the current size, e.g. ``0.5``;
        * (height, width) sequence of ints; extra entries such as the ``3`` of
          ``(64, 64, 3)`` are ignored, as in SciPy 1.1.
        Percent and fraction sizes are truncated toward zero per side:
        ``imresize(a_5x7, 50)`` is 2x3.
      interp: ``'nearest'``, ``'lanczos'``, ``'bilinear'`` (default),
        ``'bicubic'`` or ``'cubic'`` (same as bicubic).  Palette (``'P'``)
        images are always resized with nearest neighbour by Pillow.
      mode: Pillow mode for the `toimage` step.  ``None`` gives 'L', 'RGB' or
        'RGBA' and a ``uint8`` result; ``'F'`` resizes a 2-D array as float32
        without byte-scaling; ``'P'`` comes back as (H, W, 3) RGB.

    Returns:
      The resized array: ``uint8`` (H', W') or (H', W', C) with the defaults.

    Raises:
      ValueError: a size that rounds to 0 pixels, an unknown ``interp``, or
        the `toimage` errors.  TypeError: a ``size`` of the wrong kind.

    Pitfalls:
      * Resizing float data in [0, 1] returns 0..255 ``uint8`` stretched to
        the image's own min/max; divide by 255 afterwards and the values still
        differ from the input's range.
      * ``size`` is (height, width) here but Pillow's ``resize`` takes
        (width, height).
      * ``50`` means 50 percent but ``0.5`` means half and ``1`` means 1
        percent; ``1.0`` keeps the size.

    Replacement: ``np.array(Image.fromarray(arr).resize((width, height),
    Image.BILINEAR))`` (SciPy 1.2's message; needs ``uint8`` input to match)
    or ``skimage.transform.resize(arr, (height, width))`` (SciPy 1.0/1.1's
    message), which keeps floats and does not byte-scale, so numbers differ.
    """
    if interp not in _RESAMPLE_BY_INTERP:
        raise ValueError(
            f"imresize: interp={interp!r} is not one of "
            f"{sorted(_RESAMPLE_BY_INTERP)}.")
    image = toimage(arr, mode=mode)
    new_size = _output_size(size, *image.size)
    if min(new_size) <= 0:
        raise ValueError(
            f"imresize: size={size!r} turns the {image.size[1]}x{image.size[0]} "
            f"image into {new_size[1]}x{new_size[0]} pixels; both sides must be "
            "at least 1.")
    return fromimage(image.resize(new_size, resample=_RESAMPLE_BY_INTERP[interp]))
