#!/usr/bin/python3
# -*- coding: utf-8 -*-
"""
Seed 001: "【学习笔记】GAN模型的学习(5)------dcgan_generator" (../shared/seeds/001_821289774612090b.txt).

The article explains dcgan_generator, the noise generator of Justin-Tan/generative-compression (network.py, JTan
2018), layer by layer. dcgan_generator below is the article's code exactly. Everything else in this file is
completed so that it trains: it is the generator of a small TF1 GAN on 32x64 grey images, two MNIST (or
Fashion-MNIST) images side by side.

    python -m compat run --dataset fashion-mnist legacy/001_dcgan_generator/dcgan_generator.py [-rl] [-name NAME]

Completed beyond the article, and where each fact comes from (facts in ../shared/docs/seed-notes.md):
- from upstream generative-compression (config.py, model.py, train.py, utils.py): noise_dim 128, upsample_dim 256,
  Adam lr 2e-4 for G and D with beta1 0.5, a tf.bool placeholder `training_phase` fed to every batch norm, the
  graph under variable scopes 'generator' and 'discriminator', each optimizer built under
  tf.control_dependencies of its own scope's UPDATE_OPS (tf.layers.batch_normalization puts its moving-average
  updates there, and nothing runs them unless a train op depends on them), global-step counters, one G step then
  one D step per iteration, diagnostics (losses with training_phase False, a sample image) at the start of every
  epoch and every `diagnostic_steps` D steps, tf.train.Saver checkpoints in checkpoints/, -rl/--restore_last and
  -name/--name flags, the "Epoch {} | Generator Loss: ... | Discriminator Loss: ..." line, images in [-1, 1] and a
  final tanh (upstream's decoder ended in tanh; here the generator's output is the image, so the tanh follows it);
- completion choices (not in upstream): z ~ N(0, I) drawn with tf.random_normal, because upstream's
  tf.contrib.distributions.MultivariateNormalDiag is not served by the runtime (tf.contrib.distributions went
  to TensorFlow Probability) and draws the same distribution; C = 1 (grey) where upstream had 8 bottleneck
  channels; batch_size 64 (upstream trained Cityscapes with batch 1); 20 epochs; the data: read_data_sets
  (TF1 tutorial loader) in MNIST_data/, each 28x28 image zero-padded by 2 pixels to 32x32 and two of them
  concatenated along the width, giving the 32x64 the article's layers produce from 4x8; the discriminator
  dcgan_discriminator, written in the same 2018 tf.layers style after upstream's own dcgan_discriminator
  (5x5 stride-2 convolutions 64 and 128) but with leaky ReLU, no batch norm on the input layer and one logit
  (sigmoid cross-entropy, the vanilla GAN loss), as DCGAN (Radford et al. 2015) recommends; a checkpoint at every
  diagnostic, and the sample image as an 8x8 PNG grid in samples/ (upstream saved single PDFs).

The per-layer shapes the article states are printed and asserted after the graph is built.
"""
import tensorflow as tf
import numpy as np
import time, os
import argparse
import matplotlib as mpl
mpl.use('Agg')
import matplotlib.pyplot as plt
from tensorflow.examples.tutorials.mnist import input_data

tf.logging.set_verbosity(tf.logging.ERROR)


class config_train(object):
    num_epochs = 20
    batch_size = 64
    G_learning_rate = 2e-4
    D_learning_rate = 2e-4
    noise_dim = 128
    channel_bottleneck = 1     # C: output channels of dcgan_generator (grey images)
    upsample_dim = 256
    diagnostic_steps = 128


class directories(object):
    data = 'MNIST_data'
    checkpoints = 'checkpoints'
    samples = 'samples'


