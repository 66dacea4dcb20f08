//! The link codec, natively: every setting survives a round trip through a real fragment, old
//! links still read as they did, and every bad value is refused with a message naming it.

use ganvas_engine::data::{ShippedSet, Toy2d};
use ganvas_engine::loss::LossKind;
use ganvas_engine::model::{Activation, NoiseKind};
use ganvas_engine::optim::OptimizerKind;
use ganvas_engine::training::limits::SETTINGS;
use ganvas_session::DeviceChoice;
use ganvas_session::link::{
    HIDEABLE, LinkSettings, MAX_LINK_POINTS, Start, from_pairs, parse_fragment, print_fragment,
    to_pairs,
};
use ganvas_session::setup::{ImageSource, ModelChoice, optimizer};
use ganvas_session::view::Layers;

/// Settings → fragment → settings, compared by what they write.
fn round_trip(settings: &LinkSettings) -> LinkSettings {
    let fragment = print_fragment(&to_pairs(settings));
    let back = from_pairs(&parse_fragment(&fragment)).unwrap_or_else(|e| panic!("{fragment}: {e}"));
    assert_eq!(to_pairs(&back), to_pairs(settings), "{fragment}");
    back
}

fn read(fragment: &str) -> Result<LinkSettings, String> {
    from_pairs(&parse_fragment(fragment)).map_err(String::from)
}

fn every_model() -> Vec<ModelChoice> {
    [false, true]
        .into_iter()
        .flat_map(ModelChoice::menu)
        .map(|(value, _)| ModelChoice::from_value(&value).expect("a menu value parses"))
        .collect()
}

#[test]
fn the_defaults_write_an_empty_link_and_read_back() {
    assert!(to_pairs(&LinkSettings::default()).is_empty());
    let read = from_pairs(&[]).expect("no settings is the defaults");
    assert!(to_pairs(&read).is_empty());
    assert_eq!(read.start, Start::Paused);
    assert_eq!(read.layers, Layers::default());
}

#[test]
fn every_model_and_every_setting_survives_a_round_trip() {
    for model in every_model() {
        let mut settings = LinkSettings::default();
        settings.setup = settings.setup.with_model(model);
        round_trip(&settings);

        let s = &mut settings.setup;
        s.seed = u64::MAX;
        s.noise = NoiseKind::Normal;
        s.train.loss = LossKind::Hinge;
        s.train.generator_optimizer = optimizer(OptimizerKind::RmsProp, 3.5e-4);
        s.train.discriminator_optimizer = optimizer(OptimizerKind::Sgd, 0.25);
        s.train.batch_size = 4096;
        s.train.d_steps = 5;
        s.train.g_steps = 2;
        s.train.tricks.real_label = 0.9;
        s.train.tricks.label_flip = 0.05;
        s.train.tricks.instance_noise = 0.1;
        s.train.tricks.instance_noise_decay_steps = 1000;
        s.train.tricks.replay_capacity = 512;
        if model == ModelChoice::Mlp {
            s.shape.layers = 0;
            s.shape.width = 1024;
            s.shape.activation = Activation::Tanh;
            s.noise_dim = 64;
        }
        if model.is_image() {
            s.images = ImageSource::Shipped(ShippedSet::Fashion);
        } else {
            s.dataset = Toy2d::Grid25;
        }
        if model == ModelChoice::Pix2Pix {
            s.pix2pix_d.sees_input = true;
            s.pix2pix_d.patch = true;
        }
        if model.is_cyclegan() {
            s.cycle_classes = [0, 9];
        }
        settings.layers = Layers {
            real: false,
            fake: true,
            heatmap: false,
            manifold: true,
            arrows: true,
        };
        settings.show_features = false;
        settings.device = Some(DeviceChoice::Gpu);
        settings.hide = HIDEABLE.iter().map(ToString::to_string).collect();
        settings.start = Start::Training;
        settings.presenter = true;
        let back = round_trip(&settings);
        let t = &back.setup.train;
        assert_eq!(back.setup.model, model);
        assert_eq!(back.setup.seed, u64::MAX);
        assert_eq!(t.loss, LossKind::Hinge);
        assert_eq!(t.generator_optimizer.kind, OptimizerKind::RmsProp);
        assert!((t.generator_optimizer.lr - 3.5e-4).abs() < 1e-12);
        assert_eq!(t.discriminator_optimizer.kind, OptimizerKind::Sgd);
        assert_eq!((t.batch_size, t.d_steps, t.g_steps), (4096, 5, 2));
        assert_eq!(t.tricks.replay_capacity, 512);
        assert_eq!(back.layers, settings.layers);
        assert_eq!(back.device, Some(DeviceChoice::Gpu));
        assert_eq!(back.hide.len(), HIDEABLE.len());
        assert!(back.presenter && back.start == Start::Training && !back.show_features);
        assert_eq!(back.setup.pix2pix_d, settings.setup.pix2pix_d);
        if model.is_cyclegan() {
            assert_eq!(back.setup.cycle_classes, [0, 9]);
        }
        if model.is_image() {
            assert_eq!(back.setup.images, ImageSource::Shipped(ShippedSet::Fashion));
        } else {
            assert_eq!(back.setup.dataset, Toy2d::Grid25);
        }
    }
}

