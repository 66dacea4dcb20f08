//! What the playground's views read from a GAN besides samples: where G's loss pushes each
//! fake, G's warp of a noise grid, and D's hidden features. Nothing here trains or reads back.

use burn::tensor::{Device, Tensor, TensorData};

use super::gan::Gan;
use crate::model::NoiseKind;

impl Gan {
    /// The direction G's loss pushes each sample: `−n · ∂L_G/∂x` `[n, dim]` for samples `x`
    /// `[n, dim]` in network units (the `n` undoes the batch mean, so arrows do not shrink as
    /// more points are drawn). D is in inference mode; its weights are not touched.
    pub fn generator_push(&self, x: Tensor<2>) -> Tensor<2> {
        let [n, dim] = x.dims();
        let inner = x.device();
        let x = Tensor::from_inner(x.detach()).require_grad();
        let out = self.discriminator.net.forward(x.clone(), false);
        let loss = self.config.train.loss.generator(out.logit);
        let grads = loss.backward();
        match x.grad(&grads) {
            Some(grad) => grad.mul_scalar(-(n as f32)),
            None => Tensor::zeros([n, dim], &inner),
        }
    }

    /// G's input for a `side × side` grid over the first two noise dimensions (the others held
    /// at zero), row 0 at the top: `[side², noise (+ classes)]`. The grid spans [−1, 1] for
    /// uniform noise and [−2, 2] (±2σ) for normal noise. Conditional GANs get class 0.
    pub fn noise_grid(&self, side: usize, device: &Device) -> Tensor<2> {
        let model = &self.config.model;
        let width = model.noise_dim + model.classes;
        let reach = match model.noise {
            NoiseKind::Uniform => 1.0,
            NoiseKind::Normal => 2.0,
        };
        let at = |i: usize| -reach + 2.0 * reach * i as f32 / (side.max(2) - 1) as f32;
        let mut values = vec![0.0; side * side * width];
        for row in 0..side {
            for col in 0..side {
                let point = &mut values[(row * side + col) * width..][..width];
                point[0] = at(col);
                if model.noise_dim > 1 {
                    point[1] = at(side - 1 - row);
                }
                if model.classes > 0 {
                    point[model.noise_dim] = 1.0;
                }
            }
        }
        Tensor::from_data(TensorData::new(values, [side * side, width]), device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Toy2d;
    use crate::device;
    use crate::preset::Preset;
    use crate::training::DataSource;

    #[test]
    fn push_is_minus_the_loss_gradient() {
        let gan = Gan::new(
            Preset::ToyQuadratic.config(3),
            DataSource::points(Toy2d::Quadratic),
            &device::cpu(),
        )
        .expect("toy GAN builds");
        let push = gan.generate_from(gan.noise_grid(2, &device::cpu())); // any 4 points
        let arrows = gan.generator_push(push.clone());
        // Central differences of n·L_G, moving one coordinate of one point at a time.
        let loss = |points: Tensor<2>| -> f32 {
            let out = gan.discriminate(points).logit;
            gan.config.train.loss.generator(out).into_scalar::<f32>() * 4.0
        };
        let values: Vec<f32> = push.clone().into_data().try_into_vec().expect("f32");
        let got: Vec<f32> = arrows.into_data().try_into_vec().expect("f32");
        let h = 1e-2;
        for i in 0..values.len() {
            let shifted = |delta: f32| {
                let mut v = values.clone();
                v[i] += delta;
                Tensor::from_data(TensorData::new(v, [4, 2]), &push.device())
            };
            let numeric = -(loss(shifted(h)) - loss(shifted(-h))) / (2.0 * h);
            assert!(
                (numeric - got[i]).abs() < 2e-2 * (1.0 + numeric.abs()),
                "coordinate {i}: autodiff {} vs finite differences {numeric}",
                got[i]
            );
        }
    }

    #[test]
    fn noise_grid_spans_the_noise_range() {
        let gan = Gan::new(
            Preset::ToyQuadratic.config(3),
            DataSource::points(Toy2d::Quadratic),
            &device::cpu(),
        )
        .expect("toy GAN builds");
        let grid: Vec<f32> = gan
            .noise_grid(3, &device::cpu())
            .into_data()
            .try_into_vec()
            .expect("f32");
        // Row 0 is the top (second noise coordinate +1), columns run −1 → 1.
        assert_eq!(&grid[..6], &[-1.0, 1.0, 0.0, 1.0, 1.0, 1.0]);
        assert_eq!(&grid[12..], &[-1.0, -1.0, 0.0, -1.0, 1.0, -1.0]);
    }
}
