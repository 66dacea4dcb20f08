//! Reading user-supplied 2-D points from CSV text.

use crate::error::{Error, Result};

/// Parses `x,y` points, one per line.
///
/// Blank lines, surrounding whitespace, `\r\n` line endings and a leading
/// byte-order mark are ignored. The first non-empty line is treated as a
/// header when one of its fields is not a number. Any other bad line is an
/// [`Error::Csv`] naming its 1-based line number; no points at all is
/// [`Error::EmptyDataset`].
pub fn parse_points(text: &str) -> Result<Vec<[f32; 2]>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut points = Vec::new();
    let mut seen_first = false;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let is_first = !seen_first;
        seen_first = true;
        if is_first && looks_like_header(line) {
            continue;
        }
        points.push(parse_line(line).map_err(|reason| Error::Csv {
            line: index + 1,
            reason,
        })?);
    }
    if points.is_empty() {
        return Err(Error::EmptyDataset);
    }
    Ok(points)
}

/// A line is a header if some field does not parse as a number.
fn looks_like_header(line: &str) -> bool {
    line.split(',')
        .any(|field| field.trim().parse::<f32>().is_err())
}

/// Parses one non-empty, trimmed line into a finite point.
fn parse_line(line: &str) -> Result<[f32; 2], String> {
    let fields: Vec<&str> = line.split(',').map(str::trim).collect();
    if fields.len() != 2 {
        return Err(format!("expected 2 columns (x,y), found {}", fields.len()));
    }
    let mut point = [0.0; 2];
    for (value, field) in point.iter_mut().zip(&fields) {
        *value = field
            .parse::<f32>()
            .map_err(|_| format!("{field:?} is not a number"))?;
        if !value.is_finite() {
            return Err(format!("{field:?} is not a finite number"));
        }
    }
    Ok(point)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_crlf_blank_lines_and_whitespace() {
        let text = "\u{feff}x,y\r\n1,2\r\n\r\n  -3.5 , 4e1 \r\n";
        let pts = parse_points(text).expect("valid csv");
        assert_eq!(pts.len(), 2);
        assert!((pts[0][0] - 1.0).abs() < 1e-6 && (pts[0][1] - 2.0).abs() < 1e-6);
        assert!((pts[1][0] + 3.5).abs() < 1e-6 && (pts[1][1] - 40.0).abs() < 1e-6);
    }

    #[test]
    fn no_header_is_fine() {
        assert_eq!(parse_points("\n0,0\n1,1").expect("valid").len(), 2);
    }

    #[test]
    fn bad_lines_are_reported_by_number() {
        let cases = [
            ("x,y\n1,2\n3,oops\n", 3),
            ("1,2\n\n1,2,3\n", 3),
            ("1,2\n7\n", 2),
            ("1,2\n1,inf\n", 2),
            ("x,y\n1,NaN\n", 2),
            ("x,y\nx,y\n", 2),
        ];
        for (text, want) in cases {
            match parse_points(text) {
                Err(Error::Csv { line, reason }) => {
                    assert_eq!(line, want, "{text:?}: {reason}");
                    assert!(!reason.is_empty());
                }
                other => panic!("{text:?}: expected a CSV error, got {other:?}"),
            }
        }
    }

    #[test]
    fn empty_inputs() {
        for text in ["", "\n\r\n  \n", "x,y\n"] {
            assert!(
                matches!(parse_points(text), Err(Error::EmptyDataset)),
                "{text:?}"
            );
        }
    }
}