#[test]
fn drawn_and_uploaded_points_travel_in_the_link() {
    let points: Vec<[f32; 2]> = (0..300)
        .map(|i| {
            let t = i as f32 * 0.1;
            [t.cos() * 1.5, t.sin() - 0.25]
        })
        .collect();
    let mut drawn = LinkSettings::default();
    drawn.setup.drawn = true;
    drawn.setup.dataset = Toy2d::points(points.clone()).expect("points");
    drawn.drawn.clone_from(&points);
    let back = round_trip(&drawn);
    assert!(back.setup.drawn);
    assert_eq!(back.drawn.len(), points.len());
    // Four significant digits: what a link promises for a hand-drawn point.
    for (a, b) in back.drawn.iter().zip(&points) {
        assert!(
            (a[0] - b[0]).abs() <= 1e-3 && (a[1] - b[1]).abs() <= 1e-3,
            "{a:?} {b:?}"
        );
    }

    let mut uploaded = LinkSettings::default();
    uploaded.setup.dataset = Toy2d::points(points).expect("points");
    let back = round_trip(&uploaded);
    assert!(matches!(back.setup.dataset, Toy2d::Points(p) if p.len() == 300));

    // Too many points to carry: the link leaves them out rather than growing without bound.
    let many: Vec<[f32; 2]> = (0..=MAX_LINK_POINTS).map(|i| [i as f32, 0.0]).collect();
    uploaded.setup.dataset = Toy2d::points(many).expect("points");
    assert!(to_pairs(&uploaded).iter().all(|(k, _)| k != "pts"));
}

#[test]
fn links_written_by_earlier_builds_still_read_the_same() {
    // Links as the e2e tests and classroom handouts write them.
    let lesson = read("data=two-moons&hide=loss,tricks,networks&start=training").expect("reads");
    assert_eq!(lesson.setup.dataset, Toy2d::TwoMoons);
    assert_eq!(lesson.hide, ["loss", "tricks", "networks"]);
    assert_eq!(lesson.start, Start::Training);

    let presenter =
        read("data=mnist&hide=latent,share,image-upload&layout=presenter").expect("reads");
    assert!(presenter.presenter);
    assert_eq!(
        presenter.setup.model,
        ModelChoice::recommended(ShippedSet::Mnist),
        "image data alone picks its recommended model"
    );

    let tutorial = read("data=mnist&model=mnist-mlp").expect("reads");
    assert_eq!(tutorial.setup.model.value(), "mnist-mlp");

    let encoded =
        read("data=ring8&hide=loss%2Ctricks&g_lr=0.0002&show=real%2Cfake").expect("reads");
    assert_eq!(encoded.hide, ["loss", "tricks"]);
    assert!(encoded.layers.real && encoded.layers.fake && !encoded.layers.heatmap);
    assert!((encoded.setup.train.generator_optimizer.lr - 2e-4).abs() < 1e-12);
}

