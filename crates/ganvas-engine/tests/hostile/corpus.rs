//! The hostile corpus: every way a link or file can lie, each built here so the fixtures can
//! be written again (`GANVAS_WRITE_FIXTURES=1 cargo test --workspace --test hostile`).

use ganvas_engine::model::{
    Activation, DiscriminatorConfig, GeneratorConfig, MlpConfig, ModelConfig,
};
use ganvas_engine::preset::Preset;
use ganvas_engine::training::GanConfig;

use crate::forge::{Body, as_link, body, file, link, toy, toy_payload, wrap};

/// `(name, bytes)`: names end in `.link` (the text after `m=`) or `.ganvas` (a file).
pub type Corpus = Vec<(String, Vec<u8>)>;

/// A link whose G and D are the toy's but whose configuration is `config`.
fn config_link(config: &GanConfig) -> Vec<u8> {
    let mut payload = toy_payload(false);
    payload.config_json = config.to_string();
    link(&payload)
}

/// The toy's configuration JSON with `from` replaced by `to` (which must be present).
fn edited_json(from: &str, to: &str) -> String {
    let json = toy().to_string();
    assert!(json.contains(from), "{from:?} is not in {json}");
    json.replacen(from, to, 1)
}

fn json_link(json: String) -> Vec<u8> {
    let mut payload = toy_payload(false);
    payload.config_json = json;
    link(&payload)
}

fn g_mlp(config: &mut GanConfig) -> &mut MlpConfig {
    match &mut config.model.generator {
        GeneratorConfig::Mlp(mlp) => mlp,
        GeneratorConfig::Conv(_) => unreachable!("the toy's G is an MLP"),
    }
}

fn with(edit: impl FnOnce(&mut GanConfig)) -> GanConfig {
    let mut config = toy();
    edit(&mut config);
    config
}

fn dcgan_small(edit: impl FnOnce(&mut ModelConfig)) -> GanConfig {
    let mut config = Preset::DcganSmall.config(7);
    edit(&mut config.model);
    config
}

/// Hostile configurations, each in a link.
fn configurations(out: &mut Corpus) {
    let mut put = |name: &str, config: GanConfig| {
        out.push((format!("config-{name}.link"), config_link(&config)));
    };
    put(
        "10-gb-generator",
        with(|c| g_mlp(c).sizes = vec![2, 50_000, 50_000, 2]),
    );
    put(
        "one-size",
        with(|c| {
            g_mlp(c).sizes = vec![2];
            g_mlp(c).hidden.clear();
        }),
    );
    put("no-sizes", with(|c| g_mlp(c).sizes.clear()));
    put("zero-width", with(|c| g_mlp(c).sizes[1] = 0));
    put("missing-activations", with(|c| g_mlp(c).hidden.clear()));
    put("wrong-output", with(|c| g_mlp(c).sizes[3] = 3));
    put("noise-dim-0", with(|c| c.model.noise_dim = 0));
    put("noise-dim-huge", with(|c| c.model.noise_dim = 1 << 30));
    put("classes-1000", with(|c| c.model.classes = 1000));
    put("batch-0", with(|c| c.train.batch_size = 0));
    put(
        "batch-billion",
        with(|c| c.train.batch_size = 1_000_000_000),
    );
    put("k-0", with(|c| c.train.d_steps = 0));
    put("k-million", with(|c| c.train.d_steps = 1_000_000));
    put("lr-huge", with(|c| c.train.generator_optimizer.lr = 1e300));
    put(
        "lr-negative",
        with(|c| c.train.discriminator_optimizer.lr = -1.0),
    );
    put(
        "adam-beta-1",
        with(|c| c.train.generator_optimizer.beta1 = 1.0),
    );
    put(
        "epsilon-0",
        with(|c| c.train.generator_optimizer.epsilon = 0.0),
    );
    put(
        "replay-billion",
        with(|c| c.train.tricks.replay_capacity = 1_000_000_000),
    );
    put("ema-1", with(|c| c.train.ema_decay = 1.0));
    put("dropout-1", with(|c| g_mlp(c).dropout = 1.0));
    put(
        "leaky-slope-huge",
        with(|c| g_mlp(c).hidden[0] = Activation::LeakyRelu(1e30)),
    );
    put(
        "features-out-of-range",
        with(|c| g_mlp(c).features_at = Some(99)),
    );
    put(
        "parameter-budget",
        with(|c| {
            let sizes = vec![2, 16_384, 16_384, 16_384, 16_384, 16_384, 16_384, 2];
            g_mlp(c).hidden = vec![Activation::Relu; sizes.len() - 2];
            g_mlp(c).sizes = sizes;
        }),
    );
}

