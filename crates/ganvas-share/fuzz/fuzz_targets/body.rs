//! Arbitrary bytes as a model's *body*: the target writes the header around them with the
//! right length and CRC-32 and compresses them, so every mutation reaches the body parser
//! (in `decode`, almost every mutation only breaks the checksum). The first byte picks the
//! header's version and precision, the second its flags. Decoding must never panic, must stay within its
//! limits, and whatever decodes must re-encode to the same model.
#![no_main]

use std::io::Write;

use ganvas_share::{Limits, Precision, decode_with, encode};
use libfuzzer_sys::fuzz_target;

fn wrap(choice: u8, flags: u8, body: &[u8]) -> Vec<u8> {
    let version = 1 + choice % 4;
    let precision = (choice / 4) % 9; // 0 = f32, 1 = f16, 2–8 bits
    let flags = flags
        & match version {
            1 => 3,
            2 => 7,
            3 => 15, // the model kind too
            _ => 31, // version 4: quantised rows by output channel too
        };
    let mut out = b"GNVS".to_vec();
    out.extend([version, precision, flags, 0]);
    out.extend((body.len() as u32).to_le_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(body);
    out.extend(crc.sum().to_le_bytes());
    let mut encoder = flate2::write::DeflateEncoder::new(out, flate2::Compression::none());
    encoder.write_all(body).expect("writes to memory");
    encoder.finish().expect("writes to memory")
}

fuzz_target!(|input: &[u8]| {
    let [choice, flags, body @ ..] = input else {
        return;
    };
    let bytes = wrap(*choice, *flags, body);
    for limits in [Limits::LINK, Limits::FILE] {
        if let Ok(model) = decode_with(&bytes, &limits) {
            assert!(model.parameter_count() <= limits.max_values);
            let again = encode(&model, Precision::F32).expect("a decoded model re-encodes");
            assert_eq!(decode_with(&again, &Limits::FILE).expect("re-decodes"), model);
        }
    }
});
