#-*- coding: utf-8 -*-
"""
Seed 000: "GAN代码的搭建(2)" (../shared/seeds/000_84f148a30d6ae56a.txt), a GAN with the infoGAN architecture
for MNIST, TF1 graph mode.

From the article, verbatim (Chinese comments included, indentation restored): generator() and discriminator()
below, and the helpers in ops.py. The article's discriminator differs from its source in one place: a
MinibatchLayer (scope d_fc3) between the convolutions and the 1024-unit layer, so the layers after it are
d_fc4/d_bn4/d_fc5.

Completed beyond the article (it defers losses and training to a later post), from its upstream collection,
hwalsuklee/tensorflow-generative-model-collections, GAN.py (facts in ../shared/docs/seed-notes.md; the code here
is this project's own):
- the class: GAN(sess, epoch, batch_size, z_dim, dataset_name, checkpoint_dir, result_dir, log_dir), with
  build_model / train / visualize_results / save / load and the model_dir naming "GAN_<dataset>_<batch>_<z_dim>";
- losses: sigmoid cross-entropy, D on real (label 1) and fake (label 0), G on fake (label 1);
- trainable variables split by 'd_' / 'g_' in their names; Adam, lr 2e-4 for D and 5 x 2e-4 for G, beta1 0.5,
  both built under tf.control_dependencies(UPDATE_OPS) (empty here: bn() updates its statistics in place);
- per batch: one D step (on the batch and fresh z ~ U(-1, 1)), then one G step on the same z; batches are
  consecutive slices of the once-shuffled 70000 images, the last partial batch dropped;
- a test generator (is_training=False, reuse=True) renders 64 images as an 8x8 grid into
  results/<model_dir>/GAN_train_<epoch>_<batch>.png every 300 iterations, and GAN_epoch<NNN>_test_all_classes.png
  after each epoch; a tf.train.Saver checkpoint checkpoint/<model_dir>/GAN/GAN.model-<counter> after each epoch;
  training resumes from the latest checkpoint;
- TensorBoard summaries d_loss_real, d_loss_fake, d_loss, g_loss in logs/GAN;
- the progress line "Epoch: [%2d] [%4d/%4d] time: %4.4f, d_loss: %.8f, g_loss: %.8f" every iteration.

The article's networks reshape to self.batch_size, so the graph is built for a fixed batch size: the inputs and
the test generator are batch_size wide, as in the original.
"""
from __future__ import division
import os
import re
import time

import tensorflow as tf
import numpy as np

from ops import *
from utils import *


