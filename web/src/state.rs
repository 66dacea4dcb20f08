//! The page's shared state: signals the components read, what the page keeps outside them
//! (devices, image sets), and its hold on the training session ([`crate::owner`]).

use std::rc::Rc;

use leptos::prelude::*;

use crate::checkpoint::Resume;
use crate::draw::Layers;
use crate::host::Host;
use crate::images::timelapse::Timelapse;
use crate::images::{ImageBundle, ImageView, load};
use crate::owner::Owner;
use crate::setup::{ImageSource, Setup};
use crate::trainer::{Frame, Quality};
use ganvas_engine::device::GpuWatch;
use ganvas_session::session::Basis;

/// Points kept in the charts.
pub const HISTORY: usize = 300;
/// The plot area of hand-drawn data.
pub const DRAW_BOUNDS: [f32; 4] = [-1.0, -1.0, 1.0, 1.0];

pub use ganvas_session::DeviceChoice;

/// What the page keeps outside the reactive graph (data sets, bytes, the GPU's state).
#[derive(Default)]
pub struct Page {
    /// Whether the session is up (its devices initialised, in the worker or the page).
    pub started: bool,
    /// Says when the page's WebGPU device stops (lost, or out of memory), when the session
    /// trains in the page on one.
    pub gpu_watch: Option<GpuWatch>,
    /// Why the GPU stopped, when a read found it gone and no watch says so (the worker's
    /// GPU, which the page cannot watch).
    pub gpu_lost: Option<String>,
    /// Image sets loaded so far (each is fetched once).
    pub bundles: Vec<(ImageSource, Rc<ImageBundle>)>,
    /// A run stored by an earlier visit, while it is offered.
    pub resume_bytes: Option<Vec<u8>>,
    /// The last message a divergence showed: advice for the paused run, which Train takes.
    pub diverged: Option<String>,
}

impl Page {
    /// The loaded image set for `source`, if it is loaded.
    pub fn bundle(&self, source: &ImageSource) -> Option<Rc<ImageBundle>> {
        self.bundles
            .iter()
            .find(|(s, _)| s == source)
            .map(|(_, b)| Rc::clone(b))
    }

    /// Keeps `bundle` as the set for `source` (replacing an earlier upload).
    pub fn keep_bundle(&mut self, source: ImageSource, bundle: ImageBundle) {
        self.bundles.retain(|(s, _)| *s != source);
        self.bundles.push((source, Rc::new(bundle)));
    }
}

/// Live numbers shown in the status line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Live {
    /// Steps taken.
    pub step: u64,
    /// D's loss (mean over the last frame's steps); `None` until a step of this model is read.
    pub d_loss: Option<f32>,
    /// G's loss, likewise.
    pub g_loss: Option<f32>,
    /// Pix2Pix's L1 term, likewise (`None` for GANs from noise).
    pub l1: Option<f32>,
    /// CycleGAN's four losses, likewise: D_A's, D_B's, and G's and F's adversarial terms
    /// (`None` for the other models).
    pub cycle_losses: Option<[f32; 4]>,
    /// Training speed over the last half second.
    pub steps_per_sec: f64,
}

/// One chart point: the means over a frame's steps.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// D's loss.
    pub d_loss: f32,
    /// G's loss.
    pub g_loss: f32,
    /// Mean D(x).
    pub d_real: f32,
    /// Mean D(G(z)).
    pub d_fake: f32,
    /// Pix2Pix's L1 term (0 for GANs from noise).
    pub l1: f32,
    /// CycleGAN's four losses: D_A's, D_B's, G's and F's adversarial terms (0 otherwise).
    pub cycle_losses: [f32; 4],
    /// Quality of the fakes at that time.
    pub quality: Quality,
}

