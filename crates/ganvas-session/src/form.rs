//! `application/x-www-form-urlencoded`, as the WHATWG URL standard defines it: what a browser's
//! `URLSearchParams` reads and writes, in plain Rust so links are tested natively.
//!
//! Reading never fails: a stray `%` stays as written and bytes that are not UTF-8 become U+FFFD,
//! exactly as in a browser, so one garbled character cannot lose a whole link; the settings
//! themselves are checked afterwards ([`crate::link::from_pairs`]).

/// Splits `text` (a URL fragment or query, without `#` or `?`) into decoded pairs. A leading
/// `?` is skipped, as `URLSearchParams` does.
///
/// ```
/// let pairs = ganvas_session::form::parse("data=ring8&g_lr=0.001&hide=loss%2Ctricks");
/// assert_eq!(pairs[2], ("hide".to_string(), "loss,tricks".to_string()));
/// ```
pub fn parse(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('?').unwrap_or(text);
    text.split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// Joins pairs into one string, encoding what needs it (`URLSearchParams::toString`).
///
/// ```
/// let pairs = vec![("pts".to_string(), "0,1;2.5,-3".to_string())];
/// assert_eq!(ganvas_session::form::print(&pairs), "pts=0%2C1%3B2.5%2C-3");
/// ```
pub fn print(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-decodes one name or value, `+` meaning a space.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', high, low]) => hex(*high).zip(hex(*low)),
            _ => None,
        };
        match (bytes[i], escaped) {
            (_, Some((high, low))) => {
                out.push(high << 4 | low);
                i += 2;
            }
            (b'+', None) => out.push(b' '),
            (byte, None) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).map(|d| d as u8)
}

/// Percent-encodes one name or value: ASCII letters, digits and `*-._` stay, a space becomes
/// `+`, every other byte of its UTF-8 becomes `%XX`.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 15)]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(key: &str, value: &str) -> (String, String) {
        (key.to_string(), value.to_string())
    }

    #[test]
    fn decoding_follows_url_search_params() {
        // Each case as Chromium's `[...new URLSearchParams(text)]` reads it.
        assert_eq!(parse("a=1&b=2"), vec![pair("a", "1"), pair("b", "2")]);
        assert_eq!(parse("?a=1"), vec![pair("a", "1")]);
        assert_eq!(parse("a=1&&b"), vec![pair("a", "1"), pair("b", "")]);
        assert_eq!(parse("a=x=y"), vec![pair("a", "x=y")]);
        assert_eq!(parse("a+b=c+d%20e"), vec![pair("a b", "c d e")]);
        assert_eq!(parse("a=%2C%2c"), vec![pair("a", ",,")]);
        assert_eq!(
            parse("a=100%&b=%4"),
            vec![pair("a", "100%"), pair("b", "%4")]
        );
        assert_eq!(parse("a=%zz%"), vec![pair("a", "%zz%")]);
        assert_eq!(parse("a=%C3%A9"), vec![pair("a", "é")]);
        assert_eq!(parse("a=%FF"), vec![pair("a", "\u{FFFD}")]);
        assert_eq!(parse("=v"), vec![pair("", "v")]);
        assert!(parse("").is_empty());
    }

    #[test]
    fn encoding_follows_url_search_params() {
        // Each case as Chromium's `new URLSearchParams([[k, v]]).toString()` writes it.
        assert_eq!(print(&[pair("a b", "x+y")]), "a+b=x%2By");
        assert_eq!(print(&[pair("k", "*-._~!")]), "k=*-._%7E%21");
        assert_eq!(print(&[pair("k", "é")]), "k=%C3%A9");
        assert_eq!(print(&[pair("a", "1"), pair("b", "")]), "a=1&b=");
        assert_eq!(print(&[]), "");
    }

    #[test]
    fn every_string_survives_a_round_trip() {
        let hard = [
            "",
            " ",
            "+",
            "%",
            "%25",
            "&=&=",
            "a=b&c=d",
            "0.5,-1e-3;2,3",
            "é ü 中文 🎨",
            "\u{0}\u{7f}",
        ];
        for key in hard {
            for value in hard {
                let pairs = vec![pair(key, value), pair("next", "1")];
                let text = print(&pairs);
                let back = parse(&text);
                // An empty key with an empty value prints as "=", which reads back as ("", "").
                assert_eq!(back, pairs, "{text}");
            }
        }
    }
}