class GAN(object):
    model_name = "GAN"     # name for checkpoint

    def __init__(self, sess, epoch, batch_size, z_dim, dataset_name, checkpoint_dir, result_dir, log_dir):
        """
        sess: the tf.Session everything runs in (TF1: variables live in the session, not in Python objects).
        epoch: number of passes over the 70000 images.
        batch_size: images per step; the graph is built for exactly this many (placeholders and reshapes).
        z_dim: dimension of the noise vector (62 in infoGAN's MNIST setting).
        dataset_name: 'mnist' or 'fashion-mnist': the folder ./data/<dataset_name>/ holding the four IDX .gz files.
        checkpoint_dir, result_dir, log_dir: output folders (checkpoints, PNG grids, TensorBoard event files).
        """
        self.sess = sess
        self.dataset_name = dataset_name
        self.checkpoint_dir = checkpoint_dir
        self.result_dir = result_dir
        self.log_dir = log_dir
        self.epoch = epoch
        self.batch_size = batch_size

        if dataset_name == 'mnist' or dataset_name == 'fashion-mnist':
            # parameters
            self.input_height = 28
            self.input_width = 28
            self.output_height = 28
            self.output_width = 28

            self.z_dim = z_dim         # dimension of noise-vector
            self.c_dim = 1

            # train
            self.learning_rate = 0.0002
            self.beta1 = 0.5

            # test
            self.sample_num = 64  # number of generated images to be saved

            # load mnist
            self.data_X, self.data_y = load_mnist(self.dataset_name)

            # get number of batches for a single epoch
            self.num_batches = len(self.data_X) // self.batch_size
        else:
            raise NotImplementedError('dataset %r: this GAN reads only mnist or fashion-mnist' % dataset_name)

    # 送入鉴别器的输入为(64,28,28,1)
    def discriminator(self, x, is_training=True, reuse=False):
        with tf.variable_scope("discriminator", reuse=reuse):
            # 经过这一步卷积后,(64,28,28,1)-->(64,14,14,64) 具体的计算为(28-2)/2+1
            net = lrelu(conv2d(x, 64, 4, 4, 2, 2, name='d_conv1'))
            net = lrelu(
                bn(conv2d(net, 128, 4, 4, 2, 2, name='d_conv2'),
                   is_training=is_training, scope='d_bn2'))
            net = tf.reshape(net, [self.batch_size, -1])
            net = MinibatchLayer(32, 32, net, 'd_fc3')
            net = lrelu(bn(linear(net, 1024, scope='d_fc4'),
                           is_training=is_training, scope='d_bn4'))
            out_logit = linear(net, 1, scope='d_fc5')
            out = tf.nn.sigmoid(out_logit)
            return out, out_logit, net

    # 送入生成器的输入噪声z为(64,62)
    def generator(self, z, is_training=True, reuse=False):
        with tf.variable_scope("generator", reuse=reuse):
            net = tf.nn.relu(bn(linear(z, 1024, scope='g_fc1'),
                                is_training=is_training, scope='g_bn1'))
            net = tf.nn.relu(bn(linear(net, 128 * 7 * 7, scope='g_fc2'),
                                is_training=is_training, scope='g_bn2'))
            net = tf.reshape(net, [self.batch_size, 7, 7, 128])
            net = tf.nn.relu(
                bn(deconv2d(net, [self.batch_size, 14, 14, 64], 4, 4, 2, 2,
                            name='g_dc3'), is_training=is_training, scope='g_bn3'))
            out = tf.nn.sigmoid(deconv2d(net, [self.batch_size, 28, 28, 1], 4, 4, 2, 2,
                                         name='g_dc4'))
            return out

    def build_model(self):
        """Build placeholders, both networks, losses, optimizers, the test generator and the summaries."""
        bs = self.batch_size
        image_dims = [self.input_height, self.input_width, self.c_dim]

        # graph inputs, fed at every sess.run: a batch of real images and a batch of noise
        self.inputs = tf.placeholder(tf.float32, [bs] + image_dims, name='real_images')
        self.z = tf.placeholder(tf.float32, [bs, self.z_dim], name='z')

        # D on real images creates the discriminator's variables; G, then D on G(z) with reuse=True shares them
        D_real, D_real_logits, _ = self.discriminator(self.inputs, is_training=True, reuse=False)
        G = self.generator(self.z, is_training=True, reuse=False)
        D_fake, D_fake_logits, _ = self.discriminator(G, is_training=True, reuse=True)

        # the harness reaches the training-mode outputs through these attributes
        self.G = G
        self.D_real_logits, self.D_fake_logits = D_real_logits, D_fake_logits

        # D: real -> 1, fake -> 0; G: fake -> 1 (the non-saturating loss of Goodfellow et al. 2014)
        d_loss_real = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(logits=D_real_logits, labels=tf.ones_like(D_real)))
        d_loss_fake = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(logits=D_fake_logits, labels=tf.zeros_like(D_fake)))
        self.d_loss = d_loss_real + d_loss_fake
        self.g_loss = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(logits=D_fake_logits, labels=tf.ones_like(D_fake)))

        # each optimizer updates only its own network: the scope names start with d_ or g_
        t_vars = tf.trainable_variables()
        d_vars = [var for var in t_vars if 'd_' in var.name]
        g_vars = [var for var in t_vars if 'g_' in var.name]

        # UPDATE_OPS is where tf.layers / slim batch norm put their moving-average updates; bn() here updates in
        # place (updates_collections=None), so the collection is empty, but the dependency is the era's habit
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            self.d_optim = tf.train.AdamOptimizer(self.learning_rate, beta1=self.beta1) \
                .minimize(self.d_loss, var_list=d_vars)
            self.g_optim = tf.train.AdamOptimizer(self.learning_rate * 5, beta1=self.beta1) \
                .minimize(self.g_loss, var_list=g_vars)

        # the test generator: same weights (reuse), batch norm with its moving statistics
        self.fake_images = self.generator(self.z, is_training=False, reuse=True)

        # TensorBoard: D's step writes d_loss_real and d_loss, G's step d_loss_fake and g_loss
        d_loss_real_sum = tf.summary.scalar("d_loss_real", d_loss_real)
        d_loss_fake_sum = tf.summary.scalar("d_loss_fake", d_loss_fake)
        d_loss_sum = tf.summary.scalar("d_loss", self.d_loss)
        g_loss_sum = tf.summary.scalar("g_loss", self.g_loss)
        self.d_sum = tf.summary.merge([d_loss_real_sum, d_loss_sum])
        self.g_sum = tf.summary.merge([d_loss_fake_sum, g_loss_sum])

    def train(self):
        """Train for self.epoch epochs (resuming from the latest checkpoint), writing grids and checkpoints."""
        tf.global_variables_initializer().run()

        # fixed noise for the grids written during training, so they show the same 64 samples improving
        self.sample_z = np.random.uniform(-1, 1, size=(self.batch_size, self.z_dim))

        self.saver = tf.train.Saver()
        self.writer = tf.summary.FileWriter(self.log_dir + '/' + self.model_name, self.sess.graph)

        # counter = number of the next iteration, counted from 1 over the whole run; a checkpoint stores it
        found, counter = self.load(self.checkpoint_dir)
        if found:
            start_epoch, start_batch_id = divmod(counter, self.num_batches)
            print(" [*] Load SUCCESS")
        else:
            start_epoch, start_batch_id, counter = 0, 0, 1
            print(" [!] Load failed...")

        start_time = time.time()
        for epoch in range(start_epoch, self.epoch):
            for idx in range(start_batch_id, self.num_batches):
                batch_images = self.data_X[idx * self.batch_size:(idx + 1) * self.batch_size]
                batch_z = np.random.uniform(-1, 1, [self.batch_size, self.z_dim]).astype(np.float32)

                # one D step on real images and G(z), then one G step on the same z
                _, summary_str, d_loss = self.sess.run([self.d_optim, self.d_sum, self.d_loss],
                                                       feed_dict={self.inputs: batch_images, self.z: batch_z})
                self.writer.add_summary(summary_str, counter)
                _, summary_str, g_loss = self.sess.run([self.g_optim, self.g_sum, self.g_loss],
                                                       feed_dict={self.z: batch_z})
                self.writer.add_summary(summary_str, counter)

                counter += 1
                print("Epoch: [%2d] [%4d/%4d] time: %4.4f, d_loss: %.8f, g_loss: %.8f"
                      % (epoch, idx, self.num_batches, time.time() - start_time, d_loss, g_loss))

                if np.mod(counter, 300) == 0:
                    self.save_grid(self.sess.run(self.fake_images, feed_dict={self.z: self.sample_z}),
                                   self.model_name + '_train_{:02d}_{:04d}.png'.format(epoch, idx))

            # only the first epoch after a restore starts in the middle
            start_batch_id = 0

            self.save(self.checkpoint_dir, counter)
            self.visualize_results(epoch)

        self.save(self.checkpoint_dir, counter)

    def save_grid(self, samples, file_name):
        """Write the first 64 (8x8; fewer for a smaller batch) of `samples` as one PNG in results/<model_dir>/."""
        side = int(np.floor(np.sqrt(min(self.sample_num, self.batch_size))))
        folder = check_folder(os.path.join(self.result_dir, self.model_dir))
        save_images(samples[:side * side], [side, side], os.path.join(folder, file_name))

    def visualize_results(self, epoch):
        """Write 64 samples of fresh noise as results/<model_dir>/GAN_epoch<epoch>_test_all_classes.png."""
        z_sample = np.random.uniform(-1, 1, size=(self.batch_size, self.z_dim))
        self.save_grid(self.sess.run(self.fake_images, feed_dict={self.z: z_sample}),
                       self.model_name + '_epoch%03d' % epoch + '_test_all_classes.png')

    @property
    def model_dir(self):
        """Folder name shared by checkpoints and results: GAN_<dataset>_<batch_size>_<z_dim>."""
        return "{}_{}_{}_{}".format(self.model_name, self.dataset_name, self.batch_size, self.z_dim)

    def save(self, checkpoint_dir, step):
        """Checkpoint every variable to <checkpoint_dir>/<model_dir>/GAN/GAN.model-<step>."""
        folder = check_folder(os.path.join(checkpoint_dir, self.model_dir, self.model_name))
        self.saver.save(self.sess, os.path.join(folder, self.model_name + '.model'), global_step=step)

    def load(self, checkpoint_dir):
        """Restore the latest checkpoint of this model_dir, if any; returns (found, the step it was saved at)."""
        print(" [*] Reading checkpoints...")
        folder = os.path.join(checkpoint_dir, self.model_dir, self.model_name)
        ckpt = tf.train.get_checkpoint_state(folder)
        if not (ckpt and ckpt.model_checkpoint_path):
            print(" [*] Failed to find a checkpoint")
            return False, 0
        ckpt_name = os.path.basename(ckpt.model_checkpoint_path)
        self.saver.restore(self.sess, os.path.join(folder, ckpt_name))
        print(" [*] Success to read {}".format(ckpt_name))
        return True, int(re.findall(r"\d+", ckpt_name)[-1])  # the step: last number of "GAN.model-<step>"
