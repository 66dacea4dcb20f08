//! A CycleGAN iteration in words and pictures: both translations and their way back, both
//! discriminators' update, then both generators' with the cycle term, measured on the live
//! model.

use leptos::prelude::NodeRef;

use crate::draw;
use crate::images::views::paint;
use crate::trainer::CycleWalkthrough;

/// Longest class name put in a box of the diagram (a box is 100 wide).
const NAME_IN_BOX: usize = 9;
/// Pixels per image pixel in the strip.
const SCALE: usize = 3;
/// Gap between the strip's pictures, canvas pixels.
const GAP: usize = 12;
/// Room under each row of pictures for their names.
const CAPTION: f64 = 18.0;
/// The phase from which the translations after the generators' update are shown.
const AFTER_G: usize = 6;

/// The diagram's label of box `i` (see [`super::BOXES`]), with the classes' names where they
/// fit.
pub fn label(i: usize, w: &CycleWalkthrough) -> String {
    let [a, b] = &w.names;
    match i {
        0 if a.chars().count() <= NAME_IN_BOX => format!("a: {a}"),
        0 => "image a".into(),
        1 => "G: A→B".into(),
        2 => "G(a)".into(),
        3 if b.chars().count() <= NAME_IN_BOX => format!("real b: {b}"),
        3 => "real b".into(),
        4 => "D_B and D_A".into(),
        5 => "D losses".into(),
        6 => "G loss + λ·cycle".into(),
        _ => "update".into(),
    }
}