def dcgan_generator(z, config, training, C, reuse=False, actv=tf.nn.relu, kernel_size=5, upsample_dim=256):
    """
    Upsample noise to concatenate with quantized representation w_bar.
    + z:    Drawn from latent distribution - [batch_size, noise_dim]
    + C:    Bottleneck depth, controls bpp - last dimension of encoder output
    """
    init =  tf.contrib.layers.xavier_initializer()
    kwargs = {'center':True, 'scale':True, 'training':training, 'fused':True, 'renorm':False}
    with tf.variable_scope('noise_generator', reuse=reuse):

        # [batch_size, 4, 8, dim]
        with tf.variable_scope('fc1', reuse=reuse):
            h2 = tf.layers.dense(z, units=4 * 8 * upsample_dim, activation=actv, kernel_initializer=init)  # cifar-10
            h2 = tf.layers.batch_normalization(h2, **kwargs)
            h2 = tf.reshape(h2, shape=[-1, 4, 8, upsample_dim])

        # [batch_size, 8, 16, dim/2]
        with tf.variable_scope('upsample1', reuse=reuse):
            up1 = tf.layers.conv2d_transpose(h2, upsample_dim//2, kernel_size=kernel_size, strides=2, padding='same', activation=actv)
            up1 = tf.layers.batch_normalization(up1, **kwargs)

        # [batch_size, 16, 32, dim/4]
        with tf.variable_scope('upsample2', reuse=reuse):
            up2 = tf.layers.conv2d_transpose(up1, upsample_dim//4, kernel_size=kernel_size, strides=2, padding='same', activation=actv)
            up2 = tf.layers.batch_normalization(up2, **kwargs)
        
        # [batch_size, 32, 64, dim/8]
        with tf.variable_scope('upsample3', reuse=reuse):
            up3 = tf.layers.conv2d_transpose(up2, upsample_dim//8, kernel_size=kernel_size, strides=2, padding='same', activation=actv)  # cifar-10
            up3 = tf.layers.batch_normalization(up3, **kwargs)

        with tf.variable_scope('conv_out', reuse=reuse):
            out = tf.pad(up3, [[0, 0], [3, 3], [3, 3], [0, 0]], 'REFLECT')
            out = tf.layers.conv2d(out, C, kernel_size=7, strides=1, padding='VALID')

    return out


def dcgan_discriminator(x, config, training, reuse=False, actv=tf.nn.leaky_relu):
    """
    Logit of the probability that each image of x is real rather than G(z); returns [batch_size, 1].
    + x:        images [batch_size, 32, 64, 1] in [-1, 1]
    + config:   unused; every network function of upstream's Network class took the config first
    + training: bool tensor, batch norm uses batch statistics (True) or its moving averages (False)
    + reuse:    False on the first call (creates the variables), True on the second (shares them)
    + actv:     activation after each convolution (leaky ReLU, slope 0.2)
    """
    init = tf.contrib.layers.xavier_initializer()
    kwargs = {'center':True, 'scale':True, 'training':training, 'fused':True, 'renorm':False}
    with tf.variable_scope('discriminator', reuse=reuse):

        # [batch_size, 16, 32, 64]; no batch norm on the input layer (DCGAN)
        with tf.variable_scope('conv1', reuse=reuse):
            c1 = tf.layers.conv2d(x, 64, kernel_size=5, strides=2, padding='same', activation=actv)

        # [batch_size, 8, 16, 128]
        with tf.variable_scope('conv2', reuse=reuse):
            c2 = tf.layers.conv2d(c1, 128, kernel_size=5, strides=2, padding='same')
            c2 = actv(tf.layers.batch_normalization(c2, **kwargs))

        # [batch_size, 1]
        with tf.variable_scope('out', reuse=reuse):
            flat = tf.contrib.layers.flatten(c2)
            out = tf.layers.dense(flat, units=1, activation=None, kernel_initializer=init)

    return out


def side_by_side(images):
    """
    Pairs of flat 28x28 images in [0, 1], [2 * n, 784], as n images [n, 32, 64, 1] in [-1, 1]: each image is
    padded with 2 background pixels on every side to 32x32, and image i sits left of image n + i.
    """
    n = images.shape[0] // 2
    squares = np.pad(images.reshape(-1, 28, 28, 1), [[0, 0], [2, 2], [2, 2], [0, 0]], 'constant')
    pairs = np.concatenate([squares[:n], squares[n:2 * n]], axis=2)
    return pairs * 2. - 1.


def save_grid(images, path, rows=8, cols=8):
    """Write the first rows*cols images [N, h, w, 1] in [-1, 1] as one grey PNG of rows*h x cols*w pixels."""
    h, w = images.shape[1], images.shape[2]
    grid = images[:rows * cols, :, :, 0].reshape(rows, cols, h, w).transpose(0, 2, 1, 3).reshape(rows * h, cols * w)
    plt.imsave(path, grid, cmap='gray', vmin=-1., vmax=1.)


parser = argparse.ArgumentParser(formatter_class=argparse.ArgumentDefaultsHelpFormatter)
parser.add_argument("-rl", "--restore_last", help="restore last saved model", action="store_true")
parser.add_argument("-name", "--name", default="dcgan_generator", help="Checkpoint/sample label")
args = parser.parse_args()
config = config_train

for folder in (directories.checkpoints, directories.samples):
    if not os.path.exists(folder):
        os.makedirs(folder)

mnist = input_data.read_data_sets(directories.data, one_hot=False)
steps_per_epoch = mnist.train.num_examples // (2 * config.batch_size)

# >>> Graph
G_global_step = tf.Variable(0, trainable=False)
D_global_step = tf.Variable(0, trainable=False)
training_phase = tf.placeholder(tf.bool, name='training_phase')
real_images = tf.placeholder(tf.float32, [None, 32, 64, 1], name='real_images')

with tf.variable_scope('generator'):
    z = tf.random_normal([config.batch_size, config.noise_dim])
    Gz = dcgan_generator(z, config, training_phase, C=config.channel_bottleneck, upsample_dim=config.upsample_dim)
    G_sample = tf.nn.tanh(Gz)

D_logit_real = dcgan_discriminator(real_images, config, training_phase)
D_logit_fake = dcgan_discriminator(G_sample, config, training_phase, reuse=True)

# The shapes the article gives for each stage, checked against what TF1 built. Intermediate tensors are found by
# the names tf.layers gave them: <variable scope>/<layer name>/<op name>.
B, graph = config.batch_size, tf.get_default_graph()
article_shapes = [
    ('fc1', 'generator/noise_generator/fc1/Reshape:0', [B, 4, 8, 256]),
    ('upsample1', 'generator/noise_generator/upsample1/conv2d_transpose/Relu:0', [B, 8, 16, 128]),
    ('upsample2', 'generator/noise_generator/upsample2/conv2d_transpose/Relu:0', [B, 16, 32, 64]),
    ('upsample3', 'generator/noise_generator/upsample3/conv2d_transpose/Relu:0', [B, 32, 64, 32]),
    ('conv_out/pad', 'generator/noise_generator/conv_out/MirrorPad:0', [B, 38, 70, 32]),
    ('conv_out', Gz.name, [B, 32, 64, config.channel_bottleneck]),
]
for stage, tensor_name, expected in article_shapes:
    shape = graph.get_tensor_by_name(tensor_name).get_shape().as_list()
    print('noise_generator/{}: {}'.format(stage, shape))
    assert shape == expected, 'noise_generator/{} is {}, the article says {}'.format(stage, shape, expected)

# vanilla GAN losses: D tells real (1) from generated (0); G wants its images called real
D_loss_real = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_logit_real, labels=tf.ones_like(D_logit_real)))
D_loss_gen = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_logit_fake, labels=tf.zeros_like(D_logit_fake)))
D_loss = D_loss_real + D_loss_gen
G_loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=D_logit_fake, labels=tf.ones_like(D_logit_fake)))

