//! Arbitrary text as a link: parsing and decoding must never panic, and a parsed link prints
//! back to text that parses to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(link) = text.parse::<ganvas_share::ModelLink>() {
        let printed = link.to_string();
        let again: ganvas_share::ModelLink = printed.parse().expect("a printed link parses");
        assert_eq!(again, link);
        let _ = link.payload();
    }
});
