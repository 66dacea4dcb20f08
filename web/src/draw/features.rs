//! D's feature space: real and fake samples as D's hidden layer sees them, with centroids.

use web_sys::CanvasRenderingContext2d;

use super::{FAKE, REAL, Viewport, arrow, clear, dots, fit};

/// Draws features of real and fake samples, their centroids, and an arrow from the fake
/// centroid before the last G updates to where it is now.
pub fn features(
    ctx: &CanvasRenderingContext2d,
    size: f64,
    real: &[[f32; 2]],
    fake: &[[f32; 2]],
    previous_fake_centroid: Option<[f32; 2]>,
) {
    clear(ctx, size, size, "#fbfbf8");
    let all: Vec<[f32; 2]> = real.iter().chain(fake).copied().collect();
    let view = Viewport {
        bounds: fit(&all, 0.08),
        width: size,
        height: size,
    };
    dots(ctx, &view, real, "rgba(42, 111, 201, 0.45)", 3.0);
    dots(ctx, &view, fake, "rgba(232, 105, 42, 0.45)", 3.0);
    let real_centre = crate::trainer::centroid(real);
    let fake_centre = crate::trainer::centroid(fake);
    cross(ctx, view.pixel_of(real_centre), REAL);
    if let Some(before) = previous_fake_centroid {
        ctx.set_stroke_style_str("#222");
        ctx.set_line_width(2.0);
        arrow(ctx, view.pixel_of(before), view.pixel_of(fake_centre), 7.0);
    }
    cross(ctx, view.pixel_of(fake_centre), FAKE);
}

fn cross(ctx: &CanvasRenderingContext2d, (x, y): (f64, f64), colour: &str) {
    ctx.set_stroke_style_str("#fff");
    ctx.set_line_width(5.0);
    ctx.begin_path();
    ctx.move_to(x - 7.0, y - 7.0);
    ctx.line_to(x + 7.0, y + 7.0);
    ctx.move_to(x + 7.0, y - 7.0);
    ctx.line_to(x - 7.0, y + 7.0);
    ctx.stroke();
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(2.5);
    ctx.stroke();
}
