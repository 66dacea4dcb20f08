//! The format as users meet it: round trips, every way a link or file can be broken, sizes,
//! and the fixtures of released versions that must open forever.

use ganvas_share::{
    MAGIC, ModelLink, ModelPayload, OptimizerValues, Packing, Precision, ShareError, TensorValues,
    decode, encode, encode_with,
};

/// Deterministic weights with a realistic spread (not zeros: zeros compress unrealistically).
fn weights(shape: &[usize], seed: u64, std: f32) -> TensorValues {
    let n: usize = shape.iter().product();
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut uniform = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    };
    let values = (0..n)
        .map(|_| {
            let (u, v) = (uniform(), uniform());
            std * (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
        })
        .collect();
    TensorValues {
        shape: shape.to_vec(),
        values,
    }
}

fn mlp(sizes: &[usize], seed: u64) -> Vec<TensorValues> {
    sizes
        .windows(2)
        .enumerate()
        .flat_map(|(i, pair)| {
            let std = (2.0 / (pair[0] + pair[1]) as f32).sqrt();
            [
                weights(&[pair[0], pair[1]], seed + i as u64, std),
                weights(&[pair[1]], seed + 100 + i as u64, 0.01),
            ]
        })
        .collect()
}

fn model(generator: Vec<TensorValues>, config_bytes: usize) -> ModelPayload {
    let config_json = format!(
        "{{\"model\":\"{}\"}}",
        "x".repeat(config_bytes.saturating_sub(12))
    );
    ModelPayload {
        kind: None,
        config_json,
        settings: "data=ring8".into(),
        step: 1234,
        generator,
        averaged_generator: None,
        discriminator: None,
        optimizers: None,
    }
}

fn full() -> ModelPayload {
    let mut m = model(mlp(&[2, 16, 16, 2], 1), 300);
    m.discriminator = Some(mlp(&[2, 16, 16, 2, 1], 2));
    let state = |seed| OptimizerValues {
        kind: "rmsprop".into(),
        step: 99,
        tensors: vec![weights(&[354], seed, 0.1), weights(&[354], seed + 1, 0.1)],
    };
    m.optimizers = Some([state(3), state(5)]);
    m
}

/// [`full`] with an averaged generator: format version 2.
fn full_averaged() -> ModelPayload {
    let mut m = full();
    m.averaged_generator = Some(mlp(&[2, 16, 16, 2], 7));
    m
}

#[test]
fn the_averaged_generator_round_trips_and_only_it_needs_version_2() {
    let m = full_averaged();
    for precision in [Precision::F32, Precision::Quantized { bits: 6 }] {
        let bytes = encode(&m, precision).expect("encodes");
        assert_eq!(bytes[4], 2, "version");
        let back = decode(&bytes).expect("decodes");
        assert_eq!(back.optimizers, m.optimizers);
        let averaged = back
            .averaged_generator
            .as_ref()
            .expect("averaged generator");
        assert_eq!(averaged.len(), 6);
        if precision == Precision::F32 {
            assert_eq!(back, m);
        }
    }
    let without = encode(&full(), Precision::F32).expect("encodes");
    assert_eq!(without[4], 1, "a model without an average stays version 1");
    // An averaged generator in a version 1 header is an unknown flag: damaged, not misread.
    let mut relabelled = encode(&m, Precision::F32).expect("encodes");
    relabelled[4] = 1;
    assert!(matches!(decode(&relabelled), Err(ShareError::Damaged(_))));
}

/// [`full`] as another kind of model, with its networks in the same slots: format version 3.
fn full_pix2pix() -> ModelPayload {
    let mut m = full();
    m.kind = Some("pix2pix".into());
    m
}

#[test]
fn a_model_kind_round_trips_and_only_it_needs_version_3() {
    let m = full_pix2pix();
    let bytes = encode(&m, Precision::F32).expect("encodes");
    assert_eq!(bytes[4], 3, "version");
    assert_eq!(decode(&bytes).expect("decodes"), m);
    let quantised =
        decode(&encode(&m, Precision::Quantized { bits: 6 }).expect("encodes")).expect("decodes");
    assert_eq!(quantised.kind.as_deref(), Some("pix2pix"));
    // A kind beside an averaged generator is still version 3.
    let mut both = full_averaged();
    both.kind = Some("pix2pix".into());
    let bytes = encode(&both, Precision::F32).expect("encodes");
    assert_eq!((bytes[4], decode(&bytes).expect("decodes")), (3, both));
    // A kind flag in a version 2 header is an unknown flag: damaged, not misread.
    let mut relabelled = encode(&m, Precision::F32).expect("encodes");
    relabelled[4] = 2;
    assert!(matches!(decode(&relabelled), Err(ShareError::Damaged(_))));
    // Only names are kinds, on the way in and on the way out.
    for bad in ["", "Pix2Pix", "pix 2 pix", "é", &"x".repeat(33)] {
        let mut odd = full();
        odd.kind = Some(bad.to_string());
        assert!(encode(&odd, Precision::F32).is_err(), "{bad:?} was written");
    }
}