theta_G = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='generator')
theta_D = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope='discriminator')
G_update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS, scope='generator')
D_update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS, scope='discriminator')

# Execute the update_ops before performing the train_step
with tf.control_dependencies(G_update_ops):
    G_opt_op = tf.train.AdamOptimizer(learning_rate=config.G_learning_rate, beta1=0.5).minimize(
        G_loss, name='G_opt', global_step=G_global_step, var_list=theta_G)
with tf.control_dependencies(D_update_ops):
    D_opt_op = tf.train.AdamOptimizer(learning_rate=config.D_learning_rate, beta1=0.5).minimize(
        D_loss, name='D_opt', global_step=D_global_step, var_list=theta_D)

saver = tf.train.Saver()


def run_diagnostics(sess, epoch, step, start_time):
    """Print G and D losses on a fresh batch (batch norm in inference mode), write an 8x8 grid of G's
    samples to samples/ and a checkpoint to checkpoints/."""
    t0 = time.time()
    images, _ = mnist.train.next_batch(2 * config.batch_size)
    G_loss_eval, D_loss_eval = sess.run([G_loss, D_loss], feed_dict={
        real_images: side_by_side(images), training_phase: False})
    samples = sess.run(G_sample, feed_dict={training_phase: True})
    save_grid(samples, os.path.join(directories.samples, '{}_epoch{}_step{}_gen.png'.format(args.name, epoch, step)))
    save_path = saver.save(sess, os.path.join(directories.checkpoints, '{}_last.ckpt'.format(args.name)),
                           global_step=step)
    print('Epoch {} | Generator Loss: {:.3f} | Discriminator Loss: {:.3f} | Rate: {} examples/s ({:.2f} s) | '
          'saved {}'.format(epoch, G_loss_eval, D_loss_eval, int(config.batch_size / (time.time() - t0)),
                            time.time() - start_time, save_path))


with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    ckpt = tf.train.get_checkpoint_state(directories.checkpoints)
    if args.restore_last and ckpt and ckpt.model_checkpoint_path:
        saver.restore(sess, ckpt.model_checkpoint_path)
        print('{} restored.'.format(ckpt.model_checkpoint_path))

    start_time = time.time()
    for epoch in range(config.num_epochs):
        run_diagnostics(sess, epoch, sess.run(D_global_step), start_time)

        for _ in range(steps_per_epoch):
            images, _ = mnist.train.next_batch(2 * config.batch_size)
            feed_dict = {real_images: side_by_side(images), training_phase: True}

            # Update generator
            _, G_loss_curr = sess.run([G_opt_op, G_loss], feed_dict=feed_dict)

            # Update discriminator
            _, D_loss_curr = sess.run([D_opt_op, D_loss], feed_dict=feed_dict)

            # read after the update: fetched in the same run, the counter could be read before or after it
            step = tf.train.global_step(sess, D_global_step)

            if step % config.diagnostic_steps == 0:
                run_diagnostics(sess, epoch, step, start_time)

    save_path = saver.save(sess, os.path.join(directories.checkpoints, '{}_end.ckpt'.format(args.name)),
                           global_step=epoch)

print("Training Complete. Model saved to file: {} Time elapsed: {:.3f} s".format(save_path, time.time() - start_time))
