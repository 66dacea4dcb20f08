//! Snapshots: every parameter (and optimiser state, when asked) out to plain `f32` arrays
//! through one asynchronous readback, and back into a [`Gan`]. Share links and model files
//! are built on this.

use burn::config::Config;
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor, TensorData, Transaction};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::optim::{OptimizerKind, OptimizerState};
use crate::training::validate::check_snapshot;
use crate::training::{DataSource, Gan, GanConfig};

/// A tensor's shape and values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorValues {
    /// Dimensions.
    pub shape: Vec<usize>,
    /// Values, row-major.
    pub values: Vec<f32>,
}

/// One optimiser's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimizerValues {
    /// The update rule.
    pub kind: OptimizerKind,
    /// Updates applied.
    pub step: u64,
    /// State tensors, per trainable parameter in module order.
    pub tensors: Vec<TensorValues>,
}

/// Which parts a snapshot holds beyond the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SnapshotParts {
    /// Also the discriminator.
    pub discriminator: bool,
    /// Also both optimisers' state (needs `discriminator`).
    pub optimizers: bool,
    /// Also the averaged generator as a part of its own, with `generator` holding the one
    /// being trained (a file that resumes the whole run). Without it, `generator` holds the
    /// generator the GAN shows ([`Gan::shows_averaged`]): what a link carries.
    pub averaged_generator: bool,
}

impl SnapshotParts {
    /// Everything: both networks, the averaged generator and both optimisers' state.
    pub const ALL: SnapshotParts = SnapshotParts {
        discriminator: true,
        optimizers: true,
        averaged_generator: true,
    };
}

/// The kind name of a Pix2Pix snapshot ([`Snapshot::kind`]).
pub const PIX2PIX: &str = "pix2pix";
/// The kind name of a CycleGAN snapshot ([`Snapshot::kind`]). Its four networks fill the two
/// slots in pairs: the generator slot holds G's tensors (A → B) followed by F's (B → A), the
/// discriminator slot D_A's followed by D_B's, and each optimiser slot the state of both
/// networks of its pair in the same order (both have taken the same number of updates). The
/// configuration fixes how many tensors each network has, so the split is exact.
pub const CYCLEGAN: &str = "cyclegan";

/// A model's parameters and configuration on the host: a GAN from noise, or (with a
/// [`Snapshot::kind`]) another model whose networks fill the same slots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// `None` for a GAN from noise; [`PIX2PIX`] for Pix2Pix (its U-Net is the generator);
    /// [`CYCLEGAN`] for a CycleGAN (two networks per slot).
    #[serde(default)]
    pub kind: Option<String>,
    /// The configuration, as JSON (Burn's `Config` format).
    pub config_json: String,
    /// Training steps taken.
    pub step: u64,
    /// G's parameters and running statistics in module order (the shown generator unless
    /// the averaged generator is saved separately, see [`SnapshotParts::averaged_generator`]).
    pub generator: Vec<TensorValues>,
    /// The averaged generator's, when saved separately.
    pub averaged_generator: Option<Vec<TensorValues>>,
    /// D's, when saved.
    pub discriminator: Option<Vec<TensorValues>>,
    /// G's and D's optimiser state, when saved.
    pub optimizers: Option<[OptimizerValues; 2]>,
}

/// Longest configuration read (GANvas's own are under 4 KB).
pub const MAX_CONFIG_BYTES: usize = 64 << 10;

impl Snapshot {
    /// Parses the configuration and validates it ([`GanConfig::validate`]): a snapshot comes
    /// from a link or a file, so its configuration is not trusted.
    pub fn config(&self) -> Result<GanConfig> {
        if let Some(kind) = &self.kind {
            return Err(Error::Config(format!(
                "this is a {kind} model, not a GAN from noise: choose {kind} to open it"
            )));
        }
        if self.config_json.len() > MAX_CONFIG_BYTES {
            return Err(Error::Config(format!(
                "the model's configuration is {} KB; GANvas's are a few KB",
                self.config_json.len() >> 10
            )));
        }
        let config = GanConfig::load_binary(self.config_json.as_bytes()).map_err(|e| {
            Error::Config(format!("the model's configuration cannot be read ({e})"))
        })?;
        config.validate()?;
        Ok(config)
    }

