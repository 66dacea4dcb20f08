//! Explain mode for Pix2Pix: one iteration (D's update, then G's) measured phase by phase on a
//! fixed held-out pair, with the live numbers the page walks through.

use burn::tensor::Tensor;
use ganvas_engine::Result;
use ganvas_engine::data::pairs::crop;
use ganvas_engine::training::Pix2Pix;
use ganvas_engine::training::gan::read_many;
use serde::{Deserialize, Serialize};

use super::pairs::{BORDER, PairScene};

/// Held-out pairs the walkthrough measures on (the first is the one shown).
const EXPLAIN_PAIRS: usize = 16;

/// One Pix2Pix iteration measured on fixed held-out pairs: before D's update, after it, and
/// after G's. Images are `side²` pixels in [−1, 1], the border cropped off.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PairWalkthrough {
    /// Image side in pixels.
    pub side: usize,
    /// What the inputs are: "edges" or "outlines".
    pub drawing: String,
    /// The first pair's input drawing.
    pub input: Vec<f32>,
    /// The first pair's real image.
    pub target: Vec<f32>,
    /// G's output for the input before the iteration and after G's update.
    pub outputs: [Vec<f32>; 2],
    /// Mean P(real) D gives the real images: before D's update, after it, after G's update.
    pub d_real: [f32; 3],
    /// Mean P(real) D gives G's outputs at the same three moments.
    pub d_fake: [f32; 3],
    /// D's loss before and after its update.
    pub d_loss: [f32; 2],
    /// G's whole loss (adversarial + λ·L1) at the three moments.
    pub g_loss: [f32; 3],
    /// The L1 term (per-image pixel sum of |target − output|) at the three moments.
    pub l1: [f32; 3],
    /// λ, the L1 term's weight.
    pub l1_weight: f32,
    /// Whether D sees the input drawing as well as the image.
    pub sees_input: bool,
    /// Whether D judges patches (PatchGAN) rather than whole images.
    pub patch: bool,
    /// Pairs the means are over.
    pub pairs: usize,
}

impl PairScene {
    /// Runs one D update and one G update of `gan`, measuring every phase on the first
    /// held-out pairs (D in inference mode, G generating as it does for the view). The updates
    /// draw their own training batches, as in training; the step count does not move.
    pub async fn explain(&self, gan: &mut Pix2Pix) -> Result<PairWalkthrough> {
        let n = EXPLAIN_PAIRS.min(self.count);
        let inputs = self.input_tensor.clone().narrow(0, 0, n);
        let targets = self.targets.clone().narrow(0, 0, n);
        let probe = |gan: &Pix2Pix| -> Vec<Tensor<2>> {
            let outputs = gan.generate(inputs.clone());
            let (d_loss, g_loss, l1) =
                gan.losses_on(inputs.clone(), outputs.clone(), targets.clone());
            let real = gan
                .judge(targets.clone(), inputs.clone())
                .mean()
                .reshape([1, 1]);
            let fake = gan
                .judge(outputs.clone(), inputs.clone())
                .mean()
                .reshape([1, 1]);
            let first = outputs.narrow(0, 0, 1);
            vec![
                first,
                real,
                fake,
                d_loss.reshape([1, 1]),
                g_loss.reshape([1, 1]),
                l1.reshape([1, 1]),
            ]
        };
        let mut tensors = probe(gan);
        let _ = gan.update_discriminator();
        tensors.extend(probe(gan));
        let _ = gan.update_generator();
        tensors.extend(probe(gan));
        tensors.push(inputs.narrow(0, 0, 1));
        tensors.push(targets.narrow(0, 0, 1));
        let v = read_many(tensors).await?;
        let at = |i: usize| v[i].first().copied().unwrap_or(f32::NAN);
        let image = |i: usize| crop(&v[i], self.side, BORDER);
        let config = gan.config();
        Ok(PairWalkthrough {
            side: self.side - 2 * BORDER,
            drawing: self.drawing.into(),
            input: image(18),
            target: image(19),
            outputs: [image(0), image(12)],
            d_real: [at(1), at(7), at(13)],
            d_fake: [at(2), at(8), at(14)],
            d_loss: [at(3), at(9)],
            g_loss: [at(4), at(10), at(16)],
            l1: [at(5), at(11), at(17)],
            l1_weight: config.l1_weight as f32,
            sees_input: config.discriminator_sees_input,
            patch: config.patch_discriminator,
            pairs: n,
        })
    }
}
