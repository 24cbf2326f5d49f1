"""Graph convolutional networks and feature attacks on them (TensorFlow 2 / Keras 3, lazily).

A neural package above the AAD engine; nothing below it imports it. Its
chapter is still to come (see the book's introduction).
"""
