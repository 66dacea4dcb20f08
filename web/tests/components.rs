//! Component tests in a real browser (headless Chromium through `wasm-bindgen-test-runner`):
//! drawing on real canvases, a form field mounted with Leptos, the setup, and the page's
//! trainer reading a whole frame on the CPU and on WebGPU.

#![cfg(target_family = "wasm")]

use std::cell::Cell;
use std::rc::Rc;

use ganvas_session::points::projection::Projection;
use ganvas_web::draw::{self, Viewport};
use ganvas_web::fields::NumberField;
use ganvas_web::images::timelapse::Timelapse;
use ganvas_web::setup::{ModelChoice, Setup};
use ganvas_web::state::Ctx;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser page")
}

fn canvas(
    width: u32,
    height: u32,
) -> (
    web_sys::HtmlCanvasElement,
    web_sys::CanvasRenderingContext2d,
) {
    let canvas: web_sys::HtmlCanvasElement = document()
        .create_element("canvas")
        .expect("canvas")
        .dyn_into()
        .expect("a canvas element");
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx = canvas
        .get_context("2d")
        .expect("2d")
        .expect("a 2d context")
        .dyn_into()
        .expect("CanvasRenderingContext2d");
    (canvas, ctx)
}

/// Pixels whose colour differs clearly from the top-left pixel (the background).
fn inked(ctx: &web_sys::CanvasRenderingContext2d, width: u32, height: u32) -> usize {
    let data = ctx
        .get_image_data(0.0, 0.0, f64::from(width), f64::from(height))
        .expect("pixels")
        .data();
    let background = [data[0], data[1], data[2]];
    data.chunks_exact(4)
        .filter(|p| {
            (0..3)
                .map(|i| i32::from(p[i]).abs_diff(i32::from(background[i])))
                .sum::<u32>()
                > 60
        })
        .count()
}

#[wasm_bindgen_test]
fn viewport_maps_data_to_pixels_and_back() {
    let view = Viewport {
        bounds: [-2.0, 0.0, 2.0, 10.0],
        width: 400.0,
        height: 200.0,
    };
    assert_eq!(view.pixel_of([-2.0, 10.0]), (0.0, 0.0), "top left");
    assert_eq!(view.pixel_of([2.0, 0.0]), (400.0, 200.0), "bottom right");
    let back = view.data_at(100.0, 50.0);
    assert!(
        (back[0] + 1.0).abs() < 1e-5 && (back[1] - 7.5).abs() < 1e-5,
        "{back:?}"
    );
}

#[wasm_bindgen_test]
fn histogram_draws_bars_only_for_data() {
    let (_, ctx) = canvas(240, 140);
    draw::histogram(&ctx, 240.0, 140.0, &[], &[], Some([0.0, 1.0]));
    let empty = inked(&ctx, 240, 124); // above the axis labels
    let real: Vec<f32> = (0..500).map(|i| 0.8 + (i % 10) as f32 * 0.01).collect();
    let fake: Vec<f32> = (0..500).map(|i| 0.1 + (i % 10) as f32 * 0.01).collect();
    draw::histogram(&ctx, 240.0, 140.0, &real, &fake, Some([0.0, 1.0]));
    let full = inked(&ctx, 240, 124);
    assert_eq!(empty, 0, "no data, no bars");
    assert!(full > 1000, "two clusters of bars, {full} pixels");
}

