"""Shared by the label-store tests: the session parameters and an oracle-like answering loop."""

from __future__ import annotations

#: The session every label-store test opens (Isolation Forest, seeded).
PARAMS = dict(ensemble="iforest", seed=3, tau=0.03)


def answer_next(session, y, n, flip=False):
    """Answer the next ``n`` queries from the labels ``y`` (``flip``: the opposite answer)."""
    for _ in range(n):
        (i,) = session.next_queries()
        session.answer(i, int(y[i]) ^ flip)
