"""TensorFlow for the whole library: imported once, lazily, quietly, single-threaded, deterministic.

Only the neural packages (``adlib.glad``, ``gan``, ``graph``, ``sequence``)
and the deep detectors call :func:`tensorflow`, the first time they build a
network; nothing else imports TensorFlow (``import tensorflow`` costs 6-13 s
on two busy cores). One helper for all of them, so that every network in a
process sees the same settings, whichever was built first: no log noise,
oneDNN off (its reordered float sums change results between machines), one
thread, op determinism. With a seed (``keras.utils.set_random_seed``) two runs
give identical weights.

If TensorFlow was imported before, by other code, with other settings, the
thread settings cannot change any more (TensorFlow refuses once its runtime
runs) and oneDNN stays as it was: numbers may then differ in the last digits
from the book's. ``make`` exports ``TF_ENABLE_ONEDNN_OPTS=0`` for that reason.
"""

from __future__ import annotations

import os

_TF = None

INSTALL_HINT = ("install the 'deep' extra, e.g. `pip install -c constraints.txt -e \".[deep]\"` "
                "(or `make venv`)")


def tensorflow(user: str = "this part of adlib"):
    """Import TensorFlow (and Keras 3) once, configured as above; ``user`` names who needs it."""
    global _TF
    if _TF is None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        try:
            import tensorflow as tf
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ImportError(f"{user} needs TensorFlow: {INSTALL_HINT}.") from err
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
        tf.autograph.set_verbosity(0)
        _TF = tf
    return _TF


def seed_everything(seed: int) -> None:
    """Seed Keras, TensorFlow, NumPy's global and Python's generators (weights start from it)."""
    tensorflow()
    import keras

    keras.utils.set_random_seed(int(seed))
