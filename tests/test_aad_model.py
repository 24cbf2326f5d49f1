"""The AAD weight model: margin, loss, gradient and what an update does."""

import numpy as np
import pytest
import scipy.sparse as sp

from adlib.aad import AAD, tau_margin


def test_tau_margin_definition():
    scores = np.arange(100, dtype=float)[::-1]  # instance i has score 99 - i
    m = tau_margin(scores, 0.03)
    assert m.rank == 3 and m.tau_index == 3          # 0-based rank k = round(0.03 * 100)
    assert m.q == pytest.approx(np.percentile(scores, 97.0))


def _random_problem(seed=0, n=60, m=40):
    rng = np.random.default_rng(seed)
    Z = sp.random(n, m, density=0.3, random_state=seed, format="csr")
    Z.data = -rng.uniform(1, 5, Z.nnz)
    labeled = rng.choice(n, 15, replace=False)
    labels = (rng.uniform(size=15) < 0.4).astype(int)
    return Z, labeled, labels


def test_gradient_matches_finite_differences():
    Z, labeled, labels = _random_problem()
    model = AAD(tau=0.1).init(Z.shape[1])
    rng = np.random.default_rng(1)
    w = model.w_ + 0.01 * rng.normal(size=Z.shape[1])
    z_tau = Z[7].toarray().ravel()
    q, prior = 0.3, 0.7
    Z_lab = Z[labeled]
    direction, c_q, c_t = model._hinge_terms(labels)
    s = Z_lab @ w
    _, coef, coef_tau = model._hinge(s, z_tau @ w, q, direction, c_q, c_t)
    grad = Z_lab.T @ coef + coef_tau * z_tau + prior * (w - model.w_prior_)
    eps = 1e-7
    num = np.array([(model.objective(w + eps * e, Z_lab, labels, q, z_tau, prior)
                     - model.objective(w - eps * e, Z_lab, labels, q, z_tau, prior)) / (2 * eps)
                    for e in np.eye(Z.shape[1])])
    np.testing.assert_allclose(grad, num, atol=1e-5)


def test_update_lifts_a_labeled_anomaly_and_sinks_a_nominal():
    rng = np.random.default_rng(0)
    n, m = 300, 60
    Z = sp.csr_matrix(-rng.uniform(0.5, 1.5, (n, m)) * (rng.uniform(size=(n, m)) < 0.2))
    model = AAD(tau=0.05).init(m)
    s0 = model.scores(Z)
    order = np.argsort(-s0)
    anomaly, nominal = order[100], order[0]  # an anomaly ranked low, a nominal ranked top
    for _ in range(5):
        model.update(Z, [anomaly, nominal], [1, 0])
    s1 = model.scores(Z)
    rank = np.argsort(np.argsort(-s1))
    assert rank[anomaly] < 100 and rank[nominal] > 0
    assert np.linalg.norm(model.w_) == pytest.approx(1.0)


def test_no_loss_terms_keep_the_uniform_direction():
    Z, labeled, labels = _random_problem()
    model = AAD(Ca=0, Cn=0, Cx=0).init(Z.shape[1])
    model.update(Z, labeled, labels)
    np.testing.assert_allclose(model.w_, model.w_prior_, atol=1e-6)


def test_tau_must_be_a_fraction():
    with pytest.raises(ValueError, match="tau=3 must lie strictly between 0 and 1"):
        AAD(tau=3)


def test_dense_and_sparse_features_give_the_same_update():
    Z, labeled, labels = _random_problem(seed=3)
    sparse = AAD(tau=0.1).init(Z.shape[1]).update(Z, labeled, labels)
    dense = AAD(tau=0.1).init(Z.shape[1]).update(Z.toarray(), labeled, labels)
    np.testing.assert_allclose(dense.w_, sparse.w_, rtol=1e-12, atol=1e-14)
    assert dense.last_iterations_ == sparse.last_iterations_


def test_sessions_score_mostly_dense_features_as_arrays():
    from adlib.aad import Session

    rng = np.random.default_rng(0)
    dense = Session(sp.csr_matrix(rng.normal(size=(50, 6))))
    sparse = Session(sp.random(50, 40, density=0.1, random_state=0, format="csr"))
    assert isinstance(dense._scoring_matrix, np.ndarray)
    assert sp.issparse(sparse._scoring_matrix)
    assert sp.issparse(dense.features)  # the public matrix stays CSR for everyone else
