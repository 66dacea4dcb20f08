//! Histograms of D's output on real and on fake samples.

use web_sys::CanvasRenderingContext2d;

use super::{FAKE, REAL, clear};

/// Bars per histogram.
const BINS: usize = 30;

/// Counts `values` into `BINS` bins over `[lo, hi]`.
fn counts(values: &[f32], lo: f32, hi: f32) -> [u32; BINS] {
    let mut bins = [0; BINS];
    let span = (hi - lo).max(1e-6);
    for &v in values.iter().filter(|v| v.is_finite()) {
        let index = (((v - lo) / span) * BINS as f32) as usize;
        bins[index.min(BINS - 1)] += 1;
    }
    bins
}

/// Overlaid histograms of `real` and `fake` D outputs; `range` fixes the axis (e.g. [0, 1]
/// for probabilities), else it spans both sets.
pub fn histogram(
    ctx: &CanvasRenderingContext2d,
    width: f64,
    height: f64,
    real: &[f32],
    fake: &[f32],
    range: Option<[f32; 2]>,
) {
    clear(ctx, width, height, "#ffffff");
    let [lo, hi] = range.unwrap_or_else(|| {
        let finite = real.iter().chain(fake).copied().filter(|v| v.is_finite());
        let (lo, hi) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
        if lo.is_finite() { [lo, hi] } else { [0.0, 1.0] }
    });
    let (real_bins, fake_bins) = (counts(real, lo, hi), counts(fake, lo, hi));
    let tallest = real_bins
        .iter()
        .chain(&fake_bins)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let plot = height - 16.0;
    let bar = width / BINS as f64;
    for (bins, colour) in [
        (real_bins, "rgba(42, 111, 201, 0.55)"),
        (fake_bins, "rgba(232, 105, 42, 0.55)"),
    ] {
        ctx.set_fill_style_str(colour);
        for (i, &count) in bins.iter().enumerate() {
            let h = f64::from(count) / f64::from(tallest) * (plot - 4.0);
            ctx.fill_rect(i as f64 * bar + 1.0, plot - h, bar - 2.0, h);
        }
    }
    ctx.set_fill_style_str("#666");
    ctx.set_font("11px system-ui, sans-serif");
    let _ = ctx.fill_text(&format!("{lo:.2}"), 2.0, height - 3.0);
    let label = format!("{hi:.2}");
    let _ = ctx.fill_text(&label, width - 6.0 * label.len() as f64 - 2.0, height - 3.0);
    // Legend swatches.
    ctx.set_fill_style_str(REAL);
    ctx.fill_rect(width / 2.0 - 60.0, height - 11.0, 8.0, 8.0);
    ctx.set_fill_style_str(FAKE);
    ctx.fill_rect(width / 2.0 + 10.0, height - 11.0, 8.0, 8.0);
    ctx.set_fill_style_str("#333");
    let _ = ctx.fill_text("real", width / 2.0 - 48.0, height - 3.0);
    let _ = ctx.fill_text("fake", width / 2.0 + 22.0, height - 3.0);
}