/// Everything the components share; every field is a cheap copyable handle.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// Devices and data sets.
    pub page: StoredValue<Page, LocalStorage>,
    /// The training session, held in turn.
    pub owner: StoredValue<Owner, LocalStorage>,
    /// What the controls chose.
    pub setup: RwSignal<Setup>,
    /// Points drawn by hand (original units) while the "draw" dataset is chosen.
    pub drawn: RwSignal<Vec<[f32; 2]>>,
    /// The device training runs on.
    pub device: RwSignal<DeviceChoice>,
    /// Whether WebGPU initialised.
    pub gpu_available: RwSignal<bool>,
    /// A notice about the device (WebGPU missing).
    pub banner: RwSignal<Option<String>>,
    /// The notice's technical detail (shown folded away).
    pub banner_detail: RwSignal<Option<String>>,
    /// Why this device.
    pub device_reason: RwSignal<String>,
    /// Devices initialised and a model built.
    pub ready: RwSignal<bool>,
    /// Training continuously.
    pub running: RwSignal<bool>,
    /// The last problem, shown as an alert.
    pub error: RwSignal<Option<String>>,
    /// The status line's numbers.
    pub live: RwSignal<Live>,
    /// The last frame read.
    pub frame: RwSignal<Frame>,
    /// Chart history.
    pub history: RwSignal<Vec<Point>>,
    /// Which layers the playground shows.
    pub layers: RwSignal<Layers>,
    /// Whether the feature-space view is shown.
    pub show_features: RwSignal<bool>,
    /// Real points and the plot area of the current trainer.
    pub scene: RwSignal<(Vec<[f32; 2]>, [f32; 4])>,
    /// Redraw requests from single steps (the loop reads a frame when positive).
    pub redraw: RwSignal<u32>,
    /// Controls hidden by a classroom link (see [`crate::link::HIDEABLE`]).
    pub hide: RwSignal<Vec<String>>,
    /// The presenter layout (large canvas).
    pub presenter: RwSignal<bool>,
    /// The device named by the link or chosen by the user (kept in the link).
    pub pinned_device: RwSignal<Option<DeviceChoice>>,
    /// Whether the link asked to start training.
    pub start_training: RwSignal<bool>,
    /// A model carried by the opening link (`m=`), opened once the devices are up.
    pub pending_model: RwSignal<Option<String>>,
    /// A data set being fetched: what, and the fraction done.
    pub loading: RwSignal<Option<(String, f64)>>,
    /// The image views' settings.
    pub image_view: RwSignal<ImageView>,
    /// The fixed-noise grid over training (image GANs), for the GIF export.
    pub timelapse: StoredValue<Timelapse, LocalStorage>,
    /// Frames in the timelapse (so the export button knows).
    pub timelapse_frames: RwSignal<usize>,
    /// When the device was chosen by timing both: whether that was for an image model (the
    /// choice is timed again when the kind of model changes). `None`: chosen otherwise.
    pub auto_device: RwSignal<Option<bool>>,
    /// The offer to resume a run stored by an earlier visit.
    pub resume: RwSignal<Option<Resume>>,
    /// Warm-ups under way: throwaway models compiling the GPU's kernels before the first
    /// click (see [`Ctx::warm_up`]).
    pub warming: RwSignal<u32>,
    /// The loop has training in flight or steps not yet shown. After Pause it stays set until
    /// the chunk in flight has landed and been drawn: the status line says "pausing…"
    /// meanwhile (a step takes seconds on a slow GPU), and the count no longer moves after.
    pub busy: RwSignal<bool>,
}

impl Default for Ctx {
    fn default() -> Self {
        Self::new()
    }
}

impl Ctx {
    /// Fresh state.
    pub fn new() -> Self {
        Ctx {
            page: StoredValue::new_local(Page::default()),
            owner: StoredValue::new_local(Owner::default()),
            setup: RwSignal::new(Setup::default()),
            drawn: RwSignal::new(Vec::new()),
            device: RwSignal::new(DeviceChoice::Cpu),
            gpu_available: RwSignal::new(false),
            banner: RwSignal::new(None),
            banner_detail: RwSignal::new(None),
            device_reason: RwSignal::new("starting…".into()),
            ready: RwSignal::new(false),
            running: RwSignal::new(false),
            busy: RwSignal::new(false),
            error: RwSignal::new(None),
            live: RwSignal::new(Live::default()),
            frame: RwSignal::new(Frame::default()),
            history: RwSignal::new(Vec::new()),
            layers: RwSignal::new(Layers::default()),
            show_features: RwSignal::new(true),
            scene: RwSignal::new((Vec::new(), DRAW_BOUNDS)),
            redraw: RwSignal::new(0),
            hide: RwSignal::new(Vec::new()),
            presenter: RwSignal::new(false),
            pinned_device: RwSignal::new(None),
            start_training: RwSignal::new(false),
            pending_model: RwSignal::new(None),
            loading: RwSignal::new(None),
            image_view: RwSignal::new(ImageView::default()),
            timelapse: StoredValue::new_local(Timelapse::default()),
            timelapse_frames: RwSignal::new(0),
            auto_device: RwSignal::new(None),
            resume: RwSignal::new(None),
            warming: RwSignal::new(0),
        }
    }