#[test]
fn every_bad_value_is_refused_with_a_message_naming_it() {
    let cases = [
        ("k=lots", "“k=lots” is not a number"),
        ("batch=0", "“batch=0” is out of range (1 to 4,096)"),
        ("batch=4097", "out of range"),
        ("batch=2.5", "“batch=2.5” is not a whole number"),
        ("g_lr=-1", "out of range"),
        ("g_lr=NaN", "out of range"),
        ("d_lr=inf", "out of range"),
        ("smooth=0.2", "out of range"),
        ("nz=0", "out of range"),
        ("width=100000", "out of range"),
        ("seed=-1", "not a number"),
        ("dataset=ring8", "unknown setting “dataset”"),
        ("data=ring9", "there is no dataset “ring9”"),
        ("model=gpt", "there is no model “gpt”"),
        ("loss=magic", "there is no loss “magic”"),
        ("g_opt=lbfgs", "there is no optimiser “lbfgs”"),
        ("act=swish", "there is no activation “swish”"),
        ("noise=pink", "there is no noise “pink”"),
        ("device=tpu", "there is no device “tpu”"),
        ("show=real,ghosts", "there is no view “ghosts”"),
        (
            "hide=loss,everything",
            "there is no control “everything” to hide",
        ),
        ("start=later", "must be paused or training"),
        (
            "model=pix2pix&patch=yes",
            "“patch=yes” must be 1 (on) or 0 (off)",
        ),
        ("model=pix2pix&d_input=2", "“d_input=2” must be 1"),
        (
            "model=cyclegan-shoes&classes=7,7",
            "two different classes 0–9",
        ),
        ("model=cyclegan-shoes&classes=7,10", "the link has “7,10”"),
        ("model=cyclegan&classes=sneaker", "two different classes"),
        ("pts=1,2;3", "the points in “pts” are damaged"),
        ("pts=1,NaN", "damaged"),
        ("drawn=", "damaged"),
    ];
    for (fragment, expected) in cases {
        let message = read(fragment)
            .err()
            .unwrap_or_else(|| panic!("{fragment} was accepted"));
        assert!(message.contains(expected), "{fragment}: {message}");
    }
    let too_many = format!("pts={}", vec!["0,0"; MAX_LINK_POINTS + 1].join(";"));
    assert!(read(&too_many).is_err());
}

#[test]
fn every_range_in_the_table_is_enforced_at_both_ends() {
    // The link reads every setting of the engine's one table of ranges; a value just outside
    // either end is refused and the ends themselves are accepted.
    for limit in SETTINGS {
        let model = if ["layers", "width", "act"].contains(&limit.key) {
            "&model=mlp"
        } else {
            ""
        };
        for inside in [limit.min, limit.max] {
            let fragment = format!("{}={inside}{model}", limit.key);
            read(&fragment).unwrap_or_else(|e| panic!("{fragment}: {e}"));
        }
        let step = if limit.integer {
            1.0
        } else {
            limit.max.abs().max(1.0) * 1e-3
        };
        for outside in [limit.min - step, limit.max + step] {
            let fragment = format!("{}={outside}{model}", limit.key);
            assert!(read(&fragment).is_err(), "{fragment} was accepted");
        }
    }
}

#[test]
fn hostile_fragments_are_refused_or_read_without_panicking() {
    let long = "9".repeat(100_000);
    let hostile = [
        "%".to_string(),
        "&&&&==&=".to_string(),
        format!("seed={long}"),
        format!("batch={long}"),
        format!("pts={}", ";".repeat(50_000)),
        "data=%FF%FE".to_string(),
        "hide=".to_string() + &",".repeat(10_000),
        "model=mlp&layers=6&width=1024&nz=64".to_string(),
        "m=AAAA&data=ring8".to_string(),
    ];
    for fragment in &hostile {
        let pairs = parse_fragment(fragment);
        // Whatever comes back is a value; nothing here may panic.
        let _ = from_pairs(&pairs);
    }
    // An unknown key is refused, so a typo cannot be silently ignored.
    assert!(read("m=AAAA&data=ring8").is_err());
}
