"""The era table: every legacy name the runtime serves, in one declarative list.

Each row says, for one legacy spelling as scripts wrote it (``tf.mul``, ``np.float``, ``scipy.misc.imsave``):

- ``serves``  what answers that name at run time, as ``"module"`` or ``"module:attribute.path"``
              (a module is wrapped as a namespace whose own members are looked up in this table first);
              ``None`` means nothing serves it: a row with rows below it is a pure namespace
              (``tf.contrib``), a row without is a documented dead end (``tf.contrib.distributions``);
- ``removed`` the release that removed or renamed it;
- ``modern``  what to write today;
- ``note``    one line of teaching: the trap, the changed default, the reason.

Three things read this table and nothing repeats it: name resolution (``namespace.py``), the error raised for a
name with no mapping (it quotes the nearest row above the name), and ``python -m compat explain``.

Roots: a legacy name starts with the alias scripts conventionally import a module under. ``ROOTS`` maps each alias
to the real import name, which the import hook uses to recognise ``import tensorflow``/``import numpy``... in user
code. Under the TF1 era ``tf`` is backed by ``tensorflow.compat.v1``; under the TF2 era by ``tensorflow`` itself
(see ``namespace.era_namespace``).
"""
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Era:
    name: str
    serves: Optional[str]
    removed: str
    modern: str
    note: str = ""


# alias used in table names -> real top-level module a script imports
ROOTS = {"tf": "tensorflow", "np": "numpy", "scipy": "scipy", "six": "six", "keras": "keras"}
ALIAS_OF = {real: alias for alias, real in ROOTS.items()}  # "tensorflow" -> "tf"

_V1 = "tensorflow.compat.v1"
_TF0 = "TF 1.0 (0.x name, renamed for 1.0)"
_TF2 = "TF 2.0 (kept only under tf.compat.v1)"
_NP124 = "NumPy 1.24 (deprecated in 1.20)"
_NP2 = "NumPy 2.0"
_SCIPY13 = "SciPy 1.3 (deprecated in 1.0)"
_CONTRIB = "TF 2.0 (tf.contrib deleted)"

