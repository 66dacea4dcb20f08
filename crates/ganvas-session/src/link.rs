//! The playground's settings as `key=value` pairs for the URL fragment, and back.
//!
//! Only settings that differ from the defaults are written, so links stay short. Reading is
//! all or nothing: one bad value and the whole link is refused with a message naming it.

use ganvas_engine::data::{ShippedSet, Toy2d};
use ganvas_engine::loss::LossKind;
use ganvas_engine::model::{Activation, NoiseKind};
use ganvas_engine::optim::OptimizerKind;
use ganvas_engine::training::TrainConfig;
use ganvas_engine::training::limits::{
    self, BATCH, D_LR, D_STEPS, G_LR, G_STEPS, HIDDEN_LAYERS, INSTANCE_NOISE, INSTANCE_NOISE_DECAY,
    LABEL_FLIP, Limit, NOISE_DIM, REAL_LABEL, REPLAY, WIDTH,
};

use crate::DeviceChoice;
use crate::form;
use crate::setup::{ImageSource, ModelChoice, Setup, optimizer};
use crate::view::Layers;

/// Why a link's settings were refused, in words for the page ("it has an unknown setting
/// “x”"): the message names the pair at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LinkError(pub String);

impl From<String> for LinkError {
    fn from(message: String) -> Self {
        LinkError(message)
    }
}

impl From<LinkError> for String {
    fn from(error: LinkError) -> Self {
        error.0
    }
}

/// Most points a link carries (drawn or uploaded data).
pub const MAX_LINK_POINTS: usize = 2000;

/// How the page starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Start {
    /// Paused (the default).
    #[default]
    Paused,
    /// Training at once.
    Training,
}

/// Everything a link sets.
#[derive(Clone, Debug)]
pub struct LinkSettings {
    /// Data, networks and training settings.
    pub setup: Setup,
    /// The drawn points, when the data was drawn by hand.
    pub drawn: Vec<[f32; 2]>,
    /// Visible layers of the playground.
    pub layers: Layers,
    /// Whether D's feature space is shown.
    pub show_features: bool,
    /// The device, when the link names one.
    pub device: Option<DeviceChoice>,
    /// Controls hidden for a lesson (element ids, e.g. `loss`, `tricks`).
    pub hide: Vec<String>,
    /// Start paused or training.
    pub start: Start,
    /// A large canvas for projectors.
    pub presenter: bool,
}

impl Default for LinkSettings {
    fn default() -> Self {
        LinkSettings {
            setup: Setup::default(),
            drawn: Vec::new(),
            layers: Layers::default(),
            show_features: true,
            device: None,
            hide: Vec::new(),
            start: Start::Paused,
            presenter: false,
        }
    }
}

/// The controls a link may hide, by element id.
pub const HIDEABLE: [&str; 20] = [
    "data",
    "csv",
    "networks",
    "model",
    "noise",
    "training",
    "loss",
    "optimizers",
    "batch",
    "k",
    "tricks",
    "device",
    "show",
    "explain",
    "share",
    "image-upload",
    "class",
    "latent",
    "exports",
    "pad",
];

fn points_text(points: &[[f32; 2]]) -> String {
    points
        .iter()
        .map(|p| format!("{},{}", short(p[0]), short(p[1])))
        .collect::<Vec<_>>()
        .join(";")
}

/// A float in at most 4 significant digits, without trailing zeros.
fn short(v: f32) -> String {
    let text = format!("{v:.4e}");
    text.parse::<f32>().map_or(text, |x| x.to_string())
}

fn layers_text(layers: Layers, features: bool) -> String {
    let mut shown = Vec::new();
    for (on, name) in [
        (layers.real, "real"),
        (layers.fake, "fake"),
        (layers.heatmap, "heatmap"),
        (layers.manifold, "manifold"),
        (layers.arrows, "arrows"),
        (features, "features"),
    ] {
        if on {
            shown.push(name);
        }
    }
    shown.join(",")
}

/// The image data a `data=` value names.
fn image_source(value: &str) -> Option<ImageSource> {
    if value == ImageSource::Uploaded.value() {
        return Some(ImageSource::Uploaded);
    }
    ShippedSet::from_name(value).map(ImageSource::Shipped)
}

