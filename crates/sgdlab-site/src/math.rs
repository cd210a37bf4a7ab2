//! LaTeX to MathML Core, at build time, with `math-core`.
//!
//! The page receives finished `<math>` elements: no maths library runs in
//! the browser, nothing reflows when a script arrives, and the equations
//! read without JavaScript.

use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};

/// Inline (`$…$`) or display (`$$…$$`) maths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Display {
    Inline,
    Block,
}

/// Converts TeX to MathML. One converter serves a whole course.
pub struct MathRenderer {
    converter: LatexToMathML,
}

impl Default for MathRenderer {
    fn default() -> Self {
        let converter = LatexToMathML::new(MathCoreConfig::default())
            .expect("the default configuration defines no macros, so it cannot fail");
        Self { converter }
    }
}

impl MathRenderer {
    /// The `<math>` element for `tex`, or math-core's message (with the
    /// character position inside `tex` where it went wrong).
    pub fn render(&self, tex: &str, display: Display) -> Result<String, String> {
        let mode = match display {
            Display::Inline => MathDisplay::Inline,
            Display::Block => MathDisplay::Block,
        };
        self.converter
            .convert_with_local_state(tex, mode)
            .map(|result| result.mathml)
            .map_err(|error| {
                let mut message = String::new();
                error.to_message(&mut message, tex);
                format!(
                    "the maths `{}` does not parse: character {message}",
                    crate::front_matter::shorten(tex)
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_inline_and_block_maths_as_mathml() {
        let maths = MathRenderer::default();
        let inline = maths
            .render(r"\eta\lambda < 2 + 2\gamma", Display::Inline)
            .unwrap();
        assert!(
            inline.starts_with("<math>") && inline.contains("<mi>η</mi>"),
            "{inline}"
        );
        let block = maths
            .render(r"u \leftarrow \gamma u + \eta g", Display::Block)
            .unwrap();
        assert!(block.starts_with(r#"<math display="block">"#), "{block}");
    }

    #[test]
    fn renders_aligned_and_cases_layouts() {
        let maths = MathRenderer::default();
        let aligned = maths
            .render(r"\begin{aligned} u_t &= \gamma u_{t-1} + \eta g_t \\ w_{t+1} &= w_t - u_t \end{aligned}", Display::Block)
            .unwrap();
        assert!(
            aligned.contains("<mtable") && aligned.contains("<mtr>"),
            "{aligned}"
        );
        let cases = maths
            .render(r"|z| = \begin{cases} \sqrt{\gamma} & \text{complex roots} \\ 1 & \text{at the edge} \end{cases}", Display::Block)
            .unwrap();
        assert!(cases.contains("<mtable") && cases.contains("{"), "{cases}");
    }

    #[test]
    fn reports_maths_that_does_not_parse() {
        let message = MathRenderer::default()
            .render(r"\frac{1}{", Display::Inline)
            .unwrap_err();
        assert!(
            message.starts_with(r"the maths `\frac{1}{` does not parse: character "),
            "{message}"
        );
    }
}
