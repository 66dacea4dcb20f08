//! What the 2D playground shows: its layers, as the view toggles and links set them.

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