/// A small convolutional GAN: 3×3 kernels `[out, in, 3, 3]` with biases, a dense head.
fn convolutional() -> ModelPayload {
    let generator = vec![
        weights(&[16, 8, 3, 3], 41, 0.2),
        weights(&[16], 42, 0.01),
        weights(&[1, 16, 7, 7], 43, 0.1),
        weights(&[1], 44, 0.01),
    ];
    let mut m = model(generator, 300);
    m.kind = Some("cyclegan".into());
    m.discriminator = Some(vec![
        weights(&[8, 1, 4, 4], 45, 0.3),
        weights(&[32, 1], 46, 0.2),
    ]);
    m
}

#[test]
fn quantised_convolutions_scale_by_output_channel_in_version_4() {
    let m = convolutional();
    // Full precision and f16 have no rows: nothing changes, and older builds open them.
    assert_eq!(encode(&m, Precision::F32).expect("encodes")[4], 3);
    assert_eq!(encode(&m, Precision::F16).expect("encodes")[4], 3);
    assert_eq!(
        encode(&full(), Precision::Quantized { bits: 6 }).expect("encodes")[4],
        1,
        "a dense model quantises as before"
    );

    let bytes = encode(&m, Precision::Quantized { bits: 6 }).expect("encodes");
    assert_eq!(bytes[4], 4, "quantised convolutions need version 4");
    let back = decode(&bytes).expect("decodes");
    // Each value within half a step of its output channel's scale.
    let pairs = m.generator.iter().zip(&back.generator).chain(
        m.discriminator
            .iter()
            .flatten()
            .zip(back.discriminator.iter().flatten()),
    );
    for (orig, got) in pairs {
        assert_eq!(orig.shape, got.shape);
        let row = if orig.shape.len() >= 3 {
            orig.shape[1..].iter().product()
        } else {
            *orig.shape.last().expect("rank ≥ 1")
        };
        for (o_row, g_row) in orig.values.chunks(row).zip(got.values.chunks(row)) {
            let largest = o_row.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
            let bound = largest / 31.0 / 2.0 * 1.0001 + 1e-7;
            for (o, g) in o_row.iter().zip(g_row) {
                assert!((o - g).abs() <= bound, "{o} → {g} (bound {bound})");
            }
        }
    }
    // One 4-byte scale per output channel rather than per kernel row: the 3×3 kernels'
    // 1,152 values take 16 scales instead of 384, the 7×7 one's 784 one instead of 112, the
    // 4×4 one's 128 eight instead of 32 (the body's length is in the header, bytes 8–11).
    let mut by_kernel_row = m.clone();
    for t in by_kernel_row
        .generator
        .iter_mut()
        .chain(by_kernel_row.discriminator.iter_mut().flatten())
    {
        if t.shape.len() == 4 {
            t.shape = vec![t.shape[..3].iter().product(), t.shape[3]];
        }
    }
    let old = encode(&by_kernel_row, Precision::Quantized { bits: 6 }).expect("encodes");
    let body = |b: &[u8]| u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize;
    // The reshaped kernels' shapes are two dimensions (8 bytes) shorter each.
    let saved_scales = (384 - 16) + (112 - 1) + (32 - 8);
    assert_eq!(
        body(&bytes) + 4 * saved_scales,
        body(&old) + 3 * 8,
        "bytes by channel, by kernel row"
    );
    println!(
        "# format: {} values at q6: {} bytes by output channel, {} by kernel row",
        m.parameter_count(),
        bytes.len(),
        old.len()
    );
    // Channel rows in a version 3 header are an unknown flag: damaged, not misread.
    let mut relabelled = bytes.clone();
    relabelled[4] = 3;
    assert!(matches!(decode(&relabelled), Err(ShareError::Damaged(_))));
}

#[test]
fn f32_round_trips_exactly_with_every_part() {
    let m = full();
    let bytes = encode(&m, Precision::F32).expect("encodes");
    assert_eq!(&bytes[..4], MAGIC);
    assert_eq!(decode(&bytes).expect("decodes"), m);
    let link: ModelLink = ModelLink::from_bytes(bytes)
        .to_string()
        .parse()
        .expect("parses");
    assert_eq!(link.payload().expect("decodes"), m);
}