#[wasm_bindgen_test]
fn playground_draws_heatmap_points_manifold_and_arrows() {
    let (_, ctx) = canvas(200, 200);
    let view = Viewport {
        bounds: [-1.0, -1.0, 1.0, 1.0],
        width: 200.0,
        height: 200.0,
    };
    let real = [[0.5_f32, 0.5]];
    let fakes = [[-0.5_f32, -0.5]];
    let grid: Vec<[f32; 2]> = (0..9)
        .map(|i| [(i % 3) as f32 * 0.5 - 0.5, (i / 3) as f32 * 0.5 - 0.5])
        .collect();
    let heat = vec![0.0_f32; 16];
    let scene = draw::Scene {
        real: &real,
        fakes: &fakes,
        heat: &heat,
        manifold: &grid,
        arrows: &[[0.3, 0.0]],
    };
    let layers = |manifold, arrows| draw::Layers {
        real: true,
        fake: true,
        heatmap: true,
        manifold,
        arrows,
    };
    draw::playground(&ctx, &view, &scene, layers(false, false));
    let base = inked(&ctx, 200, 200);
    draw::playground(&ctx, &view, &scene, layers(true, true));
    let more = inked(&ctx, 200, 200);
    assert!(base >= 30, "two dots on a uniform heatmap: {base}");
    assert!(
        more > base + 100,
        "grid lines and an arrow add ink: {base} → {more}"
    );
}

#[wasm_bindgen_test]
fn projection_keeps_the_main_direction_first() {
    // Points along (1, 2, 0, 0) with small noise in the other directions.
    let mut rows = Vec::new();
    for i in 0..200 {
        let t = i as f32 / 20.0 - 5.0;
        let wobble = ((i * 7919) % 13) as f32 / 130.0;
        rows.extend([t, 2.0 * t, wobble, -wobble]);
    }
    let points = Projection::default().fit_project(&rows, 4);
    let spread = |axis: usize| {
        let mean = points.iter().map(|p| p[axis]).sum::<f32>() / points.len() as f32;
        points.iter().map(|p| (p[axis] - mean).powi(2)).sum::<f32>()
    };
    assert!(
        spread(0) > 100.0 * spread(1),
        "{} vs {}",
        spread(0),
        spread(1)
    );
}

#[wasm_bindgen_test]
fn setup_builds_custom_networks_and_refuses_bad_noise() {
    let mut setup = Setup::default().with_model(ModelChoice::Mlp);
    setup.shape.layers = 2;
    setup.shape.width = 8;
    setup.noise_dim = 5;
    let config = setup.gan_config().expect("a valid custom MLP");
    assert_eq!(config.model.noise_dim, 5);
    setup.noise_dim = 0;
    let error = setup
        .gan_config()
        .expect_err("0 noise dimensions")
        .to_string();
    assert!(error.contains("noise dimension"), "{error}");
}

/// What the mounted test component hands back: its context and the field's value.
type Mounted = Rc<Cell<Option<(Ctx, RwSignal<f64>)>>>;

#[wasm_bindgen_test]
fn number_field_refuses_bad_input_and_keeps_the_old_value() {
    let host: web_sys::HtmlElement = document()
        .create_element("div")
        .expect("div")
        .dyn_into()
        .expect("an HTML element");
    document()
        .body()
        .expect("body")
        .append_child(&host)
        .expect("attached");
    let shared: Mounted = Rc::new(Cell::new(None));
    let out = Rc::clone(&shared);
    let _mounted = leptos::mount::mount_to(host, move || {
        let ctx = Ctx::new();
        provide_context(ctx);
        let value = RwSignal::new(0.001);
        out.set(Some((ctx, value)));
        view! {
            <NumberField id="test-lr" label="Learning rate" min=0.0 max=1.0 value=value
                on_value=Callback::new(move |v: f64| value.set(v)) />
        }
    });
    let (ctx, value) = shared.get().expect("mounted");
    let input: web_sys::HtmlInputElement = document()
        .get_element_by_id("test-lr")
        .expect("the input")
        .dyn_into()
        .expect("an input");
    let change = |text: &str| {
        input.set_value(text);
        input
            .dispatch_event(&web_sys::Event::new("change").expect("event"))
            .expect("dispatched");
    };
    change("abc");
    let message = ctx.error.get_untracked().expect("an error message");
    assert!(
        message.contains("Learning rate must be a number from 0 to 1"),
        "{message}"
    );
    assert_eq!(input.value(), "0.001", "the old value is shown again");
    assert!(
        (value.get_untracked() - 0.001).abs() < 1e-12,
        "nothing changed"
    );
    change("0.25");
    assert_eq!(ctx.error.get_untracked(), None);
    assert!((value.get_untracked() - 0.25).abs() < 1e-12);
}

