//! Bring your own images: MNIST-style IDX files (images, optionally labels; gzipped or not),
//! or a set of PNG/JPEG pictures resized to 28×28 grey by the browser; and Pix2Pix pairs,
//! pictures of two halves side by side (the pix2pix datasets' convention: the input on the
//! left, the image on the right).

use ganvas_engine::data::{ImageSet, SplitSet, decode_idx};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::ImageBundle;

/// Side of uploaded pictures after resizing (that of MNIST, so the classifier scores them).
pub const PICTURE_SIDE: usize = 28;
/// Most pictures read from one upload.
const MAX_PICTURES: usize = 20_000;
/// Most images kept from one IDX upload: 100,000 images of 28×28 are 78 MB of bytes and
/// 314 MB as the f32 tensor training samples from, well inside a wasm32 page's 4 GiB (MNIST has
/// 60,000).
pub const MAX_IDX_IMAGES: usize = 100_000;
/// Largest picture file read (a photo is a few MB; the browser decodes it whole).
const MAX_PICTURE_BYTES: f64 = 32.0 * 1024.0 * 1024.0;
/// Most pixels in one decoded picture (8K × 4K), before it is scaled to 28×28.
const MAX_PICTURE_PIXELS: u64 = 8192 * 4096;
/// Labels name the classifier's classes: 0–9.
const CLASSES: u8 = 10;

/// Whether a file name looks like an IDX file.
fn is_idx(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let extension = std::path::Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    matches!(extension, "gz" | "idx") || name.contains("ubyte")
}

async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("{} could not be read", file.name()))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Reads an upload into an image set: IDX files if any file looks like one, else pictures.
pub async fn read_upload(files: &[web_sys::File]) -> Result<ImageSet, String> {
    if files.is_empty() {
        return Err("no files were chosen".into());
    }
    if files.iter().any(|f| is_idx(&f.name())) {
        read_idx(files).await
    } else {
        read_pictures(files).await
    }
}

/// Reads IDX files, each decoded once; everything is checked before the upload is accepted:
/// square 28×28 images, at most [`MAX_IDX_IMAGES`], one label per image, labels 0–9.
async fn read_idx(files: &[web_sys::File]) -> Result<ImageSet, String> {
    let mut images = None;
    let mut labels = None;
    for file in files {
        let name = file.name();
        let bytes = file_bytes(file).await?;
        let array = decode_idx(&bytes).map_err(|e| format!("{name}: {e}"))?;
        drop(bytes);
        match array.dims.len() {
            3 if images.is_none() => images = Some((name, array)),
            1 if labels.is_none() => labels = Some((name, array)),
            3 => return Err(format!("{name} is a second file of images; upload one")),
            1 => return Err(format!("{name} is a second file of labels; upload one")),
            n => {
                return Err(format!(
                    "{name} has {n} dimensions; images have 3 (count, rows, columns), labels 1"
                ));
            }
        }
    }
    let Some((name, images)) = images else {
        return Err("these IDX files hold no images (3 dimensions: count, rows, columns)".into());
    };
    let &[count, rows, cols] = images.dims.as_slice() else {
        return Err(format!("{name} is not a file of images"));
    };
    if count == 0 {
        return Err(format!("{name} holds no images"));
    }
    if rows != cols {
        return Err(format!(
            "{name} holds {rows}×{cols} images; GANvas trains on square images"
        ));
    }
    if rows != PICTURE_SIDE {
        return Err(format!(
            "{name} holds {rows}×{cols} images; the image models make {PICTURE_SIDE}×{PICTURE_SIDE}"
        ));
    }
    if count > MAX_IDX_IMAGES {
        return Err(format!(
            "{name} holds {count} images; GANvas takes at most {MAX_IDX_IMAGES} (MNIST has 60000)"
        ));
    }
    let labels = match labels {
        None => None,
        Some((label_name, labels)) => {
            if labels.data.len() != count {
                return Err(format!(
                    "{label_name} has {} labels for the {count} images of {name}",
                    labels.data.len()
                ));
            }
            if let Some((i, bad)) = labels.data.iter().enumerate().find(|(_, l)| **l >= CLASSES) {
                return Err(format!(
                    "{label_name}: label {bad} (image {}) is not a digit class 0–9",
                    i + 1
                ));
            }
            Some(labels.data)
        }
    };
    ImageSet::from_raw(images.data, labels, rows, cols).map_err(|e| format!("{name}: {e}"))
}

async fn read_pictures(files: &[web_sys::File]) -> Result<ImageSet, String> {
    let [mut pixels] = read_picture_parts::<1>(files).await?;
    light_ink(&mut pixels);
    ImageSet::from_raw(pixels, None, PICTURE_SIDE, PICTURE_SIDE).map_err(|e| e.to_string())
}

/// Reads Pix2Pix pairs: each picture two halves side by side, the input on the left and the
/// image on the right, each half resized to 28×28 grey. Returns (inputs, images).
pub async fn read_pairs(files: &[web_sys::File]) -> Result<(ImageSet, ImageSet), String> {
    if files.is_empty() {
        return Err("no files were chosen".into());
    }
    if let Some(file) = files.iter().find(|f| is_idx(&f.name())) {
        return Err(format!(
            "{} is an IDX file; pairs are pictures (PNG or JPEG) of the input and the image side by side",
            file.name()
        ));
    }
    let [mut inputs, mut images] = read_picture_parts::<2>(files).await?;
    light_ink(&mut inputs);
    light_ink(&mut images);
    let set = |pixels| {
        ImageSet::from_raw(pixels, None, PICTURE_SIDE, PICTURE_SIDE).map_err(|e| e.to_string())
    };
    Ok((set(inputs)?, set(images)?))
}

