//! Canvas drawing from plain data (no signals), so it stays simple and testable.

mod chart;
mod features;
mod histogram;
mod images;
mod playground;

pub use chart::{Series, chart};
pub use features::features;
pub use histogram::histogram;
pub use images::{Grey, class_bars, grey_level, grid, put_grey};
pub use playground::{Layers, Scene, playground};

use web_sys::CanvasRenderingContext2d;

/// Colour of real samples.
pub const REAL: &str = "#2a6fc9";
/// Colour of generated samples.
pub const FAKE: &str = "#e8692a";

/// A rectangle of data space mapped onto a `width × height` canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    /// `[x_min, y_min, x_max, y_max]` in data units.
    pub bounds: [f32; 4],
    /// Canvas width in pixels.
    pub width: f64,
    /// Canvas height in pixels.
    pub height: f64,
}

impl Viewport {
    /// Maps a point in data units to canvas pixels (y grows upwards in data, downwards on screen).
    pub fn pixel_of(self, point: [f32; 2]) -> (f64, f64) {
        let [x0, y0, x1, y1] = self.bounds;
        let x = f64::from((point[0] - x0) / (x1 - x0)) * self.width;
        let y = (1.0 - f64::from((point[1] - y0) / (y1 - y0))) * self.height;
        (x, y)
    }

    /// Maps canvas pixels back to data units.
    pub fn data_at(self, x: f64, y: f64) -> [f32; 2] {
        let [x0, y0, x1, y1] = self.bounds;
        [
            x0 + (x / self.width) as f32 * (x1 - x0),
            y0 + (1.0 - y / self.height) as f32 * (y1 - y0),
        ]
    }
}

/// Clears the canvas to `colour`.
fn clear(ctx: &CanvasRenderingContext2d, width: f64, height: f64, colour: &str) {
    ctx.set_fill_style_str(colour);
    ctx.fill_rect(0.0, 0.0, width, height);
}

/// Draws square dots as one path: one fill (one draw call) however many points.
fn dots(
    ctx: &CanvasRenderingContext2d,
    view: &Viewport,
    points: &[[f32; 2]],
    colour: &str,
    size: f64,
) {
    ctx.set_fill_style_str(colour);
    ctx.begin_path();
    for &point in points {
        let (x, y) = view.pixel_of(point);
        if x.is_finite() && y.is_finite() {
            ctx.rect(x - size / 2.0, y - size / 2.0, size, size);
        }
    }
    ctx.fill();
}

/// Draws a line from `from` to `to` (pixels) with an arrowhead at `to`.
fn arrow(ctx: &CanvasRenderingContext2d, from: (f64, f64), to: (f64, f64), head: f64) {
    ctx.begin_path();
    arrow_path(ctx, from, to, head);
    ctx.stroke();
}

/// Adds an arrow to the current path (stroke it once for many arrows).
fn arrow_path(ctx: &CanvasRenderingContext2d, from: (f64, f64), to: (f64, f64), head: f64) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = dx.hypot(dy);
    if !length.is_finite() || length < 0.5 {
        return;
    }
    let (ux, uy) = (dx / length, dy / length);
    let head = head.min(length * 0.6);
    ctx.move_to(from.0, from.1);
    ctx.line_to(to.0, to.1);
    ctx.move_to(to.0 - head * (ux - 0.5 * uy), to.1 - head * (uy + 0.5 * ux));
    ctx.line_to(to.0, to.1);
    ctx.line_to(to.0 - head * (ux + 0.5 * uy), to.1 - head * (uy - 0.5 * ux));
}

pub use ganvas_session::view::fit;
