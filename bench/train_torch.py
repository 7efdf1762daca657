"""One DSM training step (VP SDE) of the bench/trainStep.ts MLP in PyTorch on the CPU, float32.

Reads the weights and the fixed batch from the JSON file bench/trainStep.ts writes, so all three
implementations start from the same numbers. Prints one JSON line: the loss at step 0 (before
any update), the median and minimum milliseconds per step (forward + backward + Adam), and the
thread count. Usage: python3 train_torch.py BATCH.json STEPS THREADS
"""
import json
import statistics
import sys
import time

import torch

path, steps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
with open(path) as f:
    spec = json.load(f)

layers = []
for l in range(spec["layers"]):
    W = torch.tensor(spec["weights"][f"W{l + 1}"], dtype=torch.float32).reshape(spec["shapes"][f"W{l + 1}"])
    b = torch.tensor(spec["weights"][f"b{l + 1}"], dtype=torch.float32)
    lin = torch.nn.Linear(W.shape[1], W.shape[0])
    with torch.no_grad():
        lin.weight.copy_(W)
        lin.bias.copy_(b)
    layers.append(lin)
    if l < spec["layers"] - 1:
        layers.append(torch.nn.SiLU())
net = torch.nn.Sequential(*layers)

B, d = spec["batch"], spec["dim"]
x0 = torch.tensor(spec["x0"], dtype=torch.float32).reshape(B, d)
t = torch.tensor(spec["t"], dtype=torch.float32)
z = torch.tensor(spec["z"], dtype=torch.float32).reshape(B, d)
beta_min, beta_max = spec["betaMin"], spec["betaMax"]


def dsm_loss():
    # VP perturbation: α = exp(-B/2), σ² = 1 - α², B(t) = β_min t + ½ (β_max - β_min) t².
    big_b = t * (beta_min + 0.5 * (beta_max - beta_min) * t)
    alpha = torch.exp(-0.5 * big_b)
    sigma = torch.sqrt(1 - alpha * alpha)
    xt = alpha[:, None] * x0 + sigma[:, None] * z
    s = net(torch.cat([xt, t[:, None]], dim=1))
    r = sigma[:, None] * s + z
    return (0.5 * (r * r).sum(dim=1)).mean()


opt = torch.optim.Adam(net.parameters(), lr=spec["lr"])
with torch.no_grad():
    loss0 = dsm_loss().item()


def step():
    opt.zero_grad(set_to_none=True)
    loss = dsm_loss()
    loss.backward()
    opt.step()
    return loss


for _ in range(20):
    step()
times = []
for _ in range(steps):
    start = time.perf_counter()
    step()
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"loss0": loss0, "median": statistics.median(times), "min": min(times), "threads": torch.get_num_threads(), "version": torch.__version__}))
