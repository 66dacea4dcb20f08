//! PNG output: a scatter of real vs generated points, and a grid of images.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::Context;

const SIZE: usize = 512;
const MARGIN: f32 = 16.0;
const BACKGROUND: [u8; 3] = [250, 250, 248];
const REAL: [u8; 3] = [38, 110, 200];
const FAKE: [u8; 3] = [235, 110, 40];

/// Writes an RGB or greyscale PNG.
fn write_png(
    path: &Path,
    width: usize,
    height: usize,
    color: png::ColorType,
    data: &[u8],
) -> anyhow::Result<()> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut encoder = png::Encoder::new(BufWriter::new(file), width as u32, height as u32);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(data)?;
    Ok(())
}

/// Real points in blue and generated points in orange, framed by the real points' extent.
pub fn scatter(real: &[[f32; 2]], fake: &[[f32; 2]], path: &Path) -> anyhow::Result<()> {
    let mut pixels = vec![0_u8; SIZE * SIZE * 3];
    for chunk in pixels.chunks_exact_mut(3) {
        chunk.copy_from_slice(&BACKGROUND);
    }
    let (lo, hi) = bounds(real);
    let span = [(hi[0] - lo[0]).max(1e-6), (hi[1] - lo[1]).max(1e-6)];
    let usable = SIZE as f32 - 2.0 * MARGIN;
    let mut dot = |point: &[f32; 2], color: [u8; 3]| {
        let px = MARGIN + (point[0] - lo[0]) / span[0] * usable;
        let py = SIZE as f32 - MARGIN - (point[1] - lo[1]) / span[1] * usable;
        if !px.is_finite() || !py.is_finite() {
            return;
        }
        for dy in -1..=1_i32 {
            for dx in -1..=1_i32 {
                let (x, y) = (px as i32 + dx, py as i32 + dy);
                if (0..SIZE as i32).contains(&x) && (0..SIZE as i32).contains(&y) {
                    let at = (y as usize * SIZE + x as usize) * 3;
                    pixels[at..at + 3].copy_from_slice(&color);
                }
            }
        }
    };
    for point in real {
        dot(point, REAL);
    }
    for point in fake {
        dot(point, FAKE);
    }
    write_png(path, SIZE, SIZE, png::ColorType::Rgb, &pixels)
}

/// Bounding box of `points`, padded by 10 %.
fn bounds(points: &[[f32; 2]]) -> ([f32; 2], [f32; 2]) {
    let mut lo = [f32::INFINITY; 2];
    let mut hi = [f32::NEG_INFINITY; 2];
    for point in points
        .iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
    {
        for axis in 0..2 {
            lo[axis] = lo[axis].min(point[axis]);
            hi[axis] = hi[axis].max(point[axis]);
        }
    }
    if !lo[0].is_finite() {
        return ([-1.0; 2], [1.0; 2]);
    }
    let pad = [(hi[0] - lo[0]) * 0.1, (hi[1] - lo[1]) * 0.1];
    (
        [lo[0] - pad[0], lo[1] - pad[1]],
        [hi[0] + pad[0], hi[1] + pad[1]],
    )
}

/// `count` greyscale `side × side` images, `columns` per row, 2-pixel gaps.
pub fn image_grid(
    images: &[u8],
    count: usize,
    side: usize,
    columns: usize,
    path: &Path,
) -> anyhow::Result<()> {
    const GAP: usize = 2;
    let rows = count.div_ceil(columns);
    let width = columns * (side + GAP) + GAP;
    let height = rows * (side + GAP) + GAP;
    let mut pixels = vec![40_u8; width * height];
    for (index, image) in images.chunks_exact(side * side).take(count).enumerate() {
        let (row, col) = (index / columns, index % columns);
        let (top, left) = (GAP + row * (side + GAP), GAP + col * (side + GAP));
        for y in 0..side {
            let at = (top + y) * width + left;
            pixels[at..at + side].copy_from_slice(&image[y * side..(y + 1) * side]);
        }
    }
    write_png(path, width, height, png::ColorType::Grayscale, &pixels)
}
