#-*- coding: utf-8 -*-
"""
Seed 000 ("GAN代码的搭建(2)", ../shared/seeds/000_84f148a30d6ae56a.txt): train the article's GAN.

    python -m compat run legacy/000_infogan_gan/main.py --dataset fashion-mnist [--epoch 40]

The command line is the one of the article's upstream collection, hwalsuklee/tensorflow-generative-model-
collections (main.py; facts in ../shared/docs/seed-notes.md): --gan_type, --dataset, --epoch (20), --batch_size
(64), --z_dim (62), --checkpoint_dir (checkpoint), --result_dir (results), --log_dir (logs). Only the article's
model, GAN, is here, so --gan_type accepts only GAN and is optional. The data are read from ./data/<dataset>/
(relative to the working directory), which must hold the four IDX .gz files; that check, with a message saying
what to do, is this project's addition (the original failed inside gzip.open).

After training, main() writes one more 8x8 grid for the last epoch (visualize_results), as the original did.
"""
import argparse
import os

import tensorflow as tf

from GAN import GAN
from utils import IDX_FILES, check_folder, show_all_variables


def parse_args():
    """Parse and check the command line; returns the argparse namespace."""
    desc = "Tensorflow implementation of GAN collections"
    parser = argparse.ArgumentParser(description=desc)

    parser.add_argument('--gan_type', type=str, default='GAN', choices=['GAN'],
                        help='The type of GAN (only the article\'s GAN here)')
    parser.add_argument('--dataset', type=str, default='mnist', choices=['mnist', 'fashion-mnist'],
                        help='The name of dataset: the folder data/<dataset>/ with the four IDX .gz files')
    parser.add_argument('--epoch', type=int, default=20, help='The number of epochs to run')
    parser.add_argument('--batch_size', type=int, default=64, help='The size of batch')
    parser.add_argument('--z_dim', type=int, default=62, help='Dimension of noise vector')
    parser.add_argument('--checkpoint_dir', type=str, default='checkpoint',
                        help='Directory name to save the checkpoints')
    parser.add_argument('--result_dir', type=str, default='results',
                        help='Directory name to save the generated images')
    parser.add_argument('--log_dir', type=str, default='logs',
                        help='Directory name to save training logs')

    return check_args(parser, parser.parse_args())


def check_args(parser, args):
    """Refuse bad values and missing data before any graph is built; create the output folders."""
    for name in ('epoch', 'batch_size', 'z_dim'):
        if getattr(args, name) < 1:
            parser.error('--%s must be at least 1, got %d' % (name, getattr(args, name)))

    data_dir = os.path.join('data', args.dataset)
    missing = [f for f in IDX_FILES if not os.path.isfile(os.path.join(data_dir, f))]
    if missing:
        parser.error('%s is missing in %s (relative to %s). Put the four IDX files of %s there, e.g. link them: '
                     'mkdir -p %s && ln -s /usr/share/datasets/fashion-mnist/*.gz %s/ (Debian package '
                     'dataset-fashion-mnist) for fashion-mnist.'
                     % (', '.join(missing), data_dir, os.getcwd(), args.dataset, data_dir, data_dir))

    check_folder(args.checkpoint_dir)
    check_folder(args.result_dir)
    check_folder(args.log_dir)
    return args


def main():
    # module-level, so that a harness running this file can reach gan.fake_images etc. after (or during) a run
    global gan
    args = parse_args()

    # open session
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
        gan = GAN(sess, epoch=args.epoch, batch_size=args.batch_size, z_dim=args.z_dim, dataset_name=args.dataset,
                  checkpoint_dir=args.checkpoint_dir, result_dir=args.result_dir, log_dir=args.log_dir)

        # build graph
        gan.build_model()

        # show network architecture
        show_all_variables()

        # launch the graph in a session
        gan.train()
        print(" [*] Training finished!")

        # visualize learned generator
        gan.visualize_results(args.epoch - 1)
        print(" [*] Testing finished!")


if __name__ == '__main__':
    main()