/// The settings as pairs, leaving out those equal to the defaults.
pub fn to_pairs(settings: &LinkSettings) -> Vec<(String, String)> {
    let base = LinkSettings::default();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut put = |key: &str, value: String, default: String| {
        if value != default {
            pairs.push((key.to_string(), value));
        }
    };
    let (s, d) = (
        &settings.setup,
        &base.setup.with_model(settings.setup.model),
    );
    let data = if s.is_images() {
        s.images.value().to_string()
    } else if s.drawn {
        "drawn".to_string()
    } else {
        s.dataset.name().to_string()
    };
    put("data", data, base.setup.dataset.name().to_string());
    if !s.drawn
        && let Toy2d::Points(points) = &s.dataset
        && points.len() <= MAX_LINK_POINTS
    {
        put("pts", points_text(points), String::new());
    }
    put(
        "model",
        s.model.value().into(),
        base.setup.model.value().into(),
    );
    if s.model == ModelChoice::Mlp {
        put(
            "layers",
            s.shape.layers.to_string(),
            d.shape.layers.to_string(),
        );
        put(
            "width",
            s.shape.width.to_string(),
            d.shape.width.to_string(),
        );
        put(
            "act",
            s.shape.activation.name().into(),
            d.shape.activation.name().into(),
        );
    }
    let noise = |n: NoiseKind| {
        if n == NoiseKind::Normal {
            "normal"
        } else {
            "uniform"
        }
    };
    put("noise", noise(s.noise).into(), noise(d.noise).into());
    put("nz", s.noise_dim.to_string(), d.noise_dim.to_string());
    for (key, value, default) in training_triples(&s.train, &d.train) {
        put(key, value, default);
    }
    put("seed", s.seed.to_string(), d.seed.to_string());
    if s.model == ModelChoice::Pix2Pix {
        let bit = |on: bool| if on { "1" } else { "0" }.to_string();
        put("d_input", bit(s.pix2pix_d.sees_input), bit(false));
        put("patch", bit(s.pix2pix_d.patch), bit(false));
    }
    if s.model.is_cyclegan() {
        let text = |[a, b]: [u8; 2]| format!("{a},{b}");
        put(
            "classes",
            text(s.cycle_classes),
            text(crate::setup::DEFAULT_CYCLE_CLASSES),
        );
    }
    if s.drawn && !settings.drawn.is_empty() && settings.drawn.len() <= MAX_LINK_POINTS {
        put("drawn", points_text(&settings.drawn), String::new());
    }
    put(
        "show",
        layers_text(settings.layers, settings.show_features),
        layers_text(base.layers, base.show_features),
    );
    if let Some(device) = settings.device {
        put("device", device.key().into(), String::new());
    }
    put("hide", settings.hide.join(","), String::new());
    let start = if settings.start == Start::Training {
        "training"
    } else {
        "paused"
    };
    put("start", start.into(), "paused".into());
    put(
        "layout",
        if settings.presenter { "presenter" } else { "" }.into(),
        String::new(),
    );
    pairs
}

/// `(key, value, default)` of every training setting.
fn training_triples(t: &TrainConfig, dt: &TrainConfig) -> Vec<(&'static str, String, String)> {
    let (k, dk) = (&t.tricks, &dt.tricks);
    let (g, dg) = (&t.generator_optimizer, &dt.generator_optimizer);
    let (d, dd) = (&t.discriminator_optimizer, &dt.discriminator_optimizer);
    vec![
        ("loss", t.loss.name().into(), dt.loss.name().into()),
        ("g_opt", g.kind.name().into(), dg.kind.name().into()),
        ("g_lr", g.lr.to_string(), dg.lr.to_string()),
        ("d_opt", d.kind.name().into(), dd.kind.name().into()),
        ("d_lr", d.lr.to_string(), dd.lr.to_string()),
        ("batch", t.batch_size.to_string(), dt.batch_size.to_string()),
        ("k", t.d_steps.to_string(), dt.d_steps.to_string()),
        ("g_steps", t.g_steps.to_string(), dt.g_steps.to_string()),
        (
            "smooth",
            k.real_label.to_string(),
            dk.real_label.to_string(),
        ),
        ("flip", k.label_flip.to_string(), dk.label_flip.to_string()),
        (
            "inoise",
            k.instance_noise.to_string(),
            dk.instance_noise.to_string(),
        ),
        (
            "inoise_decay",
            k.instance_noise_decay_steps.to_string(),
            dk.instance_noise_decay_steps.to_string(),
        ),
        (
            "replay",
            k.replay_capacity.to_string(),
            dk.replay_capacity.to_string(),
        ),
    ]
}