    /// The configuration of a Pix2Pix snapshot, validated as a file's must be (sizes within
    /// bounds, the parts fitting each other, the parameter and memory budget). Its tensors are
    /// checked against the networks when [`crate::training::Pix2Pix::from_snapshot`] loads them.
    pub fn pix2pix_config(&self) -> Result<crate::training::Pix2PixConfig> {
        let json = with_pix2pix_defaults(self.kind_config_json(PIX2PIX, "Pix2Pix")?);
        let config = crate::training::Pix2PixConfig::load_binary(json.as_bytes()).map_err(|e| {
            Error::Config(format!("the model's configuration cannot be read ({e})"))
        })?;
        crate::training::validate::check_pix2pix(&config)?;
        Ok(config)
    }

    /// The configuration of a CycleGAN snapshot, validated as a file's must be (sizes within
    /// bounds, the parts fitting each other, the parameter and memory budget). Its tensors are
    /// checked against the networks when [`crate::training::CycleGan::from_snapshot`] loads
    /// them.
    pub fn cyclegan_config(&self) -> Result<crate::training::CycleGanConfig> {
        let json = self.kind_config_json(CYCLEGAN, "a CycleGAN")?;
        let config =
            crate::training::CycleGanConfig::load_binary(json.as_bytes()).map_err(|e| {
                Error::Config(format!("the model's configuration cannot be read ({e})"))
            })?;
        crate::training::validate::check_cyclegan(&config)?;
        Ok(config)
    }

    /// Refuses optimiser state of other optimisers than the configuration names (`generator`'s
    /// and `discriminator`'s kinds); a snapshot without optimiser state passes.
    pub fn check_optimizer_kinds(
        &self,
        generator: OptimizerKind,
        discriminator: OptimizerKind,
    ) -> Result<()> {
        match &self.optimizers {
            Some([g, d]) if g.kind != generator || d.kind != discriminator => Err(Error::Snapshot(
                "the optimiser state is not of the optimisers the configuration names".into(),
            )),
            _ => Ok(()),
        }
    }

    /// The configuration's JSON, if this is a snapshot of `kind` (`name` in words) of a size
    /// GANvas writes.
    fn kind_config_json(&self, kind: &str, name: &str) -> Result<&str> {
        if self.kind.as_deref() != Some(kind) {
            return Err(Error::Config(format!(
                "this model is not {name}: choose its own model to open it"
            )));
        }
        if self.config_json.len() > MAX_CONFIG_BYTES {
            return Err(Error::Config(format!(
                "the model's configuration is {} KB; GANvas's are a few KB",
                self.config_json.len() >> 10
            )));
        }
        Ok(&self.config_json)
    }

    /// The validated configuration ([`Snapshot::config`]), after checking every tensor's
    /// shape and values against it. Allocates nothing on a device.
    pub fn checked_config(&self) -> Result<GanConfig> {
        let config = self.config()?;
        check_snapshot(self, &config.validate()?)?;
        Ok(config)
    }
}

/// Every float tensor of a module (parameters and running statistics) in module order.
pub(crate) fn module_tensors<M: Module>(module: &M) -> Vec<(Vec<usize>, Tensor<1>)> {
    struct Collect(Vec<(Vec<usize>, Tensor<1>)>);
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let value = param.val();
            let shape = value.dims().to_vec();
            let n: usize = shape.iter().product();
            let value = if value.is_autodiff() {
                value.inner()
            } else {
                value
            };
            self.0.push((shape, value.reshape([n])));
        }
    }
    // `valid()` syncs batch-norm running statistics, which a plain visit may read one step late.
    let module = module.valid();
    let mut collect = Collect(Vec::new());
    module.visit(&mut collect);
    collect.0
}