/// `value` to about four significant digits, without trailing zeros (λ = 10, 0.009766).
fn short(value: f32) -> String {
    if value == 0.0 || !value.is_finite() {
        return value.to_string();
    }
    // Digits after the point: 3 − the exponent, so 10 → 2, 0.0098 → 6.
    let decimals = (3.0 - value.abs().log10().floor()).clamp(0.0, 8.0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The text of `phase`, in our own words, with the measured numbers.
pub fn phase_text(phase: usize, w: &CycleWalkthrough) -> (String, String) {
    let [a, b] = &w.names;
    let [d_lr, g_lr] = w.learning_rates;
    match phase {
        0 => (
            "1 · An image of each class".into(),
            format!(
                "CycleGAN learns from unpaired images: a is a {a}, b is a {b}, and no b is the translation of any a. We follow {} held-out images of each class, which no network has trained on; the first of each is shown.",
                w.images
            ),
        ),
        1 => (
            "2 · G translates, F translates back".into(),
            format!(
                "Two generators: G turns a {a} into a {b} (G(a), second), F turns a {b} into a {a} (F(b), fifth). Each shrinks the image, passes it through residual blocks and grows it back. Sent back, F(G(a)) should be a again and G(F(b)) b again: the cycle. The cycle term, the pixel sum of |a − F(G(a))| plus |b − G(F(b))|, is {:.1} now.",
                w.cycle[0]
            ),
        ),
        2 => (
            "3 · Two discriminators score real and translated".into(),
            format!(
                "D_B judges images of {b}: the real b and G(a); D_A judges images of {a}: the real a and F(b). They give scores, not probabilities (LSGAN): each wants 1 for real and 0 for translated. Mean scores: D_B real {:.3}, G(a) {:.3}; D_A real {:.3}, F(b) {:.3}.",
                w.d_b_real[0], w.d_b_fake[0], w.d_a_real[0], w.d_a_fake[0]
            ),
        ),
        3 => (
            "4 · The discriminators' losses".into(),
            format!(
                "Each D's loss is ½·(mean (D(real) − 1)² + mean D(translated)²), 0 when it scores every real image 1 and every translated one 0: D_A {:.4}, D_B {:.4}. Lower is better for the Ds.",
                w.d_a_loss[0], w.d_b_loss[0]
            ),
        ),
        4 => (
            "5 · Both discriminators learn".into(),
            format!(
                "One Adam step each (learning rate {d_lr:e}) on a fresh batch of real images and translations. Measured again on the same images: D_A's loss {:.4} → {:.4}, D_B's {:.4} → {:.4}; D_B's score for G(a) {:.3} → {:.3}, D_A's for F(b) {:.3} → {:.3}. The tutorial's schedule gives the Ds {} updates per generator update; here one of each is walked through.",
                w.d_a_loss[0],
                w.d_a_loss[1],
                w.d_b_loss[0],
                w.d_b_loss[1],
                w.d_b_fake[0],
                w.d_b_fake[1],
                w.d_a_fake[0],
                w.d_a_fake[1],
                w.d_updates
            ),
        ),
        5 => generators_loss(w),
        _ => (
            "7 · Both generators learn".into(),
            format!(
                "One Adam step (learning rate {g_lr:e}) moves G and F together, from one backward pass through the updated Ds (whose weights stay put) and the cycle. Same images, new translations (second row): cycle term {:.1} → {:.1}, the generators' loss {:.3} → {:.3}, D_B's score for G(a) {:.3} → {:.3}, D_A's for F(b) {:.3} → {:.3}. That was one iteration; training repeats it thousands of times.",
                w.cycle[1],
                w.cycle[2],
                w.g_loss[1],
                w.g_loss[2],
                w.d_b_fake[1],
                w.d_b_fake[2],
                w.d_a_fake[1],
                w.d_a_fake[2]
            ),
        ),
    }
}

/// Phase 6: the generators' loss, its parts measured against the updated discriminators.
fn generators_loss(w: &CycleWalkthrough) -> (String, String) {
    (
        "6 · The generators' loss: fool both Ds, and come back".into(),
        format!(
            "Fooling D_B, mean (D_B(G(a)) − 1)² = {:.3}; fooling D_A, mean (D_A(F(b)) − 1)² = {:.3}; and λ × cycle = {} × {:.1} = {:.3}. Together {:.3}. Without the cycle term G could turn every a into any one convincing b; with it, G(a) must keep enough of a for F to bring it back.",
            w.adversarial_a2b[1],
            w.adversarial_b2a[1],
            short(w.cycle_weight),
            w.cycle[1],
            w.cycle_weight * w.cycle[1],
            w.g_loss[1]
        ),
    )
}

/// The images followed: a | G(a) | F(G(a)) | b | F(b) | G(F(b)), and from the last phase on a
/// second row with the translations after the generators' update; a caption under each.
pub fn paint_strip(canvas: NodeRef<leptos::html::Canvas>, w: &CycleWalkthrough, phase: usize) {
    let per = w.side * w.side;
    let moments: &[usize] = if phase >= AFTER_G { &[0, 1] } else { &[0] };
    let mut rows = Vec::with_capacity(moments.len());
    for &m in moments {
        let images: [&[f32]; 6] = [&w.a, &w.a2b[m], &w.a2b2a[m], &w.b, &w.b2a[m], &w.b2a2b[m]];
        if images.iter().any(|image| image.len() != per) {
            return;
        }
        let values = images.concat();
        rows.push(draw::grid(&values, w.side, images.len(), SCALE, GAP));
    }
    let Some(first) = rows.first() else {
        return;
    };
    let row_height = first.height as f64 + CAPTION;
    let (width, height) = (first.width as f64, row_height * rows.len() as f64);
    let cell = (w.side * SCALE + GAP) as f64;
    let [a, b] = &w.names;
    let names = [
        [format!("a: {a}"), "G(a)".into(), "F(G(a))".into()],
        [format!("b: {b}"), "F(b)".into(), "G(F(b))".into()],
    ];
    paint(canvas, width, height, |c| {
        c.set_fill_style_str("#ffffff");
        c.fill_rect(0.0, 0.0, width, height);
        c.set_fill_style_str("#333");
        c.set_font("12px system-ui, sans-serif");
        for (r, picture) in rows.iter().enumerate() {
            let top = r as f64 * row_height;
            draw::put_grey(c, picture, 0.0, top);
            for (i, name) in names.iter().flatten().enumerate() {
                let caption = if r > 0 && i % 3 > 0 {
                    format!("{name} after")
                } else {
                    name.clone()
                };
                let _ = c.fill_text(&caption, i as f64 * cell, top + row_height - 4.0);
            }
        }
    });
}