fn number<T>(key: &str, value: &str, range: std::ops::RangeInclusive<T>) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let parsed: T = value
        .parse()
        .map_err(|_| format!("“{key}={value}” is not a number"))?;
    if range.contains(&parsed) {
        Ok(parsed)
    } else {
        Err(format!(
            "“{key}={value}” is out of range ({} to {})",
            range.start(),
            range.end()
        ))
    }
}

/// A setting's value within the engine's table of ranges (shared with the controls and the
/// validation of shared models).
fn limited(limit: Limit, value: &str) -> Result<f64, String> {
    let key = limit.key;
    let parsed: f64 = value
        .parse()
        .map_err(|_| format!("“{key}={value}” is not a number"))?;
    if limit.integer && parsed.fract() != 0.0 {
        return Err(format!("“{key}={value}” is not a whole number"));
    }
    if limit.contains(parsed) {
        Ok(parsed)
    } else {
        Err(format!(
            "“{key}={value}” is out of range ({} to {})",
            limits::number_text(limit.min),
            limits::number_text(limit.max)
        ))
    }
}

fn parse_points(key: &str, value: &str) -> Result<Vec<[f32; 2]>, String> {
    let points: Option<Vec<[f32; 2]>> = value
        .split(';')
        .map(|pair| {
            let (x, y) = pair.split_once(',')?;
            let (x, y) = (x.parse::<f32>().ok()?, y.parse::<f32>().ok()?);
            (x.is_finite() && y.is_finite()).then_some([x, y])
        })
        .collect();
    match points {
        Some(points) if !points.is_empty() && points.len() <= MAX_LINK_POINTS => Ok(points),
        _ => Err(format!("the points in “{key}” are damaged")),
    }
}

/// Reads settings from pairs. Unknown keys are refused (a typo would otherwise be silently
/// ignored), as is any bad value; the message names the pair.
pub fn from_pairs(pairs: &[(String, String)]) -> Result<LinkSettings, LinkError> {
    read_pairs(pairs).map_err(LinkError)
}

