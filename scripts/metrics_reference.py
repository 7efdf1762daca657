#!/usr/bin/python3
"""Reference values for core/metrics, from NumPy / SciPy, written to
core/metrics/fixtures/metricsReference.json.

Run from the repository root:   /usr/bin/python3 scripts/metrics_reference.py

Inputs come from a seeded NumPy generator, rounded to 6 decimals, and are written into the fixture
next to the values, so the TypeScript tests read exactly the numbers used here and never run
Python. The one exception is the sliced-Wasserstein directions, which TypeScript draws itself: the
Mulberry32 + Box-Muller generator is replayed below, and its first directions are stored so the
tests can check the replay too.
"""
import json
import math
import os

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist, pdist
from scipy.special import logsumexp
from scipy.stats import wasserstein_distance

rng = np.random.default_rng(20240611)
OUT = os.path.join(os.path.dirname(__file__), '..', 'core', 'metrics', 'fixtures', 'metricsReference.json')


def points(n, d, scale=1.0, shift=0.0):
    return np.round(rng.standard_normal((n, d)) * scale + shift, 6)


def flat(x):
    return [float(v) for v in np.asarray(x).ravel()]


# --- assignment: optimal costs from scipy (Hungarian / LAPJV variant) -----------------------------
assignment = []
for n, kind in [(12, 'float'), (30, 'integer ties'), (40, 'float'), (25, 'sqeuclid 2d')]:
    if kind == 'float':
        cost = np.round(rng.random((n, n)) * 10, 6)
    elif kind == 'integer ties':
        cost = rng.integers(0, 4, (n, n)).astype(float)
    else:
        cost = np.round(cdist(points(n, 2), points(n, 2, 2.0), 'sqeuclidean'), 6)
    rows, cols = linear_sum_assignment(cost)
    assignment.append({'kind': kind, 'n': n, 'cost': flat(cost), 'optimum': float(cost[rows, cols].sum())})

# --- exact W2 between equal-size samples: sqrt(mean of the optimal squared distances) -------------
def w2_exact(a, b):
    cost = cdist(a, b, 'sqeuclidean')
    rows, cols = linear_sum_assignment(cost)
    return math.sqrt(cost[rows, cols].mean())


w2 = []
for n, d, scale, shift in [(40, 2, 1.5, 0.7), (60, 3, 0.8, -0.3), (100, 2, 3.0, 0.0), (30, 1, 2.0, 1.0)]:
    a, b = points(n, d), points(n, d, scale, shift)
    w2.append({'n': n, 'd': d, 'a': flat(a), 'b': flat(b), 'value': w2_exact(a, b)})

# --- 1D Wasserstein between unequal sizes -----------------------------------------------------------
def w_quantile(a, b, p):
    """∫ |F_a^-1 − F_b^-1|^p over [0, 1], by evaluating both step quantiles at the midpoint of every
    interval between merged breakpoints (a different route from the TypeScript merge)."""
    a, b = np.sort(a), np.sort(b)
    ts = np.unique(np.concatenate([np.arange(len(a) + 1) / len(a), np.arange(len(b) + 1) / len(b)]))
    mid = 0.5 * (ts[1:] + ts[:-1])
    qa = a[np.minimum(np.ceil(mid * len(a)).astype(int) - 1, len(a) - 1)]
    qb = b[np.minimum(np.ceil(mid * len(b)).astype(int) - 1, len(b) - 1)]
    return float(np.sum(np.diff(ts) * np.abs(qa - qb) ** p)) ** (1 / p)


w1d = []
for n, m in [(13, 7), (40, 25), (9, 9)]:
    a, b = flat(points(n, 1, 1.0)), flat(points(m, 1, 2.0, 0.5))
    w1d.append({'a': a, 'b': b, 'w1': float(wasserstein_distance(a, b)), 'w2': w_quantile(a, b, 2), 'w3': w_quantile(a, b, 3)})