/// Hostile convolutional configurations and budgets, each in a link.
fn convolutions(out: &mut Corpus) {
    let mut put = |name: &str, config: GanConfig| {
        out.push((format!("config-{name}.link"), config_link(&config)));
    };
    put(
        "d-stride-0",
        dcgan_small(|m| {
            if let DiscriminatorConfig::Conv(conv) = &mut m.discriminator {
                conv.stride = 0;
            }
        }),
    );
    put(
        "g-stride-0",
        dcgan_small(|m| {
            if let GeneratorConfig::Conv(conv) = &mut m.generator {
                conv.blocks[0].stride = 0;
            }
        }),
    );
    put(
        "kernel-0",
        dcgan_small(|m| {
            if let GeneratorConfig::Conv(conv) = &mut m.generator {
                conv.blocks[1].kernel = 0;
            }
        }),
    );
    put(
        "batch-norm-epsilon-0",
        dcgan_small(|m| {
            if let GeneratorConfig::Conv(conv) = &mut m.generator
                && let Some(spec) = &mut conv.blocks[0].batch_norm
            {
                spec.epsilon = 0.0;
            }
        }),
    );
    put(
        "head-mismatch",
        dcgan_small(|m| {
            if let DiscriminatorConfig::Conv(conv) = &mut m.discriminator {
                conv.head.sizes[0] = 17;
            }
        }),
    );
    put(
        "image-side-100000",
        dcgan_small(|m| {
            m.data = ganvas_engine::model::DataShape::Image(100_000);
        }),
    );
    let mut memory = Preset::DcganSmall.config(7);
    memory.train.batch_size = 4096;
    if let DiscriminatorConfig::Conv(conv) = &mut memory.model.discriminator {
        conv.channels = vec![512, 256, 256];
        conv.head.sizes[0] = 256 * 16;
    }
    put("memory-budget", memory);
}

/// Configurations JSON cannot express as a `GanConfig`: wrong kinds and types.
fn json(out: &mut Corpus) {
    let mut put = |name: &str, json: String| {
        out.push((format!("json-{name}.link"), json_link(json)));
    };
    put("not-json", "{not json".into());
    put("empty", String::new());
    put("array", "[]".into());
    put(
        "negative-batch",
        edited_json("\"batch_size\": 256", "\"batch_size\": -1"),
    );
    put(
        "float-batch",
        edited_json("\"batch_size\": 256", "\"batch_size\": 1e40"),
    );
    put(
        "unknown-loss",
        edited_json("\"NonSaturating\"", "\"Banana\""),
    );
    put("unknown-data", edited_json("\"Points2d\"", "\"Voxels\""));
    put(
        "null-noise",
        edited_json("\"noise_dim\": 2", "\"noise_dim\": null"),
    );
    // Over the format's 64 KiB for a configuration: only a forged body can hold it.
    let huge = format!("{{\"pad\": \"{}\"}}", "x".repeat(70_000));
    let body = Body::start(&huge, "").u32(0);
    out.push((
        "json-huge-config.link".into(),
        as_link(&wrap(1, 1, 0, &body.0)),
    ));
}

