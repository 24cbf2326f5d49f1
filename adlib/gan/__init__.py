"""GANs without mode collapse and AnoGAN (TensorFlow 2 / Keras 3, imported lazily inside it).

A neural package above the AAD engine; nothing below it imports it, and
``import adlib.gan`` does not import TensorFlow (the first GAN that is built
does). Chapters "Training GANs without mode collapse" and "AnoGAN":

    from adlib.gan import GAN, AnoGANDetector, latent_search
    gan = GAN("conditional", epochs=1000, seed=0).fit(X)     # classes chosen by BIC
    gan.sample(1000)
    res = latent_search(gan, X_query, variant="paper")        # score, R, D, residuals

Modules: :mod:`~adlib.gan.data` (1-D mixtures, BIC clusters, digits),
:mod:`~adlib.gan.networks`, :mod:`~adlib.gan.train` (``GAN``),
:mod:`~adlib.gan.anogan` (latent search, ``AnoGANDetector``),
:mod:`~adlib.gan.convae` (a convolutional autoencoder for the digits),
:mod:`~adlib.gan.plots`, :mod:`~adlib.gan.report` (the chapters' sentences).
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_EXPORTS = {
    "GAN": "train", "KINDS": "train",
    "AnoGANDetector": "anogan", "latent_search": "anogan",
    "latent_search_pointwise": "anogan", "SearchResult": "anogan",
    "ConvAutoencoder": "convae",
    "mixture": "data", "mode_shares": "data", "bic_clusters": "data", "digits": "data",
}
_SUBMODULES = ("data", "networks", "train", "anogan", "convae", "plots", "report", "experiments")

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS, _SUBMODULES)