#[test]
fn checkpoints_packed_fastest_decode_to_the_same_model_and_are_only_slightly_larger() {
    let m = full_averaged();
    let smallest = encode(&m, Precision::F32).expect("encodes");
    let fastest = encode_with(&m, Precision::F32, Packing::Fastest).expect("encodes");
    assert_eq!(decode(&fastest).expect("decodes"), m);
    // f32 weights barely compress: stored blocks cost little more than DEFLATE's best.
    assert!(
        fastest.len() > smallest.len() && fastest.len() < smallest.len() * 5 / 4,
        "fastest {} bytes, smallest {} bytes",
        fastest.len(),
        smallest.len()
    );
}

#[test]
fn quantised_networks_keep_their_bound_and_optimiser_state_stays_exact() {
    let m = full();
    for precision in ["f16", "q8", "q6", "q4"] {
        let precision: Precision = precision.parse().expect("precision");
        let back = decode(&encode(&m, precision).expect("encodes")).expect("decodes");
        assert_eq!(
            back.optimizers, m.optimizers,
            "{precision}: optimiser state is f32"
        );
        let pairs = m.generator.iter().zip(&back.generator);
        let d_pairs = m
            .discriminator
            .iter()
            .flatten()
            .zip(back.discriminator.iter().flatten());
        for (orig, got) in pairs.chain(d_pairs) {
            assert_eq!(orig.shape, got.shape);
            let row = *orig.shape.last().expect("rank ≥ 1");
            for (o_row, g_row) in orig.values.chunks(row).zip(got.values.chunks(row)) {
                let largest = o_row.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
                let bound = match precision {
                    Precision::F16 => largest * 2.0_f32.powi(-11) + 1e-7,
                    Precision::Quantized { bits } => {
                        largest / ((1 << (bits - 1)) - 1) as f32 / 2.0 * 1.0001 + 1e-7
                    }
                    Precision::F32 => 0.0,
                };
                for (o, g) in o_row.iter().zip(g_row) {
                    assert!(
                        (o - g).abs() <= bound,
                        "{precision}: {o} → {g} (bound {bound})"
                    );
                }
            }
        }
    }
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let bytes = encode(&full(), Precision::Quantized { bits: 6 }).expect("encodes");
    for end in 0..bytes.len() {
        assert!(
            decode(&bytes[..end]).is_err(),
            "a prefix of {end} bytes decoded"
        );
    }
}

#[test]
fn flipped_bytes_are_caught() {
    let bytes = encode(&full(), Precision::F16).expect("encodes");
    for i in (8..bytes.len()).step_by(7) {
        let mut bad = bytes.clone();
        bad[i] ^= 0x5a;
        assert!(
            decode(&bad).is_err(),
            "byte {i} flipped and it still decoded"
        );
    }
}

#[test]
fn errors_say_what_happened() {
    let bytes = encode(&full(), Precision::F32).expect("encodes");
    assert_eq!(decode(b"PK\x03\x04 a zip"), Err(ShareError::NotGanvas));
    let mut future = bytes.clone();
    future[4] = 5;
    let error = decode(&future).expect_err("version 5");
    assert_eq!(
        error,
        ShareError::FutureVersion {
            found: 5,
            supported: 4
        }
    );
    assert!(
        error.to_string().contains("made by a newer GANvas"),
        "{error}"
    );
    let mut tampered = bytes.clone();
    tampered[12] ^= 1; // the checksum
    let error = decode(&tampered).expect_err("checksum");
    assert!(error.to_string().contains("damaged"), "{error}");
    assert!(matches!(
        "Zm9v*".parse::<ModelLink>(),
        Err(ShareError::Damaged(_))
    ));
    let mut nan = full();
    nan.generator[1].values[3] = f32::NAN;
    assert_eq!(
        encode(&nan, Precision::F32),
        Err(ShareError::NotFinite { tensor: 1 })
    );
    assert!(encode(&full(), Precision::Quantized { bits: 9 }).is_err());
}

