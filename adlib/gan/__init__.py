"""GANs without mode collapse and AnoGAN (TensorFlow 2 / Keras 3, imported lazily inside it).

A neural package above the AAD engine; nothing below it imports it. Its
chapter is still to come (see the book's introduction).
"""