/// A valid toy configuration whose tensors lie.
fn tensors(out: &mut Corpus) {
    let mut put = |name: &str, bytes: Vec<u8>| out.push((name.to_string(), bytes));
    let mut short = toy_payload(false);
    short.generator.pop();
    put("tensors-missing.link", link(&short));
    let mut reshaped = toy_payload(false);
    reshaped.generator[0].shape = vec![16, 2];
    put("tensors-transposed.link", link(&reshaped));
    let mut nan = toy_payload(false);
    nan.generator[2].values[5] = f32::NAN;
    put("tensors-nan.ganvas", forged_values(&nan));
    let mut inf = toy_payload(false);
    inf.generator[0].values[0] = f32::INFINITY;
    put("tensors-inf.ganvas", forged_values(&inf));
    let mut huge = toy_payload(false);
    huge.generator[0].values[1] = 1e30;
    put("tensors-1e30.ganvas", file(&huge));
    let mut optimiser = toy_payload(true);
    if let Some([g, _]) = &mut optimiser.optimizers {
        g.tensors[0].values[0] = f32::NAN;
    }
    put("optimiser-nan.ganvas", forged_values(&optimiser));
    let mut kind = toy_payload(true);
    if let Some([_, d]) = &mut kind.optimizers {
        d.kind = "banana".into();
    }
    put("optimiser-unknown.ganvas", file(&kind));
    let mut count = toy_payload(true);
    if let Some([g, _]) = &mut count.optimizers {
        g.tensors.pop();
    }
    put("optimiser-short.ganvas", file(&count));
    let mut averaged = toy_payload(true);
    if let Some(a) = &mut averaged.averaged_generator {
        a[1].shape = vec![4, 4];
    }
    put("averaged-reshaped.ganvas", file(&averaged));
    // An f16 infinity and an f32::MAX row scale (every value of its row overflows).
    let mut f16 = body(&link_bytes(&toy_payload(false)));
    let at = first_values_at(&f16);
    f16[at..at + 2].copy_from_slice(&0x7c00_u16.to_le_bytes());
    put("f16-infinity.link", as_link(&wrap(1, 1, 0, &f16)));
    let q8 = ganvas_share::encode(
        &toy_payload(false),
        ganvas_share::Precision::Quantized { bits: 8 },
    )
    .expect("encodes");
    let mut scaled = body(&q8);
    let at = first_values_at(&scaled);
    scaled[at..at + 4].copy_from_slice(&f32::MAX.to_le_bytes());
    put("q8-huge-scale.link", as_link(&wrap(1, 8, 0, &scaled)));
}

fn link_bytes(payload: &ganvas_share::ModelPayload) -> Vec<u8> {
    ganvas_share::encode(payload, ganvas_share::Precision::F16).expect("encodes")
}

/// Where the first tensor's stored values start in a body (after its rank and dimensions).
fn first_values_at(body: &[u8]) -> usize {
    let word = |at: usize| u32::from_le_bytes([body[at], body[at + 1], body[at + 2], body[at + 3]]);
    let config = word(0) as usize;
    let at = 4 + config + 4 + word(4 + config) as usize + 8 + 4;
    at + 1 + 4 * usize::from(body[at])
}

/// Stands in for a forged value while encoding (the encoder refuses non-finite ones).
const SENTINEL: f32 = 1_234.567_8;

/// A file whose f32 values are written as given, non-finite ones included.
fn forged_values(payload: &ganvas_share::ModelPayload) -> Vec<u8> {
    let mut clean = payload.clone();
    let mut forged = Vec::new();
    let mut visit = |tensors: &mut Vec<ganvas_share::TensorValues>| {
        for v in tensors.iter_mut().flat_map(|t| t.values.iter_mut()) {
            if !v.is_finite() {
                forged.push(*v);
                *v = SENTINEL;
            }
        }
    };
    visit(&mut clean.generator);
    if let Some(d) = &mut clean.discriminator {
        visit(d);
    }
    if let Some([g, d]) = &mut clean.optimizers {
        visit(&mut g.tensors);
        visit(&mut d.tensors);
    }
    let encoded = file(&clean);
    let mut bytes = body(&encoded);
    let sentinel = SENTINEL.to_le_bytes();
    for value in forged {
        let at = bytes
            .windows(4)
            .position(|w| w == sentinel)
            .expect("the sentinel is in the body");
        bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }
    wrap(encoded[4], 0, encoded[6], &bytes)
}

