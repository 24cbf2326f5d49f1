"""The generator and discriminator networks (Keras 3), built from a small layer spec.

Two presets:

* :func:`original_spec` - the original's networks for data of dimension
  ``d <= 2`` (``dnn/test_gan.py``): discriminator three ``tanh`` layers of
  ``8d`` units and one logit; generator ``8d`` (leaky ReLU), ``4d``
  (softplus), ``d`` (linear) units; weights truncated-normal with standard
  deviation ``2 / sqrt(n_in)``, biases 0 (the original's ``gan_layer``).
* :func:`image_spec` - a small dense GAN for 8x8 images in [0, 1]: generator
  128 -> 128 (leaky ReLU) -> 64 (sigmoid), discriminator 128 -> 64 (leaky ReLU)
  -> logit, Keras' default initialisation.

The discriminator returns ``(features, logit)``: ``features`` is its last
hidden layer, the layer AnoGAN's feature matching and InfoGAN's head ``Q``
read. A conditional GAN feeds the one-hot class to both networks
(concatenated to the input); InfoGAN feeds the code to the generator only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._tf import tensorflow


@dataclass(frozen=True)
class NetworkSpec:
    """Layer sizes and activations of both networks, and how weights start."""

    generator: tuple          # ((units, activation), ...) hidden layers
    generator_output: str | None
    discriminator: tuple      # ((units, activation), ...) hidden layers
    init: str = "original"    # "original": truncated normal, sd 2/sqrt(n_in); "keras": glorot


def original_spec(d: int) -> NetworkSpec:
    """The original's networks for low-dimensional data (sizes in multiples of ``d``)."""
    d = int(d)
    return NetworkSpec(generator=((8 * d, "leaky_relu"), (4 * d, "softplus")),
                       generator_output=None,
                       discriminator=((8 * d, "tanh"), (8 * d, "tanh"), (8 * d, "tanh")))


def image_spec(d: int = 64) -> NetworkSpec:
    """A small dense GAN for images scaled to [0, 1] (8x8 digits: ``d = 64``)."""
    return NetworkSpec(generator=((128, "leaky_relu"), (128, "leaky_relu")),
                       generator_output="sigmoid",
                       discriminator=((128, "leaky_relu"), (64, "leaky_relu")), init="keras")


def _kernel_init(keras, spec, n_in, seed):
    if spec.init == "original":
        return keras.initializers.TruncatedNormal(stddev=2.0 / np.sqrt(n_in), seed=seed)
    return keras.initializers.GlorotUniform(seed=seed)


def _activation(keras, name):
    if name == "leaky_relu":  # TF1's tf.nn.leaky_relu slope
        return lambda x: keras.ops.leaky_relu(x, negative_slope=0.2)
    return name


def _dense_stack(keras, spec, h, n_in, layers, prefix, seed):
    """Dense layers ``(units, activation)`` named ``<prefix>_1, ...``, layer ``i`` seeded ``seed + i``;
    returns the output and its width."""
    for i, (units, act) in enumerate(layers):
        h = keras.layers.Dense(units, activation=_activation(keras, act), name=f"{prefix}_{i + 1}",
                               kernel_initializer=_kernel_init(keras, spec, n_in, seed + i))(h)
        n_in = units
    return h, n_in


def build_generator(spec: NetworkSpec, latent_dim: int, code_dim: int, d: int, seed: int):
    """``G([z, c]) -> x``: a Keras model with inputs ``z`` (latent) and ``c`` (code, may be 0-wide)."""
    tensorflow()
    import keras

    z = keras.Input((latent_dim,), name="z")
    c = keras.Input((code_dim,), name="code")
    h = keras.layers.Concatenate(name="z_code")([z, c])
    h, n_in = _dense_stack(keras, spec, h, latent_dim + code_dim, spec.generator, "g", seed)
    out = keras.layers.Dense(d, activation=spec.generator_output, name="g_out",
                             kernel_initializer=_kernel_init(keras, spec, n_in, seed + 50))(h)
    return keras.Model([z, c], out, name="generator")


def build_discriminator(spec: NetworkSpec, d: int, code_dim: int, seed: int):
    """``D([x, c]) -> (features, logit)``; ``c`` is the class (conditional GAN) or 0-wide."""
    tensorflow()
    import keras

    x = keras.Input((d,), name="x")
    c = keras.Input((code_dim,), name="code")
    h = keras.layers.Concatenate(name="x_code")([x, c])
    h, n_in = _dense_stack(keras, spec, h, d + code_dim, spec.discriminator, "d", seed + 100)
    logit = keras.layers.Dense(1, name="d_logit",
                               kernel_initializer=_kernel_init(keras, spec, n_in, seed + 150))(h)
    return keras.Model([x, c], [h, logit[:, 0]], name="discriminator")


def build_q_head(spec: NetworkSpec, n_codes: int, seed: int):
    """InfoGAN's head ``Q(c | features)``: one dense layer (logits; softmax in the loss)."""
    tensorflow()
    import keras

    n_in = spec.discriminator[-1][0]
    f = keras.Input((n_in,), name="features")
    out = keras.layers.Dense(n_codes, name="q_logits",
                             kernel_initializer=_kernel_init(keras, spec, n_in, seed + 200))(f)
    return keras.Model(f, out, name="q_head")
