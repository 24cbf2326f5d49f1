"""adlib: the library behind the reproducibility book for human-in-the-loop anomaly detection.

Submodules are imported on demand (``from adlib.aad import discover``); importing
``adlib`` itself is cheap and pulls in neither TensorFlow nor matplotlib.
"""

__version__ = "0.1.0"
