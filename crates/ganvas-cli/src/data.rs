//! Loading the real data a run learns.

use std::path::Path;

use anyhow::{Context, bail};
use burn::tensor::Device;
use ganvas_engine::data::{ImageSet, ShippedSet, Toy2d, parse_points};
use ganvas_engine::model::DataShape;
use ganvas_engine::preset::IMAGE_CLASSES;
use ganvas_engine::training::{DataSource, GanConfig};

use crate::shipped;

/// The 2D distribution a toy run learns.
pub fn toy(dataset: &str, points: Option<&Path>) -> anyhow::Result<Toy2d> {
    if let Some(path) = points {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let points = parse_points(&text).with_context(|| format!("in {}", path.display()))?;
        return Ok(Toy2d::points(points)?);
    }
    let Some(toy) = Toy2d::from_name(dataset) else {
        let names: Vec<_> = Toy2d::all_builtin().iter().map(Toy2d::name).collect();
        bail!(
            "unknown dataset {dataset:?}; choose one of {}",
            names.join(", ")
        );
    };
    Ok(toy)
}

/// The images a run learns and, for a shipped set, its held-out test images.
pub struct Images {
    /// What G learns.
    pub train: ImageSet,
    /// The shipped set and its held-out images, when no IDX file was given.
    pub shipped: Option<(ShippedSet, ImageSet)>,
}

/// A shipped set (`mnist` unless `dataset` names another), or IDX files when `data` is given.
pub fn images(
    dataset: Option<&str>,
    data: Option<&Path>,
    labels: Option<&Path>,
) -> anyhow::Result<Images> {
    let Some(data) = data else {
        let set = shipped::parse(dataset.unwrap_or("mnist"))?;
        let split = shipped::load(set)?;
        return Ok(Images {
            train: split.train,
            shipped: Some((set, split.test)),
        });
    };
    let images = std::fs::read(data).with_context(|| format!("reading {}", data.display()))?;
    let labels = labels
        .map(|path| std::fs::read(path).with_context(|| format!("reading {}", path.display())))
        .transpose()?;
    let train = ImageSet::from_idx(&images, labels.as_deref())
        .with_context(|| format!("decoding {}", data.display()))?;
    Ok(Images {
        train,
        shipped: None,
    })
}

/// The data source for a configuration.
pub fn source(
    config: &GanConfig,
    set: Option<&ImageSet>,
    toy: Option<Toy2d>,
    device: &Device,
) -> anyhow::Result<DataSource> {
    if matches!(config.model.data, DataShape::Image(_)) {
        let set = set.context("image data missing")?;
        let classes = config.model.classes;
        if classes != 0 && classes != IMAGE_CLASSES {
            bail!("a conditional image GAN has {IMAGE_CLASSES} classes, not {classes}");
        }
        Ok(DataSource::images(set, classes, device)?)
    } else {
        Ok(DataSource::points(toy.context("2D data missing")?))
    }
}