thread_local! {
    static GPU: std::cell::RefCell<Option<burn::tensor::Device>> = const { std::cell::RefCell::new(None) };
}

/// The page's WebGPU device, initialised once (a page can register it only once). The test
/// browser runs with WebGPU (SwiftShader): the GPU path must really run here.
async fn gpu() -> burn::tensor::Device {
    if let Some(device) = GPU.with_borrow(Clone::clone) {
        return device;
    }
    let device = ganvas_engine::device::gpu_async()
        .await
        .expect("WebGPU in the test browser (see web/webdriver.json)");
    GPU.with_borrow_mut(|slot| *slot = Some(device.clone()));
    device
}

#[path = "../../crates/ganvas-session/tests/checks/mod.rs"]
mod checks;

#[wasm_bindgen_test]
async fn trainer_reads_a_whole_frame_on_the_cpu() {
    checks::points_frame(&ganvas_engine::device::cpu()).await;
}

#[wasm_bindgen_test]
async fn trainer_reads_a_whole_frame_on_webgpu() {
    checks::points_frame(&gpu().await).await;
}

#[wasm_bindgen_test]
async fn image_trainer_reads_grids_and_scores_on_the_cpu() {
    checks::image_frame(&ganvas_engine::device::cpu()).await;
}

#[wasm_bindgen_test]
async fn image_trainer_reads_grids_and_scores_on_webgpu() {
    checks::image_frame(&gpu().await).await;
}

#[wasm_bindgen_test]
async fn pix2pix_trainer_reads_its_rows_and_translates_a_drawing_on_the_cpu() {
    checks::pix2pix_frame(&ganvas_engine::device::cpu()).await;
}

#[wasm_bindgen_test]
async fn pix2pix_trainer_reads_its_rows_and_translates_a_drawing_on_webgpu() {
    checks::pix2pix_frame(&gpu().await).await;
}

#[wasm_bindgen_test]
async fn pix2pix_learns_uploaded_pairs_with_the_papers_d_on_webgpu() {
    checks::pix2pix_uploaded_pairs(&gpu().await).await;
}

#[wasm_bindgen_test]
fn image_grid_lays_out_cells_with_gaps() {
    // Two 2×2 images: one black, one white, side by side at scale 2 with a 1-pixel gap.
    let images = [-1.0, -1.0, -1.0, -1.0, 1.0, 1.0, 1.0, 1.0];
    let grid = draw::grid(&images, 2, 2, 2, 1);
    assert_eq!((grid.width, grid.height), (9, 4));
    assert_eq!(grid.pixels[0], 0);
    assert_eq!(grid.pixels[5], 255);
    assert_eq!(grid.pixels[4], 200, "the gap");
    let (_element, ctx) = canvas(9, 4);
    draw::put_grey(&ctx, &grid, 0.0, 0.0);
    let pixel = |x: f64, y: f64| {
        ctx.get_image_data(x, y, 1.0, 1.0)
            .expect("readable canvas")
            .data()
            .to_vec()
    };
    assert_eq!(pixel(6.0, 1.0)[..3], [255, 255, 255]);
    assert_eq!(pixel(1.0, 1.0)[..3], [0, 0, 0]);
}

#[wasm_bindgen_test]
fn timelapse_thins_out_and_writes_a_looping_gif() {
    let mut timelapse = Timelapse::default();
    for step in 0..2000 {
        timelapse.record(step, &[(step % 256) as u8; 12], 4, 3);
    }
    let steps = timelapse.steps();
    assert!(steps.len() <= 60 && steps.len() > 30, "{}", steps.len());
    assert_eq!(steps[0], 0);
    assert!(steps.windows(2).all(|w| w[1] > w[0]));
    assert!(*steps.last().expect("frames") > 1500, "spans the run");
    let gif = timelapse.to_gif().expect("frames");
    assert!(gif.starts_with(b"GIF89a"));
    assert_eq!(gif.last(), Some(&0x3b), "the GIF trailer");
    assert!(Timelapse::default().to_gif().is_none());
}

