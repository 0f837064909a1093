"""Modern TensorFlow 2.21 ports of the legacy reproductions, one module per seed article.

Each module is written to be read next to its legacy script (``legacy/<folder>/``): the same blocks in the same
order, each introduced by a comment naming the legacy lines it replaces. The ports use only today's APIs
(``tf.Variable``, ``tf.function``, ``tf.GradientTape``, Keras 3 imported as ``keras`` — not ``tf.keras``, which
this project points at legacy Keras 2 through ``TF_USE_LEGACY_KERAS=1``), never ``tf.compat.v1``.

Where a modern default differs from the legacy one (Adam's epsilon, batch-norm momentum...), the port sets the
legacy value explicitly and says so in a comment: ``reproductions.equivalence`` proves each port trains like its
legacy script, step for step, from the same initial weights on the same batches and noise.

Modules: ``infogan_gan_000`` (legacy/000_infogan_gan/: ops.py, GAN.py, utils.py), ``dcgan_generator_001``
(legacy/001_dcgan_generator/dcgan_generator.py), ``cgan_maxout_002`` (legacy/002_cgan_maxout/: cgan.py, maxout.py),
``dcgan_keras_003`` (legacy/003_dcgan_keras/: dcgan.py, gan_cnn.py, mnist_ds.py), ``vanilla_gan_004``
(legacy/004_vanilla_gan/vanilla_gan.py). The last three keep their replay of the legacy data and noise order and
their stated tolerance in their own module (``replay``, ``TOLERANCE``).
"""