/// A 28×28 canvas to scale pictures down on.
fn small_canvas() -> Result<web_sys::CanvasRenderingContext2d, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(|_| "no canvas")?
        .dyn_into()
        .map_err(|_| "no canvas")?;
    canvas.set_width(PICTURE_SIDE as u32);
    canvas.set_height(PICTURE_SIDE as u32);
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| "no 2D canvas".to_string())
}

/// Decodes a picture file, refusing what is too large to read.
async fn decode_picture(
    window: &web_sys::Window,
    file: &web_sys::File,
) -> Result<web_sys::ImageBitmap, String> {
    let name = file.name();
    if file.size() > MAX_PICTURE_BYTES {
        return Err(format!(
            "{name} is {:.0} MB; pictures up to {:.0} MB are read",
            file.size() / 1e6,
            MAX_PICTURE_BYTES / 1e6
        ));
    }
    let promise = window
        .create_image_bitmap_with_blob(file)
        .map_err(|_| format!("{name} is not a PNG or JPEG picture"))?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| format!("{name} is not a PNG or JPEG picture"))?
        .dyn_into()
        .map_err(|_| format!("{name} is not a picture"))?;
    let (w, h) = (bitmap.width(), bitmap.height());
    if u64::from(w) * u64::from(h) > MAX_PICTURE_PIXELS {
        bitmap.close();
        return Err(format!(
            "{name} is {w}×{h} pixels; pictures up to {MAX_PICTURE_PIXELS} pixels are read"
        ));
    }
    Ok(bitmap)
}

/// Reads every picture as `PARTS` side-by-side parts (1: the whole picture; 2: a pair's
/// halves), each scaled to 28×28 grey; returns each part's pixels, picture after picture. All
/// pictures must have one size; a pair must be about twice as wide as it is high.
async fn read_picture_parts<const PARTS: usize>(
    files: &[web_sys::File],
) -> Result<[Vec<u8>; PARTS], String> {
    if files.len() > MAX_PICTURES {
        return Err(format!(
            "{} pictures is more than {MAX_PICTURES}; choose fewer",
            files.len()
        ));
    }
    let window = web_sys::window().ok_or("no window")?;
    let context = small_canvas()?;
    let side = PICTURE_SIDE as f64;
    let mut parts: [Vec<u8>; PARTS] =
        std::array::from_fn(|_| Vec::with_capacity(files.len() * PICTURE_SIDE * PICTURE_SIDE));
    let mut first_size: Option<(String, u32, u32)> = None;
    for file in files {
        let name = file.name();
        let bitmap = decode_picture(&window, file).await?;
        let size = (bitmap.width(), bitmap.height());
        let refusal = match &first_size {
            Some((first, w, h)) if (*w, *h) != size => Some(format!(
                "the pictures have mixed sizes: {first} is {w}×{h}, {name} is {}×{}; use one size",
                size.0, size.1
            )),
            _ if PARTS == 2
                && !(1.5..=2.5).contains(&(f64::from(size.0) / f64::from(size.1.max(1)))) =>
            {
                Some(format!(
                    "{name} is {}×{}: a pair is two square halves side by side, about twice as wide as it is high",
                    size.0, size.1
                ))
            }
            _ => None,
        };
        if let Some(refusal) = refusal {
            bitmap.close();
            return Err(refusal);
        }
        first_size.get_or_insert((name.clone(), size.0, size.1));
        let part_width = f64::from(size.0) / PARTS as f64;
        for (i, pixels) in parts.iter_mut().enumerate() {
            context.set_fill_style_str("black");
            context.fill_rect(0.0, 0.0, side, side);
            let drawn = context
                .draw_image_with_image_bitmap_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                    &bitmap,
                    i as f64 * part_width,
                    0.0,
                    part_width,
                    f64::from(size.1),
                    0.0,
                    0.0,
                    side,
                    side,
                );
            if drawn.is_err() {
                bitmap.close();
                return Err(format!("{name} could not be drawn"));
            }
            let rgba = context
                .get_image_data(0.0, 0.0, side, side)
                .map_err(|_| format!("{name} could not be read back"))?
                .data();
            pixels.extend(rgba.chunks_exact(4).map(|p| {
                let luma =
                    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
                luma.round().clamp(0.0, 255.0) as u8
            }));
        }
        // The decoded picture's memory goes now, not when the collector finds it.
        bitmap.close();
    }
    Ok(parts)
}

/// MNIST has light ink on a dark background: pictures that are mostly light (dark ink on
/// paper) are inverted so that the classifier and the presets see what they expect.
fn light_ink(pixels: &mut [u8]) {
    let mean = pixels.iter().map(|&v| u64::from(v)).sum::<u64>() / pixels.len().max(1) as u64;
    if mean > 127 {
        for v in pixels.iter_mut() {
            *v = 255 - *v;
        }
    }
}

/// The uploaded set as the page trains on it: scored by the MNIST classifier when given.
pub fn bundle(set: ImageSet, classifier: Option<Vec<u8>>) -> ImageBundle {
    let count = set.len;
    let labelled = set.labels.is_some();
    ImageBundle {
        title: format!(
            "your {count} image{}{}",
            if count == 1 { "" } else { "s" },
            if labelled { " (labelled)" } else { "" }
        ),
        split: SplitSet {
            test: set.clone(),
            train: set,
        },
        classifier,
        class_names: (0..10).map(|c| c.to_string()).collect(),
        fd_name: "FD (MNIST classifier)".into(),
        inputs: None,
    }
}
