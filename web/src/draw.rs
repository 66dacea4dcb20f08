//! Canvas drawing from plain data (no signals), so it stays simple and testable.

use web_sys::CanvasRenderingContext2d;

/// Which layers of the playground are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layers {
    /// Real samples.
    pub real: bool,
    /// Generated samples.
    pub fake: bool,
    /// D's decision heatmap.
    pub heatmap: bool,
}

/// Maps a point in data units to canvas pixels.
fn to_pixels(point: [f32; 2], bounds: [f32; 4], size: f64) -> (f64, f64) {
    let [x0, y0, x1, y1] = bounds;
    let x = f64::from((point[0] - x0) / (x1 - x0)) * size;
    let y = (1.0 - f64::from((point[1] - y0) / (y1 - y0))) * size;
    (x, y)
}

/// Heat colour, already blended with the background (opaque, so cells do not overlap into
/// lines): green where D says "real", purple where it says "fake".
fn heat_colour(value: f32) -> String {
    let v = value.clamp(0.0, 1.0);
    let blend = |tint: f32, background: f32| (0.35 * tint + 0.65 * background) * 255.0;
    let r = blend(0.55 - 0.35 * v, 0.984);
    let g = blend(0.35 + 0.45 * v, 0.984);
    let b = blend(0.75 - 0.35 * v, 0.973);
    format!("rgb({r:.0},{g:.0},{b:.0})")
}

/// Draws the 2D playground on a square canvas of `size` pixels.
pub fn playground(
    ctx: &CanvasRenderingContext2d,
    size: f64,
    bounds: [f32; 4],
    real: &[[f32; 2]],
    fakes: &[[f32; 2]],
    heat: &[f32],
    layers: Layers,
) {
    ctx.set_fill_style_str("#fbfbf8");
    ctx.fill_rect(0.0, 0.0, size, size);
    let cells = (heat.len() as f64).sqrt() as usize;
    if layers.heatmap && cells > 0 {
        let cell = size / cells as f64;
        for (index, &value) in heat.iter().enumerate() {
            ctx.set_fill_style_str(&heat_colour(value));
            let (row, col) = (index / cells, index % cells);
            ctx.fill_rect(col as f64 * cell, row as f64 * cell, cell + 0.6, cell + 0.6);
        }
    }
    let dots = |points: &[[f32; 2]], colour: &str| {
        ctx.set_fill_style_str(colour);
        for &point in points {
            let (x, y) = to_pixels(point, bounds, size);
            if x.is_finite() && y.is_finite() {
                ctx.fill_rect(x - 2.0, y - 2.0, 4.0, 4.0);
            }
        }
    };
    if layers.real {
        dots(real, "#2a6fc9");
    }
    if layers.fake {
        dots(fakes, "#e8692a");
    }
}

/// One line of the loss chart.
pub struct Series<'a> {
    /// Values over steps.
    pub values: &'a [f32],
    /// CSS colour.
    pub colour: &'a str,
}

/// Draws lines over a shared vertical range on a `width × height` canvas.
pub fn chart(ctx: &CanvasRenderingContext2d, width: f64, height: f64, series: &[Series<'_>]) {
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, width, height);
    let finite = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite());
    let (lo, hi) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return;
    }
    let span = f64::from((hi - lo).max(1e-6));
    for line in series {
        let n = line.values.len();
        if n < 2 {
            continue;
        }
        ctx.set_stroke_style_str(line.colour);
        ctx.set_line_width(2.0);
        ctx.begin_path();
        for (i, &v) in line.values.iter().enumerate() {
            let x = i as f64 / (n - 1) as f64 * width;
            let y = height - (f64::from(v - lo) / span) * (height - 8.0) - 4.0;
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.stroke();
    }
}
