//! The main 2D view: heatmap, manifold, real and fake samples, gradient arrows.

use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use super::{FAKE, REAL, Viewport, arrow_path, clear, dots};

pub use ganvas_session::view::Layers;

/// What the playground draws, in data units.
#[derive(Clone, Copy, Debug)]
pub struct Scene<'a> {
    /// Real points.
    pub real: &'a [[f32; 2]],
    /// Generated points.
    pub fakes: &'a [[f32; 2]],
    /// D's output on a square grid, row 0 at the top, in [0, 1].
    pub heat: &'a [f32],
    /// G on a square noise grid, row-major.
    pub manifold: &'a [[f32; 2]],
    /// One push vector per fake.
    pub arrows: &'a [[f32; 2]],
}

/// Heat colour as RGB bytes, already blended with the background: green where D says
/// "real", purple where it says "fake".
fn heat_rgb(value: f32) -> [u8; 3] {
    let v = value.clamp(0.0, 1.0);
    let blend = |tint: f32, background: f32| ((0.35 * tint + 0.65 * background) * 255.0) as u8;
    [
        blend(0.55 - 0.35 * v, 0.984),
        blend(0.35 + 0.45 * v, 0.984),
        blend(0.75 - 0.35 * v, 0.973),
    ]
}

/// RGBA pixels of a `cells × cells` heatmap, row 0 at the top.
pub fn heat_pixels(heat: &[f32]) -> Vec<u8> {
    heat.iter()
        .flat_map(|&v| {
            let [r, g, b] = heat_rgb(v);
            [r, g, b, 255]
        })
        .collect()
}

/// Paints the heatmap: one pixel per cell on a small canvas, scaled up smoothly in one call
/// (1,024 `fillRect`s with their own colour strings cost far more).
fn heatmap(ctx: &CanvasRenderingContext2d, view: &Viewport, heat: &[f32]) -> Option<()> {
    let cells = (heat.len() as f64).sqrt() as u32;
    if cells == 0 || (cells * cells) as usize != heat.len() {
        return None;
    }
    let pixels = heat_pixels(heat);
    let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&pixels),
        cells,
        cells,
    )
    .ok()?;
    let document = web_sys::window()?.document()?;
    let small: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    small.set_width(cells);
    small.set_height(cells);
    let small_ctx: CanvasRenderingContext2d = small.get_context("2d").ok()??.dyn_into().ok()?;
    small_ctx.put_image_data(&image, 0.0, 0.0).ok()?;
    ctx.set_image_smoothing_enabled(true);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&small, 0.0, 0.0, view.width, view.height)
        .ok()
}

/// Draws the 2D playground.
pub fn playground(
    ctx: &CanvasRenderingContext2d,
    view: &Viewport,
    scene: &Scene<'_>,
    layers: Layers,
) {
    clear(ctx, view.width, view.height, "#fbfbf8");
    if layers.heatmap {
        let _ = heatmap(ctx, view, scene.heat);
    }
    if layers.manifold {
        manifold(ctx, view, scene.manifold);
    }
    if layers.real {
        dots(ctx, view, scene.real, REAL, 4.0);
    }
    if layers.fake {
        dots(ctx, view, scene.fakes, FAKE, 4.0);
    }
    if layers.arrows {
        arrows(ctx, view, scene.fakes, scene.arrows);
    }
}

/// G's image of a square noise grid: the lines of the grid, warped.
fn manifold(ctx: &CanvasRenderingContext2d, view: &Viewport, grid: &[[f32; 2]]) {
    let side = (grid.len() as f64).sqrt() as usize;
    if side < 2 || side * side != grid.len() {
        return;
    }
    ctx.set_stroke_style_str("rgba(232, 105, 42, 0.55)");
    ctx.set_line_width(1.0);
    let line = |points: &mut dyn Iterator<Item = [f32; 2]>| {
        for (i, p) in points.enumerate() {
            let (x, y) = view.pixel_of(p);
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
    };
    ctx.begin_path();
    for row in 0..side {
        line(&mut (0..side).map(|col| grid[row * side + col]));
    }
    for col in 0..side {
        line(&mut (0..side).map(|row| grid[row * side + col]));
    }
    ctx.stroke();
}

/// Arrows on every fourth fake, scaled so the 90th-percentile push spans 6 % of the view.
fn arrows(
    ctx: &CanvasRenderingContext2d,
    view: &Viewport,
    fakes: &[[f32; 2]],
    pushes: &[[f32; 2]],
) {
    if pushes.len() != fakes.len() || pushes.is_empty() {
        return;
    }
    let mut lengths: Vec<f32> = pushes
        .iter()
        .map(|p| p[0].hypot(p[1]))
        .filter(|l| l.is_finite())
        .collect();
    if lengths.is_empty() {
        return;
    }
    lengths.sort_by(f32::total_cmp);
    let p90 = lengths[(lengths.len() * 9 / 10).min(lengths.len() - 1)].max(1e-12);
    let [x0, _, x1, _] = view.bounds;
    let scale = 0.06 * (x1 - x0) / p90;
    ctx.set_stroke_style_str("rgba(120, 40, 10, 0.8)");
    ctx.set_line_width(1.2);
    ctx.begin_path();
    for (fake, push) in fakes.iter().zip(pushes).step_by(4) {
        let end = [fake[0] + push[0] * scale, fake[1] + push[1] * scale];
        arrow_path(ctx, view.pixel_of(*fake), view.pixel_of(end), 4.0);
    }
    ctx.stroke();
}
