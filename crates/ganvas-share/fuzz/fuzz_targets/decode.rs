//! Arbitrary bytes as a model file: decoding must never panic, and whatever decodes must
//! re-encode at full precision to something that decodes to the same model.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(model) = ganvas_share::decode(bytes) {
        let again = ganvas_share::encode(&model, ganvas_share::Precision::F32)
            .expect("a decoded model re-encodes");
        assert_eq!(ganvas_share::decode(&again).expect("re-decodes"), model);
    }
});
