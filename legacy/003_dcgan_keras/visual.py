"""Pictures of a GAN's progress: a 10x10 grid of samples per epoch, and a gif of all epochs at the end."""
import os
import re

import matplotlib.pyplot as plt
import numpy as np
from PIL import Image


def _model_dir(model):
    return os.path.join("visual", model.__class__.__name__.lower())


def save_gan(model, ep, nc=10, nr=10):
    """Draw nc * nr fresh samples of `model` (generator in inference mode) into visual/<model>/<ep>.png.

    Args:
      model: a GAN whose call(n, training=False) returns n images [n, 28, 28, 1] in [-1, 1].
      ep: the epoch number, used as the file name.
      nc, nr: grid columns and rows; each cell is one inch at 100 dpi, so the PNG is (100 * nc) x (100 * nr) pixels.
    """
    imgs = model.call(nc * nr, training=False).numpy()
    imgs = (np.squeeze(imgs, axis=3) + 1) / 2  # tanh range [-1, 1] -> [0, 1] for imshow
    fig = plt.figure(figsize=(nc, nr), dpi=100)
    for i in range(nr * nc):
        plt.subplot(nr, nc, i + 1)
        plt.imshow(imgs[i], cmap="gray_r", vmin=0, vmax=1)
        plt.axis("off")
    plt.tight_layout()
    dir_ = _model_dir(model)
    os.makedirs(dir_, exist_ok=True)
    path = os.path.join(dir_, "{}.png".format(ep))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print("image saved to", path)


def cvt_gif(model, shrink=2):
    """Join the epoch grids of `model` (visual/<model>/<ep>.png, in epoch order) into visual/<model>.gif.

    Args:
      model: the GAN whose grids save_gan wrote.
      shrink: each frame is the grid scaled down by this factor, to keep the gif small.
    """
    dir_ = _model_dir(model)
    names = sorted((f for f in os.listdir(dir_) if re.fullmatch(r"\d+\.png", f)), key=lambda f: int(f[:-4]))
    frames = []
    for name in names:
        img = Image.open(os.path.join(dir_, name))
        frames.append(img.resize((img.width // shrink, img.height // shrink), Image.LANCZOS).convert("P"))
    path = dir_ + ".gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=300, loop=0)
    print("gif saved to", path)