# --- sliced W2 with the TypeScript direction generator ----------------------------------------------
def mulberry32(seed):
    state = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def next_u32():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul(state ^ (state >> 15), state | 1)
        t = (((t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF) ^ t) & 0xFFFFFFFF
        return (t ^ (t >> 14)) & 0xFFFFFFFF
    return next_u32


def unit_directions(count, d, seed):
    nxt = mulberry32(seed)
    out = []
    for _ in range(count):
        norm = 0.0
        while norm == 0.0:
            draw = []
            while len(draw) < d:
                radius = math.sqrt(-2 * math.log((nxt() + 0.5) / 4294967296))
                angle = 2 * math.pi * ((nxt() + 0.5) / 4294967296)
                draw += [radius * math.cos(angle), radius * math.sin(angle)]
            draw = draw[:d]
            norm = math.sqrt(sum(v * v for v in draw))
        out.append([v / norm for v in draw])
    return np.array(out)


sliced = []
for n, m, d, projections, seed in [(50, 70, 2, 16, 7), (40, 40, 3, 32, 123), (30, 20, 5, 8, 0)]:
    a, b = points(n, d), points(m, d, 1.3, 0.4)
    dirs = unit_directions(projections, d, seed)
    sq = [w_quantile(a @ t, b @ t, 2) ** 2 for t in dirs]
    sliced.append({'n': n, 'm': m, 'd': d, 'projections': projections, 'seed': seed, 'a': flat(a), 'b': flat(b),
                   'firstDirections': flat(dirs[:3]), 'value': math.sqrt(float(np.mean(sq)))})

# --- MMD² (unbiased, Gaussian kernel) and the median heuristic ---------------------------------------
def mmd2_unbiased(a, b, sigma):
    k = lambda x, y: np.exp(-cdist(x, y, 'sqeuclidean') / (2 * sigma * sigma))
    kaa, kbb, kab = k(a, a), k(b, b), k(a, b)
    n, m = len(a), len(b)
    return float((kaa.sum() - np.trace(kaa)) / (n * (n - 1)) + (kbb.sum() - np.trace(kbb)) / (m * (m - 1)) - 2 * kab.mean())


def median_bandwidth(a, b):
    pooled = np.concatenate([a, b])
    if len(pooled) > 1000:
        pooled = pooled[(np.arange(1000) * len(pooled)) // 1000]
    return float(np.median(pdist(pooled)))


mmd = []
for n, m, d, bandwidth in [(40, 50, 2, 0.8), (40, 50, 2, 'median'), (600, 500, 2, 'median'), (30, 30, 3, 2.5)]:
    a, b = points(n, d), points(m, d, 1.2, 0.3)
    sigma = median_bandwidth(a, b) if bandwidth == 'median' else bandwidth
    mmd.append({'d': d, 'a': flat(a), 'b': flat(b), 'bandwidth': bandwidth, 'sigma': sigma, 'value': mmd2_unbiased(a, b, sigma)})

# --- energy distance (V-statistic) -------------------------------------------------------------------
energy = []
for n, m, d in [(40, 50, 2), (30, 30, 3), (1, 1, 3)]:
    a, b = points(n, d), points(m, d, 0.7, 0.5)
    value = 2 * cdist(a, b).mean() - cdist(a, a).mean() - cdist(b, b).mean()
    energy.append({'d': d, 'a': flat(a), 'b': flat(b), 'value': float(value)})

# --- moments -------------------------------------------------------------------------------------------
x = points(50, 3, 1.0, 4.0) @ np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 2.0]])
x = np.round(x, 6)
y = points(60, 3, 1.1, 4.2)
moments = {
    'd': 3, 'a': flat(x), 'b': flat(y),
    'mean': flat(x.mean(0)), 'variance': flat(x.var(0, ddof=1)),
    'standardError': flat(np.sqrt(x.var(0, ddof=1) / len(x))), 'covariance': flat(np.cov(x.T, ddof=1)),
    'meanGap': float(np.max(np.abs(x.mean(0) - y.mean(0)) / np.sqrt(x.var(0, ddof=1) / len(x) + y.var(0, ddof=1) / len(y)))),
    'covarianceGap': float(np.max(np.abs(np.cov(x.T) - np.cov(y.T)))),
}

# --- Kabsch by SVD with the determinant correction ------------------------------------------------------
def kabsch_rmsd(mobile, reference, w=None):
    w = np.ones(len(mobile)) if w is None else np.asarray(w, float)
    cm = (w[:, None] * mobile).sum(0) / w.sum()
    cr = (w[:, None] * reference).sum(0) / w.sum()
    h = ((mobile - cm) * w[:, None]).T @ (reference - cr)
    u, _, vt = np.linalg.svd(h)
    sign = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1.0, 1.0, sign]) @ u.T
    moved = (mobile - cm) @ r.T + cr
    return float(np.sqrt((w * ((moved - reference) ** 2).sum(1)).sum() / w.sum())), r


