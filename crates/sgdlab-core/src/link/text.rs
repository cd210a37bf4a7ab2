//! The text forms a link is made of: numbers that read back to the same
//! bits, percent escapes, and user text cut short for messages.

/// The shortest text that parses back to the same `f64` (`0.1`, `-1.5`,
/// `1e-300`, `3`): a link never loses a bit of a number.
pub fn format_number(value: f64) -> String {
    let text = format!("{value:?}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// A finite number from text, or a message that says what was expected.
pub fn parse_number(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("`{}` is not a finite number", shorten(text))),
    }
}

/// A whole number from text.
pub fn parse_whole(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<u64>()
        .map_err(|_| format!("`{}` is not a whole number", shorten(text)))
}

/// Two numbers written `a,b`.
pub fn parse_pair(text: &str) -> Result<[f64; 2], String> {
    let Some((a, b)) = text.split_once(',') else {
        return Err(format!(
            "`{}` is not a pair; write two numbers as a,b",
            shorten(text)
        ));
    };
    Ok([parse_number(a)?, parse_number(b)?])
}

/// A pair written back as `a,b`.
pub fn format_pair([a, b]: [f64; 2]) -> String {
    format!("{},{}", format_number(a), format_number(b))
}

/// Text from a link or a control, cut to 24 characters for a message (the
/// message is shown as text, never as HTML, but a pasted megabyte should
/// not come back in full).
pub fn shorten(text: &str) -> String {
    let mut shown: String = text.chars().take(24).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    shown
}

/// Bytes a link writes as they are; everything else is `%XX`.
const UNRESERVED: &[u8] = b"-._~";

/// `text` with every byte outside `A–Z a–z 0–9 - . _ ~` written `%XX`.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || UNRESERVED.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Undoes `%XX` escapes. A `+` stays a `+` (formulas use it), so a link
/// typed by hand reads as it looks.
pub fn percent_decode(text: &str) -> Result<String, String> {
    if !text.contains('%') {
        return Ok(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let byte = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            let Some(byte) = byte else {
                return Err(format!("bad percent escape at character {}", i + 1));
            };
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the text is not valid UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_every_bit() {
        for value in [0.1 + 0.2, -0.0, 5e-324, 1e300, -1.5, 3.0, f64::MAX] {
            let back: f64 = format_number(value).parse().unwrap();
            assert_eq!(back.to_bits(), value.to_bits(), "{value}");
        }
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(0.05), "0.05");
    }

    #[test]
    fn bad_numbers_say_what_was_expected() {
        assert_eq!(
            parse_number("nan").unwrap_err(),
            "`nan` is not a finite number"
        );
        assert_eq!(
            parse_number("inf").unwrap_err(),
            "`inf` is not a finite number"
        );
        assert_eq!(parse_whole("-3").unwrap_err(), "`-3` is not a whole number");
        assert_eq!(
            parse_pair("1").unwrap_err(),
            "`1` is not a pair; write two numbers as a,b"
        );
        assert_eq!(parse_pair(" 1, -2").unwrap(), [1.0, -2.0]);
        let long = "9".repeat(100);
        assert!(parse_whole(&long).unwrap_err().len() < 60);
    }

    #[test]
    fn percent_escapes_round_trip() {
        for text in ["x^2 + y^2", "sin(x)*cos(y)", "é∞<>&=#%", ""] {
            assert_eq!(percent_decode(&percent_encode(text)).unwrap(), text);
        }
        assert_eq!(percent_decode("x^2+y^2").unwrap(), "x^2+y^2");
        assert!(percent_decode("%zz").is_err());
        assert!(percent_decode("%ff").is_err());
        assert!(percent_decode("%4").is_err());
    }
}
