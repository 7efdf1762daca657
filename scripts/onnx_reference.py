"""Writes the PyTorch-exported ONNX fixtures of core/onnx (small MLP score networks) and their
reference outputs, computed by PyTorch in float32.

Run from the repository root with a Python that has torch (1.13 was used; torch.onnx.export needs no
`onnx` package):  python3 scripts/onnx_reference.py
Outputs: core/onnx/fixtures/torch_joined.onnx, torch_xt_fourier.onnx, torch_reference.json
"""
import io
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'core', 'onnx', 'fixtures')
torch.manual_seed(20240611)


def sequential_joined():
    """nn.Sequential on one input [N, d+1] = [x, t], d = 2, one layer per activation kind."""
    width = 16
    return torch.nn.Sequential(
        torch.nn.Linear(3, width), torch.nn.SiLU(),
        torch.nn.Linear(width, width), torch.nn.GELU(approximate='tanh'),
        torch.nn.Linear(width, width), torch.nn.GELU(),
        torch.nn.Linear(width, width), torch.nn.Tanh(),
        torch.nn.Linear(width, width), torch.nn.Softplus(),
        torch.nn.Linear(width, width), torch.nn.ReLU(),
        torch.nn.Linear(width, 2),
    )


class FourierScore(torch.nn.Module):
    """s(x, t) with inputs x [N, 3], t [N, 1] and Fourier time features [sin(t w), cos(t w)]."""

    def __init__(self):
        super().__init__()
        self.register_buffer('w', 2 * torch.pi * torch.randn(1, 4))
        self.mlp = torch.nn.Sequential(torch.nn.Linear(3 + 8, 16), torch.nn.SiLU(), torch.nn.Linear(16, 3))

    def forward(self, x, t):
        angle = t * self.w
        return self.mlp(torch.cat([x, torch.sin(angle), torch.cos(angle)], dim=1))


def export(model, args, names, path):
    buffer = io.BytesIO()
    axes = {name: {0: 'batch'} for name in names + ['score']}
    torch.onnx.export(model, args, buffer, input_names=names, output_names=['score'],
                      dynamic_axes=axes, opset_version=17)
    with open(os.path.join(OUT, path), 'wb') as f:
        f.write(buffer.getvalue())


def main():
    os.makedirs(OUT, exist_ok=True)
    joined = sequential_joined().eval()
    xt = FourierScore().eval()
    n = 5
    joined_input = torch.randn(n, 3)
    x = torch.randn(n, 3)
    t = torch.rand(n, 1)
    export(joined, (joined_input,), ['input'], 'torch_joined.onnx')
    export(xt, (x, t), ['x', 't'], 'torch_xt_fourier.onnx')
    with torch.no_grad():
        reference = {
            'torch': torch.__version__,
            'joined': {'input': joined_input.flatten().tolist(), 'score': joined(joined_input).flatten().tolist()},
            'xt': {'x': x.flatten().tolist(), 't': t.flatten().tolist(), 'score': xt(x, t).flatten().tolist()},
        }
    with open(os.path.join(OUT, 'torch_reference.json'), 'w') as f:
        json.dump(reference, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
