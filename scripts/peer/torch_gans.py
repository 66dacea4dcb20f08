"""GANvas's image presets in PyTorch, timed on the CPU: the benchmark's peer column.

    python scripts/peer/torch_gans.py [--presets mnist-mlp,dcgan,dcgan-small]
                                      [--seconds 3] [--threads 2] [--json]

Each network is the one `crates/ganvas-engine/src/preset.rs` builds (layer sizes, activations,
biases, batch norm, dropout, Glorot-uniform weights with zero biases, optimisers, batch size);
each step is what the preset's tutorial does:

- `mnist-mlp`, `dcgan-small`: one D update, then one G update, each on fresh noise, with the
  fakes detached for D (PyTorch's DCGAN example, and GANvas's step).
- `dcgan`: TensorFlow's DCGAN tutorial's `train_step`: one generator forward, D on the real and
  on the fake batch, both losses from those outputs, both gradients, both updates.
  `--fresh-noise` times it the other way (two generator forwards, as `mnist-mlp`).

Data are random images of MNIST's shape in [-1, 1] (60,000 of them, a random batch indexed per
update): speed does not depend on what the pixels are. TensorFlow's "same" padding puts the odd
pixel of a stride-2 convolution on one side; here it is split (PyTorch's symmetric padding),
which gives the same output sizes and the same arithmetic.

Prints one line per preset, or with `--json` one JSON object per line.
"""

import argparse
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

# Steps run before timing, as `ganvas bench` does.
WARM_UP_STEPS = 3
# Images in the random "training set".
DATA_SIZE = 60_000


def glorot(module: nn.Module) -> nn.Module:
    """Keras's default initialisation, as GANvas uses: Glorot-uniform weights, zero biases."""
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(layer.weight)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
    return module


class Reshape(nn.Module):
    def __init__(self, *shape: int):
        super().__init__()
        self.shape = shape

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], *self.shape)


def keras_bn(features: int, keras_momentum: float, two_d: bool) -> nn.Module:
    """Keras's BatchNormalization: its momentum weighs the running value, PyTorch's the batch."""
    kind = nn.BatchNorm2d if two_d else nn.BatchNorm1d
    return kind(features, momentum=1.0 - keras_momentum, eps=1e-3)


def up(channels_in: int, channels_out: int, kernel: int, stride: int, bias: bool) -> nn.Module:
    """A "same" transposed convolution: the side grows by `stride` exactly."""
    return nn.ConvTranspose2d(
        channels_in,
        channels_out,
        kernel,
        stride=stride,
        padding=kernel // 2,
        output_padding=stride - 1,
        bias=bias,
    )


def same_conv(channels_in: int, channels_out: int, kernel: int, stride: int) -> nn.Module:
    return nn.Conv2d(channels_in, channels_out, kernel, stride=stride, padding=kernel // 2)


def mnist_mlp():
    """PyTorch's MNIST MLP GAN: D 784→256→256→1 (leaky 0.2), G 64→256→256→784 (ReLU, tanh)."""
    generator = nn.Sequential(
        nn.Linear(64, 256), nn.ReLU(),
        nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 784), nn.Tanh(),
    )  # [batch, 64] → [batch, 784]
    discriminator = nn.Sequential(
        nn.Linear(784, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 256), nn.LeakyReLU(0.2),
        nn.Linear(256, 1),
    )  # [batch, 784] → [batch, 1]
    adam = lambda params: torch.optim.Adam(params, lr=2e-4)  # noqa: E731
    return dict(g=generator, d=discriminator, noise=64, batch=100, g_opt=adam, d_opt=adam)


def dcgan():
    """TensorFlow's DCGAN tutorial: BN, leaky 0.3, "same" 5×5 (transposed) convolutions."""
    leaky = 0.3
    generator = nn.Sequential(
        nn.Linear(100, 7 * 7 * 256, bias=False),
        keras_bn(7 * 7 * 256, 0.99, two_d=False), nn.LeakyReLU(leaky),
        Reshape(256, 7, 7),  # [batch, 256, 7, 7]
        up(256, 128, 5, 1, bias=False), keras_bn(128, 0.99, two_d=True), nn.LeakyReLU(leaky),
        up(128, 64, 5, 2, bias=False), keras_bn(64, 0.99, two_d=True), nn.LeakyReLU(leaky),
        up(64, 1, 5, 2, bias=False), nn.Tanh(),  # [batch, 1, 28, 28]
        nn.Flatten(),  # [batch, 784]
    )
    discriminator = nn.Sequential(
        Reshape(1, 28, 28),
        same_conv(1, 64, 5, 2), nn.LeakyReLU(leaky), nn.Dropout(0.3),  # [batch, 64, 14, 14]
        same_conv(64, 128, 5, 2), nn.LeakyReLU(leaky), nn.Dropout(0.3),  # [batch, 128, 7, 7]
        nn.Flatten(),
        nn.Linear(7 * 7 * 128, 1),
    )
    adam = lambda params: torch.optim.Adam(params, lr=1e-4, eps=1e-7)  # noqa: E731
    return dict(g=generator, d=discriminator, noise=100, batch=256, g_opt=adam, d_opt=adam)


