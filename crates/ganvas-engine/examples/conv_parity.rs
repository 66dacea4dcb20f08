//! A minimal reproduction for the Flex/wgpu drift of `dcgan-small` (ARCHITECTURE.md, "Exactness
//! of the presets"): one convolution, forward and backward, on Flex and on wgpu from the same
//! values, printing the largest relative difference of the output and of each gradient.
//!
//!     cargo run --example conv_parity -p ganvas-engine   (needs a Vulkan adapter; lavapipe works)
//!
//! Rows cover the D convolutions of the presets: 3×3 stride 2 with TF "same" padding (0 before,
//! 1 after at 28 and 14 pixels; 1 and 1 at 7), 5×5 stride 2, and symmetric padding for contrast,
//! each with the weights tracked (D's update) and untracked (G's update through D). Then the
//! SGD-momentum rule only these presets' D uses (fused on wgpu), three steps on one flat
//! parameter, comparing the parameter and the velocity after each step.

use burn::tensor::module::conv2d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Distribution, Tensor, TensorData};
use ganvas_engine::device;

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().expect("f32 values")
}

/// Largest |a − b| over the largest |a|.
fn relative(a: &[f32], b: &[f32]) -> f32 {
    let scale = a.iter().fold(0.0_f32, |m, v| m.max(v.abs())).max(1e-12);
    let diff = a
        .iter()
        .zip(b)
        .fold(0.0_f32, |m, (x, y)| m.max((x - y).abs()));
    diff / scale
}

struct Case {
    name: &'static str,
    batch: usize,
    channels: [usize; 2],
    size: usize,
    kernel: usize,
    stride: usize,
    /// (before, after) padding, as TF "same" computes it.
    padding: (usize, usize),
}

/// Output, input gradient, and weight gradient (when tracked) for `case` on `device`.
fn run(case: &Case, inputs: &[Vec<f32>; 3], device: &Device, track_weight: bool) -> [Vec<f32>; 3] {
    let device = device.clone().autodiff();
    let [c_in, c_out] = case.channels;
    let k = case.kernel;
    let tensor = |v: &Vec<f32>, shape: [usize; 4]| {
        Tensor::<4>::from_data(TensorData::new(v.clone(), shape), &device)
    };
    let x = tensor(&inputs[0], [case.batch, c_in, case.size, case.size]).require_grad();
    let mut w = tensor(&inputs[1], [c_out, c_in, k, k]);
    if track_weight {
        w = w.require_grad();
    }
    let (before, after) = case.padding;
    let options = ConvOptions::new_with_padding(
        [case.stride, case.stride],
        [(before, after), (before, after)],
        [1, 1],
        1,
    );
    let y = conv2d(x.clone(), w.clone(), None, options);
    let out = (case.size + before + after - k) / case.stride + 1;
    let r = tensor(
        &inputs[2][..case.batch * c_out * out * out].to_vec(),
        [case.batch, c_out, out, out],
    );
    let loss = (y.clone() * r).sum();
    let grads = loss.backward();
    let gx = x.grad(&grads).expect("x is tracked");
    let gw = if track_weight {
        values(w.grad(&grads).expect("w is tracked"))
    } else {
        Vec::new()
    };
    [values(y.inner()), values(gx), gw]
}

/// Parameter and velocity after each of `grads`' steps on `device`.
fn momentum_run(param: &[f32], grads: &[Vec<f32>], device: &Device) -> Vec<[Vec<f32>; 2]> {
    let tensor = |v: &[f32]| Tensor::<1>::from_data(TensorData::new(v.to_vec(), [v.len()]), device);
    let (lr, momentum) = (1e-3, 0.9);
    let mut p = tensor(param);
    let mut velocity = p.zeros_like();
    let mut out = Vec::new();
    for g in grads {
        velocity = velocity.mul_scalar(momentum) - tensor(g).mul_scalar(lr);
        p = p + velocity.clone();
        out.push([values(p.clone()), values(velocity.clone())]);
    }
    out
}

/// The SGD-momentum rule of `dcgan-small`'s D, three steps, on both devices.
fn momentum(cpu: &Device, gpu: &Device) {
    let normal = Distribution::Normal(0.0, 1.0);
    for n in [500, 64 * 64 * 9, 1024 * 500] {
        let draw = || values(Tensor::<1>::random([n], normal, cpu));
        let param = draw();
        let grads: Vec<_> = (0..3).map(|_| draw()).collect();
        let a = momentum_run(&param, &grads, cpu);
        let b = momentum_run(&param, &grads, gpu);
        for (step, (x, y)) in a.iter().zip(&b).enumerate() {
            println!(
                "n {n:>7}  step {}  parameter {:9.2e}  velocity {:9.2e}",
                step + 1,
                relative(&x[0], &y[0]),
                relative(&x[1], &y[1])
            );
        }
    }
}

fn main() {
    let cases = [
        Case {
            name: "3×3 s2 28→14 pad (0,1)",
            batch: 16,
            channels: [1, 64],
            size: 28,
            kernel: 3,
            stride: 2,
            padding: (0, 1),
        },
        Case {
            name: "3×3 s2 14→7 pad (0,1)",
            batch: 16,
            channels: [64, 64],
            size: 14,
            kernel: 3,
            stride: 2,
            padding: (0, 1),
        },
        Case {
            name: "3×3 s2 7→4 pad (1,1)",
            batch: 16,
            channels: [64, 64],
            size: 7,
            kernel: 3,
            stride: 2,
            padding: (1, 1),
        },
        Case {
            name: "5×5 s2 28→14 pad (1,2)",
            batch: 16,
            channels: [1, 64],
            size: 28,
            kernel: 5,
            stride: 2,
            padding: (1, 2),
        },
        Case {
            name: "5×5 s2 14→7 pad (1,2)",
            batch: 16,
            channels: [64, 128],
            size: 14,
            kernel: 5,
            stride: 2,
            padding: (1, 2),
        },
        Case {
            name: "3×3 s1 14→14 pad (1,1)",
            batch: 16,
            channels: [64, 64],
            size: 14,
            kernel: 3,
            stride: 1,
            padding: (1, 1),
        },
    ];
    let cpu = device::cpu();
    let gpu = match device::gpu() {
        Ok(gpu) => gpu,
        Err(e) => {
            eprintln!("no wgpu adapter: {e}");
            return;
        }
    };
    println!(
        "{:<26} {:>9}  {:>10} {:>10} {:>10}",
        "convolution", "weights", "output", "grad x", "grad w"
    );
    for case in &cases {
        let normal = Distribution::Normal(0.0, 1.0);
        let [c_in, c_out] = case.channels;
        let n = |shape: [usize; 4]| values(Tensor::<4>::random(shape, normal, &cpu));
        let inputs = [
            n([case.batch, c_in, case.size, case.size]),
            n([c_out, c_in, case.kernel, case.kernel])
                .iter()
                .map(|v| v * 0.1)
                .collect(),
            n([case.batch, c_out, case.size, case.size]),
        ];
        for track in [true, false] {
            let a = run(case, &inputs, &cpu, track);
            let b = run(case, &inputs, &gpu, track);
            let gw = if track {
                format!("{:10.2e}", relative(&a[2], &b[2]))
            } else {
                format!("{:>10}", "-")
            };
            println!(
                "{:<26} {:>9}  {:10.2e} {:10.2e} {gw}",
                case.name,
                if track { "tracked" } else { "untracked" },
                relative(&a[0], &b[0]),
                relative(&a[1], &b[1]),
            );
        }
    }
    momentum(&cpu, &gpu);
}