def random_rotation():
    q = rng.standard_normal(4)
    q /= np.linalg.norm(q)
    a, b, c, d = q
    return np.array([[a*a+b*b-c*c-d*d, 2*(b*c-a*d), 2*(b*d+a*c)],
                     [2*(b*c+a*d), a*a-b*b+c*c-d*d, 2*(c*d-a*b)],
                     [2*(b*d-a*c), 2*(c*d+a*b), a*a-b*b-c*c+d*d]])


kabsch = []
for atoms, noise, mirror, weighted in [(20, 0.3, False, False), (35, 0.5, True, False), (15, 0.2, False, True), (10, 2.0, False, False)]:
    mobile = points(atoms, 3, 3.0)
    reference = mobile @ random_rotation().T + rng.standard_normal(3) * 5 + rng.standard_normal((atoms, 3)) * noise
    if mirror:
        reference[:, 0] *= -1
    reference = np.round(reference, 6)
    w = np.round(rng.random(atoms) * 10 + 1, 3) if weighted else None
    value, r = kabsch_rmsd(mobile, reference, w)
    kabsch.append({'mirror': mirror, 'mobile': flat(mobile), 'reference': flat(reference),
                   'weights': None if w is None else flat(w), 'rmsd': value, 'rotation': flat(r)})

# --- radius of gyration ----------------------------------------------------------------------------------
coords = points(25, 3, 2.0, 1.0)
masses = np.round(rng.random(25) * 15 + 1, 3)
center = (masses[:, None] * coords).sum(0) / masses.sum()
gyration = {'coords': flat(coords), 'masses': flat(masses),
            'value': float(np.sqrt((masses * ((coords - center) ** 2).sum(1)).sum() / masses.sum())),
            'unweighted': float(np.sqrt(((coords - coords.mean(0)) ** 2).sum(1).mean()))}

# --- debiased Sinkhorn divergence at a fixed ε, iterated to convergence in float64 ----------------------------
def ot_eps(x, y, eps, symmetric):
    c = cdist(x, y, 'sqeuclidean')
    la, lb = -np.log(len(x)) * np.ones(len(x)), -np.log(len(y)) * np.ones(len(y))
    f, g = np.zeros(len(x)), np.zeros(len(y))
    for _ in range(200000):
        if symmetric:
            f_new = 0.5 * (f - eps * logsumexp(la[None, :] + (f[None, :] - c) / eps, axis=1))
            done = np.max(np.abs(f_new - f)) < 1e-13 * eps
            f = g = f_new
        else:
            f_new = -eps * logsumexp(lb[None, :] + (g[None, :] - c) / eps, axis=1)
            g_new = -eps * logsumexp(la[:, None] + (f_new[:, None] - c) / eps, axis=0)
            done = max(np.max(np.abs(f_new - f)), np.max(np.abs(g_new - g))) < 1e-13 * eps
            f, g = f_new, g_new
        if done:
            break
    return float(f.mean() + g.mean())


sinkhorn = []
for n, m, d, eps in [(60, 45, 2, 0.5), (50, 50, 3, 0.2)]:
    a, b = points(n, d), points(m, d, 1.4, 0.6)
    value = ot_eps(a, b, eps, False) - 0.5 * ot_eps(a, a, eps, True) - 0.5 * ot_eps(b, b, eps, True)
    sinkhorn.append({'d': d, 'a': flat(a), 'b': flat(b), 'epsilon': eps, 'divergence': value})

fixture = {
    'generatedBy': 'scripts/metrics_reference.py (numpy %s, scipy %s)' % (np.__version__, __import__('scipy').__version__),
    'assignment': assignment, 'w2Exact': w2, 'w1d': w1d, 'sliced': sliced, 'mmd': mmd, 'energy': energy,
    'moments': moments, 'kabsch': kabsch, 'radiusOfGyration': gyration, 'sinkhorn': sinkhorn,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as handle:
    json.dump(fixture, handle, separators=(',', ':'))
    handle.write('\n')
print('wrote %s (%d bytes)' % (os.path.normpath(OUT), os.path.getsize(OUT)))
