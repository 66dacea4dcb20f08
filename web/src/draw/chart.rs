//! Line charts of values over training.

use web_sys::CanvasRenderingContext2d;

use super::clear;

/// One line of a chart.
pub struct Series<'a> {
    /// Values over steps.
    pub values: &'a [f32],
    /// CSS colour.
    pub colour: &'a str,
}

/// Draws lines over a shared vertical range on a `width × height` canvas, with the range's
/// ends written at the left edge.
pub fn chart(ctx: &CanvasRenderingContext2d, width: f64, height: f64, series: &[Series<'_>]) {
    clear(ctx, width, height, "#ffffff");
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
    let y_of = |v: f32| height - (f64::from(v - lo) / span) * (height - 16.0) - 8.0;
    if lo < 0.0 && hi > 0.0 {
        ctx.set_stroke_style_str("#ddd");
        ctx.set_line_width(1.0);
        ctx.begin_path();
        ctx.move_to(0.0, y_of(0.0));
        ctx.line_to(width, y_of(0.0));
        ctx.stroke();
    }
    for line in series {
        let n = line.values.len();
        if n < 2 {
            continue;
        }
        ctx.set_stroke_style_str(line.colour);
        ctx.set_line_width(2.0);
        ctx.begin_path();
        let mut pen_down = false;
        for (i, &v) in line.values.iter().enumerate() {
            if !v.is_finite() {
                pen_down = false;
                continue;
            }
            let x = i as f64 / (n - 1) as f64 * width;
            if pen_down {
                ctx.line_to(x, y_of(v));
            } else {
                ctx.move_to(x, y_of(v));
                pen_down = true;
            }
        }
        ctx.stroke();
    }
    ctx.set_fill_style_str("#666");
    ctx.set_font("11px system-ui, sans-serif");
    let _ = ctx.fill_text(&format!("{hi:.3}"), 4.0, 11.0);
    let _ = ctx.fill_text(&format!("{lo:.3}"), 4.0, height - 3.0);
}