fn read_pairs(pairs: &[(String, String)]) -> Result<LinkSettings, String> {
    let mut out = LinkSettings::default();
    // The model decides the other defaults, so it comes first.
    if let Some((_, value)) = pairs.iter().find(|(k, _)| k == "model") {
        let model =
            ModelChoice::from_value(value).ok_or_else(|| format!("there is no model “{value}”"))?;
        out.setup = out.setup.with_model(model);
    }
    // Image data needs an image model: a link that names only the data gets its recommended one.
    if let Some((_, value)) = pairs.iter().find(|(k, _)| k == "data")
        && let Some(source) = image_source(value)
    {
        if !out.setup.is_images() {
            out.setup = out.setup.with_model(ModelChoice::for_source(&source));
        }
        out.setup.images = source;
    }
    let mut points = None;
    for (key, value) in pairs {
        let s = &mut out.setup;
        match key.as_str() {
            "model" => {}
            "data" if value == "drawn" => s.drawn = true,
            "data" if value == "points" => {}
            "data" if image_source(value).is_some() => {}
            "data" => {
                s.dataset = Toy2d::from_name(value)
                    .ok_or_else(|| format!("there is no dataset “{value}”"))?;
            }
            "pts" => points = Some(parse_points(key, value)?),
            "drawn" => out.drawn = parse_points(key, value)?,
            "layers" => s.shape.layers = limited(HIDDEN_LAYERS, value)? as usize,
            "width" => s.shape.width = limited(WIDTH, value)? as usize,
            "act" => {
                s.shape.activation = Activation::from_name(value)
                    .ok_or_else(|| format!("there is no activation “{value}”"))?;
            }
            "noise" => {
                s.noise = match value.as_str() {
                    "uniform" => NoiseKind::Uniform,
                    "normal" => NoiseKind::Normal,
                    _ => return Err(format!("there is no noise “{value}”")),
                };
            }
            "nz" => s.noise_dim = limited(NOISE_DIM, value)? as usize,
            "loss" | "g_opt" | "d_opt" | "g_lr" | "d_lr" | "batch" | "k" | "g_steps" | "smooth"
            | "flip" | "inoise" | "inoise_decay" | "replay" => apply_training(s, key, value)?,
            "seed" => s.seed = number(key, value, 0..=u64::MAX)?,
            "d_input" => s.pix2pix_d.sees_input = flag(key, value)?,
            "patch" => s.pix2pix_d.patch = flag(key, value)?,
            "classes" => s.cycle_classes = cycle_classes(value)?,
            "show" => {
                let names: Vec<&str> = value.split(',').filter(|n| !n.is_empty()).collect();
                if let Some(bad) = names.iter().find(|n| {
                    !["real", "fake", "heatmap", "manifold", "arrows", "features"].contains(n)
                }) {
                    return Err(format!("there is no view “{bad}”"));
                }
                out.layers = Layers {
                    real: names.contains(&"real"),
                    fake: names.contains(&"fake"),
                    heatmap: names.contains(&"heatmap"),
                    manifold: names.contains(&"manifold"),
                    arrows: names.contains(&"arrows"),
                };
                out.show_features = names.contains(&"features");
            }
            "device" => {
                out.device = Some(
                    DeviceChoice::from_key(value)
                        .ok_or_else(|| format!("there is no device “{value}”"))?,
                );
            }
            "hide" => {
                out.hide = value
                    .split(',')
                    .filter(|n| !n.is_empty())
                    .map(|name| {
                        HIDEABLE
                            .contains(&name)
                            .then(|| name.to_string())
                            .ok_or_else(|| format!("there is no control “{name}” to hide"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "start" => {
                out.start = match value.as_str() {
                    "paused" => Start::Paused,
                    "training" => Start::Training,
                    _ => return Err(format!("“start={value}” must be paused or training")),
                };
            }
            "layout" => out.presenter = value == "presenter",
            _ => return Err(format!("it has an unknown setting “{key}”")),
        }
    }
    if let Some(points) = points {
        out.setup.dataset = Toy2d::points(points).map_err(|e| e.to_string())?;
    }
    if out.setup.drawn && !out.drawn.is_empty() {
        out.setup.dataset = Toy2d::points(out.drawn.clone()).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// A switch: `1` on, `0` off.
/// Two different classes, `A,B` (0–9).
fn cycle_classes(value: &str) -> Result<[u8; 2], String> {
    let parsed: Vec<Option<u8>> = value
        .split(',')
        .map(|c| c.trim().parse::<u8>().ok().filter(|&c| c <= 9))
        .collect();
    match parsed[..] {
        [Some(a), Some(b)] if a != b => Ok([a, b]),
        _ => Err(format!(
            "classes should be two different classes 0–9, such as 7,9; the link has “{}”",
            value.chars().take(40).collect::<String>()
        )),
    }
}

fn flag(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(format!("“{key}={value}” must be 1 (on) or 0 (off)")),
    }
}

/// Applies one training setting (loss, optimisers, batch, k, tricks).
fn apply_training(s: &mut Setup, key: &str, value: &str) -> Result<(), String> {
    match key {
        "loss" => {
            s.train.loss =
                LossKind::from_name(value).ok_or_else(|| format!("there is no loss “{value}”"))?;
        }
        "g_opt" | "d_opt" => {
            let kind = OptimizerKind::from_name(value)
                .ok_or_else(|| format!("there is no optimiser “{value}”"))?;
            let o = if key == "g_opt" {
                &mut s.train.generator_optimizer
            } else {
                &mut s.train.discriminator_optimizer
            };
            *o = optimizer(kind, o.lr);
        }
        "g_lr" => s.train.generator_optimizer.lr = limited(G_LR, value)?,
        "d_lr" => s.train.discriminator_optimizer.lr = limited(D_LR, value)?,
        "batch" => s.train.batch_size = limited(BATCH, value)? as usize,
        "k" => s.train.d_steps = limited(D_STEPS, value)? as usize,
        "g_steps" => s.train.g_steps = limited(G_STEPS, value)? as usize,
        "smooth" => s.train.tricks.real_label = limited(REAL_LABEL, value)?,
        "flip" => s.train.tricks.label_flip = limited(LABEL_FLIP, value)?,
        "inoise" => s.train.tricks.instance_noise = limited(INSTANCE_NOISE, value)?,
        "inoise_decay" => {
            s.train.tricks.instance_noise_decay_steps =
                limited(INSTANCE_NOISE_DECAY, value)? as u64;
        }
        "replay" => s.train.tricks.replay_capacity = limited(REPLAY, value)? as usize,
        _ => return Err(format!("it has an unknown setting “{key}”")),
    }
    Ok(())
}

/// Splits a fragment into decoded `key=value` pairs (the browser's form encoding). Decoding
/// never fails; [`from_pairs`] judges what the pairs say.
pub fn parse_fragment(text: &str) -> Vec<(String, String)> {
    form::parse(text)
}

/// Joins pairs into a fragment (without `#`), encoding what needs it.
pub fn print_fragment(pairs: &[(String, String)]) -> String {
    form::print(pairs)
}
