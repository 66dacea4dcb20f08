//! What a shared model holds: plain data, no Burn.

/// A tensor's shape and values, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorValues {
    /// Dimensions (1 to 4 of them).
    pub shape: Vec<usize>,
    /// Values, `shape.iter().product()` of them.
    pub values: Vec<f32>,
}

/// One optimiser's state.
#[derive(Debug, Clone, PartialEq)]
pub struct OptimizerValues {
    /// The update rule's name (e.g. `adam`).
    pub kind: String,
    /// Updates applied so far.
    pub step: u64,
    /// State tensors in parameter order.
    pub tensors: Vec<TensorValues>,
}

/// A GAN to share: its configuration, the generator, and optionally the discriminator, both
/// optimisers' state (to resume training) and the averaged generator.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPayload {
    /// The kind of model, when it is not a GAN from noise (e.g. `pix2pix`; format version 3).
    /// Its networks fill the same slots: `generator` makes the images, `discriminator` judges
    /// them, the optimisers are theirs.
    pub kind: Option<String>,
    /// The engine's configuration as JSON.
    pub config_json: String,
    /// The app's own settings (GANvas's page writes its URL fragment: dataset, views, …);
    /// empty when the carrier already holds them (a link's fragment).
    pub settings: String,
    /// Training steps taken.
    pub step: u64,
    /// The generator's tensors in module order.
    pub generator: Vec<TensorValues>,
    /// The averaged generator's (a moving average of G's weights), when saved apart from G
    /// (format version 2).
    pub averaged_generator: Option<Vec<TensorValues>>,
    /// The discriminator's tensors, when saved.
    pub discriminator: Option<Vec<TensorValues>>,
    /// G's and D's optimiser state, when saved.
    pub optimizers: Option<[OptimizerValues; 2]>,
}

impl ModelPayload {
    /// Every network's tensors (G, D, the averaged G), not the optimisers'.
    pub(crate) fn networks(&self) -> impl Iterator<Item = &TensorValues> {
        self.generator
            .iter()
            .chain(self.discriminator.iter().flatten())
            .chain(self.averaged_generator.iter().flatten())
    }

    /// Number of network values (G, and D and the averaged G when present).
    pub fn parameter_count(&self) -> usize {
        let count =
            |tensors: &[TensorValues]| tensors.iter().map(|t| t.values.len()).sum::<usize>();
        count(&self.generator)
            + self.discriminator.as_deref().map_or(0, count)
            + self.averaged_generator.as_deref().map_or(0, count)
    }
}