/// Reads `networks` (each a module's tensors, see [`module_tensors`]) and `optimizers`'
/// state in one asynchronous transfer, in the order given.
pub(crate) async fn read_parts(
    networks: Vec<Vec<(Vec<usize>, Tensor<1>)>>,
    optimizers: Vec<OptimizerState>,
) -> Result<(Vec<Vec<TensorValues>>, Vec<OptimizerValues>)> {
    let mut shapes = Vec::new();
    let mut counts = Vec::new();
    let mut tx = Transaction::default();
    let mut register = |tensors: Vec<(Vec<usize>, Tensor<1>)>| {
        counts.push(tensors.len());
        for (shape, tensor) in tensors {
            shapes.push(shape);
            tx = std::mem::take(&mut tx).register(tensor);
        }
    };
    let network_count = networks.len();
    for network in networks {
        register(network);
    }
    let heads: Vec<(OptimizerKind, u64)> = optimizers.iter().map(|o| (o.kind, o.step)).collect();
    for state in optimizers {
        register(
            state
                .tensors
                .into_iter()
                .map(|t| (t.dims().to_vec(), t))
                .collect(),
        );
    }
    let data = tx.execute_async().await.map_err(Error::from)?;
    let mut values = data.into_iter().zip(shapes).map(|(data, shape)| {
        data.try_into_vec::<f32>()
            .map(|values| TensorValues { shape, values })
            .map_err(|e| Error::Readback(format!("{e:?}")))
    });
    let mut parts = counts
        .into_iter()
        .map(|n| values.by_ref().take(n).collect::<Result<Vec<_>>>());
    let networks = parts
        .by_ref()
        .take(network_count)
        .collect::<Result<Vec<_>>>()?;
    let optimizers = parts
        .zip(heads)
        .map(|(tensors, (kind, step))| {
            Ok(OptimizerValues {
                kind,
                step,
                tensors: tensors?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((networks, optimizers))
}

impl Gan {
    /// Reads the GAN's parameters (and the parts asked for) back in one asynchronous transfer.
    pub async fn snapshot(&self, parts: SnapshotParts) -> Result<Snapshot> {
        let separate_average = parts.averaged_generator && self.averaged.is_some();
        let mut networks = vec![if separate_average {
            self.generator.tensors()
        } else {
            module_tensors(&self.generator_eval())
        }];
        if let Some(averaged) = self.averaged.as_ref().filter(|_| separate_average) {
            networks.push(module_tensors(averaged));
        }
        if parts.discriminator {
            networks.push(self.discriminator.tensors());
        }
        let optimizers = if parts.optimizers {
            let train = &self.config.train;
            vec![
                self.generator
                    .optimizer_state(train.generator_optimizer.kind),
                self.discriminator
                    .optimizer_state(train.discriminator_optimizer.kind),
            ]
        } else {
            Vec::new()
        };
        let (networks, optimizers) = read_parts(networks, optimizers).await?;
        let mut networks = networks.into_iter();
        let generator = networks.next().unwrap_or_default();
        let averaged_generator = if separate_average {
            networks.next()
        } else {
            None
        };
        let discriminator = if parts.discriminator {
            networks.next()
        } else {
            None
        };
        let optimizers = <[OptimizerValues; 2]>::try_from(optimizers).ok();
        Ok(Snapshot {
            kind: None,
            config_json: self.config.to_string(),
            step: self.step,
            generator,
            averaged_generator,
            discriminator,
            optimizers,
        })
    }

    /// Rebuilds a GAN from a snapshot: parameters, running statistics, and optimiser state
    /// when present. Parts the snapshot lacks start fresh. Fails, changing nothing, if the
    /// configuration is refused ([`GanConfig::validate`]) or the snapshot does not fit it;
    /// both are checked before anything is built.
    pub fn from_snapshot(snapshot: &Snapshot, data: DataSource, device: &Device) -> Result<Self> {
        let config = snapshot.checked_config()?;
        let mut gan = Gan::new(config, data, device)?;
        let device = gan.device.clone();
        gan.generator = gan
            .generator
            .load(&snapshot.generator, &device, "generator")?;
        // A saved average is loaded when the configuration keeps one; otherwise the average
        // starts again as a copy of the loaded G.
        gan.averaged = match &snapshot.averaged_generator {
            Some(values) if gan.config.train.ema_decay > 0.0 => Some(load_module(
                gan.generator.net.valid(),
                values,
                &device.clone().inner(),
                "averaged generator",
            )?),
            _ => None,
        };
        gan.sync_averaged_generator();
        if let Some(values) = &snapshot.discriminator {
            gan.discriminator = gan.discriminator.load(values, &device, "discriminator")?;
        }
        if let Some([g, d]) = &snapshot.optimizers {
            gan.generator = gan.generator.load_optimizer(g, &device)?;
            gan.discriminator = gan.discriminator.load_optimizer(d, &device)?;
        }
        gan.step = snapshot.step;
        Ok(gan)
    }
}

pub(crate) fn optimizer_state(values: &OptimizerValues, device: &Device) -> OptimizerState {
    OptimizerState {
        kind: values.kind,
        step: values.step,
        tensors: values
            .tensors
            .iter()
            .map(|t| Tensor::from_data(TensorData::new(t.values.clone(), [t.values.len()]), device))
            .collect(),
    }
}

/// Loads `values` into `module` in module order, checking every shape first.
pub(crate) fn load_module<M: Module>(
    module: M,
    values: &[TensorValues],
    device: &Device,
    name: &str,
) -> Result<M> {
    let expected = module_tensors(&module);
    if expected.len() != values.len() {
        return Err(Error::Snapshot(format!(
            "the {name} has {} tensors, the snapshot {}",
            expected.len(),
            values.len()
        )));
    }
    for (index, ((shape, _), given)) in expected.iter().zip(values).enumerate() {
        let count: usize = given.shape.iter().product();
        if *shape != given.shape || count != given.values.len() {
            return Err(Error::Snapshot(format!(
                "{name} tensor {index} has shape {shape:?}, the snapshot {:?}",
                given.shape
            )));
        }
    }
    let mut loader = Loader {
        values: values.iter(),
        device,
    };
    Ok(module.map(&mut loader))
}

struct Loader<'a, I> {
    values: I,
    device: &'a Device,
}

impl<'a, I: Iterator<Item = &'a TensorValues>> ModuleMapper for Loader<'a, I> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(given) = self.values.next() else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let require_grad = tensor.is_require_grad();
        let data = TensorData::new(given.values.clone(), given.shape.clone());
        let mut value = Tensor::<D>::from_data(data, self.device);
        if require_grad {
            value = value.require_grad();
        }
        Param::from_mapped_value(id, value, mapper)
    }
}

/// A Pix2Pix configuration as written before the D switches existed reads as the tutorial's
/// D: each missing switch is added as `false` (Burn's config reader wants every field).
fn with_pix2pix_defaults(json: &str) -> String {
    let mut json = json.trim_end().to_string();
    for key in ["discriminator_sees_input", "patch_discriminator"] {
        if !json.contains(&format!("\"{key}\"")) && json.ends_with('}') {
            json.pop();
            json.push_str(",\"");
            json.push_str(key);
            json.push_str("\":false}");
        }
    }
    json
}

#[cfg(test)]
mod pix2pix_defaults_tests {
    use super::*;
    use burn::config::Config;

    #[test]
    fn a_pix2pix_configuration_from_before_the_d_switches_reads_as_the_tutorials() {
        let today = crate::training::Pix2PixConfig::tutorial().to_string();
        let old: String = today
            .lines()
            .filter(|l| {
                !l.contains("discriminator_sees_input") && !l.contains("patch_discriminator")
            })
            .collect::<Vec<_>>()
            .join("\n")
            .replace(",\n}", "\n}");
        assert!(!old.contains("patch_discriminator"));
        let read =
            crate::training::Pix2PixConfig::load_binary(with_pix2pix_defaults(&old).as_bytes())
                .expect("reads");
        assert_eq!(read.to_string(), today);
    }
}
