#!/usr/bin/env python3
# -*- coding: UTF-8 -*-
#
# Seed: ../shared/seeds/002_0af7dfb03414b235.txt, section "五、Maxout网络层实现" (from the book
# 《GAN生成对抗神经网络原理与实践》, TensorFlow 2.0). The article's maxout.py, kept verbatim: the web page had lost
# its line breaks and indentation, which are restored here; the one code change is marked `# FIX:` below.

from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import tensorflow as tf # TensorFlow 2.0


class MaxoutDense(tf.keras.layers.Layer):
    def __init__(self, k, output_dims, kernel_initializer=None):
        '''
        参数:
            k : k个神经元一组
            output_dims: 输出的神经元个数
            kernel_initializer: 参数初始化器,GAN模型训练困难,参数初始化必须小心。
                在这里我们采用均值为0.0、方差为0.02的正态分布随机数来填充
        '''
        super(MaxoutDense, self).__init__()
        self.k = k
        self.output_dims = output_dims
        if kernel_initializer is None:
            kernel_initializer = tf.random_normal_initializer(
                mean=0.0, stddev=0.02)
        self.kernel_initializer = kernel_initializer

    def build(self, input_shape):
        '''
        在调用call之前,根据输入张量的形状,初始化变量。
        在调用call函数之前,由父类自动调用。
        '''
        d = input_shape[-1]

        self.W = tf.Variable(self.kernel_initializer(
            shape=[d, self.output_dims, self.k]))
        self.b = tf.Variable(self.kernel_initializer(
            shape=[self.output_dims, self.k]))

    def call(self, input):
        '''
        执行Maxout计算。
        '''
        # FIX: the article's text reads `tf.tensordot(input, self.W, axes=1) self.b`, a syntax error: the '+' was
        # lost when the page was scraped. The layer is the affine map x.W + b ([batch, output_dims, k]) followed by
        # the max over the k pieces, so the '+' is restored.
        z = tf.tensordot(input, self.W, axes=1) + self.b
        # 对k组输出结果,求最大值
        z = tf.reduce_max(z, axis=2)

        return z
