//! CycleGAN's drawing pad: one drawing through both generators, as if it were of either class.

use burn::tensor::{Tensor, TensorData};
use ganvas_engine::Result;
use ganvas_engine::training::gan::read_many;
use ganvas_engine::training::{CycleGan, Direction};

use super::CycleScene;
use super::drawing::{as_drawings, padded_drawing};

impl CycleScene {
    /// A drawing (`28²` values in [0, 1], 1 where drawn) translated both ways: G's output (as
    /// if it were of class A) then F's (as if of class B), `2 × 28²` values in the same units,
    /// read in one transfer.
    pub async fn translate_drawing(&self, gan: &CycleGan, drawing: &[f32]) -> Result<Vec<f32>> {
        // [side²] in [−1, 1], the drawing padded with black.
        let padded = padded_drawing(drawing, self.side)?;
        let pixels = padded.len();
        let device = gan.device().clone().inner();
        // [1, side²], uploaded once for both generators.
        let x = Tensor::<2>::from_data(TensorData::new(padded, [1, pixels]), &device);
        // Each [1, side²]: G's translation and F's, without the ways back.
        let g = gan.translate_one_way(x.clone(), Direction::AToB);
        let f = gan.translate_one_way(x, Direction::BToA);
        // [2 · side²]: G's image, then F's.
        let both = read_many(vec![g, f]).await?.concat();
        Ok(as_drawings(&both, self.side))
    }
}
