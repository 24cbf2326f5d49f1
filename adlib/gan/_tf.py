"""TensorFlow for the GANs: imported once, lazily, quietly, single-threaded and deterministic.

``import adlib.gan`` never imports TensorFlow (it costs 6-13 s on two busy
cores); a GAN calls :func:`tensorflow` the first time it is built.
"""

from __future__ import annotations

import os

_TF = None


def tensorflow():
    """Import TensorFlow (and Keras 3) once: no log noise, one thread, op determinism."""
    global _TF
    if _TF is None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        # oneDNN's reordered float sums change results between machines
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        try:
            import tensorflow as tf
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ImportError(
                "adlib.gan needs TensorFlow: install the 'deep' extra, e.g. "
                "`pip install -c constraints.txt -e \".[deep]\"` (or `make venv`).") from err
        try:  # only possible before TensorFlow starts its runtime
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            pass
        tf.config.experimental.enable_op_determinism()
        try:
            import absl.logging

            absl.logging.set_verbosity(absl.logging.ERROR)
        except ImportError:  # pragma: no cover
            pass
        tf.get_logger().setLevel("ERROR")
        _TF = tf
    return _TF


def seed_everything(seed: int) -> None:
    """Seed Keras, TensorFlow, NumPy's global and Python's generators (weights start from it)."""
    tensorflow()
    import keras

    keras.utils.set_random_seed(int(seed))
