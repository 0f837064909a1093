"""The reproductions: one small declarative entry each. Everything else in the harness reads these.

An entry says which legacy script reproduces which seed article, how to run it (its own command-line flags, the
dataset, the seed), how long a smoke check and a full run are, and what to record beyond the losses: the shapes of
the generator's and discriminator's outputs (expressions evaluated in the script's globals at the end) and where the
script leaves its sample grids.
"""
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Reproduction:
    name: str
    article: str  # seed file in ../shared/seeds/
    script: str  # relative to the repository root
    summary: str
    args: tuple = ()  # the script's own flags; "{dataset}" is replaced by the dataset's name
    seed: int = 1
    smoke_steps: int = 20  # training updates (see compat.steps) for `check`
    full_steps: int = None  # None: the script's own length
    shapes: dict = field(default_factory=dict)  # label -> expression in the script's globals
    samples: str = "**/*.png"  # glob (relative to the working directory) of the sample grids it writes
    idx_dir: str = None  # where the script reads the four IDX .gz files itself ("{dataset}" substituted)
    timeout: int = 600  # seconds a smoke run may take before it counts as hung
    rtol: float = 1e-3  # loss envelope across machines (reproductions/baseline.py says how it was measured)
    sampler: str = None  # "module:function" drawing generator samples at checkpoints (reproductions/samplers.py)
    checkpoint_every: int = None  # steps between quality checkpoints in a full run: the script's own sample cadence
    resume_args: tuple = None  # flags that make the script restore its last tf.train.Saver checkpoint; None: it
    # keeps no checkpoint it can reload, so an interrupted full run starts over

    @property
    def script_path(self):
        return REPO / self.script


CATALOG = (
    Reproduction(
        name="000_infogan_gan",
        article="000_84f148a30d6ae56a.txt",
        script="legacy/000_infogan_gan/main.py",
        summary="infoGAN-architecture GAN with a minibatch-discrimination layer, TF1 graph mode",
        args=("--dataset", "{dataset}", "--epoch", "20", "--batch_size", "64"),
        smoke_steps=6,  # one D and one G update per iteration; ~0.5 s an update on 2 cores
        shapes={"generator": "gan.fake_images", "discriminator": "gan.D_real_logits"},
        samples="results/**/*.png",
        idx_dir="data/{dataset}",
        rtol=1e-2,  # the minibatch layer amplifies rounding: 7e-4 measured between 1 and 2 threads
        sampler="reproductions.samplers:infogan_gan_000",
        checkpoint_every=600,  # its grid every 300 iterations (an epoch: 1093 iterations of 64 of 70,000 images)
        resume_args=(),  # restores checkpoint/ by itself (a Saver checkpoint after every epoch)
    ),
    Reproduction(
        name="001_dcgan_generator",
        article="001_821289774612090b.txt",
        script="legacy/001_dcgan_generator/dcgan_generator.py",
        summary="generative-compression dcgan_generator (tf.layers) trained on digit pairs, TF1 graph mode",
        smoke_steps=4,  # ~1.5 s an update on 2 cores (64 images of 32x64, three transposed convolutions)
        rtol=1e-2,  # measured across two "AMD EPYC" VMs with other ISA flags: 8.2e-4 in 4 steps (threads: 3e-6)
        shapes={"generator": "G_sample", "discriminator": "D_logit_real"},
        samples="samples/*.png",
        sampler="reproductions.samplers:dcgan_generator_001",
        checkpoint_every=256,  # its run_diagnostics every 128 D steps (an epoch: 429 iterations)
        resume_args=("--restore_last",),  # a Saver checkpoint with every run_diagnostics
    ),
    Reproduction(
        name="002_cgan_maxout",
        article="002_0af7dfb03414b235.txt",
        script="legacy/002_cgan_maxout/cgan.py",
        summary="conditional GAN with Maxout discriminator layers, TF 2.0 Keras",
        smoke_steps=9,  # three train_on_batch calls (D real, D fake, combined G) per iteration
        shapes={"generator": "cgan.generator", "discriminator": "cgan.discriminator"},
        samples="images/*.png",
        sampler="reproductions.samplers:cgan_maxout_002",
        checkpoint_every=600,  # its grid every 200 iterations of three train_on_batch calls (an epoch: 600)
    ),
    Reproduction(
        name="003_dcgan_keras",
        article="003_998e8e36ec37d730.txt",
        script="legacy/003_dcgan_keras/dcgan.py",
        summary="DCGAN with one shared Adam and half batches, TF 2.3 Keras eager",
        smoke_steps=10,  # G update then D update per iteration; an epoch (the first grid) is 3750 updates
        shapes={"generator": "gan.g", "discriminator": "gan.d"},
        samples="visual/dcgan/*.png",
        sampler="reproductions.samplers:dcgan_keras_003",
        checkpoint_every=800,  # its log line every 400 iterations (its grid: once an epoch, 3750 steps)
    ),
    Reproduction(
        name="004_vanilla_gan",
        article="004_36c9ff13e77112bc.txt",
        script="legacy/004_vanilla_gan/vanilla_gan.py",
        summary="vanilla GAN, 784-128-1 / 100-128-784, TF1 placeholders (as published, two marked fixes)",
        smoke_steps=20,
        shapes={"generator": "G_sample", "discriminator": "D_logit_real"},
        samples="out/*.png",
        sampler="reproductions.samplers:vanilla_gan_004",
        checkpoint_every=2000,  # its figure every 1000 iterations
    ),
)

BY_NAME = {entry.name: entry for entry in CATALOG}
DATASETS = ("fashion-mnist", "mnist")