def dcgan_small():
    """D three 3×3 stride-2 convolutions, dense 500 with dropout 0.5 (SGD, momentum 0.9);
    G dense → two 5×5 stride-2 transposed convolutions with BN → 1×1 convolution, tanh."""
    leaky = 0.1
    generator = nn.Sequential(
        nn.Linear(100, 7 * 7 * 64),
        Reshape(64, 7, 7),
        up(64, 64, 5, 2, bias=True), keras_bn(64, 0.9, two_d=True), nn.LeakyReLU(leaky),
        up(64, 64, 5, 2, bias=True), keras_bn(64, 0.9, two_d=True), nn.LeakyReLU(leaky),
        up(64, 1, 1, 1, bias=True), nn.Tanh(),  # [batch, 1, 28, 28]
        nn.Flatten(),
    )
    discriminator = nn.Sequential(
        Reshape(1, 28, 28),
        same_conv(1, 64, 3, 2), nn.LeakyReLU(leaky),  # [batch, 64, 14, 14]
        same_conv(64, 64, 3, 2), nn.LeakyReLU(leaky),  # [batch, 64, 7, 7]
        same_conv(64, 64, 3, 2), nn.LeakyReLU(leaky),  # [batch, 64, 4, 4]
        nn.Flatten(),
        nn.Linear(4 * 4 * 64, 500), nn.LeakyReLU(leaky), nn.Dropout(0.5),
        nn.Linear(500, 1),
    )
    return dict(
        g=generator,
        d=discriminator,
        noise=100,
        batch=64,
        g_opt=lambda params: torch.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999), eps=1e-7),
        d_opt=lambda params: torch.optim.SGD(params, lr=1e-3, momentum=0.9),
    )


PRESETS = {"mnist-mlp": mnist_mlp, "dcgan": dcgan, "dcgan-small": dcgan_small}
# Presets whose tutorial takes both updates from one generator forward.
SHARED_FORWARD = {"dcgan"}


def bce(logits: torch.Tensor, target: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


class Trainer:
    def __init__(self, name: str, shared_forward: bool, data: torch.Tensor):
        spec = PRESETS[name]()
        self.g, self.d = glorot(spec["g"]).train(), glorot(spec["d"]).train()
        self.g_opt, self.d_opt = spec["g_opt"](self.g.parameters()), spec["d_opt"](self.d.parameters())
        self.noise, self.batch = spec["noise"], spec["batch"]
        self.shared_forward = shared_forward
        self.data = data  # [60000, 784]

    def real(self) -> torch.Tensor:
        return self.data[torch.randint(DATA_SIZE, (self.batch,))]  # [batch, 784]

    def z(self) -> torch.Tensor:
        return torch.randn(self.batch, self.noise)

    def step(self) -> float:
        return self.step_shared() if self.shared_forward else self.step_fresh()

    def step_fresh(self) -> float:
        """One D update and one G update, each on fresh noise (fakes detached for D)."""
        fake = self.g(self.z()).detach()
        d_loss = bce(self.d(self.real()), 1.0) + bce(self.d(fake), 0.0)
        self.d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        self.d_opt.step()

        g_loss = bce(self.d(self.g(self.z())), 1.0)
        self.g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        self.g_opt.step()
        return d_loss.item() + g_loss.item()

    def step_shared(self) -> float:
        """TensorFlow's DCGAN `train_step`: both losses from one generator forward."""
        fake = self.g(self.z())
        real_out, fake_out = self.d(self.real()), self.d(fake)
        g_loss = bce(fake_out, 1.0)
        d_loss = bce(real_out, 1.0) + bce(fake_out, 0.0)
        g_params, d_params = list(self.g.parameters()), list(self.d.parameters())
        g_grads = torch.autograd.grad(g_loss, g_params, retain_graph=True)
        d_grads = torch.autograd.grad(d_loss, d_params)
        for param, grad in zip(g_params + d_params, g_grads + d_grads):
            param.grad = grad
        self.g_opt.step()
        self.d_opt.step()
        return d_loss.item() + g_loss.item()


def time_preset(name: str, seconds: float, shared_forward: bool, data: torch.Tensor) -> dict:
    """Times `name`; the first step's latency runs from building the networks (the data are
    already in memory, as GANvas's are uploaded before its `Gan` is made)."""
    torch.manual_seed(1)
    start = time.perf_counter()
    trainer = Trainer(name, shared_forward, data)
    trainer.step()  # reading the losses back waits for the step, like GANvas's first readback
    first_step_ms = (time.perf_counter() - start) * 1000
    for _ in range(WARM_UP_STEPS - 1):
        trainer.step()
    steps = 0
    start = time.perf_counter()
    while True:
        trainer.step()
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    steps_per_sec = steps / elapsed
    return {
        "preset": name,
        "backend": "pytorch-cpu",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "step": "one generator forward" if shared_forward else "fresh noise per update",
        "batch": trainer.batch,
        "steps": steps,
        "seconds": round(elapsed, 3),
        "steps_per_sec": round(steps_per_sec, 3),
        "samples_per_sec": round(steps_per_sec * trainer.batch, 1),
        "first_step_ms": round(first_step_ms, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presets", default=",".join(PRESETS), help="comma-separated names")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per preset")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    parser.add_argument("--fresh-noise", action="store_true",
                        help="dcgan too draws fresh noise for G's update (two G forwards)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args()
    names = [name.strip() for name in args.presets.split(",") if name.strip()]
    unknown = [name for name in names if name not in PRESETS]
    if unknown:
        parser.error(f"unknown preset(s) {', '.join(unknown)}; choose from {', '.join(PRESETS)}")
    torch.set_num_threads(args.threads)
    if not args.json:
        print(f"{'preset':<14} {'batch':>5} {'steps/s':>9} {'samples/s':>10} {'first step ms':>14}"
              f"  (PyTorch {torch.__version__}, {args.threads} threads)")
    data = torch.rand(DATA_SIZE, 784) * 2 - 1  # [60000, 784]
    for name in names:
        shared = name in SHARED_FORWARD and not args.fresh_noise
        result = time_preset(name, args.seconds, shared, data)
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            print(f"{name:<14} {result['batch']:>5} {result['steps_per_sec']:>9.2f}"
                  f" {result['samples_per_sec']:>10.0f} {result['first_step_ms']:>14.0f}"
                  f"  {result['step']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
