//! Image grids and class-share bars, from plain pixel data.

use wasm_bindgen::Clamped;
use web_sys::CanvasRenderingContext2d;

use super::{REAL, clear};

/// A greyscale picture, one byte per pixel, row-major.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grey {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width × height` grey levels.
    pub pixels: Vec<u8>,
}

/// Grey level of the gaps between cells.
const GAP_GREY: u8 = 200;

/// Lays `images` (`n × side²` pixels in [−1, 1]) out in rows of `cols`, each pixel drawn as a
/// `scale × scale` block, with `gap` pixels between cells.
pub fn grid(images: &[f32], side: usize, cols: usize, scale: usize, gap: usize) -> Grey {
    let per = side * side;
    if per == 0 || cols == 0 || images.len() < per {
        return Grey::default();
    }
    let n = images.len() / per;
    let rows = n.div_ceil(cols);
    let cell = side * scale + gap;
    let (width, height) = (cols * cell - gap, rows * cell - gap);
    let mut pixels = vec![GAP_GREY; width * height];
    for (i, image) in images.chunks_exact(per).enumerate() {
        let (x0, y0) = ((i % cols) * cell, (i / cols) * cell);
        for y in 0..side * scale {
            let row = &image[(y / scale) * side..(y / scale + 1) * side];
            let out = &mut pixels[(y0 + y) * width + x0..(y0 + y) * width + x0 + side * scale];
            for (x, v) in out.iter_mut().enumerate() {
                *v = grey_level(row[x / scale]);
            }
        }
    }
    Grey {
        width,
        height,
        pixels,
    }
}

/// A pixel in [−1, 1] as a grey level.
pub fn grey_level(v: f32) -> u8 {
    if v.is_finite() {
        ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8
    } else {
        0
    }
}

/// Draws `picture` at `(x, y)` on the canvas.
pub fn put_grey(ctx: &CanvasRenderingContext2d, picture: &Grey, x: f64, y: f64) {
    if picture.pixels.is_empty() {
        return;
    }
    let rgba: Vec<u8> = picture
        .pixels
        .iter()
        .flat_map(|&v| [v, v, v, 255])
        .collect();
    if let Ok(data) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        Clamped(&rgba),
        picture.width as u32,
        picture.height as u32,
    ) {
        let _ = ctx.put_image_data(&data, x, y);
    }
}

/// Bars of each class's share of the generated images, named below, with the even share
/// (what a GAN that covers every class equally gives) as a dashed line.
pub fn class_bars(
    ctx: &CanvasRenderingContext2d,
    width: f64,
    height: f64,
    shares: &[f32],
    names: &[String],
) {
    clear(ctx, width, height, "#ffffff");
    let n = shares.len().max(1);
    let top = 14.0;
    let base = height - 18.0;
    let slot = width / n as f64;
    let most = shares.iter().copied().fold(0.3_f32, f32::max);
    let y_of = |share: f32| base - f64::from(share / most) * (base - top);
    ctx.set_font("11px system-ui, sans-serif");
    ctx.set_text_align("center");
    for (i, &share) in shares.iter().enumerate() {
        let x = i as f64 * slot;
        ctx.set_fill_style_str(REAL);
        ctx.fill_rect(x + 3.0, y_of(share), slot - 6.0, base - y_of(share));
        ctx.set_fill_style_str("#333");
        if let Some(name) = names.get(i) {
            let _ = ctx.fill_text(name, x + slot / 2.0, height - 5.0);
        }
        let _ = ctx.fill_text(
            &format!("{:.0}%", share * 100.0),
            x + slot / 2.0,
            y_of(share) - 2.0,
        );
    }
    let even = 1.0 / n as f32;
    ctx.set_stroke_style_str("#999");
    let _ = ctx.set_line_dash(&js_sys::Array::of2(&4.0.into(), &4.0.into()));
    ctx.begin_path();
    ctx.move_to(0.0, y_of(even));
    ctx.line_to(width, y_of(even));
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    ctx.set_text_align("start");
}
