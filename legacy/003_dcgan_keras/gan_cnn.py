"""The two CNNs every GAN of the mnistGANs tutorials shares, so that the GAN variants compare like for like.

Seed: ../shared/seeds/003_998e8e36ec37d730.txt. The article shows these builders only as pictures and points to
gan_cnn.py of MorvanZhou/mnistGANs; the layer lists here follow the facts recorded in
../shared/docs/seed-notes.md (section 003), written for this suite.
"""
from tensorflow import keras


def mnist_uni_gen_cnn(input_shape):
    """The "uni" (unified) generator: a noise vector becomes a 28x28x1 image in [-1, 1].

    Args:
      input_shape: shape of one noise vector, e.g. (100,).

    Returns:
      a keras.Sequential mapping [n, latent] -> [n, 28, 28, 1] (tanh output).
    """
    return keras.Sequential([
        # [n, latent] -> [n, 7 * 7 * 128] -> [n, 7, 7, 128]
        keras.layers.Dense(7 * 7 * 128, input_shape=input_shape),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.Reshape((7, 7, 128)),
        # deconvolution: -> [n, 14, 14, 64]
        keras.layers.Conv2DTranspose(64, (4, 4), strides=(2, 2), padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        # -> [n, 28, 28, 32]
        keras.layers.Conv2DTranspose(32, (4, 4), strides=(2, 2), padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        # -> [n, 28, 28, 1], pixel values in [-1, 1] like the training data
        keras.layers.Conv2D(1, (4, 4), padding="same", activation=keras.activations.tanh),
    ])


def mnist_uni_disc_cnn(input_shape=(28, 28, 1), use_bn=True):
    """The "uni" discriminator body: image -> flat feature vector (the caller adds its own output layer).

    Args:
      input_shape: shape of one image.
      use_bn: put a BatchNormalization after each convolution (the article leaves the choice open: some papers
        found it helps GANs, some that it hurts; later tutorials of the series compare).

    Returns:
      a keras.Sequential mapping [n, 28, 28, 1] -> [n, 7 * 7 * 128].
    """
    model = keras.Sequential()
    # [n, 28, 28, 1] -> [n, 14, 14, 64]
    model.add(keras.layers.Conv2D(64, (4, 4), strides=(2, 2), padding="same", input_shape=input_shape))
    if use_bn:
        model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.LeakyReLU())
    model.add(keras.layers.Dropout(0.3))
    # -> [n, 7, 7, 128]
    model.add(keras.layers.Conv2D(128, (4, 4), strides=(2, 2), padding="same"))
    if use_bn:
        model.add(keras.layers.BatchNormalization())
    model.add(keras.layers.LeakyReLU())
    model.add(keras.layers.Dropout(0.3))
    # -> [n, 6272]
    model.add(keras.layers.Flatten())
    return model
