//! The lean step computes what the plain one did: D scoring real and fake in one forward pass
//! gives the losses and gradients of two passes, and the untracked copy of G that D's update
//! uses leaves G itself trainable.

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::tensor::{Distribution, Tensor};
use ganvas_engine::loss::LossKind;
use ganvas_engine::model::{Discriminator, DiscriminatorOutput};
use ganvas_engine::optim::{Optimizer, OptimizerConfig};
use ganvas_engine::preset::Preset;

use ganvas_engine::training::Gan;

use crate::common::{block_on, devices, serial};
use crate::presets::data_for;

/// Every parameter's values, in module order.
fn values<M: Module>(module: &M) -> Vec<Vec<f32>> {
    struct Collect(Vec<Vec<f32>>);
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let data = param.val().into_data();
            self.0
                .push(data.try_into_vec::<f32>().expect("f32 parameters"));
        }
    }
    let mut collect = Collect(Vec::new());
    module.visit(&mut collect);
    collect.0
}

/// One plain gradient-descent step (SGD, learning rate 1, no momentum): the parameters move by
/// exactly minus their gradients, so comparing parameters compares gradients.
fn descend<M: Module>(module: M, grads: GradientsParams) -> M {
    Optimizer::new().step(&OptimizerConfig::sgd(1.0, 0.0), module, grads)
}

/// Asserts that two descents from `start` moved every parameter by the same gradient, within
/// 1 % of that gradient's norm: GPU kernels sum in their own order, and through batch norm
/// (which subtracts batch means) that rounding reaches a few parts in a thousand, while a
/// wrong or missing gradient term is of the gradient's own size.
fn assert_same_descent(start: &[Vec<f32>], a: &[Vec<f32>], b: &[Vec<f32>], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: parameter count");
    let norm = |v: &mut dyn Iterator<Item = f32>| v.map(|x| x * x).sum::<f32>().sqrt();
    for (i, ((s, x), y)) in start.iter().zip(a).zip(b).enumerate() {
        assert_eq!(x.len(), y.len(), "{what}: parameter {i} size");
        let gradient = norm(&mut s.iter().zip(x).map(|(s, x)| s - x));
        let difference = norm(&mut x.iter().zip(y).map(|(x, y)| x - y));
        assert!(
            difference <= 1e-2 * gradient + 1e-6,
            "{what}: parameter {i}'s gradients differ by {difference} (gradient norm {gradient})"
        );
    }
}

/// D's non-saturating loss (with class logits scored too, for the conditional presets).
fn d_loss(real: &DiscriminatorOutput, fake: &DiscriminatorOutput) -> Tensor<1> {
    let ones = real.logit.ones_like().mul_scalar(0.9);
    let zeros = fake.logit.zeros_like();
    let mut loss =
        LossKind::NonSaturating.discriminator(real.logit.clone(), ones, fake.logit.clone(), zeros);
    if let (Some(r), Some(f)) = (&real.classes, &fake.classes) {
        loss = loss + r.clone().mean() - f.clone().square().mean();
    }
    loss
}

#[test]
fn one_forward_on_real_and_fake_gives_the_losses_and_gradients_of_two() {
    let _serial = serial();
    for (name, device) in devices() {
        let device = device.autodiff();
        for preset in [
            Preset::ToyQuadratic,
            Preset::MnistMlp,
            Preset::DcganSmall,
            Preset::ConditionalMlp,
        ] {
            let what = format!("{name} {}", preset.name());
            let model = preset.config(3).model;
            let d: Discriminator = model.init_discriminator(&device);
            let dim = model.data.dim();
            let normal = Distribution::Normal(0.0, 1.0);
            let real = Tensor::<2>::random([5, dim], normal, &device);
            let fake = Tensor::<2>::random([7, dim], normal, &device);

            // Dropout off (train = false) so both ways see the same network.
            let two = d_loss(
                &d.forward(real.clone(), false),
                &d.forward(fake.clone(), false),
            );
            let (r, f) = d.forward_pair(real, fake, false);
            let one = d_loss(&r, &f);
            let (loss_two, loss_one) = (
                two.clone().into_scalar::<f32>(),
                one.clone().into_scalar::<f32>(),
            );
            assert!(
                (loss_two - loss_one).abs() <= 1e-5 * (1.0 + loss_two.abs()),
                "{what}: loss {loss_two} vs {loss_one}"
            );
            let grads_two = GradientsParams::from_grads(two.backward(), &d);
            let grads_one = GradientsParams::from_grads(one.backward(), &d);
            let after_two = values(&descend(d.clone(), grads_two));
            let after_one = values(&descend(d.clone(), grads_one));
            assert_same_descent(&values(&d), &after_two, &after_one, &what);
        }
    }
}

#[test]
fn fresh_gans_train_their_first_step_with_g_untracked_in_ds_update() {
    // G and D are still lazily initialised before the first step: the untracked copy of G in
    // D's update must not leave the real G untracked (G's own update would then panic).
    let _serial = serial();
    for (name, device) in devices() {
        for preset in [Preset::MnistMlp, Preset::Dcgan, Preset::DcganSmall] {
            let mut config = preset.config(5);
            config.train.batch_size = 8;
            let mut fresh = Gan::new(config, data_for(preset, &device), &device).expect("builds");
            let first = block_on(fresh.train_step().read()).expect("a fresh GAN trains");
            assert!(first.is_finite(), "{name} {}: {first:?}", preset.name());
        }
    }
}
