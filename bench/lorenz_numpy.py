"""Stochastic Lorenz-63 with Euler–Maruyama, written as a NumPy user would (vectorised over particles).

Prints one JSON line: wall seconds of the integration loop, and the final ensemble's mean and variance.
Usage: python3 lorenz_numpy.py PARTICLES STEPS SEED
"""
import json
import sys
import time

import numpy as np

n, steps, seed = (int(a) for a in sys.argv[1:4])
sigma, rho, beta, noise, t1 = 10.0, 28.0, 8.0 / 3.0, 0.5, 1.0
dt = t1 / steps
rng = np.random.default_rng(seed)
x = np.array([1.0, 1.0, 1.0]) + 0.1 * rng.standard_normal((n, 3))

start = time.perf_counter()
sqdt = np.sqrt(dt)
for _ in range(steps):
    f = np.empty_like(x)
    f[:, 0] = sigma * (x[:, 1] - x[:, 0])
    f[:, 1] = x[:, 0] * (rho - x[:, 2]) - x[:, 1]
    f[:, 2] = x[:, 0] * x[:, 1] - beta * x[:, 2]
    x = x + f * dt + noise * sqdt * rng.standard_normal((n, 3))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "mean": x.mean(axis=0).tolist(), "var": x.var(axis=0, ddof=1).tolist()}))
