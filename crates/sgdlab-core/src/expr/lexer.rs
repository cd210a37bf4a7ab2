//! Splits a formula into tokens, each remembering its column.
//!
//! Numbers are `digits [. digits] [e|E [+|-] digits]` or `. digits …`; an
//! `e` after a number starts an exponent only when digits follow, so `2e` is
//! the number 2 followed by the constant e (which the parser then rejects
//! as implicit multiplication). Names are a letter followed by letters,
//! digits or `_`. The Unicode minus sign `−` reads as `-`.

use super::error::{ParseError, ParseErrorKind, shorten};

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TokenKind {
    Number(f64),
    Name,
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    OpenParen,
    CloseParen,
    Comma,
    End,
}

/// One token: its kind, its text in the source, and its 1-based column.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
    pub column: usize,
}

impl Token<'_> {
    /// How an error message names this token: "`x`" or "end of input".
    pub fn describe(&self) -> String {
        match self.kind {
            TokenKind::End => "end of input".to_string(),
            _ => format!("`{}`", shorten(self.text)),
        }
    }
}

/// The tokens of `source`, ending with one [`TokenKind::End`].
pub(crate) fn tokenize(source: &str) -> Result<Vec<Token<'_>>, ParseError> {
    let chars: Vec<(usize, char)> = source.char_indices().collect();
    let byte_at = |position: usize| chars.get(position).map_or(source.len(), |&(b, _)| b);
    let char_at = |position: usize| chars.get(position).map(|&(_, c)| c);
    let digits_from = |mut position: usize| {
        while char_at(position).is_some_and(|c| c.is_ascii_digit()) {
            position += 1;
        }
        position
    };

    let mut tokens = Vec::new();
    let mut position = 0;
    while let Some(c) = char_at(position) {
        let start = position;
        position += 1;
        let kind = match c {
            c if c.is_whitespace() => continue,
            '+' => TokenKind::Plus,
            '-' | '−' => TokenKind::Minus,
            '*' => TokenKind::Star,
            '/' => TokenKind::Slash,
            '^' => TokenKind::Caret,
            '(' => TokenKind::OpenParen,
            ')' => TokenKind::CloseParen,
            ',' => TokenKind::Comma,
            '0'..='9' | '.' => {
                position = digits_from(start);
                let mut has_digits = position > start;
                if char_at(position) == Some('.') {
                    let after_point = digits_from(position + 1);
                    has_digits |= after_point > position + 1;
                    position = after_point;
                }
                if has_digits && matches!(char_at(position), Some('e' | 'E')) {
                    let sign = usize::from(matches!(char_at(position + 1), Some('+' | '-')));
                    let exponent_end = digits_from(position + 1 + sign);
                    if exponent_end > position + 1 + sign {
                        position = exponent_end;
                    } else if sign == 1 {
                        // `1e+` or `1e-` with nothing after: clearly meant as an exponent.
                        let text = &source[byte_at(start)..byte_at(position + 2)];
                        return Err(ParseError::new(
                            start + 1,
                            ParseErrorKind::MalformedNumber(text.to_string()),
                        ));
                    }
                }
                let text = &source[byte_at(start)..byte_at(position)];
                if !has_digits {
                    return Err(ParseError::new(
                        start + 1,
                        ParseErrorKind::MalformedNumber(text.to_string()),
                    ));
                }
                let value: f64 = text.parse().map_err(|_| {
                    ParseError::new(start + 1, ParseErrorKind::MalformedNumber(text.to_string()))
                })?;
                if !value.is_finite() {
                    return Err(ParseError::new(
                        start + 1,
                        ParseErrorKind::NumberNotFinite(text.to_string()),
                    ));
                }
                TokenKind::Number(value)
            }
            c if c.is_alphabetic() => {
                while char_at(position).is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    position += 1;
                }
                TokenKind::Name
            }
            other => {
                return Err(ParseError::new(
                    start + 1,
                    ParseErrorKind::UnexpectedCharacter(other),
                ));
            }
        };
        tokens.push(Token {
            kind,
            text: &source[byte_at(start)..byte_at(position)],
            column: start + 1,
        });
    }
    tokens.push(Token {
        kind: TokenKind::End,
        text: "",
        column: chars.len() + 1,
    });
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|token| token.kind)
            .collect()
    }

    #[test]
    fn reads_every_number_form() {
        for (text, value) in [
            ("3", 3.0),
            ("0.5", 0.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e-3", 1e-3),
            ("2.5E+2", 250.0),
            ("007", 7.0),
        ] {
            assert_eq!(
                kinds(text),
                [TokenKind::Number(value), TokenKind::End],
                "{text}"
            );
        }
    }

    #[test]
    fn e_without_exponent_digits_is_the_constant() {
        assert_eq!(
            kinds("2e"),
            [TokenKind::Number(2.0), TokenKind::Name, TokenKind::End]
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let tokens = tokenize("−x −  y").unwrap();
        let columns: Vec<usize> = tokens.iter().map(|t| t.column).collect();
        assert_eq!(columns, [1, 2, 4, 7, 8]);
        assert_eq!(tokens[0].kind, TokenKind::Minus);
        assert_eq!(tokens[3].text, "y");
    }

    #[test]
    fn rejects_malformed_and_huge_numbers() {
        let error = tokenize("x + 1e+").unwrap_err();
        assert_eq!(error.column, 5);
        assert_eq!(error.kind, ParseErrorKind::MalformedNumber("1e+".into()));
        let error = tokenize("1 + .").unwrap_err();
        assert_eq!(error.column, 5);
        assert_eq!(error.kind, ParseErrorKind::MalformedNumber(".".into()));
        let error = tokenize("2 * 1e999").unwrap_err();
        assert_eq!(error.column, 5);
        assert_eq!(error.kind, ParseErrorKind::NumberNotFinite("1e999".into()));
    }
}