#[test]
fn absurd_sizes_are_refused_before_allocating() {
    // A header claiming 4 GiB, and a body claiming a 2³²×2³² tensor.
    let mut header = MAGIC.to_vec();
    header.extend([1, 0, 0, 0]);
    header.extend(u32::MAX.to_le_bytes());
    header.extend(0_u32.to_le_bytes());
    assert!(decode(&header).is_err());
    let mut m = model(vec![weights(&[2, 2], 1, 1.0)], 10);
    m.generator[0].shape = vec![2, 2];
    let mut bytes = encode(&m, Precision::F32).expect("encodes");
    // Re-encode a body by hand whose tensor dims are huge but whose data is tiny.
    let body_start = 16;
    let body = {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(&bytes[body_start..])
            .read_to_end(&mut out)
            .expect("inflates");
        out
    };
    // config length + config, settings length + settings, step, tensor count, rank
    let dims_at = 4 + m.config_json.len() + 4 + m.settings.len() + 8 + 4 + 1;
    let mut huge = body.clone();
    huge[dims_at..dims_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    huge[dims_at + 4..dims_at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(&huge);
    bytes.truncate(body_start);
    bytes[12..16].copy_from_slice(&crc.sum().to_le_bytes());
    let mut encoder = flate2::write::DeflateEncoder::new(bytes, flate2::Compression::fast());
    std::io::Write::write_all(&mut encoder, &huge).expect("deflates");
    let forged = encoder.finish().expect("deflates");
    let error = decode(&forged).expect_err("a forged huge tensor");
    assert!(
        matches!(&error, ShareError::Damaged(m) if m.contains("more than a model this size may hold")),
        "{error}"
    );
}

/// Link lengths (characters) per precision for the issue's two reference generators.
#[test]
fn link_sizes() {
    let toy = model(mlp(&[2, 16, 16, 2], 11), 1200);
    let mnist = model(mlp(&[64, 256, 256, 784], 12), 1200);
    println!("precision  toy G (354 values)  mnist-mlp G (283,920 values)");
    for precision in ["f32", "f16", "q8", "q6", "q5", "q4"] {
        let p: Precision = precision.parse().expect("precision");
        let toy_len = ModelLink::new(&toy, p).expect("toy").text_len();
        let mnist_len = ModelLink::new(&mnist, p).expect("mnist").text_len();
        println!("{precision:>9}  {toy_len:>18}  {mnist_len:>28}");
    }
    let q8 = ModelLink::new(&toy, Precision::Quantized { bits: 8 }).expect("toy");
    assert!(
        q8.text_len() <= 2048,
        "toy q8 link: {} characters",
        q8.text_len()
    );
}

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn tiny() -> ModelPayload {
    ModelPayload {
        kind: None,
        config_json: r#"{"fixture":"tiny"}"#.into(),
        settings: String::new(),
        step: 42,
        generator: vec![
            TensorValues {
                shape: vec![2, 2],
                values: vec![1.0, -0.5, 0.25, 0.0],
            },
            TensorValues {
                shape: vec![2],
                values: vec![0.125, -2.0],
            },
        ],
        averaged_generator: None,
        discriminator: None,
        optimizers: None,
    }
}

/// Files of every released format version must keep opening. `GANVAS_WRITE_FIXTURES=1`
/// writes the newest version's (only ever for a new version; never rewrite an old one: the
/// version 1 files were written by GANvas 0.1).
#[test]
fn released_fixtures_still_open() {
    let dir = fixture_dir();
    if std::env::var_os("GANVAS_WRITE_FIXTURES").is_some() {
        std::fs::write(
            dir.join("v3-pix2pix.ganvas"),
            encode(&full_pix2pix(), Precision::F32).expect("full"),
        )
        .expect("write");
    }
    let link: ModelLink = std::fs::read_to_string(dir.join("v1-tiny.link"))
        .expect("v1-tiny.link")
        .parse()
        .expect("parses");
    let opened = link.payload().expect("v1 link opens");
    assert_eq!(opened.step, 42);
    assert_eq!(opened.generator[0].shape, vec![2, 2]);
    for (o, g) in tiny().generator[0]
        .values
        .iter()
        .zip(&opened.generator[0].values)
    {
        assert!((o - g).abs() <= 1.0 / 127.0 / 2.0 + 1e-7);
    }
    let file = std::fs::read(dir.join("v1-full.ganvas")).expect("v1-full.ganvas");
    assert_eq!(decode(&file).expect("v1 file opens"), full());
    let file = std::fs::read(dir.join("v2-averaged.ganvas")).expect("v2-averaged.ganvas");
    assert_eq!(decode(&file).expect("v2 file opens"), full_averaged());
    let file = std::fs::read(dir.join("v3-pix2pix.ganvas")).expect("v3-pix2pix.ganvas");
    assert_eq!(decode(&file).expect("v3 file opens"), full_pix2pix());
}