/// A checkpoint of a trained toy GAN is held outside wasm and in IndexedDB: the banner a panic
/// shows offers exactly its bytes, and a later visit is offered the same step.
#[wasm_bindgen_test]
async fn a_checkpoint_reaches_the_panic_banner_and_indexeddb() {
    use ganvas_session::Session;
    use ganvas_session::session::Basis;
    use ganvas_web::checkpoint::{self, Resume};
    // The owner keeps the signals alive for the whole test.
    let owner = leptos::prelude::Owner::new();
    let ctx = owner.with(Ctx::new);
    let setup = Setup {
        dataset: ganvas_engine::data::Toy2d::from_name("ring8").expect("a built-in set"),
        ..Setup::default()
    };
    ctx.setup.set(setup.clone());
    let mut session = Session::new(
        ganvas_engine::device::cpu(),
        None,
        ganvas_web::run_loop::now_ms,
    );
    session
        .build(Basis {
            setup,
            bounds: None,
            images: None,
        })
        .expect("toy GAN builds");
    session.train_steps(3).expect("a model");
    // The page speaks to its session through the protocol, as the loop does.
    let mut host = ganvas_web::host::Host::page(session);
    let step = checkpoint::take(ctx, &mut host, Some(60_000.0))
        .await
        .expect("a good checkpoint");
    assert_eq!(step, Some(3), "the first checkpoint is always due");
    assert_eq!(host.step(), 3);
    let again = checkpoint::take(ctx, &mut host, Some(60_000.0)).await;
    assert_eq!(again, Ok(None), "just taken: not due again");
    let on_pause = checkpoint::take(ctx, &mut host, None).await;
    assert_eq!(on_pause, Ok(None), "a pause at the same step needs none");

    checkpoint::show_panic_banner("index out of bounds at src/test.rs:1");
    let banner = document()
        .query_selector("[role=alertdialog]")
        .expect("query")
        .expect("the banner");
    let text = banner.text_content().unwrap_or_default();
    assert!(text.contains("GANvas stopped"), "{text}");
    assert!(text.contains("index out of bounds"), "{text}");
    assert!(text.contains("step 3 (toy-quadratic on ring8)"), "{text}");
    let save: web_sys::HtmlAnchorElement = banner
        .query_selector("a[download]")
        .expect("query")
        .expect("Save your run")
        .dyn_into()
        .expect("a link");
    assert_eq!(save.text_content().as_deref(), Some("Save your run"));
    assert_eq!(save.download(), "ganvas-step-3.ganvas");
    // The file behind the link is the run: it opens at step 3 with D and optimiser state.
    let window = web_sys::window().expect("window");
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&save.href()))
            .await
            .expect("the blob is there")
            .dyn_into()
            .expect("a response");
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().expect("body"))
        .await
        .expect("bytes");
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let opened = ganvas_engine::share::open_file(&bytes).expect("a valid .ganvas file");
    assert_eq!(opened.snapshot.step, 3);
    assert!(opened.snapshot.discriminator.is_some() && opened.snapshot.optimizers.is_some());
    assert!(
        opened.settings.contains("data=ring8"),
        "{}",
        opened.settings
    );
    assert!(
        banner.query_selector("button").expect("query").is_some(),
        "Reload"
    );
    banner.remove();

    // IndexedDB has it too (the store completes shortly after `take` returns).
    let mut offered = None;
    for _ in 0..50 {
        checkpoint::offer_stored(ctx).await;
        offered = ctx.resume.get_untracked();
        if offered.is_some() {
            break;
        }
        let wait = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 100);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
    }
    assert_eq!(
        offered,
        Some(Resume::Offer {
            step: 3,
            label: "toy-quadratic on ring8".into()
        })
    );
    drop(owner);
}
