//! A Pix2Pix iteration in words and pictures: the drawing, the U-Net's output, D's and G's
//! updates with the L1 term, measured on the live model.

use leptos::prelude::NodeRef;

use crate::draw;
use crate::images::views::paint;
use crate::trainer::PairWalkthrough;

/// The diagram's labels, box by box (see [`super::BOXES`]).
pub const LABELS: [&str; 8] = [
    "drawing y",
    "U-Net G",
    "G(y)",
    "real x",
    "D",
    "D loss",
    "G loss + λ·L1",
    "update",
];

/// Pixels per image pixel in the strip.
const SCALE: usize = 3;
/// Gap between the strip's pictures, canvas pixels.
const GAP: usize = 12;
/// Room under the pictures for their names.
const CAPTION: f64 = 18.0;
/// The phase from which G's updated output is shown.
const AFTER_G: usize = 6;

/// What D looks at, in words.
fn what_d_sees(w: &PairWalkthrough) -> &'static str {
    match (w.sees_input, w.patch) {
        (false, false) => "D sees each image alone and gives one verdict",
        (true, false) => "D sees each image with its drawing stacked on and gives one verdict",
        (false, true) => {
            "D gives a verdict for each 15 × 15 patch of the image (PatchGAN), averaged here"
        }
        (true, true) => {
            "D sees each image with its drawing stacked on and judges each 15 × 15 patch, averaged here"
        }
    }
}

/// The text of `phase`, in our own words, with the measured numbers.
pub fn phase_text(phase: usize, w: &PairWalkthrough) -> (String, String) {
    let adversarial = |i: usize| w.g_loss[i] - w.l1_weight * w.l1[i];
    match phase {
        0 => (
            "1 · A drawing goes in".into(),
            format!(
                "Pix2Pix starts from a picture, not from noise: the {} of an item G has never trained on (left). G must turn it into the item. We follow {} held-out pairs; the first is shown.",
                w.drawing, w.pairs
            ),
        ),
        1 => (
            "2 · The U-Net draws G(y)".into(),
            format!(
                "G, a U-Net, shrinks the drawing 32 → 16 → 8 → 4 and grows it back, joining each level to its twin so thin lines survive; dropout stays on, so each output differs a little. Its output (second) is {:.1} from the real image (third) in L1, the pixel sum of differences.",
                w.l1[0]
            ),
        ),
        2 => (
            "3 · D scores real and generated".into(),
            format!(
                "{}. Mean P(real): real images {:.3}, G's outputs {:.3}. D wants these far apart.",
                what_d_sees(w),
                w.d_real[0],
                w.d_fake[0]
            ),
        ),
        3 => (
            "4 · D's loss".into(),
            format!(
                "−(mean log D(x) + mean log(1 − D(G(y)))) = {:.4}: how badly D told real from generated. Lower is better for D.",
                w.d_loss[0]
            ),
        ),
        4 => (
            "5 · D learns".into(),
            format!(
                "One SGD step with momentum (learning rate 1e-3) moves D's weights downhill, on half a batch of real images and half of G's outputs. Measured again on the same pairs: loss {:.4} → {:.4}; P(real) real {:.3} → {:.3}, generated {:.3} → {:.3}.",
                w.d_loss[0], w.d_loss[1], w.d_real[0], w.d_real[1], w.d_fake[0], w.d_fake[1]
            ),
        ),
        5 => (
            "6 · G's loss: fool D, and match the image".into(),
            format!(
                "G's loss adds two terms: fooling the updated D ({:.3}) and λ × L1 = {} × {:.1}, the distance to the real image. Together {:.1}. The L1 term pulls G towards the real image pixel by pixel; the adversarial term keeps it sharp rather than blurry.",
                adversarial(1),
                w.l1_weight,
                w.l1[1],
                w.g_loss[1]
            ),
        ),
        _ => (
            "7 · G learns".into(),
            format!(
                "One Adam step (2e-4) moves G's weights; the gradient flows back through D (whose weights stay put) and through the L1 term. Same drawing, new output (right): L1 {:.1} → {:.1}, G's loss {:.1} → {:.1}, P(real) on outputs {:.3} → {:.3}. That was one iteration; training repeats it thousands of times.",
                w.l1[1], w.l1[2], w.g_loss[1], w.g_loss[2], w.d_fake[1], w.d_fake[2]
            ),
        ),
    }
}

/// The followed pair: drawing | G's output | real image | G's output after its update (shown
/// from the last phase on).
pub fn paint_strip(canvas: NodeRef<leptos::html::Canvas>, w: &PairWalkthrough, phase: usize) {
    let per = w.side * w.side;
    let blank = vec![-1.0; per];
    let after = if phase >= AFTER_G {
        &w.outputs[1]
    } else {
        &blank
    };
    let mut values = Vec::with_capacity(4 * per);
    for image in [&w.input, &w.outputs[0], &w.target, after] {
        if image.len() != per {
            return;
        }
        values.extend_from_slice(image);
    }
    let picture = draw::grid(&values, w.side, 4, SCALE, GAP);
    let (width, height) = (picture.width as f64, picture.height as f64 + CAPTION);
    let cell = (w.side * SCALE + GAP) as f64;
    paint(canvas, width, height, |c| {
        c.set_fill_style_str("#ffffff");
        c.fill_rect(0.0, 0.0, width, height);
        draw::put_grey(c, &picture, 0.0, 0.0);
        c.set_fill_style_str("#333");
        c.set_font("12px system-ui, sans-serif");
        for (i, name) in ["drawing y", "G(y)", "real x", "G(y) after"]
            .iter()
            .enumerate()
        {
            let _ = c.fill_text(name, i as f64 * cell, height - 4.0);
        }
    });
}