    /// The hold on the training session.
    pub fn owner(self) -> Owner {
        self.owner.get_value()
    }

    /// Builds a fresh model for the current setup and device (Reset, and any change that
    /// needs new networks or data). Hand-drawn data with too few points leaves no model.
    pub fn reset(self) {
        let setup = self.setup.get_untracked();
        if !self.page.with_value(|p| p.started) {
            return; // still starting: the start builds the first model
        }
        self.live.set(Live::default());
        self.history.set(Vec::new());
        self.frame.set(Frame::default());
        self.timelapse.update_value(Timelapse::clear);
        self.timelapse_frames.set(0);
        if setup.is_images() {
            self.reset_images(setup);
            return;
        }
        if self.auto_device.get_untracked() == Some(true) {
            self.retime(None);
            return;
        }
        if setup.drawn && self.drawn.with_untracked(Vec::len) < MIN_DRAWN {
            self.replace(None);
            self.scene.set((self.drawn.get_untracked(), DRAW_BOUNDS));
            return;
        }
        let bounds = setup.drawn.then_some(DRAW_BOUNDS);
        self.replace(Some(Basis {
            setup,
            bounds,
            images: None,
        }));
    }

    /// Builds an image GAN on its data, fetching the data first if it is not loaded yet.
    fn reset_images(self, setup: Setup) {
        let bundle = self.page.with_value(|p| p.bundle(&setup.images));
        let Some(bundle) = bundle else {
            self.replace(None);
            match &setup.images {
                ImageSource::Shipped(set) => self.fetch_images(*set),
                ImageSource::Uploaded => self.error.set(Some(
                    "This page was set up with uploaded images, which a link cannot carry: upload them again."
                        .into(),
                )),
            }
            return;
        };
        if self.auto_device.get_untracked() == Some(false) {
            self.retime(Some(bundle));
            return;
        }
        self.replace(Some(Basis {
            setup,
            bounds: None,
            images: Some(bundle),
        }));
    }

    /// Asks for the session's model to be replaced: by a fresh one on `basis` on the chosen
    /// device, or by none. It happens when the session is next free, unless a later request
    /// replaces this one first.
    fn replace(self, basis: Option<Basis>) {
        let owner = self.owner();
        let number = owner.ask();
        let choice = self.device.get_untracked();
        leptos::task::spawn_local(async move {
            let mut held = owner.lock().await;
            if !owner.wanted(number) {
                return; // a later request builds
            }
            if let Some(host) = held.as_mut() {
                let built = match host.choose_device(choice).await {
                    Err(e) => Err(e),
                    Ok(_) => match basis {
                        None => host.clear().await.map(|()| None),
                        Some(basis) => host.build(basis).await.map(Some),
                    },
                };
                match built {
                    Ok(None) => {}
                    Ok(Some(built)) => {
                        if let Some(scene) = built.scene {
                            self.scene.set(scene);
                        }
                        self.redraw.set(1); // draw the untrained state
                        self.warm_up(host);
                    }
                    Err(e) => self
                        .error
                        .set(Some(format!("Could not build the model: {e}"))),
                }
            }
            owner.fulfil(number);
        });
    }

