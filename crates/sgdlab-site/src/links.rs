//! Checking widget links against the decoders of their views, so a lesson
//! with a broken link fails the build instead of showing an error box.

use sgdlab_web::registry;

/// A link check: `(view, link)` → the decoder's messages, if any.
pub type LinkValidator<'a> = dyn Fn(&str, &str) -> Result<(), Vec<String>> + 'a;

/// Opens `link` with the registered widget `view`, exactly as the page and
/// `sgdlab link` would; every message it reports fails the build. Unknown
/// views are refused.
pub fn validate_link(view: &str, link: &str) -> Result<(), Vec<String>> {
    let entry = registry::entry(view).map_err(|message| vec![message])?;
    let (_, errors) = (entry.open)(link);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.iter().map(ToString::to_string).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_good_links_and_reports_every_bad_part() {
        assert_eq!(
            validate_link(
                "landscape",
                "s=quadratic&p=a:10,b:1&o=sgd,lr:0.05,momentum:0.9"
            ),
            Ok(())
        );
        assert_eq!(validate_link("stochastic", ""), Ok(()));
        assert_eq!(validate_link("training", "d=moons&h=8"), Ok(()));
        assert!(validate_link("training", "h=9999").is_err());
        let errors = validate_link("landscape", "s=nowhere&o=sgd,lr:-1&speed=0").unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors.iter().any(|e| e.starts_with("speed: ")),
            "{errors:?}"
        );
        let names: Vec<&str> = registry::REGISTRY.iter().map(|e| e.name).collect();
        assert_eq!(
            validate_link("histogram", "x=1").unwrap_err(),
            [format!(
                "unknown view `histogram`; allowed: {}",
                names.join(", ")
            )]
        );
        assert!(names.starts_with(&["landscape", "stochastic", "training"]));
    }
}
