//! A minimal reproduction candidate for the Flex/wgpu drift of `dcgan-small` from its second
//! step (the only presets that drift are the two whose D uses SGD with momentum, and the drift
//! starts when the velocity first carries over): Keras-style momentum on one flat parameter,
//! three steps, on Flex and on wgpu (with fusion) from the same values.
//!
//!     cargo test --workspace --no-run; target/debug/examples/momentum_parity-*
//!
//! Prints the largest relative difference of the parameter and the velocity after each step.

use burn::tensor::{Device, Distribution, Tensor, TensorData};
use ganvas_engine::device;

fn values(t: Tensor<1>) -> Vec<f32> {
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

/// Parameter and velocity after each of `grads`' steps on `device`.
fn run(param: &[f32], grads: &[Vec<f32>], device: &Device) -> Vec<[Vec<f32>; 2]> {
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

fn main() {
    let cpu = device::cpu();
    let gpu = match device::gpu() {
        Ok(gpu) => gpu,
        Err(e) => {
            eprintln!("no wgpu adapter: {e}");
            return;
        }
    };
    let normal = Distribution::Normal(0.0, 1.0);
    for n in [500, 64 * 64 * 9, 1024 * 500] {
        let draw = || values(Tensor::<1>::random([n], normal, &cpu));
        let param = draw();
        let grads: Vec<_> = (0..3).map(|_| draw()).collect();
        let a = run(&param, &grads, &cpu);
        let b = run(&param, &grads, &gpu);
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
