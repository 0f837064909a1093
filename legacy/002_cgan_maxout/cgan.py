#!/usr/bin/env python3
# -*- coding: UTF-8 -*-
"""CGAN with a Maxout discriminator on MNIST, TensorFlow 2.0 Keras style (2019-2020).

Seed: ../shared/seeds/002_0af7dfb03414b235.txt ("CGAN--条件生成对抗神经网络", from the book
《GAN生成对抗神经网络原理与实践》). The article gives the two architectures and the MaxoutDense layer (maxout.py,
kept verbatim next to this file); everything else here is completed, each fact with its source:

- Generator (article): one-hot y -> Dense 200 -> BN -> ReLU; z -> Dense 1000 -> BN -> ReLU; concatenated ->
  Dense 512 -> LeakyReLU -> BN; -> Dense 784 sigmoid -> BN. The order (BN *after* the sigmoid output) is the book's;
  512 is the book's choice where the CGAN paper has 1200. The LeakyReLU slope 0.2 is not in the article: 0.2 is the
  slope of the DCGAN paper and of the 2019 Keras GAN tutorials (Keras's own default is 0.3).
- Discriminator (article): x -> MaxoutDense(k=5, 240); y -> MaxoutDense(k=5, 50); concatenated ->
  MaxoutDense(k=4, 240) -> Dense 1 sigmoid.
- Data (article): real images scaled from [0, 255] to [0, 1] to match the sigmoid; the labels fed to G are the real
  batch's labels, not random ones ("这里的类别标签(y)来源于样本数据,而不是随机生成的标签"). For display the
  generated values are mapped to [-1, 1] (the article: otherwise the pictures look grey and washed out; the BN after
  the sigmoid leaves them outside [0, 1]).
- Noise (CGAN paper, Mirza & Osindero 2014, section 4.1): z is 100-d, "drawn from a uniform distribution within the
  unit hypercube", i.e. U(0, 1)^100.
- Training (not in the article; completed the way 2019 Keras GAN tutorials did it, e.g. eriklindernoren/Keras-GAN):
  Keras functional models; discriminator.compile(binary_crossentropy, accuracy); then discriminator.trainable = False
  and a `combined` model G -> D compiled for G's update; per step train_on_batch for D on a real batch (target 1),
  for D on a generated batch (target 0), then for the combined model (target 1). Batch size 100 (the CGAN paper's);
  20 epochs by default (the book does not say).
- Optimizers: Adam with beta_1 = 0.5 (the DCGAN paper's setting, the common GAN choice since 2016); learning rate
  0.0002 for D and 0.001 for G. The 5x rate for G follows the GAN collection behind seed 000
  (hwalsuklee/tensorflow-generative-model-collections, D 2e-4 / G 1e-3), and is needed here: with the book's
  batch norm after the output sigmoid, G's per-pixel mean and spread over a batch are set by that layer's beta and
  gamma alone, which Adam moves by about one learning rate per step. Measured on Fashion-MNIST (seed 1): with 2e-4
  for both, G's mean pixel was 0.02 after 300 steps (real images: 0.29) and through two epochs D's accuracy stayed
  at 95-100% and G's loss at 10-22; with 1e-3 for G, from about step 900 on D's loss is 0.5-0.75 (accuracy
  52-71%) and G's 1.0-1.8, and after 3 epochs each grid column is recognisably its class. (The CGAN paper's SGD with
  momentum and a decay schedule needs tuning the book does not give.)
- The generated half of D's batch comes from `generator(..., training=True)`, not from `generator.predict`, as
  tutorials of the time wrote it: predict runs the batch norms on their moving averages, and with a batch norm on
  the output that is another distribution than the one the combined model trains G on; D then learns to reject
  predict's images while passing the training-mode ones (measured: after 100 steps D loss 0.005 at 100% accuracy
  and G loss 0.0002, both "winning", G learning nothing).
- Outputs: losses printed every LOG_INTERVAL steps; every SAMPLE_INTERVAL steps from the first on, and at the end, a
  10x10 conditional grid `images/<step>.png` (1000x1000 px: each row shares one noise vector, column c is label c)
  and the weights of both models, `saved_model/generator_weights` and `saved_model/discriminator_weights`
  (TensorFlow checkpoint format: `.index` + `.data-00000-of-00001`). Not `.h5`: the article's MaxoutDense creates
  its W and b with unnamed tf.Variable, so both are called "Variable:0" and an HDF5 weight file cannot hold the two
  (h5py: "name already exists"); the TF format keys weights by attribute (W, b) instead.

Run (the runner serves Fashion-MNIST for mnist.load_data where MNIST's training images are not on disk):
  python -m compat run --dataset fashion-mnist legacy/002_cgan_maxout/cgan.py --epochs 20 --batch_size 100
Generator / discriminator for a harness: `cgan.generator`, `cgan.discriminator` (`cgan.combined` trains G).
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import argparse
import os

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf  # TensorFlow 2.0
from tensorflow.keras.layers import Activation, BatchNormalization, Dense, Input, LeakyReLU, concatenate
from tensorflow.keras.models import Model

from maxout import MaxoutDense

LATENT_DIM = 100
NUM_CLASSES = 10
IMG_ROWS, IMG_COLS = 28, 28
IMG_DIM = IMG_ROWS * IMG_COLS
LOG_INTERVAL = 100  # print the losses every 100 steps (600 steps make one epoch at batch size 100)
SAMPLE_INTERVAL = 200  # a sample grid and the weights every 200 steps, from the first step on


class CGAN():
    def __init__(self):
        # Adam with beta_1 = 0.5 for both; G's learning rate is 5x D's (see the header: the book's batch norm on
        # G's output moves only as fast as Adam lets its beta and gamma move)
        d_optimizer = tf.keras.optimizers.Adam(0.0002, 0.5)
        g_optimizer = tf.keras.optimizers.Adam(0.001, 0.5)

        # The discriminator is compiled while trainable: its own train_on_batch updates its weights.
        self.discriminator = self.build_discriminator()
        self.discriminator.compile(loss='binary_crossentropy', optimizer=d_optimizer, metrics=['accuracy'])

        self.generator = self.build_generator()

        # G(z|y) judged by D(x|y); the combined model trains G only: Keras 2 reads `trainable` when a model is
        # compiled, so D stays trainable in its own compiled model and frozen in this one.
        noise = Input(shape=(LATENT_DIM,))
        label = Input(shape=(NUM_CLASSES,))
        img = self.generator([noise, label])
        self.discriminator.trainable = False
        valid = self.discriminator([img, label])
        self.combined = Model([noise, label], valid, name='combined')
        self.combined.compile(loss='binary_crossentropy', optimizer=g_optimizer)

    def build_generator(self):
        noise = Input(shape=(LATENT_DIM,))
        label = Input(shape=(NUM_CLASSES,))  # one-hot

        label_h0 = Dense(200)(label)
        label_h0 = BatchNormalization()(label_h0)
        label_h0 = Activation('relu')(label_h0)

        noise_h0 = Dense(1000)(noise)
        noise_h0 = BatchNormalization()(noise_h0)
        noise_h0 = Activation('relu')(noise_h0)

        h1 = concatenate([label_h0, noise_h0])
        h1 = Dense(512)(h1)
        h1 = LeakyReLU(alpha=0.2)(h1)
        h1 = BatchNormalization()(h1)

        img = Dense(IMG_DIM, activation='sigmoid')(h1)
        img = BatchNormalization()(img)  # the book's order: batch norm after the sigmoid output

        model = Model([noise, label], img, name='generator')
        model.summary()
        return model

    def build_discriminator(self):
        image = Input(shape=(IMG_DIM,))
        label = Input(shape=(NUM_CLASSES,))  # one-hot

        # 将图像连接到k=5、输出神经元个数为240的Maxout层 (the article's example line)
        image_h0 = MaxoutDense(k=5, output_dims=240)(image)
        label_h0 = MaxoutDense(k=5, output_dims=50)(label)

        h1 = concatenate([image_h0, label_h0])
        h1 = MaxoutDense(k=4, output_dims=240)(h1)

        validity = Dense(1, activation='sigmoid')(h1)

        model = Model([image, label], validity, name='discriminator')
        model.summary()
        return model

    def train(self, epochs, batch_size=100):
        (x_train, y_train), (_, _) = tf.keras.datasets.mnist.load_data()

        # [0, 255] -> [0, 1], the range of the generator's sigmoid
        x_train = x_train.reshape(-1, IMG_DIM).astype(np.float32) / 255.0
        y_train = tf.keras.utils.to_categorical(y_train, NUM_CLASSES)

        valid = np.ones((batch_size, 1))
        fake = np.zeros((batch_size, 1))

        # one noise vector per grid row, drawn once so that every grid shows the same rows
        self.sample_noise = np.random.uniform(0, 1, (NUM_CLASSES, LATENT_DIM))

        steps = len(x_train) // batch_size
        iteration = 0  # steps since the start, over all epochs
        for epoch in range(epochs):
            order = np.random.permutation(len(x_train))
            for step in range(steps):
                idx = order[step * batch_size:(step + 1) * batch_size]
                imgs, labels = x_train[idx], y_train[idx]

                noise = np.random.uniform(0, 1, (batch_size, LATENT_DIM))
                # training=True: the batch norms use this batch's statistics, as they do when the combined model
                # trains G. generator.predict would use the moving averages instead, and with a batch norm on the
                # output that is a different distribution from the one G is trained to pass off as real.
                gen_imgs = self.generator([noise, labels], training=True)

                # ---------------------
                #  Train Discriminator
                # ---------------------
                d_loss_real = self.discriminator.train_on_batch([imgs, labels], valid)
                d_loss_fake = self.discriminator.train_on_batch([gen_imgs, labels], fake)
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)

                # ---------------------
                #  Train Generator
                # ---------------------
                # the real batch's labels condition G, as the article insists
                g_loss = self.combined.train_on_batch([noise, labels], valid)

                if step % LOG_INTERVAL == 0:
                    print("epoch %d step %d [D loss: %f, acc.: %.2f%%] [G loss: %f]"
                          % (epoch, step, d_loss[0], 100 * d_loss[1], g_loss))

                if iteration % SAMPLE_INTERVAL == 0:
                    self.sample_images(iteration)
                    self.save_weights()
                iteration += 1

        self.sample_images(iteration)
        self.save_weights()

    def sample_images(self, iteration):
        r, c = NUM_CLASSES, NUM_CLASSES
        noise = np.repeat(self.sample_noise, c, axis=0)  # row i: noise i
        labels = np.tile(np.eye(NUM_CLASSES), (r, 1))  # column j: label j
        gen_imgs = self.generator.predict([noise, labels])

        # map to [-1, 1] for display, as the article says: the output batch norm leaves [0, 1]
        gen_imgs = 2 * (gen_imgs - gen_imgs.min()) / (gen_imgs.max() - gen_imgs.min()) - 1
        gen_imgs = gen_imgs.reshape(-1, IMG_ROWS, IMG_COLS)

        os.makedirs('images', exist_ok=True)
        fig, axs = plt.subplots(r, c, figsize=(10, 10))
        fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98, wspace=0.1, hspace=0.1)
        cnt = 0
        for i in range(r):
            for j in range(c):
                axs[i, j].imshow(gen_imgs[cnt], cmap='gray', vmin=-1, vmax=1)
                axs[i, j].axis('off')
                cnt += 1
        fig.savefig("images/%d.png" % iteration, dpi=100)
        plt.close(fig)

    def save_weights(self):
        os.makedirs('saved_model', exist_ok=True)
        self.generator.save_weights('saved_model/generator_weights')
        self.discriminator.save_weights('saved_model/discriminator_weights')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description='CGAN with Maxout discriminator (TensorFlow 2.0 Keras)')
    parser.add_argument('--epochs', type=int, default=20, help='passes over the 60000 training images')
    parser.add_argument('--batch_size', type=int, default=100, help='images per step (the CGAN paper used 100)')
    args = parser.parse_args()
    if args.epochs < 1 or not 1 <= args.batch_size <= 60000:
        parser.error('--epochs must be at least 1 and --batch_size between 1 and 60000 (the training set)')

    cgan = CGAN()
    cgan.train(epochs=args.epochs, batch_size=args.batch_size)
