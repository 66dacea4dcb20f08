//! What the 2D playground shows: its layers, as the view toggles and links set them, and the
//! plot area that fits its points.

/// Which layers of the playground are shown (independent toggles, hence the bools).
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layers {
    /// Real samples.
    pub real: bool,
    /// Generated samples.
    pub fake: bool,
    /// D's decision heatmap.
    pub heatmap: bool,
    /// G's warp of a noise grid.
    pub manifold: bool,
    /// Where G's loss pushes each fake.
    pub arrows: bool,
}

impl Default for Layers {
    fn default() -> Self {
        Layers {
            real: true,
            fake: true,
            heatmap: true,
            manifold: false,
            arrows: false,
        }
    }
}

/// The smallest box holding `points` (finite ones), padded by `pad` of its size.
pub fn fit(points: &[[f32; 2]], pad: f32) -> [f32; 4] {
    let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
    for p in points
        .iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
    {
        for axis in 0..2 {
            lo[axis] = lo[axis].min(p[axis]);
            hi[axis] = hi[axis].max(p[axis]);
        }
    }
    if !lo[0].is_finite() {
        return [-1.0, -1.0, 1.0, 1.0];
    }
    let span = [(hi[0] - lo[0]).max(1e-3), (hi[1] - lo[1]).max(1e-3)];
    [
        lo[0] - pad * span[0],
        lo[1] - pad * span[1],
        hi[0] + pad * span[0],
        hi[1] + pad * span[1],
    ]
}
