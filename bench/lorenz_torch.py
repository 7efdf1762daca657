"""Stochastic Lorenz-63 with Euler–Maruyama in PyTorch on the CPU, float32, as a torchsde user's drift would be.

Prints one JSON line: wall seconds of the integration loop, and the final ensemble's mean and variance.
Usage: python3 lorenz_torch.py PARTICLES STEPS SEED THREADS
"""
import json
import sys
import time

import torch

n, steps, seed, threads = (int(a) for a in sys.argv[1:5])
torch.set_num_threads(threads)
torch.manual_seed(seed)
sigma, rho, beta, noise, t1 = 10.0, 28.0, 8.0 / 3.0, 0.5, 1.0
dt = t1 / steps
x = torch.tensor([1.0, 1.0, 1.0]) + 0.1 * torch.randn(n, 3)

start = time.perf_counter()
sqdt = dt ** 0.5
with torch.no_grad():
    for _ in range(steps):
        X, Y, Z = x[:, 0], x[:, 1], x[:, 2]
        f = torch.stack([sigma * (Y - X), X * (rho - Z) - Y, X * Y - beta * Z], dim=1)
        x = x + f * dt + noise * sqdt * torch.randn(n, 3)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "mean": x.mean(dim=0).tolist(), "var": x.var(dim=0).tolist()}))
