//! The data sets and classifiers shipped in the repository's `static/` folder.

use std::path::PathBuf;

use anyhow::Context;
use burn::tensor::Device;
use ganvas_engine::data::{ShippedSet, SplitSet};
use ganvas_engine::model::Classifier;

/// The repository's `static/` folder (the CLI runs from a checkout).
fn static_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../static"))
}

/// Path of a shipped classifier's weights.
pub fn classifier_path(set: ShippedSet) -> PathBuf {
    static_dir().join("models").join(set.classifier_file_name())
}

/// Parses a shipped set's name, listing the choices when it is unknown.
pub fn parse(name: &str) -> anyhow::Result<ShippedSet> {
    ShippedSet::from_name(name).with_context(|| {
        let names: Vec<_> = ShippedSet::ALL.iter().map(|s| s.name()).collect();
        format!(
            "unknown image dataset {name:?}; choose one of {} (or pass --data FILE.idx)",
            names.join(", ")
        )
    })
}

/// Reads and splits a shipped set.
pub fn load(set: ShippedSet) -> anyhow::Result<SplitSet> {
    let [images, labels] = set
        .file_names()
        .map(|name| static_dir().join("data").join(name));
    let read = |path: &PathBuf| {
        std::fs::read(path)
            .with_context(|| format!("reading {} (scripts/data.sh builds it)", path.display()))
    };
    let split = set
        .decode(&read(&images)?, &read(&labels)?)
        .with_context(|| format!("decoding {}", images.display()))?;
    Ok(split)
}

/// Loads a shipped classifier onto `device`.
pub fn classifier(set: ShippedSet, device: &Device) -> anyhow::Result<Classifier> {
    let path = classifier_path(set);
    let bytes = std::fs::read(&path).with_context(|| {
        format!(
            "reading {} (`ganvas classifier --dataset {}` trains it)",
            path.display(),
            set.name()
        )
    })?;
    Classifier::from_bytes(&bytes, device).with_context(|| format!("loading {}", path.display()))
}
