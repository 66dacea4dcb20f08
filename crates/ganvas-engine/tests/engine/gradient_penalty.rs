//! WGAN-GP without double backward: the explicit input gradient equals autodiff's, and the
//! penalty's gradient with respect to D's weights matches finite differences.

use burn::module::Param;
use burn::tensor::{Device, Distribution, Tensor};
use ganvas_engine::model::{Activation, ConvDiscriminatorConfig, Discriminator, MlpConfig};
use ganvas_engine::training::penalty_at;

/// A critic with the given hidden activations.
fn mlp_critic(device: &Device, hidden: [Activation; 2]) -> Discriminator {
    let config = MlpConfig::new(vec![3, 8, 8, 1], hidden.to_vec(), Activation::Linear);
    Discriminator::Mlp(config.init(device))
}

fn conv_critic(device: &Device) -> Discriminator {
    let head = MlpConfig::new(vec![4 * 2 * 2, 1], vec![], Activation::Linear);
    let config = ConvDiscriminatorConfig::new(8, vec![3, 4], 3, 2, Activation::Tanh, 0.0, head);
    Discriminator::Conv(config.init(device))
}

fn assert_close(a: &[f32], b: &[f32], tolerance: f32, what: &str) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let scale = x.abs().max(y.abs()).max(1e-3);
        assert!(
            (x - y).abs() <= tolerance * scale,
            "{what}[{i}]: {x} vs {y}"
        );
    }
}

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().expect("f32 data")
}

/// The explicit ∇ₓD equals the gradient autodiff computes for the input.
fn check_input_gradient(critic: &Discriminator, dim: usize, device: &Device) {
    let x = Tensor::<2>::random([5, dim], Distribution::Normal(0.0, 1.0), device);
    let (_, explicit) = critic.forward_with_input_grad(x.clone(), false);
    let x = x.require_grad();
    let out = critic.forward(x.clone(), false).logit.sum();
    let grads = out.backward();
    let autodiff = x.grad(&grads).expect("input gradient");
    assert_close(&values(explicit.inner()), &values(autodiff), 1e-4, "∇ₓD");
}

#[test]
fn explicit_input_gradient_matches_autodiff() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu().autodiff();
    device.seed(11);
    let leaky = Activation::LeakyRelu(0.2);
    check_input_gradient(&mlp_critic(&device, [Activation::Tanh, leaky]), 3, &device);
    check_input_gradient(
        &mlp_critic(&device, [Activation::Relu, Activation::Sigmoid]),
        3,
        &device,
    );
    check_input_gradient(&conv_critic(&device), 64, &device);
}

/// Perturbs one value of a parameter, keeping it on its device.
fn perturbed<const D: usize>(
    param: &Param<Tensor<D>>,
    index: usize,
    delta: f32,
) -> Param<Tensor<D>> {
    let w = param.val();
    let (device, shape) = (w.device(), w.dims());
    let mut flat = values(w.inner());
    flat[index] += delta;
    let data = burn::tensor::TensorData::new(flat, shape);
    Param::from_tensor(Tensor::from_data(data, &device))
}

/// The critic with one weight of its first layer moved by `delta`.
fn with_first_weight(critic: &Discriminator, index: usize, delta: f32) -> Discriminator {
    let mut critic = critic.clone();
    match &mut critic {
        Discriminator::Mlp(mlp) => {
            mlp.layers[0].weight = perturbed(&mlp.layers[0].weight, index, delta);
        }
        Discriminator::Conv(conv) => {
            conv.convs[0].weight = perturbed(&conv.convs[0].weight, index, delta);
        }
    }
    critic
}

fn first_weight_grad(critic: &Discriminator, grads: &burn::tensor::Gradients) -> Vec<f32> {
    match critic {
        Discriminator::Mlp(mlp) => values(mlp.layers[0].weight.val().grad(grads).expect("grad")),
        Discriminator::Conv(conv) => values(conv.convs[0].weight.val().grad(grads).expect("grad")),
    }
}

/// d penalty / d w for a few weights w of the first layer, against central differences.
fn check_penalty_gradient(critic: &Discriminator, dim: usize, device: &Device) {
    let x = Tensor::<2>::random([6, dim], Distribution::Normal(0.0, 1.0), device);
    let penalty = penalty_at(critic, x.clone(), false);
    let analytic = first_weight_grad(critic, &penalty.backward());
    let h = 3e-3_f32;
    for index in [0, 1, 5] {
        let eval = |delta: f32| {
            let critic = with_first_weight(critic, index, delta);
            values(penalty_at(&critic, x.clone(), false).inner())[0]
        };
        let numeric = (eval(h) - eval(-h)) / (2.0 * h);
        let scale = numeric.abs().max(analytic[index].abs()).max(1e-2);
        assert!(
            (numeric - analytic[index]).abs() <= 0.03 * scale,
            "weight {index}: finite differences {numeric}, autodiff {}",
            analytic[index]
        );
    }
}

#[test]
fn penalty_gradient_matches_finite_differences() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu().autodiff();
    device.seed(5);
    // Smooth activations: finite differences across a ReLU kink would measure the kink.
    check_penalty_gradient(
        &mlp_critic(&device, [Activation::Tanh, Activation::Sigmoid]),
        3,
        &device,
    );
    check_penalty_gradient(&conv_critic(&device), 64, &device);
}