    /// Times the current model on both devices (its kind changed since the last timing), keeps
    /// the faster, then builds the model.
    fn retime(self, images: Option<Rc<ImageBundle>>) {
        self.auto_device.set(Some(images.is_some()));
        if !self.page.with_value(|p| p.started) {
            return;
        }
        if !self.gpu_available.get_untracked() {
            self.reset();
            return;
        }
        self.replace(None);
        self.device_reason
            .set("timing WebGPU and the CPU on this model…".into());
        let owner = self.owner();
        leptos::task::spawn_local(async move {
            let setup = self.setup.get_untracked();
            let timed = match owner.lock().await.as_mut() {
                Some(host) => host.time(setup, images).await,
                None => return,
            };
            match timed {
                Ok(timing) => {
                    self.device.set(timing.choice);
                    self.device_reason.set(timing.reason());
                }
                Err(e) => {
                    self.device.set(DeviceChoice::Cpu);
                    self.device_reason
                        .set(format!("WebGPU could not be timed: {e}"));
                }
            }
            self.reset();
        });
    }

    /// Fetches a shipped set with a progress bar, then builds the model if it is still wanted.
    fn fetch_images(self, set: ganvas_engine::data::ShippedSet) {
        if self.loading.get_untracked().is_some() {
            return;
        }
        leptos::task::spawn_local(async move {
            match self.images_for(&ImageSource::Shipped(set)).await {
                Ok(_) if self.setup.with_untracked(Setup::is_images) => self.reset(),
                Ok(_) => {}
                Err(e) => self.error.set(Some(e)),
            }
        });
    }

    /// The image set for `source`, fetched (once, with a progress bar) if it is shipped.
    pub async fn images_for(self, source: &ImageSource) -> Result<Rc<ImageBundle>, String> {
        if let Some(bundle) = self.page.with_value(|p| p.bundle(source)) {
            return Ok(bundle);
        }
        let ImageSource::Shipped(set) = source else {
            return Err(
                "this was set up with uploaded images, which a link cannot carry: upload them again"
                    .into(),
            );
        };
        let set = *set;
        let what = format!("Loading {}", set.title());
        self.loading.set(Some((what.clone(), 0.0)));
        let progress = move |fraction: f64| self.loading.set(Some((what.clone(), fraction)));
        let result = load::load_shipped(set, progress).await;
        self.loading.set(None);
        let bundle = result.map_err(|e| {
            format!(
                "Could not load {}: {e}. Reload the page to try again.",
                set.title()
            )
        })?;
        self.page
            .update_value(|p| p.keep_bundle(source.clone(), bundle));
        self.page
            .with_value(|p| p.bundle(source))
            .ok_or_else(|| "the loaded set went missing".into())
    }

    /// Compiles a model's GPU kernels on a throwaway copy while the page waits for the click
    /// ([`Host::warm_up`]): the first step after Train then finds them ready instead of
    /// compiling them (seconds on a weak GPU, half a minute on a software one). Not while
    /// training, nor when a link starts training at once: their own steps compile them.
    pub fn warm_up(self, host: &mut Host) {
        let starts_at_once = self.start_training.get_untracked() && !self.ready.get_untracked();
        if self.running.get_untracked() || starts_at_once {
            return;
        }
        if self.device.get_untracked() != DeviceChoice::Gpu {
            return; // only GPU kernels are compiled
        }
        let Some(job) = host.warm_up() else {
            return;
        };
        self.warming.update(|n| *n += 1);
        leptos::task::spawn_local(async move {
            match job.await {
                Ok(None) => {}
                Ok(Some(ms)) => web_sys::console::info_1(
                    &format!("GPU kernels compiled on a throwaway model in {ms:.0} ms").into(),
                ),
                // A GPU that stopped says so through its own watch; the real model is untouched.
                Err(e) => web_sys::console::warn_1(&format!("GPU warm-up failed: {e}").into()),
            }
            self.warming.update(|n| *n = n.saturating_sub(1));
        });
    }

    /// Applies the setup's training settings to the running GAN (no reset). Settings the
    /// engine refuses (a batch beyond the memory budget) say why and change nothing.
    pub fn retune(self) {
        let setup = self.setup.get_untracked();
        let owner = self.owner();
        leptos::task::spawn_local(async move {
            let mut held = owner.lock().await;
            let Some(host) = held.as_mut().filter(|h| h.model()) else {
                return;
            };
            if let Err(e) = host.retune(setup).await {
                self.error
                    .set(Some(format!("These settings cannot be used: {e}.")));
            }
        });
    }
}

/// Fewest hand-drawn points a GAN trains on.
pub const MIN_DRAWN: usize = 8;
