"""GLAD: glocalized anomaly detection (Das & Doppa 2018; Islam et al. 2020).

A neural package (TensorFlow 2 / Keras 3, imported lazily inside it): it sits
above the AAD engine and nothing below it imports it. Its chapter is still to
come (see the book's introduction).
"""