TABLE = (
    # --- TensorFlow 0.x -> 1.0 renames: scripts of 2016 still used them ---------------------------------------
    Era("tf.mul", f"{_V1}:multiply", _TF0, "tf.multiply"),
    Era("tf.sub", f"{_V1}:subtract", _TF0, "tf.subtract"),
    Era("tf.neg", f"{_V1}:negative", _TF0, "tf.negative"),
    Era("tf.pack", f"{_V1}:stack", _TF0, "tf.stack"),
    Era("tf.unpack", f"{_V1}:unstack", _TF0, "tf.unstack"),
    Era("tf.select", f"{_V1}:where", _TF0, "tf.where",
        "tf.compat.v1.where keeps select's semantics (no broadcasting of the condition)"),
    Era("tf.batch_matmul", f"{_V1}:matmul", _TF0, "tf.matmul", "matmul batches over leading dimensions since 1.0"),
    Era("tf.listdiff", f"{_V1}:setdiff1d", _TF0, "tf.sets.difference / tf.compat.v1.setdiff1d"),
    Era("tf.complex_abs", f"{_V1}:abs", _TF0, "tf.abs"),
    Era("tf.concat", "compat.shims:concat", "TF 1.0 (argument order became concat(values, axis))",
        "tf.concat(values, axis)",
        "concat(dim, values) is recognised when the first argument is an int and the second a list of tensors"),
    Era("tf.concat_v2", f"{_V1}:concat", "TF 1.0 (concat_v2 became concat)", "tf.concat(values, axis)"),
    Era("tf.split", "compat.shims:split",
        "TF 1.0 (split(split_dim, num_split, value) became split(value, num_or_size_splits, axis))",
        "tf.split(value, num_or_size_splits, axis)",
        "the old order is recognised when the first argument is an int and the third a tensor or array"),
    Era("tf.nn.sigmoid_cross_entropy_with_logits", "compat.shims:sigmoid_cross_entropy_with_logits",
        "TF 1.0 (targets= renamed labels=)", "tf.nn.sigmoid_cross_entropy_with_logits(labels=, logits=)",
        "keyword-only since 1.0; targets= is accepted and means labels="),
    Era("tf.nn.softmax_cross_entropy_with_logits", "compat.shims:softmax_cross_entropy_with_logits",
        "TF 1.0 (keyword-only; positional (logits, labels) was the 0.x order)",
        "tf.nn.softmax_cross_entropy_with_logits(labels=, logits=)",
        "positional arguments mean the 0.x order (logits, labels): today's compat.v1 op would read them swapped"),
    Era("tf.nn.sparse_softmax_cross_entropy_with_logits", "compat.shims:sparse_softmax_cross_entropy_with_logits",
        "TF 1.0 (keyword-only; positional (logits, labels) was the 0.x order)",
        "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=, logits=)",
        "positional arguments mean the 0.x order (logits, labels): today's compat.v1 op would read them swapped"),
    Era("tf.nn.deconv2d", f"{_V1}:nn.conv2d_transpose", "TF 0.7 (renamed conv2d_transpose)",
        "tf.nn.conv2d_transpose"),
    Era("tf.initialize_all_variables", f"{_V1}:global_variables_initializer",
        "TF 2.0 (deprecated 2017-03-02 for global_variables_initializer)",
        "nothing: TF2 variables are initialised when created"),
    Era("tf.initialize_local_variables", f"{_V1}:local_variables_initializer", "TF 2.0 (deprecated 2017-03-02)",
        "nothing: TF2 has no local variables"),
    Era("tf.all_variables", f"{_V1}:global_variables", "TF 2.0 (deprecated 2017-03-02)",
        "model.variables / tf.Module.variables"),
    Era("tf.scalar_summary", f"{_V1}:summary.scalar", "TF 1.0 (moved to tf.summary)", "tf.summary.scalar in a writer's as_default()"),
    Era("tf.histogram_summary", f"{_V1}:summary.histogram", "TF 1.0 (moved to tf.summary)", "tf.summary.histogram"),
    Era("tf.image_summary", f"{_V1}:summary.image", "TF 1.0 (moved to tf.summary)", "tf.summary.image",
        "max_images= became max_outputs="),
    Era("tf.merge_all_summaries", f"{_V1}:summary.merge_all", "TF 1.0 (moved to tf.summary)",
        "nothing: TF2 summaries are written when called"),
    Era("tf.merge_summary", f"{_V1}:summary.merge", "TF 1.0 (moved to tf.summary)", "nothing: written when called"),
    Era("tf.train.SummaryWriter", f"{_V1}:summary.FileWriter", "TF 1.0 (became tf.summary.FileWriter)",
        "tf.summary.create_file_writer"),

    # --- TF 1.x graph-mode API: served by tf.compat.v1, listed for teaching and explain -------------------------
    Era("tf.placeholder", f"{_V1}:placeholder", _TF2, "arguments of a tf.function / tf.keras.Input",
        "a graph input filled by feed_dict at sess.run time"),
    Era("tf.Session", f"{_V1}:Session", _TF2, "eager execution; tf.function for graphs",
        "sess.run(fetches, feed_dict) executed the graph; TF2 runs ops as they are called"),
    Era("tf.InteractiveSession", f"{_V1}:InteractiveSession", _TF2, "eager execution"),
    Era("tf.variable_scope", f"{_V1}:variable_scope", _TF2, "tf.Module / Keras layer and model names",
        "scoped get_variable names and reuse=True sharing; TF2 shares by Python object"),
    Era("tf.get_variable", f"{_V1}:get_variable", _TF2, "tf.Variable / layer.add_weight"),
    Era("tf.get_variable_scope", f"{_V1}:get_variable_scope", _TF2, "tf.Module name scopes"),
    Era("tf.global_variables_initializer", f"{_V1}:global_variables_initializer", _TF2,
        "nothing: variables initialise on creation"),
    Era("tf.trainable_variables", f"{_V1}:trainable_variables", _TF2, "model.trainable_variables"),
    Era("tf.global_variables", f"{_V1}:global_variables", _TF2, "model.variables"),
    Era("tf.get_collection", f"{_V1}:get_collection", _TF2, "nothing: graph collections are gone",
        "e.g. tf.GraphKeys.UPDATE_OPS held batch-norm moving-average updates"),
    Era("tf.GraphKeys", f"{_V1}:GraphKeys", _TF2, "nothing: graph collections are gone"),
    Era("tf.random_normal", f"{_V1}:random_normal", _TF2, "tf.random.normal"),
    Era("tf.random_uniform", f"{_V1}:random_uniform", _TF2, "tf.random.uniform"),
    Era("tf.truncated_normal", f"{_V1}:truncated_normal", _TF2, "tf.random.truncated_normal"),
    Era("tf.set_random_seed", f"{_V1}:set_random_seed", _TF2, "tf.random.set_seed"),
    Era("tf.log", f"{_V1}:log", _TF2, "tf.math.log"),
    Era("tf.to_float", f"{_V1}:to_float", _TF2, "tf.cast(x, tf.float32)"),
    Era("tf.train.AdamOptimizer", f"{_V1}:train.AdamOptimizer", _TF2, "tf.keras.optimizers.Adam",
        "Adam's epsilon default was 1e-8 here, 1e-7 in Keras"),
    Era("tf.train.GradientDescentOptimizer", f"{_V1}:train.GradientDescentOptimizer", _TF2, "tf.keras.optimizers.SGD"),
    Era("tf.train.MomentumOptimizer", f"{_V1}:train.MomentumOptimizer", _TF2, "tf.keras.optimizers.SGD(momentum=)"),
    Era("tf.train.RMSPropOptimizer", f"{_V1}:train.RMSPropOptimizer", _TF2, "tf.keras.optimizers.RMSprop",
        "RMSProp's epsilon was 1e-10 and sat inside the square root's denominator differently"),
    Era("tf.train.Saver", f"{_V1}:train.Saver", _TF2, "tf.train.Checkpoint / CheckpointManager"),
    Era("tf.summary.FileWriter", f"{_V1}:summary.FileWriter", _TF2, "tf.summary.create_file_writer"),
    Era("tf.reset_default_graph", f"{_V1}:reset_default_graph", _TF2, "nothing: no global graph in TF2"),
    Era("tf.ConfigProto", f"{_V1}:ConfigProto", _TF2, "tf.config (threading, devices, soft placement)"),
    Era("tf.assign", f"{_V1}:assign", _TF2, "variable.assign(value)"),
    Era("tf.logging", f"{_V1}:logging", _TF2, "absl.logging / tf.get_logger()"),
    Era("tf.gfile", f"{_V1}:gfile", _TF2, "tf.io.gfile"),
    Era("tf.image.resize_images", f"{_V1}:image.resize_images", _TF2, "tf.image.resize",
        "align_corners= is gone; half-pixel centres are the TF2 default"),
    Era("tf.train.get_or_create_global_step", f"{_V1}:train.get_or_create_global_step", _TF2,
        "optimizer.iterations"),
    Era("tf.train.exponential_decay", f"{_V1}:train.exponential_decay", _TF2,
        "tf.keras.optimizers.schedules.ExponentialDecay"),
    Era("tf.app", f"{_V1}:app", _TF2, "absl.app"),
    Era("tf.flags", f"{_V1}:flags", _TF2, "absl.flags"),
    Era("tf.layers", f"{_V1}:layers",
        "TF 2.0 (kept as tf.compat.v1.layers; needs legacy Keras since TF 2.16)", "tf.keras.layers",
        "functional layers that create variables in the current variable_scope; served by tf_keras"),
    Era("tf.layers.dense", f"{_V1}:layers.dense", _TF2, "tf.keras.layers.Dense"),
    Era("tf.layers.conv2d", f"{_V1}:layers.conv2d", _TF2, "tf.keras.layers.Conv2D"),
    Era("tf.layers.conv2d_transpose", f"{_V1}:layers.conv2d_transpose", _TF2, "tf.keras.layers.Conv2DTranspose"),
    Era("tf.layers.batch_normalization", f"{_V1}:layers.batch_normalization", _TF2,
        "tf.keras.layers.BatchNormalization",
        "training= was a graph input and the moving-average updates went to UPDATE_OPS; run them with the train op"),
    Era("tf.layers.flatten", f"{_V1}:layers.flatten", _TF2, "tf.keras.layers.Flatten"),
    Era("tf.layers.dropout", f"{_V1}:layers.dropout", _TF2, "tf.keras.layers.Dropout"),

    # --- tutorials' MNIST loader ------------------------------------------------------------------------------
    Era("tf.examples.tutorials.mnist.input_data", "compat.input_data",
        "TF 2.0 (tensorflow.examples.tutorials deleted)", "tf.keras.datasets.mnist.load_data / tensorflow_datasets",
        "served by compat.input_data: same arrays, order and seeding as TF 1.15, offline mirror"),
    Era("tf.contrib.learn.datasets.mnist", "compat.input_data", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.datasets.mnist.load_data"),

    # --- tf.contrib: deleted in TF 2.0; layers/slim/framework live on as tf_slim ---------------------------------
    Era("tf.contrib", None, "TF 2.0 (tf.contrib deleted)",
        "the replacement its submodule's entry names (`python -m compat explain --coverage` lists them)",
        "contrib was split up: parts moved into core TF (tf.signal, tf.lookup, tf.summary ...), parts into packages "
        "(tf_slim, tensorflow_probability, tensorflow_model_optimization ...), the rest was deleted"),
    Era("tf.contrib.layers", "tf_slim", "TF 2.0 (tf.contrib deleted)", "tf.keras.layers (or the tf_slim package)",
        "served by tf_slim, the maintained copy of contrib.layers/slim from TF 1.15, repaired by compat.slim_repairs"),
    Era("tf.contrib.layers.batch_norm", "tf_slim:batch_norm", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.layers.BatchNormalization",
        "decay=0.999, epsilon=0.001, scale=False by default; updates_collections=None updates moving stats in place"),
    Era("tf.contrib.layers.xavier_initializer", "tf_slim:xavier_initializer", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.initializers.GlorotUniform (uniform=False: GlorotNormal)",
        "variance_scaling(factor=1, FAN_AVG); the normal variant was truncated"),
    Era("tf.contrib.layers.xavier_initializer_conv2d", "tf_slim:xavier_initializer_conv2d",
        "TF 2.0 (tf.contrib deleted)", "tf.keras.initializers.GlorotUniform"),
    Era("tf.contrib.layers.variance_scaling_initializer", "tf_slim:variance_scaling_initializer",
        "TF 2.0 (tf.contrib deleted)", "tf.keras.initializers.VarianceScaling / HeNormal",
        "defaults factor=2.0, mode='FAN_IN', uniform=False: He initialisation (truncated normal)"),
    Era("tf.contrib.layers.fully_connected", "tf_slim:fully_connected", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.layers.Dense", "activation_fn defaults to relu, unlike Dense"),
    Era("tf.contrib.layers.conv2d", "tf_slim:conv2d", "TF 2.0 (tf.contrib deleted)", "tf.keras.layers.Conv2D",
        "activation_fn defaults to relu; padding='SAME' by default"),
    Era("tf.contrib.layers.conv2d_transpose", "tf_slim:conv2d_transpose", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.layers.Conv2DTranspose"),
    Era("tf.contrib.layers.flatten", "tf_slim:flatten", "TF 2.0 (tf.contrib deleted)", "tf.keras.layers.Flatten"),
    Era("tf.contrib.layers.layer_norm", "tf_slim:layer_norm", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.layers.LayerNormalization"),
    Era("tf.contrib.layers.l1_regularizer", "tf_slim:l1_regularizer", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.regularizers.L1"),
    Era("tf.contrib.layers.l2_regularizer", "tf_slim:l2_regularizer", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.regularizers.L2", "contrib's l2 was scale * sum(w**2) / 2; Keras L2 has no 1/2"),
    Era("tf.contrib.layers.feature_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column", "contrib's sparse_column_with_* / real_valued_column became "
        "tf.feature_column's categorical_column_with_* / numeric_column"),
    Era("tf.contrib.layers.real_valued_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.numeric_column"),
    Era("tf.contrib.layers.sparse_column_with_hash_bucket", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.categorical_column_with_hash_bucket"),
    Era("tf.contrib.layers.sparse_column_with_keys", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.categorical_column_with_vocabulary_list"),
    Era("tf.contrib.layers.sparse_column_with_vocabulary_file", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.categorical_column_with_vocabulary_file"),
    Era("tf.contrib.layers.sparse_column_with_integerized_feature", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.categorical_column_with_identity"),
    Era("tf.contrib.layers.weighted_sparse_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.weighted_categorical_column"),
    Era("tf.contrib.layers.bucketized_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.bucketized_column"),
    Era("tf.contrib.layers.crossed_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.crossed_column"),
    Era("tf.contrib.layers.embedding_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.embedding_column"),
    Era("tf.contrib.layers.shared_embedding_columns", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.shared_embeddings"),
    Era("tf.contrib.layers.one_hot_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.indicator_column"),
    Era("tf.contrib.layers.scattered_embedding_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.embedding_column over a categorical_column_with_hash_bucket"),
    Era("tf.contrib.layers.input_from_feature_columns", None, "TF 2.0 (tf.contrib deleted)",
        "tf.compat.v1.feature_column.input_layer / tf.keras.layers.DenseFeatures"),
    Era("tf.contrib.layers.sequence_input_from_feature_columns", None, "TF 2.0 (tf.contrib deleted)",
        "tf.keras.experimental.SequenceFeatures"),
    Era("tf.contrib.layers.weighted_sum_from_feature_columns", None, "TF 2.0 (tf.contrib deleted)",
        "tf.compat.v1.feature_column.linear_model"),
    Era("tf.contrib.layers.joint_weighted_sum_from_feature_columns", None, "TF 2.0 (tf.contrib deleted)",
        "tf.compat.v1.feature_column.linear_model"),
    Era("tf.contrib.layers.create_feature_spec_for_parsing", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column.make_parse_example_spec"),
    Era("tf.contrib.layers.parse_feature_columns_from_examples", None, "TF 2.0 (tf.contrib deleted)",
        "tf.io.parse_example(serialized, tf.feature_column.make_parse_example_spec(columns))"),
    Era("tf.contrib.layers.embed_sequence", None, "TF 2.0 (tf.contrib deleted)",
        "tf.keras.layers.Embedding"),
    Era("tf.contrib.layers.embedding_lookup_unique", None, "TF 2.0 (tf.contrib deleted)",
        "tf.nn.embedding_lookup"),
    Era("tf.contrib.layers.safe_embedding_lookup_sparse", None, "TF 2.0 (tf.contrib deleted)",
        "tf.nn.safe_embedding_lookup_sparse"),
    Era("tf.contrib.layers.bow_encoder", None, "TF 2.0 (tf.contrib deleted)",
        "tf.reduce_mean(tf.nn.embedding_lookup(embeddings, ids), axis=-2)"),
    Era("tf.contrib.layers.regression_target", None, "TF 2.0 (tf.contrib deleted)",
        "a tf.keras output layer and loss (estimator heads are gone)"),
    Era("tf.contrib.layers.multi_class_target", None, "TF 2.0 (tf.contrib deleted)",
        "a tf.keras output layer and loss (estimator heads are gone)"),
    Era("tf.contrib.slim", "tf_slim", "TF 2.0 (tf.contrib deleted)", "the tf_slim package (pip install tf_slim)"),
    Era("tf.contrib.layers.python.layers", "tf_slim.layers", "TF 2.0 (tf.contrib deleted)",
        "tf.keras.layers (or tf_slim.layers)",
        "contrib.layers' implementation package (layers, initializers, regularizers, utils ...), which tf_slim kept"),
    Era("tf.contrib.slim.python.slim", "tf_slim", "TF 2.0 (tf.contrib deleted)", "the tf_slim package",
        "slim's implementation package (learning, evaluation, queues, data, nets ...), which tf_slim kept"),
    Era("tf.contrib.gan", None, "TF 2.0 (tf.contrib deleted)", "tensorflow_gan (tfgan)",
        "not served: install tensorflow_gan"),

    # --- tf.contrib submodules that are not served: each names where its names went ----------------------------
    Era("tf.contrib.autograph", f"{_V1}:autograph", "TF 2.0 (tf.contrib deleted)", "tf.autograph",
        "contrib.autograph re-exported the core tf.autograph module"),
    Era("tf.contrib.autograph.do_not_convert", f"{_V1}:autograph.experimental.do_not_convert",
        "TF 2.0 (tf.contrib deleted)", "tf.autograph.experimental.do_not_convert"),
    Era("tf.contrib.autograph.set_loop_options", f"{_V1}:autograph.experimental.set_loop_options",
        "TF 2.0 (tf.contrib deleted)", "tf.autograph.experimental.set_loop_options"),
    Era("tf.contrib.autograph.Feature", f"{_V1}:autograph.experimental.Feature", "TF 2.0 (tf.contrib deleted)",
        "tf.autograph.experimental.Feature"),
    Era("tf.contrib.signal", f"{_V1}:signal", "TF 2.0 (tf.contrib deleted)", "tf.signal",
        "contrib.signal re-exported the core tf.signal functions (stft, frame, hann_window ...)"),
    Era("tf.contrib.cluster_resolver", f"{_V1}:distribute.cluster_resolver", "TF 2.0 (tf.contrib deleted)",
        "tf.distribute.cluster_resolver", "the same resolver classes, moved to core"),
    Era("tf.contrib.batching", None, "TF 2.0 (tf.contrib deleted)", "tf.nondifferentiable_batch_function"),
    Era("tf.contrib.bayesflow", None, "TF 2.0 (tf.contrib deleted)", "tensorflow_probability (tfp.monte_carlo)"),
    Era("tf.contrib.boosted_trees", None, "TF 2.0 (tf.contrib deleted)",
        "TensorFlow Decision Forests (tfdf.keras.GradientBoostedTreesModel); tf.estimator.BoostedTreesClassifier "
        "on TF <= 2.15"),
    Era("tf.contrib.checkpoint", None, "TF 2.0 (tf.contrib deleted)", "tf.train.Checkpoint / tf.Module tracking"),
    Era("tf.contrib.cloud", None, "TF 2.0 (tf.contrib deleted)",
        "tensorflow_io (BigQuery, Bigtable) / tf.io.gfile for gs://"),
    Era("tf.contrib.compiler", None, "TF 2.0 (tf.contrib deleted)",
        "tf.function(jit_compile=True) / tf.xla.experimental.jit_scope"),
    Era("tf.contrib.constrained_optimization", None, "TF 2.0 (tf.contrib deleted)",
        "tensorflow_constrained_optimization (tfco)"),
    Era("tf.contrib.copy_graph", None, "TF 2.0 (tf.contrib deleted)",
        "none: rebuild the model and copy weights (tf.train.Checkpoint / variable.assign)"),
    Era("tf.contrib.crf", None, "TF 2.0 (tf.contrib deleted)",
        "tensorflow_addons tfa.text.crf_* (TF Addons ended in May 2024 and does not support TF 2.21)"),
    Era("tf.contrib.cudnn_rnn", None, "TF 2.0 (tf.contrib deleted)",
        "tf.keras.layers.LSTM / GRU (they pick the cuDNN kernel on GPU by themselves)"),
    Era("tf.contrib.deprecated", None, "TF 2.0 (tf.contrib deleted)",
        "tf.compat.v1.summary.scalar / histogram / image (tf.summary in TF 2)"),
    Era("tf.contrib.distribute", None, "TF 2.0 (tf.contrib deleted)",
        "tf.distribute (MirroredStrategy, TPUStrategy, MultiWorkerMirroredStrategy)"),
    Era("tf.contrib.estimator", None, "TF 2.0 (tf.contrib deleted); tf.estimator itself removed in TF 2.16",
        "tf.keras Model.fit (tf.estimator on TF <= 2.15)"),
    Era("tf.contrib.factorization", None, "TF 2.0 (tf.contrib deleted)",
        "k-means: tf.compat.v1.estimator.experimental.KMeans on TF <= 2.15, or sklearn.cluster.KMeans; "
        "WALS: tensorflow_recommenders"),
    Era("tf.contrib.feature_column", None, "TF 2.0 (tf.contrib deleted)",
        "tf.feature_column (sequence_* columns included) / Keras preprocessing layers"),
    Era("tf.contrib.ffmpeg", None, "TF 2.0 (tf.contrib deleted)", "tf.audio.decode_wav / tensorflow_io audio"),
    Era("tf.contrib.graph_editor", None, "TF 2.0 (tf.contrib deleted)",
        "none: build the graph you need (tf.function) instead of editing one"),
    Era("tf.contrib.grid_rnn", None, "TF 2.0 (tf.contrib deleted)",
        "none maintained: a custom tf.keras.layers.RNN cell"),
    Era("tf.contrib.image", None, "TF 2.0 (tf.contrib deleted)",
        "tf.image (rot90, flips) / tf.keras.layers.RandomRotation; tfa.image had rotate/transform (TF Addons ended)"),
    Era("tf.contrib.input_pipeline", None, "TF 2.0 (tf.contrib deleted)", "tf.data"),
    Era("tf.contrib.integrate", None, "TF 2.0 (tf.contrib deleted)", "tensorflow_probability tfp.math.ode"),
    Era("tf.contrib.kernel_methods", None, "TF 2.0 (tf.contrib deleted)",
        "tf.keras.layers.experimental.RandomFourierFeatures"),
    Era("tf.contrib.labeled_tensor", None, "TF 2.0 (tf.contrib deleted)",
        "none: plain tensors with named axes by convention"),
    Era("tf.contrib.linear_optimizer", None, "TF 2.0 (tf.contrib deleted)",
        "tf.keras linear models (SDCA has no TF 2 replacement)"),
    Era("tf.contrib.lite", None, "TF 1.14 (moved to tf.lite)", "tf.lite (TFLiteConverter)"),
    Era("tf.contrib.lookup", None, "TF 2.0 (tf.contrib deleted)",
        "tf.lookup (HashTable became tf.lookup.StaticHashTable; index_table_from_file: tf.lookup.TextFileInitializer)"),
    Era("tf.contrib.memory_stats", None, "TF 2.0 (tf.contrib deleted)", "tf.config.experimental.get_memory_info"),
    Era("tf.contrib.mixed_precision", None, "TF 2.0 (tf.contrib deleted)",
        "tf.keras.mixed_precision (Policy, LossScaleOptimizer)"),
    Era("tf.contrib.model_pruning", None, "TF 2.0 (tf.contrib deleted)",
        "tensorflow_model_optimization tfmot.sparsity.keras.prune_low_magnitude"),
    Era("tf.contrib.nn", None, "TF 2.0 (tf.contrib deleted)",
        "tf.nn (sampled_softmax_loss ...) / tf.keras.layers.AlphaDropout"),
    Era("tf.contrib.opt", None, "TF 2.0 (tf.contrib deleted)",
        "tf.keras.optimizers (AdamW, Adafactor, Lion, LossScaleOptimizer); tfa.optimizers had the rest "
        "(TF Addons ended)"),
    Era("tf.contrib.optimizer_v2", None, "TF 2.0 (tf.contrib deleted)", "tf.keras.optimizers"),
    Era("tf.contrib.periodic_resample", None, "TF 2.0 (tf.contrib deleted)", "none: tf.reshape / tf.transpose by hand"),
    Era("tf.contrib.predictor", None, "TF 2.0 (tf.contrib deleted)", "tf.saved_model.load(path).signatures[...]"),
    Era("tf.contrib.proto", None, "TF 2.0 (tf.contrib deleted)", "tf.io.decode_proto / tf.io.encode_proto"),
    Era("tf.contrib.quantization", None, "TF 2.0 (tf.contrib deleted)",
        "tf.quantization (quantize, dequantize, fake_quant_*) and tf.raw_ops.Quantized*"),
    Era("tf.contrib.quantize", None, "TF 2.0 (tf.contrib deleted)",
        "tensorflow_model_optimization tfmot.quantization.keras.quantize_model"),
    Era("tf.contrib.receptive_field", None, "TF 2.0 (tf.contrib deleted)",
        "none maintained: compute from the layer strides"),
    Era("tf.contrib.recurrent", None, "TF 2.0 (tf.contrib deleted)", "tf.keras.layers.RNN"),
    Era("tf.contrib.reduce_slice_ops", None, "TF 2.0 (tf.contrib deleted)", "tf.math.segment_sum / segment_prod ..."),
    Era("tf.contrib.remote_fused_graph", None, "TF 2.0 (tf.contrib deleted)", "none"),
    Era("tf.contrib.resampler", None, "TF 2.0 (tf.contrib deleted)",
        "tfa.image.resampler (TF Addons ended) or bilinear sampling with tf.gather_nd"),
    Era("tf.contrib.rpc", None, "TF 2.0 (tf.contrib deleted)", "tf.distribute.experimental.rpc"),
    Era("tf.contrib.saved_model", None, "TF 2.0 (tf.contrib deleted)", "tf.keras.models.save_model / tf.saved_model"),
    Era("tf.contrib.solvers", None, "TF 2.0 (tf.contrib deleted)",
        "tf.linalg (lstsq, experimental.conjugate_gradient)"),
    Era("tf.contrib.sparsemax", None, "TF 2.0 (tf.contrib deleted)", "tfa.activations.sparsemax (TF Addons ended)"),
    Era("tf.contrib.specs", None, "TF 2.0 (tf.contrib deleted)", "none: build the model with tf.keras"),
    Era("tf.contrib.staging", None, "TF 2.0 (tf.contrib deleted)",
        "tf.data prefetch (tf.data.experimental.prefetch_to_device)"),
    Era("tf.contrib.stat_summarizer", None, "TF 2.0 (tf.contrib deleted)", "tf.profiler"),
    Era("tf.contrib.stateless", None, "TF 2.0 (tf.contrib deleted)",
        "tf.random.stateless_uniform / stateless_normal / stateless_truncated_normal / stateless_categorical"),
    Era("tf.contrib.summary", None, "TF 2.0 (tf.contrib deleted)",
        "tf.summary (create_file_writer, writer.as_default(), scalar(name, data, step))",
        "TF 2's tf.summary grew out of contrib.summary"),
    Era("tf.contrib.tensor_forest", None, "TF 2.0 (tf.contrib deleted)",
        "TensorFlow Decision Forests (tfdf.keras.RandomForestModel)"),
    Era("tf.contrib.tensorboard", None, "TF 2.0 (tf.contrib deleted)",
        "the tensorboard package (tensorboard.plugins.projector)"),
    Era("tf.contrib.testing", None, "TF 2.0 (tf.contrib deleted)", "tf.test"),
    Era("tf.contrib.tfprof", None, "TF 2.0 (tf.contrib deleted)", "tf.profiler"),
    Era("tf.contrib.timeseries", None, "TF 2.0 (tf.contrib deleted)", "tensorflow_probability tfp.sts"),
    Era("tf.contrib.tpu", None, "TF 2.0 (tf.contrib deleted)", "tf.distribute.TPUStrategy"),
    Era("tf.contrib.util", None, "TF 2.0 (tf.contrib deleted)",
        "tf.make_tensor_proto / tf.make_ndarray / tf.get_static_value"),

    # --- TF 1.15 core names that tf.compat.v1 no longer has -------------------------------------------------
    Era("tf.pywrap_tensorflow", None, "TF 2.0 (internal module, no longer exported)", "the public tf.* API"),
    Era("tf.LazyLoader", None, "TF 2.0 (internal, exported by mistake in 1.x)", "importlib / the public tf.* API"),
    Era("tf.config.experimental_list_devices", None, "TF 2.1", "tf.config.list_logical_devices"),
    Era("tf.data.experimental.StatsAggregator", None, "TF 2.3 (tf.data stats API removed)",
        "tf.data service metrics / tf.profiler"),
    Era("tf.data.experimental.StatsOptions", None, "TF 2.3 (tf.data stats API removed)", "tf.profiler"),
    Era("tf.data.experimental.bytes_produced_stats", None, "TF 2.3 (tf.data stats API removed)", "tf.profiler"),
    Era("tf.data.experimental.latency_stats", None, "TF 2.3 (tf.data stats API removed)", "tf.profiler"),
    Era("tf.data.experimental.MapVectorizationOptions", None, "TF 2.x (map vectorization option removed)",
        "dataset.batch(...).map(f) (vectorise by hand)"),
    Era("tf.data.experimental.CheckpointInputPipelineHook", None, "TF 2.16 (with tf.estimator)",
        "tf.train.Checkpoint(iterator=iter(dataset))"),
    Era("tf.keras.experimental.PeepholeLSTMCell", None, "TF 2.x (Keras experimental API trimmed)",
        "tf.keras.layers.LSTMCell (no peepholes)"),
    Era("tf.keras.experimental.LinearCosineDecay", None, "TF 2.x (Keras experimental API trimmed)",
        "tf.keras.optimizers.schedules.CosineDecay"),
    Era("tf.keras.experimental.NoisyLinearCosineDecay", None, "TF 2.x (Keras experimental API trimmed)",
        "tf.keras.optimizers.schedules.CosineDecay"),
    Era("tf.keras.experimental.export_saved_model", None, "TF 2.x (Keras experimental API trimmed)",
        "model.save(path) / tf.saved_model.save"),
    Era("tf.keras.experimental.load_from_saved_model", None, "TF 2.x (Keras experimental API trimmed)",
        "tf.keras.models.load_model"),
    Era("tf.keras.experimental.terminate_keras_multiprocessing_pools", None, "TF 2.x (Keras experimental API trimmed)",
        "nothing: Keras manages its worker pools"),
    Era("tf.keras.mixed_precision.experimental", None, "TF 2.x (mixed precision left experimental in TF 2.4)",
        "tf.keras.mixed_precision (Policy, set_global_policy, LossScaleOptimizer)"),
    Era("tf.keras.utils.multi_gpu_model", None, "TF 2.4 (deprecated 2020-04-01)", "tf.distribute.MirroredStrategy"),
    Era("tf.keras.utils.HDF5Matrix", None, "TF 2.4", "h5py datasets fed through tf.data"),
    Era("tf.keras.utils.convert_all_kernels_in_model", None, "TF 2.x (Theano-era utility removed)",
        "nothing: kernels need no conversion"),
    Era("tf.keras.wrappers", None, "TF 2.12 (tf.keras.wrappers.scikit_learn removed)",
        "scikeras (KerasClassifier, KerasRegressor)"),
    Era("tf.keras.premade", None, "TF 2.x (not in legacy Keras' v1 API)", "tf.keras.experimental.LinearModel"),
    Era("tf.lite.experimental.nn", None, "TF 2.x (TFLite's experimental RNN cells removed)",
        "tf.keras.layers.LSTM (the converter fuses it)"),
    Era("tf.lite.experimental.microfrontend", None, "TF 2.x (no longer exported)", "tf.signal (stft, mfccs)"),
    Era("tf.lite.experimental.get_potentially_supported_ops", None, "TF 2.x", "tf.lite.TFLiteConverter and its report"),
    Era("tf.tpu.experimental.AdamParameters", None, "TF 2.x", "tf.tpu.experimental.embedding.Adam"),
    Era("tf.tpu.experimental.AdagradParameters", None, "TF 2.x", "tf.tpu.experimental.embedding.Adagrad"),
    Era("tf.tpu.experimental.StochasticGradientDescentParameters", None, "TF 2.x", "tf.tpu.experimental.embedding.SGD"),
    Era("tf.raw_ops.CompareAndBitpack", None, "TF 2.x (op removed)", "tf.cast(x > threshold, tf.uint8) and bit shifts"),
    *(Era(f"tf.raw_ops.{verb}TPUEmbedding{method}ParametersGradAccumDebug", None,
          "TF 2.x (the GradAccumDebug variants of the TPU embedding ops were dropped)",
          f"tf.raw_ops.{verb}TPUEmbedding{method}Parameters / tf.tpu.experimental.embedding.TPUEmbedding")
      for verb in ("Load", "Retrieve")
      for method in ("ADAM", "Adadelta", "Adagrad", "FTRL", "Momentum", "ProximalAdagrad", "RMSProp")),

    # --- tf.contrib families served (H4b): compat/contrib/ shims, tf_slim, core TF 2 ----------------------------
    Era("tf.contrib.rnn", "compat.contrib.rnn", _CONTRIB, "tf.keras.layers.RNN with LSTMCell / GRUCell",
        "served by compat.contrib.rnn: the legacy cells and static RNNs, same variable names (rnn/basic_lstm_cell/kernel)"),
    Era("tf.contrib.rnn.AttentionCellWrapper", None, _CONTRIB, "tf.keras.layers.Attention over the RNN outputs"),
    Era("tf.contrib.rnn.GridLSTMCell", None, _CONTRIB, "a custom tf.keras.layers.Layer cell"),
    Era("tf.contrib.rnn.CoupledInputForgetGateLSTMCell", None, _CONTRIB, "a custom tf.keras.layers.Layer cell"),
    Era("tf.contrib.rnn.PhasedLSTMCell", None, _CONTRIB, "a custom tf.keras.layers.Layer cell"),
    Era("tf.contrib.rnn.IndRNNCell", None, _CONTRIB, "a custom tf.keras.layers.Layer cell"),
    Era("tf.nn.rnn", "compat.contrib.rnn:static_rnn", "TF 1.0 (tf.nn.rnn became tf.contrib.rnn.static_rnn)",
        "tf.keras.layers.RNN(cell, unroll=True)"),
    Era("tf.nn.bidirectional_rnn", "compat.contrib.rnn:static_bidirectional_rnn",
        "TF 1.0 (became tf.contrib.rnn.static_bidirectional_rnn)", "tf.keras.layers.Bidirectional"),
    Era("tf.nn.state_saving_rnn", "compat.contrib.rnn:static_state_saving_rnn",
        "TF 1.0 (became tf.contrib.rnn.static_state_saving_rnn)", "a stateful tf.keras.layers.RNN"),
    Era("tf.nn.seq2seq", "compat.contrib.seq2seq", "TF 1.0 (tf.nn.seq2seq became tf.contrib.legacy_seq2seq)",
        "tf.keras.layers.RNN + tf.keras.losses.SparseCategoricalCrossentropy",
        "served by compat.contrib.seq2seq, as tf.contrib.legacy_seq2seq"),
    Era("tf.contrib.framework", "compat.contrib.framework", _CONTRIB, "tf_slim (arg_scope, get_variables ...), tf.train, tf.nest",
        "served by compat.contrib.framework from tf_slim and core TensorFlow"),
    Era("tf.contrib.framework.nest", "tensorflow.python.util.nest", _CONTRIB, "tf.nest"),
    Era("tf.contrib.framework.nest.is_sequence", "tensorflow.python.util.nest:is_nested",
        "TF 2.0 (nest.is_sequence renamed is_nested)", "tf.nest.is_nested"),
    Era("tf.contrib.slim.nets", "tf_slim.nets", _CONTRIB, "tf_slim.nets (or tf.keras.applications)",
        "served by tf_slim: vgg, resnet_v1/v2, inception, alexnet, overfeat as in TF 1.15"),
    Era("tf.contrib.eager", "compat.contrib.eager", _CONTRIB, "core TF 2 eager: tf.function, tf.GradientTape, tf.Variable",
        "served by compat.contrib.eager: tfe's names were core objects (tfe.defun is tf.function)"),
    Era("tf.contrib.eager.metrics", "compat.contrib.eager_metrics", _CONTRIB, "tf.keras.metrics",
        "calling a tfe metric returned its arguments; a Keras metric returns the running result"),
    Era("tf.contrib.eager.Network", None, _CONTRIB, "tf.keras.Model",
        "not served: tfe's layer container, deprecated in favour of Keras models"),
    Era("tf.contrib.eager.Sequential", None, _CONTRIB, "tf.keras.Sequential"),
    Era("tf.contrib.eager.save_network_checkpoint", None, _CONTRIB, "tf.train.Checkpoint(model=...).save"),
    Era("tf.contrib.eager.restore_network_checkpoint", None, _CONTRIB, "tf.train.Checkpoint(model=...).restore"),
    Era("tf.contrib.eager.restore_variables_on_create", None, _CONTRIB, "tf.train.Checkpoint(...).restore (deferred)"),
    Era("tf.contrib.eager.CheckpointableSaver", None, _CONTRIB, "tf.train.Checkpoint"),
    Era("tf.contrib.eager.add_execution_callback", None, _CONTRIB, "tf.debugging.enable_check_numerics"),
    Era("tf.contrib.eager.seterr", None, _CONTRIB, "tf.debugging.enable_check_numerics"),
    Era("tf.contrib.eager.inf_nan_callback", None, _CONTRIB, "tf.debugging.enable_check_numerics"),
    Era("tf.contrib.eager.inf_callback", None, _CONTRIB, "tf.debugging.enable_check_numerics"),
    Era("tf.contrib.eager.nan_callback", None, _CONTRIB, "tf.debugging.enable_check_numerics"),
    Era("tf.contrib.eager.clear_execution_callbacks", None, _CONTRIB, "tf.debugging.disable_check_numerics"),
    Era("tf.contrib.eager.ExecutionCallback", None, _CONTRIB, "tf.debugging.enable_check_numerics"),
    Era("tf.contrib.eager.errstate", None, _CONTRIB, "tf.debugging.enable_check_numerics"),
    Era("tf.contrib.eager.enable_remote_eager_execution", None, _CONTRIB, "tf.config.experimental_connect_to_cluster"),
    Era("tf.contrib.eager.connect_to_remote_host", None, _CONTRIB, "tf.config.experimental_connect_to_host"),
    Era("tf.contrib.distributions", "compat.contrib.distributions", _CONTRIB,
        "tf.compat.v1.distributions (the rest: tensorflow_probability.distributions)",
        "served by tf.compat.v1.distributions (Normal, Bernoulli, Categorical, Beta ...) and compat.contrib."
        "distributions (MultivariateNormalDiag, OneHotCategorical, RelaxedOneHotCategorical ...)"),
    Era("tf.contrib.distributions.MultivariateNormalTriL", None, _CONTRIB, "tfp.distributions.MultivariateNormalTriL"),
    Era("tf.contrib.distributions.MultivariateNormalFullCovariance", None, _CONTRIB,
        "tfp.distributions.MultivariateNormalTriL(scale_tril=tf.linalg.cholesky(cov))"),
    Era("tf.contrib.distributions.Poisson", None, _CONTRIB, "tfp.distributions.Poisson"),
    Era("tf.contrib.distributions.Logistic", None, _CONTRIB, "tfp.distributions.Logistic"),
    Era("tf.contrib.distributions.Mixture", None, _CONTRIB, "tfp.distributions.Mixture"),
    Era("tf.contrib.distributions.TransformedDistribution", None, _CONTRIB, "tfp.distributions.TransformedDistribution"),
    Era("tf.contrib.distributions.bijectors", None, _CONTRIB, "tfp.bijectors"),
    Era("tf.contrib.data", "compat.contrib.data", _CONTRIB, "tf.data / tf.data.experimental",
        "served by compat.contrib.data: tf.compat.v1.data and its experimental transformations"),
    Era("tf.contrib.data.sliding_window_batch", None, _CONTRIB, "dataset.window(size, shift).flat_map(lambda w: w.batch(size))"),
    Era("tf.contrib.data.assert_element_shape", None, _CONTRIB, "dataset.map(lambda x: tf.ensure_shape(x, shape))"),
    Era("tf.contrib.data.read_batch_features", None, _CONTRIB, "tf.data.experimental.make_batched_features_dataset"),
    Era("tf.contrib.data.reduce_dataset", None, _CONTRIB, "dataset.reduce(initial_state, reduce_func)"),
    Era("tf.contrib.data.LMDBDataset", None, _CONTRIB, "a Python generator with tf.data.Dataset.from_generator"),
    Era("tf.contrib.losses", "tf_slim.losses", _CONTRIB, "tf.compat.v1.losses / tf.keras.losses",
        "served by tf_slim.losses, contrib's own losses: logits come FIRST (softmax_cross_entropy(logits, onehot_labels))"),
    Era("tf.contrib.metrics", "tf_slim.metrics", _CONTRIB, "tf.compat.v1.metrics / tf.keras.metrics",
        "served by tf_slim.metrics: streaming_accuracy, streaming_mean ... return (value, update_op)"),
    Era("tf.contrib.keras", "tf_keras", _CONTRIB, "tf.keras", "served by tf_keras (Keras 2), which tf.contrib.keras became"),
    Era("tf.contrib.keras.datasets.mnist.load_data", "compat.input_data:load_keras_mnist", _CONTRIB,
        "tf.keras.datasets.mnist.load_data", "served offline, as tf.keras.datasets.mnist.load_data"),
    Era("tf.contrib.keras.datasets.fashion_mnist.load_data", "compat.input_data:load_keras_fashion_mnist", _CONTRIB,
        "tf.keras.datasets.fashion_mnist.load_data", "served offline, as tf.keras.datasets.fashion_mnist.load_data"),
    Era("tf.contrib.training", "compat.contrib.training", _CONTRIB,
        "tf.data for input pipelines; a dict or dataclass for hyperparameters; Keras fit() or a tf.function loop",
        "served by compat.contrib.training: HParams and tf_slim's train/evaluate helpers"),
    Era("tf.contrib.training.HParams", "compat.contrib.hparams:HParams", _CONTRIB, "a dict / dataclass (or tensorboard.plugins.hparams)",
        "served by compat.contrib.hparams: typed values, parse('a=1,b=[2,3]'), to_json, as in TF 1.15"),
    Era("tf.contrib.training.parse_values", "compat.contrib.hparams:parse_values", _CONTRIB, "argparse / absl.flags"),
    Era("tf.contrib.training.HParamDef", None, _CONTRIB, "HParams.to_json / a dataclass",
        "not served: the protocol buffer form"),
    Era("tf.contrib.training.batch_sequences_with_states", None, _CONTRIB,
        "tf.data windows + a stateful tf.keras.layers.RNN"),
    Era("tf.contrib.training.SequenceQueueingStateSaver", None, _CONTRIB,
        "tf.data windows + a stateful tf.keras.layers.RNN"),
    Era("tf.contrib.training.bucket", None, _CONTRIB, "tf.data.Dataset.bucket_by_sequence_length"),
    Era("tf.contrib.training.rejection_sample", None, _CONTRIB, "tf.data.Dataset.rejection_resample"),
    Era("tf.contrib.training.resample_at_rate", None, _CONTRIB, "tf.data.Dataset.rejection_resample"),
    Era("tf.contrib.training.weighted_resample", None, _CONTRIB, "tf.data.Dataset.sample_from_datasets"),
    Era("tf.contrib.training.FeedingQueueRunner", None, _CONTRIB, "tf.data.Dataset.from_generator"),
    Era("tf.contrib.training.bucket_by_sequence_length", None, _CONTRIB, "tf.data.experimental.bucket_by_sequence_length"),
    Era("tf.contrib.training.stratified_sample", None, _CONTRIB, "tf.data.experimental.rejection_resample"),
    Era("tf.contrib.legacy_seq2seq", None, _CONTRIB, "tf.keras.layers.RNN + tf.keras.losses.SparseCategoricalCrossentropy"),
    Era("tf.contrib.legacy_seq2seq.sequence_loss_by_example", "compat.contrib.seq2seq:sequence_loss_by_example", _CONTRIB,
        "tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction='none') with sample weights"),
    Era("tf.contrib.legacy_seq2seq.sequence_loss", "compat.contrib.seq2seq:sequence_loss", _CONTRIB,
        "tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True) with sample weights"),
    Era("tf.contrib.legacy_seq2seq.rnn_decoder", "compat.contrib.seq2seq:rnn_decoder", _CONTRIB,
        "tf.keras.layers.RNN(cell, return_sequences=True) (a Python loop when feeding outputs back)"),
    Era("tf.contrib.legacy_seq2seq.basic_rnn_seq2seq", "compat.contrib.seq2seq:basic_rnn_seq2seq", _CONTRIB,
        "a Keras encoder-decoder (tf.keras.layers.RNN twice, initial_state=)"),
    Era("tf.contrib.legacy_seq2seq.tied_rnn_seq2seq", "compat.contrib.seq2seq:tied_rnn_seq2seq", _CONTRIB,
        "a Keras encoder-decoder sharing one cell"),
    Era("tf.contrib.legacy_seq2seq.embedding_rnn_decoder", "compat.contrib.seq2seq:embedding_rnn_decoder", _CONTRIB,
        "tf.keras.layers.Embedding + tf.keras.layers.RNN"),
    Era("tf.contrib.legacy_seq2seq.embedding_rnn_seq2seq", "compat.contrib.seq2seq:embedding_rnn_seq2seq", _CONTRIB,
        "a Keras encoder-decoder with tf.keras.layers.Embedding"),
    Era("tf.contrib.legacy_seq2seq.attention_decoder", "compat.contrib.seq2seq:attention_decoder", _CONTRIB,
        "tf.keras.layers.AdditiveAttention over encoder outputs"),
    Era("tf.contrib.legacy_seq2seq.embedding_attention_decoder", "compat.contrib.seq2seq:embedding_attention_decoder",
        _CONTRIB, "a Keras decoder with tf.keras.layers.Embedding and AdditiveAttention"),
    Era("tf.contrib.legacy_seq2seq.embedding_attention_seq2seq", "compat.contrib.seq2seq:embedding_attention_seq2seq",
        _CONTRIB, "a Keras encoder-decoder with tf.keras.layers.AdditiveAttention"),
    Era("tf.contrib.legacy_seq2seq.model_with_buckets", "compat.contrib.seq2seq:model_with_buckets", _CONTRIB,
        "tf.data.experimental.bucket_by_sequence_length + one Keras model"),
    Era("tf.contrib.legacy_seq2seq.embedding_tied_rnn_seq2seq", "compat.contrib.seq2seq:embedding_tied_rnn_seq2seq",
        _CONTRIB, "a Keras encoder-decoder sharing one Embedding and cell"),
    Era("tf.contrib.legacy_seq2seq.one2many_rnn_seq2seq", "compat.contrib.seq2seq:one2many_rnn_seq2seq", _CONTRIB,
        "a Keras model with one encoder and several decoders"),
    Era("tf.contrib.seq2seq", "compat.contrib.decoder", _CONTRIB,
        "a Keras decoder loop (tensorflow_addons.seq2seq, its successor, does not support TF 2.21)",
        "served by compat.contrib.decoder and .attention: BasicDecoder, dynamic_decode, the Training/GreedyEmbedding/"
        "SampleEmbedding helpers, tile_batch, Bahdanau/Luong attention, beam search"),
    Era("tf.contrib.seq2seq.AttentionWrapper", "compat.contrib.attention:AttentionWrapper", _CONTRIB,
        "tf.keras.layers.Attention / AdditiveAttention in a Keras decoder"),
    Era("tf.contrib.seq2seq.AttentionWrapperState", "compat.contrib.attention:AttentionWrapperState", _CONTRIB,
        "the state of a Keras decoder loop"),
    Era("tf.contrib.seq2seq.BahdanauAttention", "compat.contrib.attention:BahdanauAttention", _CONTRIB,
        "tf.keras.layers.AdditiveAttention"),
    Era("tf.contrib.seq2seq.LuongAttention", "compat.contrib.attention:LuongAttention", _CONTRIB,
        "tf.keras.layers.Attention"),
    Era("tf.contrib.seq2seq.BahdanauMonotonicAttention", None, _CONTRIB, "a custom Keras attention layer",
        "not served: monotonic attention"),
    Era("tf.contrib.seq2seq.LuongMonotonicAttention", None, _CONTRIB, "a custom Keras attention layer"),
    Era("tf.contrib.seq2seq.BeamSearchDecoder", "compat.contrib.beam_search:BeamSearchDecoder", _CONTRIB,
        "a beam search over a Keras decoder's logits", "the coverage penalty is not served"),
    Era("tf.contrib.seq2seq.BeamSearchDecoderOutput", "compat.contrib.beam_search:BeamSearchDecoderOutput", _CONTRIB,
        "a beam search over a Keras decoder's logits"),
    Era("tf.contrib.seq2seq.BeamSearchDecoderState", "compat.contrib.beam_search:BeamSearchDecoderState", _CONTRIB,
        "a beam search over a Keras decoder's logits"),
    Era("tf.contrib.seq2seq.FinalBeamSearchDecoderOutput", "compat.contrib.beam_search:FinalBeamSearchDecoderOutput",
        _CONTRIB, "a beam search over a Keras decoder's logits"),
    Era("tf.contrib.seq2seq.AttentionMechanism", "compat.contrib.attention:AttentionMechanism", _CONTRIB,
        "tf.keras.layers.Attention"),
    Era("tf.contrib.seq2seq.ScheduledOutputTrainingHelper", None, _CONTRIB,
        "a Keras decoder loop mixing fed-back outputs and ground-truth inputs"),
    Era("tf.contrib.seq2seq.monotonic_attention", None, _CONTRIB, "a custom Keras attention layer"),
    Era("tf.contrib.seq2seq.gather_tree", "compat.contrib.beam_search:gather_tree", _CONTRIB,
        "a beam search over a Keras decoder's logits"),
    Era("tf.contrib.metrics.confusion_matrix", f"{_V1}:confusion_matrix", _CONTRIB, "tf.math.confusion_matrix"),
    Era("tf.contrib.metrics.set_difference", f"{_V1}:sets.set_difference", _CONTRIB, "tf.sets.difference"),
    Era("tf.contrib.metrics.set_intersection", f"{_V1}:sets.set_intersection", _CONTRIB, "tf.sets.intersection"),
    Era("tf.contrib.metrics.set_size", f"{_V1}:sets.set_size", _CONTRIB, "tf.sets.size"),
    Era("tf.contrib.metrics.set_union", f"{_V1}:sets.set_union", _CONTRIB, "tf.sets.union"),
    Era("tf.contrib.seq2seq.sequence_loss", "compat.contrib.seq2seq:contrib_sequence_loss", _CONTRIB,
        "tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True) with sample weights"),
    Era("tf.contrib.learn", None, _CONTRIB, "tf.keras (models, datasets); Keras fit() for the estimators"),
    Era("tf.contrib.learn.datasets.base", None, _CONTRIB, "numpy.loadtxt / pandas.read_csv"),
    Era("tf.contrib.learn.datasets.load_dataset", "compat.contrib.learn:load_dataset", _CONTRIB,
        "tf.keras.datasets.mnist.load_data", "'mnist' is served (compat.input_data); iris, boston, dbpedia are not"),
    Era("tf.contrib.learn.datasets.load_iris", None, _CONTRIB, "numpy.loadtxt on an iris CSV (sklearn.datasets)",
        "not served: the CSV shipped inside the TF 1.x package"),
    Era("tf.contrib.learn.datasets.load_boston", None, _CONTRIB, "numpy.loadtxt on a Boston housing CSV",
        "not served: the CSV shipped inside the TF 1.x package"),
    Era("tf.contrib.learn.datasets.base.load_csv_with_header", "compat.contrib.learn:load_csv_with_header", _CONTRIB,
        "numpy.loadtxt(skiprows=1) / pandas.read_csv"),
    Era("tf.contrib.learn.datasets.base.load_csv_without_header", "compat.contrib.learn:load_csv_without_header", _CONTRIB,
        "numpy.loadtxt / pandas.read_csv"),
    Era("tf.contrib.learn.datasets.base.Dataset", "compat.contrib.learn:Dataset", _CONTRIB, "a (data, target) tuple"),
    Era("tf.contrib.learn.python.learn.datasets.mnist", "compat.input_data", _CONTRIB, "tf.keras.datasets.mnist.load_data"),
    Era("tf.contrib.learn.preprocessing", None, _CONTRIB, "tf.keras.layers.TextVectorization"),
    Era("tf.contrib.learn.preprocessing.VocabularyProcessor", "compat.contrib.learn:VocabularyProcessor", _CONTRIB,
        "tf.keras.layers.TextVectorization(output_sequence_length=...)",
        "ids follow first appearance (1, 2 ...), 0 pads and marks unknown words"),
    Era("tf.contrib.learn.preprocessing.CategoricalVocabulary", "compat.contrib.learn:CategoricalVocabulary", _CONTRIB,
        "tf.keras.layers.StringLookup"),
    Era("tf.contrib.learn.preprocessing.tokenizer", "compat.contrib.learn:tokenizer", _CONTRIB,
        "tf.keras.layers.TextVectorization(split=...)"),
    Era("tf.contrib.learn.DNNClassifier", None, _CONTRIB, "tf.keras.Sequential of Dense layers + fit()"),
    Era("tf.contrib.learn.LinearClassifier", None, _CONTRIB, "tf.keras.Sequential([Dense(n_classes)]) + fit()"),
    Era("tf.contrib.learn.Estimator", None, _CONTRIB, "a Keras model or a tf.function training loop"),
    Era("tf.contrib.learn.infer_real_valued_columns_from_input", None, _CONTRIB, "tf.feature_column.numeric_column"),
    Era("tf.estimator", None, "TF 2.16 (tf.estimator removed; tensorflow-estimator 2.15 was its last release)",
        "tf.keras Model.fit / a tf.function training loop",
        "not served: tensorflow-estimator 2.15 needs TF internals that TF 2.21 removed"),
    Era("np.reshape", "compat.contrib.numpy_removed:reshape", "NumPy 2.4 (newshape= deprecated in 2.1)",
        "np.reshape(a, shape)", "newshape= is accepted and means shape="),
    Era("np.histogram", "compat.contrib.numpy_removed:histogram", "NumPy 1.24 (normed= removed; deprecated in 1.6)",
        "np.histogram(a, density=True)", "normed= is accepted and means density="),
    Era("np.cast", "compat.contrib.numpy_removed:cast", "NumPy 2.0", "np.asarray(x).astype(dtype)"),
    Era("np.set_printoptions", "compat.contrib.numpy_removed:set_printoptions",
        "NumPy 1.16 (threshold=np.nan refused)", "np.set_printoptions(threshold=sys.maxsize)",
        "threshold=np.nan is accepted and means sys.maxsize"),
    Era("np.load", "compat.contrib.numpy_removed:load", "NumPy 1.16.3 (allow_pickle default became False)",
        "np.load(path, allow_pickle=True) for files you trust",
        "the era default allow_pickle=True is kept: pickled object arrays and dicts load as they did"),
    Era("np.row_stack", "numpy:vstack", "NumPy 2.0 (deprecated alias)", "np.vstack"),
    Era("np.find_common_type", None, "NumPy 2.0 (deprecated in 1.25)", "np.result_type / np.promote_types"),
    Era("np.sctype2char", None, _NP2, "np.dtype(t).char"),
    Era("scipy.misc.logsumexp", "compat.contrib.scipy_removed:logsumexp", "SciPy 1.0 (moved to scipy.special)",
        "scipy.special.logsumexp"),
    Era("scipy.misc.comb", "compat.contrib.scipy_removed:comb", "SciPy 1.3 (moved to scipy.special)", "scipy.special.comb"),
    Era("scipy.misc.factorial", "compat.contrib.scipy_removed:factorial", "SciPy 1.3 (moved to scipy.special)",
        "scipy.special.factorial"),
    Era("scipy.misc.face", None, "SciPy 1.12 (moved to scipy.datasets)", "scipy.datasets.face (downloads via pooch)"),
    Era("scipy.misc.ascent", None, "SciPy 1.12 (moved to scipy.datasets)", "scipy.datasets.ascent (downloads via pooch)"),
    Era("scipy.ndimage.imread", "compat.scipy_misc:imread", "SciPy 1.2 (deprecated in 1.0)", "imageio.v3.imread",
        "the same Pillow reader as scipy.misc.imread (flatten=, mode=)"),

    # --- Keras 2 behaviour that Keras 3 / the Keras 2.11 optimizers changed -----------------------------------
    Era("keras", "tf_keras", "TF 2.16 (`keras` became Keras 3)", "keras 3 (import keras)",
        "a 2018 `import keras` script meant Keras 2: served by tf_keras"),
    Era("tf.keras.optimizers.Adam", "tf_keras.optimizers.legacy:Adam", "Keras 2.11 (optimizer rewritten)",
        "tf.keras.optimizers.Adam",
        "the old OptimizerV2 could update any variables it was given; the 2.11 one only those it was built with"),
    Era("tf.keras.optimizers.SGD", "tf_keras.optimizers.legacy:SGD", "Keras 2.11 (optimizer rewritten)",
        "tf.keras.optimizers.SGD"),
    Era("tf.keras.optimizers.RMSprop", "tf_keras.optimizers.legacy:RMSprop", "Keras 2.11 (optimizer rewritten)",
        "tf.keras.optimizers.RMSprop"),
    Era("tf.keras.datasets.mnist.load_data", "compat.input_data:load_keras_mnist",
        "not removed (downloads mnist.npz)", "tf.keras.datasets.mnist.load_data",
        "served offline: the Keras cache, else the IDX files from the compat mirror"),
    Era("tf.keras.datasets.fashion_mnist.load_data", "compat.input_data:load_keras_fashion_mnist",
        "not removed (downloads from the network)", "tf.keras.datasets.fashion_mnist.load_data",
        "served offline from the compat mirror"),

    # --- NumPy aliases removed in 1.24 and 2.0 ----------------------------------------------------------------
    Era("np.float", "builtins:float", _NP124, "float (or np.float64)", "it was always Python's float"),
    Era("np.int", "builtins:int", _NP124, "int (or np.int64)", "it was always Python's int"),
    Era("np.bool", "builtins:bool", _NP124, "bool (or np.bool_)",
        "NumPy 2.0 re-added np.bool as np.bool_; the era meant Python's bool"),
    Era("np.object", "builtins:object", _NP124, "object"),
    Era("np.str", "builtins:str", _NP124, "str"),
    Era("np.long", "builtins:int", _NP124, "int", "NumPy 2.0 re-added np.long as the C long type"),
    Era("np.unicode", "builtins:str", _NP124, "str"),
    Era("np.complex", "builtins:complex", _NP124, "complex"),
    Era("np.float_", "numpy:float64", _NP2, "np.float64"),
    Era("np.complex_", "numpy:complex128", _NP2, "np.complex128"),
    Era("np.string_", "numpy:bytes_", _NP2, "np.bytes_"),
    Era("np.unicode_", "numpy:str_", _NP2, "np.str_"),
    Era("np.bool8", "numpy:bool_", _NP2, "np.bool_"),
    Era("np.int0", "numpy:intp", _NP2, "np.intp"),
    Era("np.NaN", "numpy:nan", _NP2, "np.nan"),
    Era("np.Inf", "numpy:inf", _NP2, "np.inf"),
    Era("np.infty", "numpy:inf", _NP2, "np.inf"),
    Era("np.NINF", "compat.shims:NINF", _NP2, "-np.inf"),
    Era("np.PINF", "numpy:inf", _NP2, "np.inf"),
    Era("np.product", "numpy:prod", _NP2, "np.prod"),
    Era("np.cumproduct", "numpy:cumprod", _NP2, "np.cumprod"),
    Era("np.alltrue", "numpy:all", _NP2, "np.all"),
    Era("np.sometrue", "numpy:any", _NP2, "np.any"),
    Era("np.round_", "numpy:round", _NP2, "np.round"),
    Era("np.in1d", "compat.shims:in1d", "NumPy 2.4 (deprecated in 2.0)", "np.isin", "isin keeps the input's shape; in1d flattened"),
    Era("np.trapz", "numpy:trapezoid", "NumPy 2.4 (deprecated in 2.0)", "np.trapezoid"),
    Era("np.mat", "numpy:asmatrix", _NP2, "np.asmatrix (better: plain arrays and @)"),
    Era("np.asscalar", "compat.shims:asscalar", "NumPy 1.23 (deprecated in 1.16)", "a.item()"),
    Era("np.asfarray", "compat.shims:asfarray", _NP2, "np.asarray(a, dtype=np.float64)"),
    Era("np.msort", "compat.shims:msort", _NP2, "np.sort(a, axis=0)"),

    # --- scipy.misc image functions (Pillow-backed) -----------------------------------------------------------
    Era("scipy.misc", "compat.scipy_misc", "SciPy 1.3 (image functions; deprecated in 1.0)",
        "imageio / PIL.Image", "served by compat.scipy_misc, faithful to SciPy 1.1 on top of Pillow"),
    Era("scipy.misc.imread", "compat.scipy_misc:imread", _SCIPY13, "imageio.v3.imread"),
    Era("scipy.misc.imsave", "compat.scipy_misc:imsave", _SCIPY13, "imageio.v3.imwrite",
        "float arrays were bytescaled to 0..255 by their own min and max before saving"),
    Era("scipy.misc.imresize", "compat.scipy_misc:imresize", _SCIPY13, "PIL.Image.resize / skimage.transform.resize",
        "returned uint8 and bytescaled float input"),
    Era("scipy.misc.toimage", "compat.scipy_misc:toimage", _SCIPY13, "PIL.Image.fromarray"),
    Era("scipy.misc.bytescale", "compat.scipy_misc:bytescale", _SCIPY13, "explicit (x - lo) / (hi - lo) * 255"),
    Era("scipy.misc.fromimage", "compat.scipy_misc:fromimage", _SCIPY13, "np.asarray(image)"),

    # --- six.moves: Python 2/3 names, served from Python 3's own ------------------------------------------------
    Era("six.moves", None, "Python 3 (six bridged Python 2 names)", "the Python 3 names directly"),
    Era("six.moves.xrange", "builtins:range", "Python 3 (xrange became range)", "range"),
    Era("six.moves.range", "builtins:range", "Python 3", "range"),
    Era("six.moves.zip", "builtins:zip", "Python 3 (izip became zip)", "zip"),
    Era("six.moves.map", "builtins:map", "Python 3 (imap became map)", "map"),
    Era("six.moves.filter", "builtins:filter", "Python 3", "filter"),
    Era("six.moves.input", "builtins:input", "Python 3 (raw_input became input)", "input"),
    Era("six.moves.reduce", "functools:reduce", "Python 3 (reduce left the builtins)", "functools.reduce"),
    Era("six.moves.cPickle", "pickle", "Python 3 (cPickle became pickle)", "pickle"),
    Era("six.moves.urllib", "urllib", "Python 3 (urllib2 merged into urllib)", "urllib.request / urllib.parse"),
    Era("six.moves.queue", "queue", "Python 3 (Queue became queue)", "queue"),
)

BY_NAME = {row.name: row for row in TABLE}
if len(BY_NAME) != len(TABLE):  # a duplicate row would silently shadow another: refuse at import
    raise RuntimeError("compat.table: duplicate era names in TABLE")

# every proper prefix of a row name ("tf.contrib.layers" for "tf.contrib.layers.batch_norm"): such a name is a
# namespace the runtime must intercept, even where no row names it.
PREFIXES = frozenset(
    ".".join(parts[:i]) for row in TABLE for parts in [row.name.split(".")] for i in range(1, len(parts))
)


def nearest_row(name):
    """The row for ``name`` or, failing that, for its nearest dotted ancestor (None if no ancestor has a row)."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        row = BY_NAME.get(".".join(parts[:i]))
        if row is not None:
            return row
    return None


# --- Teaching rows read by `python -m compat explain` (the runtime serves these names through TABLE or TF itself) ---

@dataclass(frozen=True)
class ChangedMeaning:
    """A call whose spelling survived into TF 2 (or into its listed replacement) but whose meaning changed.

    A port that copies the call keeps running and silently computes something else. ``era`` says what TF 1.x did,
    ``today`` what the same spelling does now and what to write. The optional fields narrow the rows to the calls
    that hit the trap (none set: every use): ``positional`` a call passing a positional argument at that index,
    ``keyword`` a call passing that keyword, ``default_of`` (keyword, position) a call leaving that argument to
    its default. ``scripts``: the script eras the row speaks to (a TF 2 script's ``dropout(x, 0.3)`` already means
    a rate; a Keras 1 call or ``lr=`` is a trap in either).
    """
    name: str
    era: str
    today: str
    positional: Optional[int] = None
    keyword: Optional[str] = None
    default_of: Optional[tuple] = None  # (keyword, position)
    scripts: tuple = ("tf1",)


_DIM_RENAMED = "keyword renamed: TF 2 raises TypeError on the old spelling"
_BOTH = ("tf1", "tf2")

CHANGED_MEANING = (
    ChangedMeaning("tf.nn.dropout", "dropout(x, keep_prob): the second positional argument is the KEEP probability",
                   "dropout(x, rate): the second positional argument is the DROP rate; write rate=1 - keep_prob "
                   "(following the old call drops 75 % where TF1 kept 75 %)", positional=1),
    ChangedMeaning("tf.summary.scalar", "returned a serialized Summary op to merge (summary.merge_all) and write "
                   "with FileWriter.add_summary(s, step)",
                   "writes at once to the default writer (create_file_writer(...).as_default()) and needs step=; "
                   "without a default writer nothing is written"),
    ChangedMeaning("tf.summary.histogram", "returned a Summary op for FileWriter.add_summary",
                   "writes at once to the default writer and needs step="),
    ChangedMeaning("tf.summary.image", "returned a Summary op; float images were rescaled per image to 0..255 "
                   "(largest value to 255, or 0.0 to 127 when negatives occur)",
                   "writes at once to the default writer and needs step=; floats must already lie in [0, 1] "
                   "(values outside are clipped, not rescaled)"),
    ChangedMeaning("tf.image.resize", "resize_images(images, size, method, align_corners=False): corner-aligned "
                   "sampling grid, no half-pixel centres",
                   "half-pixel centres (bilinear values differ from TF1's); align_corners= is gone; "
                   "tf.compat.v1.image.resize keeps the TF1 grid"),
    ChangedMeaning("tf.nn.softmax_cross_entropy_with_logits",
                   "no gradient flows into labels (labels were treated as constants)",
                   "the v2 op backpropagates into labels too: wrap computed labels in tf.stop_gradient to keep TF1 "
                   "training"),
    ChangedMeaning("tf.losses.mean_squared_error", "tf.losses.mean_squared_error(labels, predictions): one "
                   "scalar, weighted mean with reduction SUM_BY_NONZERO_WEIGHTS, added to the LOSSES collection",
                   "tf.losses is Keras's: mean over the last axis only, one value per example, no reduction; use "
                   "tf.reduce_mean(...) or tf.keras.losses.MeanSquaredError()"),
    ChangedMeaning("tf.where", "where(cond, x, y) did not broadcast: a rank-1 cond selected whole rows of x",
                   "where broadcasts cond, x and y: a rank-1 cond is matched against the LAST axis; reshape cond to "
                   "[-1, 1] for row selection", positional=1),
    ChangedMeaning("tf.nn.in_top_k", "in_top_k(predictions, targets, k)",
                   "in_top_k(targets, predictions, k): the first two positional arguments swapped places",
                   positional=1),
    ChangedMeaning("tf.nn.moments", "moments(x, axes, shift, name, keep_dims): the 4th positional is name",
                   "moments(x, axes, shift, keepdims, name): the 4th positional is keepdims", positional=3),
    ChangedMeaning("tf.random_normal_initializer", "stddev defaulted to 1.0",
                   "stddev defaults to 0.05 (TF 2's initializer is Keras's): pass stddev= explicitly",
                   default_of=("stddev", 1)),
    ChangedMeaning("tf.random_uniform_initializer", "minval=0, maxval=1 (for floats) by default",
                   "minval=-0.05, maxval=0.05 by default: pass both explicitly", default_of=("maxval", 1)),
    ChangedMeaning("tf.keras.layers.BatchNormalization",
                   "layer.trainable = False froze gamma and beta but training still normalised with the batch's "
                   "statistics",
                   "since TF 2.0 trainable = False also switches the layer to inference mode (moving statistics)"),
    ChangedMeaning("tf.contrib.layers.batch_norm", "decay=0.999, scale=False, epsilon=0.001, is_training=True by "
                   "default; moving averages updated through UPDATE_OPS",
                   "its replacement tf.keras.layers.BatchNormalization defaults to momentum=0.99, scale=True and "
                   "inference mode unless called with training=True: set momentum=0.999, scale=False to port"),
    ChangedMeaning("tf.layers.batch_normalization", "training=False by default: without training=True it "
                   "normalised with the moving averages (0 and 1 at first) and never updated them",
                   "tf.keras.layers.BatchNormalization follows Keras's learning phase (fit() trains it); a port "
                   "that relied on the default changes behaviour", default_of=("training", 14)),
    ChangedMeaning("keras.layers.Convolution2D", "Keras 1: Convolution2D(nb_filter, nb_row, nb_col): the 3rd "
                   "positional is the kernel's width (Keras 2.0-2.3 converted this call with a warning)",
                   "Convolution2D is Conv2D(filters, kernel_size, strides): the 3rd positional is the STRIDE; write "
                   "Conv2D(n, (rows, cols))", positional=2, scripts=_BOTH),
    ChangedMeaning("tf.keras.layers.Convolution2D", "Keras 1 style Convolution2D(nb_filter, nb_row, nb_col)",
                   "Conv2D(filters, kernel_size, strides): the 3rd positional is the stride", positional=2,
                   scripts=_BOTH),
    ChangedMeaning("tf.keras.optimizers.Adam", "lr= was accepted for learning_rate=",
                   "Keras 2.11+ optimizers reject lr= (legacy optimizers still accept it): write learning_rate=",
                   keyword="lr", scripts=_BOTH),
    ChangedMeaning("tf.argmax", "dimension= was an alias of axis=", _DIM_RENAMED + " (write axis=)",
                   keyword="dimension", scripts=_BOTH),
    ChangedMeaning("tf.nn.softmax", "dim= was an alias of axis=", _DIM_RENAMED + " (write axis=)", keyword="dim",
                   scripts=_BOTH),
    ChangedMeaning("tf.expand_dims", "dim= was an alias of axis=", _DIM_RENAMED + " (write axis=)", keyword="dim",
                   scripts=_BOTH),
    ChangedMeaning("tf.squeeze", "squeeze_dims= was an alias of axis=", _DIM_RENAMED + " (write axis=)",
                   keyword="squeeze_dims", scripts=_BOTH),
) + tuple(
    ChangedMeaning(f"tf.{reduce}", "keep_dims= was an alias of keepdims=", _DIM_RENAMED + " (write keepdims=)",
                   keyword="keep_dims", scripts=_BOTH)
    for reduce in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any",
                   "reduce_all", "reduce_logsumexp")
) + tuple(
    ChangedMeaning(name, "two ops built with the same seed= drew identical values in a TF 1 graph",
                   "in TF 2 eager each call with the same seed= draws new values (a per-seed counter); "
                   "tf.random.stateless_* or a tf.random.Generator reproduces a fixed draw", keyword="seed")
    for name in ("tf.random_uniform", "tf.random_normal", "tf.random.uniform", "tf.random.normal")
)


@dataclass(frozen=True)
class QueueInput:
    """A name of TF1's queue-runner input pipeline and its ``tf.data`` equivalent (one line)."""
    name: str
    tf_data: str


QUEUE_INPUT = (
    QueueInput("tf.train.string_input_producer",
               "tf.data.Dataset.from_tensor_slices(filenames).shuffle(len(filenames)).repeat(num_epochs)"),
    QueueInput("tf.train.input_producer", "tf.data.Dataset.from_tensor_slices(tensor).shuffle(n).repeat(num_epochs)"),
    QueueInput("tf.train.range_input_producer", "tf.data.Dataset.range(limit).shuffle(limit).repeat(num_epochs)"),
    QueueInput("tf.train.slice_input_producer",
               "tf.data.Dataset.from_tensor_slices((a, b, ...)).shuffle(n).repeat(num_epochs)"),
    QueueInput("tf.train.limit_epochs", "dataset.repeat(num_epochs)"),
    QueueInput("tf.train.batch", "dataset.batch(batch_size) (drop_remainder=True for a fixed batch shape)"),
    QueueInput("tf.train.shuffle_batch", "dataset.shuffle(min_after_dequeue).batch(batch_size)"),
    QueueInput("tf.train.batch_join", "tf.data.Dataset.sample_from_datasets([...]).batch(batch_size)"),
    QueueInput("tf.train.shuffle_batch_join",
               "tf.data.Dataset.sample_from_datasets([...]).shuffle(min_after_dequeue).batch(batch_size)"),
    QueueInput("tf.train.maybe_batch", "dataset.filter(keep).batch(batch_size)"),
    QueueInput("tf.train.maybe_shuffle_batch", "dataset.filter(keep).shuffle(min_after_dequeue).batch(batch_size)"),
    QueueInput("tf.train.start_queue_runners", "nothing: a tf.data pipeline runs without threads; iterate it"),
    QueueInput("tf.train.Coordinator", "nothing for input: a Python for-loop over the dataset ends with the data"),
    QueueInput("tf.train.QueueRunner", "dataset.prefetch(tf.data.AUTOTUNE)"),
    QueueInput("tf.train.add_queue_runner", "dataset.prefetch(tf.data.AUTOTUNE)"),
    QueueInput("tf.TFRecordReader", "tf.data.TFRecordDataset(filenames)"),
    QueueInput("tf.TextLineReader", "tf.data.TextLineDataset(filenames)"),
    QueueInput("tf.FixedLengthRecordReader", "tf.data.FixedLengthRecordDataset(filenames, record_bytes)"),
    QueueInput("tf.WholeFileReader", "tf.data.Dataset.from_tensor_slices(filenames).map(tf.io.read_file)"),
    QueueInput("tf.FIFOQueue", "dataset.prefetch(n) (tf.queue.FIFOQueue remains for non-input uses)"),
    QueueInput("tf.RandomShuffleQueue", "dataset.shuffle(buffer_size)"),
    QueueInput("tf.PaddingFIFOQueue", "dataset.padded_batch(batch_size)"),
)


@dataclass(frozen=True)
class OldArgumentOrder:
    """A TF 0.x argument order a call may still use (the runtime's shims accept it; explain flags it).

    A call is in the old order when its first positional argument is an int literal (``int_first``), when it passes
    any positional argument to a keyword-only function (``any_positional``), or passes a keyword only the old
    signature had (``keywords``). ``modern`` is the call to write, for names without an ``Era`` row.
    """
    name: str
    old: str
    int_first: bool = False
    any_positional: bool = False
    keywords: tuple = ()
    modern: str = ""


OLD_ARGUMENT_ORDER = (
    OldArgumentOrder("tf.concat", "concat(concat_dim, values)", int_first=True, keywords=("concat_dim",)),
    OldArgumentOrder("tf.split", "split(split_dim, num_split, value)", int_first=True,
                     keywords=("split_dim", "num_split")),
    OldArgumentOrder("tf.nn.sigmoid_cross_entropy_with_logits", "sigmoid_cross_entropy_with_logits(logits, targets)",
                     any_positional=True, keywords=("targets",)),
    OldArgumentOrder("tf.nn.softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits(logits, labels)",
                     any_positional=True, modern="softmax_cross_entropy_with_logits(labels=, logits=): TF 1.x refused "
                     "positional arguments; TF 2 takes them as (labels, logits), swapped, without an error"),
    OldArgumentOrder("tf.nn.sparse_softmax_cross_entropy_with_logits",
                     "sparse_softmax_cross_entropy_with_logits(logits, labels)", any_positional=True,
                     modern="sparse_softmax_cross_entropy_with_logits(labels=, logits=): TF 1.x refused positional "
                     "arguments; TF 2 reads them as (labels, logits)"),
)
