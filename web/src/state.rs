//! The page's shared state: signals the components read and the training session they drive.

use burn::tensor::Device;
use leptos::prelude::*;

use crate::devices::Devices;
use crate::draw::Layers;
use crate::setup::Setup;
use crate::trainer::{Frame, Quality, Trainer};

/// Points kept in the charts.
pub const HISTORY: usize = 300;
/// The plot area of hand-drawn data.
pub const DRAW_BOUNDS: [f32; 4] = [-1.0, -1.0, 1.0, 1.0];

/// Which device a session trains on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceChoice {
    /// WebGPU.
    Gpu,
    /// The Flex CPU backend.
    Cpu,
}

impl DeviceChoice {
    /// The name shown in the status line.
    pub fn label(self) -> &'static str {
        match self {
            DeviceChoice::Gpu => "WebGPU",
            DeviceChoice::Cpu => "CPU",
        }
    }
}

/// The running session, outside the reactive graph (it holds device tensors).
#[derive(Default)]
pub struct Session {
    /// The devices, once initialised.
    pub devices: Option<Devices>,
    /// The GAN in training (taken out while a frame is read).
    pub trainer: Option<Trainer>,
}

impl Session {
    /// The device for `choice`, if it exists.
    pub fn device(&self, choice: DeviceChoice) -> Option<Device> {
        let devices = self.devices.as_ref()?;
        match choice {
            DeviceChoice::Gpu => devices.gpu.clone(),
            DeviceChoice::Cpu => Some(devices.cpu.clone()),
        }
    }
}

/// Live numbers shown in the status line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Live {
    /// Steps taken.
    pub step: u64,
    /// D's loss (mean over the last frame's steps).
    pub d_loss: f32,
    /// G's loss.
    pub g_loss: f32,
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
    /// Quality of the fakes at that time.
    pub quality: Quality,
}

/// Everything the components share; every field is a cheap copyable handle.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The training session.
    pub session: StoredValue<Session, LocalStorage>,
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
            session: StoredValue::new_local(Session::default()),
            setup: RwSignal::new(Setup::default()),
            drawn: RwSignal::new(Vec::new()),
            device: RwSignal::new(DeviceChoice::Cpu),
            gpu_available: RwSignal::new(false),
            banner: RwSignal::new(None),
            device_reason: RwSignal::new("starting…".into()),
            ready: RwSignal::new(false),
            running: RwSignal::new(false),
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
        }
    }

    /// Builds a fresh trainer for the current setup and device (Reset, and any change that
    /// needs new networks or data). Hand-drawn data with too few points leaves no trainer.
    pub fn reset(self) {
        let setup = self.setup.get_untracked();
        let Some(device) = self
            .session
            .with_value(|s| s.device(self.device.get_untracked()))
        else {
            return;
        };
        self.live.set(Live::default());
        self.history.set(Vec::new());
        self.frame.set(Frame::default());
        if setup.drawn && self.drawn.with_untracked(Vec::len) < MIN_DRAWN {
            self.session.update_value(|s| s.trainer = None);
            self.scene.set((self.drawn.get_untracked(), DRAW_BOUNDS));
            return;
        }
        let bounds = setup.drawn.then_some(DRAW_BOUNDS);
        match Trainer::new(&setup, &device, bounds) {
            Ok(trainer) => {
                self.scene.set((trainer.real.clone(), trainer.bounds));
                self.session.update_value(|s| s.trainer = Some(trainer));
                self.redraw.set(1); // draw the untrained state
            }
            Err(e) => self
                .error
                .set(Some(format!("Could not build the model: {e}"))),
        }
    }

    /// Applies the setup's training settings to the running GAN (no reset).
    pub fn retune(self) {
        let setup = self.setup.get_untracked();
        self.session.update_value(|s| {
            if let Some(trainer) = s.trainer.as_mut() {
                trainer.retune(&setup);
            }
        });
    }
}

/// Fewest hand-drawn points a GAN trains on.
pub const MIN_DRAWN: usize = 8;