/// Broken framing: text, header, compression, checksum, lengths.
fn framing(out: &mut Corpus) {
    let mut put = |name: &str, bytes: Vec<u8>| out.push((name.to_string(), bytes));
    let good = link_bytes(&toy_payload(false));
    let good_file = file(&toy_payload(true));
    put("text-not-a-model.link", b"hello-world".to_vec());
    put("text-foreign-characters.link", b"R05WUw+/==".to_vec());
    put("text-stray-end.link", b"R05WUwE".to_vec());
    put("text-empty.link", Vec::new());
    put("text-too-long.link", vec![b'A'; 400_004]);
    put("file-empty.ganvas", Vec::new());
    put("file-header-cut.ganvas", good_file[..10].to_vec());
    put(
        "file-body-cut.ganvas",
        good_file[..good_file.len() / 2].to_vec(),
    );
    let mut crc = good.clone();
    crc[12] ^= 0x55;
    put("bad-crc.link", as_link(&crc));
    let mut flipped = good_file.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x10;
    put("file-flipped-byte.ganvas", flipped);
    let header = |byte: usize, value: u8| {
        let mut bytes = good.clone();
        bytes[byte] = value;
        as_link(&bytes)
    };
    put("version-9.link", header(4, 9));
    put("version-0.link", header(4, 0));
    put("precision-9.link", header(5, 9));
    put("flags-unknown.link", header(6, 0x80));
    put("reserved-set.link", header(7, 1));
    let mut claims = good.clone();
    claims[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
    put("body-claims-4-gib.link", as_link(&claims));
    let mut shorter = good.clone();
    let real = u32::from_le_bytes([good[8], good[9], good[10], good[11]]);
    shorter[8..12].copy_from_slice(&(real - 10).to_le_bytes());
    put("body-length-lies.link", as_link(&shorter));
    let json = toy().to_string();
    let forged = |body: Body| as_link(&wrap(1, 1, 0, &body.0));
    put(
        "tensor-count-million.link",
        forged(Body::start(&json, "").u32(1_000_000)),
    );
    put(
        "tensor-rank-0.link",
        forged(Body::start(&json, "").u32(1).dims(&[])),
    );
    put(
        "tensor-rank-9.link",
        forged(Body::start(&json, "").u32(1).bytes(&[9])),
    );
    put(
        "tensor-dims-overflow.link",
        forged(
            Body::start(&json, "")
                .u32(1)
                .dims(&[u32::MAX, u32::MAX, u32::MAX]),
        ),
    );
    put(
        "tensor-claims-more-than-present.link",
        forged(Body::start(&json, "").u32(1).dims(&[2, 16]).bytes(&[0; 8])),
    );
    put(
        "tensor-zero-sized.link",
        forged(Body::start(&json, "").u32(1).dims(&[16, 0, 3])),
    );
    put(
        "settings-claim-100-mb.link",
        forged(
            Body::default()
                .u32(json.len() as u32)
                .bytes(json.as_bytes())
                .u32(100 << 20),
        ),
    );
    put(
        "config-claims-4-gib.link",
        forged(Body::default().u32(u32::MAX)),
    );
    let mut trailing = body(&good);
    trailing.extend([1, 2, 3]);
    put("trailing-bytes.link", as_link(&wrap(1, 1, 0, &trailing)));
    put(
        "config-not-utf8.link",
        forged(Body::default().u32(2).bytes(&[0xff, 0xfe])),
    );
}

/// Bodies that are legal but ask for far more values than any model: the 2-bit bomb.
fn bombs(out: &mut Corpus) {
    let json = toy().to_string();
    // One 2-bit tensor of `rows × 1000` values, all zero: compressed to almost nothing.
    let bomb = |rows: u32| {
        let stored = rows as usize * 4 + rows as usize * 1000 / 4;
        let mut bytes = Body::start(&json, "").u32(1).dims(&[rows, 1000]).0;
        bytes.resize(bytes.len() + stored, 0);
        wrap(1, 2, 0, &bytes)
    };
    // 10⁹ values: a 242 MiB body that deflates to ~240 KB (a ~320,000-character link, under
    // the page's limit) and would be 4 GB of f32.
    let big = bomb(1_000_000);
    out.push(("bomb-2-bit-4-gb.link".into(), as_link(&big)));
    out.push(("bomb-2-bit-4-gb.ganvas".into(), big));
    // Within a link's 16 MiB body, but 50 M values: over a link's value budget.
    out.push((
        "bomb-2-bit-under-body-limit.link".into(),
        as_link(&bomb(50_000)),
    ));
}

/// The whole corpus, in a stable order.
pub fn corpus() -> Corpus {
    let mut out = Corpus::new();
    configurations(&mut out);
    convolutions(&mut out);
    json(&mut out);
    tensors(&mut out);
    framing(&mut out);
    bombs(&mut out);
    out
}
