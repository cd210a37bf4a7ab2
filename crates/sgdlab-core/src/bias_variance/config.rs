//! The bias–variance experiment's settings, with their limits.
//!
//! ```text
//! model=ridge  sets=100  n=25  noise=0.3  seed=0        data: L datasets of N points
//! bases=24  width=0.05  lmax=2  lmin=-3  lambdas=21      ridge on Gaussian bases, ln λ from lmax down to lmin
//! degree=6                                              polynomials of degree 0 … D (model=poly)
//! test=1000  shown=20                                   fresh test points; curves kept for drawing
//! ```
//!
//! The link keys are the ones above (`model`, `sets`, `n`, `noise`,
//! `seed`, `bases`, `width`, `lmax`, `lmin`, `lambdas`, `degree`, `test`,
//! `shown`); a [`FieldError`] from [`BiasVarianceConfig::validate`] names
//! the key at fault.
//!
//! The defaults are Bishop's (PRML §3.2, figures 3.5 and 3.6, and appendix
//! A): L = 100 datasets of N = 25 points, x uniform on [0, 1), targets
//! sin(2πx) plus Gaussian noise of standard deviation 0.3, 24 Gaussian basis
//! functions plus a bias fitted by regularised least squares, ln λ from 2
//! down to −3, and a test set of 1000 points. Bishop does not print the
//! basis width. With evenly spaced centres and s = 0.05 (about their
//! spacing, 1/23) the figures come out like his figure 3.6: bias² about
//! 0.13 at ln λ = 2 falling to 0.001 at −3, variance rising from 0.017 to
//! 0.08, and bias² + variance smallest at ln λ = −0.25 or −0.5 for seeds
//! 0–9, where he reports −0.31. (At s = 0.1 the minimum moves to ln λ ≈ 0.4
//! and bias² starts at 0.035.)
//!
//! The polynomial family's default D = 6 shows the whole U: the test error
//! falls from degree 0 to 3 and climbs again as the variance of the
//! higher degrees takes over. (With N = 25 random inputs the variance of a
//! degree-9 fit is already in the hundreds, from datasets with few points
//! near an end of [0, 1].) Because sin(2πx) is odd about x = ½, an even
//! degree adds nothing to the fit of the odd degree below it: bias² falls
//! in steps of two degrees.
//!
//! The work is capped so that no link can stall the page: one fit costs
//! about (N + P)·P² + T·P multiply–adds for P parameters, and the whole run
//! (capacities × L fits) at most [`MAX_WORK`].

use crate::playground::FieldError;
use crate::link::format_number;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most datasets L.
pub const MAX_DATASETS: usize = 500;
/// The most points N per dataset.
pub const MAX_SAMPLES: usize = 500;
/// The largest noise standard deviation σ.
pub const MAX_NOISE: f64 = 2.0;
/// The highest polynomial degree D.
pub const MAX_DEGREE: usize = 15;
/// The most Gaussian basis functions G.
pub const MAX_BASES: usize = 50;
/// The narrowest and widest Gaussian basis functions.
pub const WIDTH_RANGE: [f64; 2] = [0.01, 1.0];
/// ln λ must lie in [−`MAX_LN_LAMBDA`, `MAX_LN_LAMBDA`].
pub const MAX_LN_LAMBDA: f64 = 20.0;
/// The most values of λ.
pub const MAX_LAMBDAS: usize = 41;
/// The most test points T.
pub const MAX_TEST_POINTS: usize = 5000;
/// The most fitted curves kept per capacity for drawing.
pub const MAX_SHOWN: usize = 50;
/// The most multiply–adds a whole run may cost (about a second natively).
pub const MAX_WORK: usize = 2_000_000_000;

/// The names of the model families, as the link writes them.
pub const FAMILY_NAMES: &[&str] = &["ridge", "poly"];

/// Which models are fitted, and so what "capacity" means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelFamily {
    /// Ridge regression on G Gaussian basis functions plus a bias, with λ
    /// swept from large (stiff) to small (flexible). The default.
    #[default]
    Ridge,
    /// Least-squares polynomials of degree 0, 1, …, D.
    #[serde(rename = "poly")]
    Polynomial,
}

impl ModelFamily {
    /// The name the link uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ridge => "ridge",
            Self::Polynomial => "poly",
        }
    }

    /// Looks a family up by name.
    pub fn from_name(name: &str) -> Result<Self, FieldError> {
        match name {
            "ridge" => Ok(Self::Ridge),
            "poly" => Ok(Self::Polynomial),
            _ => {
                let shown: String = name.chars().take(24).collect();
                Err(FieldError::new(
                    "model",
                    format!(
                        "unknown model `{shown}`; allowed: {}",
                        FAMILY_NAMES.join(", ")
                    ),
                ))
            }
        }
    }
}

impl fmt::Display for ModelFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything the bias–variance experiment needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BiasVarianceConfig {
    /// The model family (`model`): `ridge` or `poly`. Defaults to `ridge`.
    pub family: ModelFamily,
    /// Datasets L (`sets`), 2 to [`MAX_DATASETS`]. Defaults to `100`.
    pub datasets: usize,
    /// Points N per dataset (`n`), 2 to [`MAX_SAMPLES`]. Defaults to `25`.
    pub samples: usize,
    /// Standard deviation σ of the label noise (`noise`), 0 to
    /// [`MAX_NOISE`]. Defaults to `0.3`.
    pub noise: f64,
    /// Seeds every dataset and the test set (`seed`). Defaults to `0`.
    pub seed: u64,
    /// Gaussian basis functions G of the ridge model (`bases`), 1 to
    /// [`MAX_BASES`]. Defaults to `24`.
    pub bases: usize,
    /// Their width s (`width`), within [`WIDTH_RANGE`]. Defaults to `0.05`.
    pub width: f64,
    /// ln λ of the stiffest ridge model (`lmax`), within
    /// ±[`MAX_LN_LAMBDA`] and above `lmin`. Defaults to `2`.
    pub ln_lambda_max: f64,
    /// ln λ of the most flexible ridge model (`lmin`), within
    /// ±[`MAX_LN_LAMBDA`]. Defaults to `-3`.
    pub ln_lambda_min: f64,
    /// Values of λ, evenly spaced in ln λ (`lambdas`), 2 to
    /// [`MAX_LAMBDAS`]. Defaults to `21`.
    pub lambdas: usize,
    /// The highest polynomial degree D (`degree`), 0 to [`MAX_DEGREE`] and,
    /// for the `poly` family, below N. Defaults to `6`.
    pub max_degree: usize,
    /// Fresh test points T (`test`), 1 to [`MAX_TEST_POINTS`]. Defaults to
    /// `1000`.
    pub test_points: usize,
    /// Fitted curves kept per capacity for drawing (`shown`), 0 to
    /// [`MAX_SHOWN`]; those of the first min(shown, L) datasets. Defaults
    /// to `20`.
    pub shown: usize,
}

impl Default for BiasVarianceConfig {
    fn default() -> Self {
        Self {
            family: ModelFamily::Ridge,
            datasets: 100,
            samples: 25,
            noise: 0.3,
            seed: 0,
            bases: 24,
            width: 0.05,
            ln_lambda_max: 2.0,
            ln_lambda_min: -3.0,
            lambdas: 21,
            max_degree: 6,
            test_points: 1000,
            shown: 20,
        }
    }
}

fn check_count(
    key: &'static str,
    what: &str,
    value: usize,
    low: usize,
    high: usize,
) -> Result<(), FieldError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(FieldError::new(
            key,
            format!("{what} must be a whole number from {low} to {high}, got {value}"),
        ))
    }
}

fn check_real(
    key: &'static str,
    what: &str,
    value: f64,
    low: f64,
    high: f64,
) -> Result<(), FieldError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(FieldError::new(
            key,
            format!(
                "{what} must be a number from {} to {}, got {}",
                format_number(low),
                format_number(high),
                format_number(value)
            ),
        ))
    }
}

impl BiasVarianceConfig {
    /// The number of capacities: D + 1 degrees, or the number of λ.
    pub fn capacity_count(&self) -> usize {
        match self.family {
            ModelFamily::Ridge => self.lambdas,
            ModelFamily::Polynomial => self.max_degree + 1,
        }
    }

    /// The datasets whose fitted curves are kept: min(shown, L).
    pub fn shown_curves(&self) -> usize {
        self.shown.min(self.datasets)
    }

    /// Fits of the whole run: capacities × L.
    pub fn total_fits(&self) -> usize {
        self.capacity_count() * self.datasets
    }

    /// The largest number of parameters of one fit.
    pub fn max_parameters(&self) -> usize {
        match self.family {
            ModelFamily::Ridge => self.bases + 1,
            ModelFamily::Polynomial => self.max_degree + 1,
        }
    }

    /// Checks every setting; the error names the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        check_count(
            "sets",
            "the number of datasets",
            self.datasets,
            2,
            MAX_DATASETS,
        )?;
        check_count("n", "the number of points", self.samples, 2, MAX_SAMPLES)?;
        check_real("noise", "the noise", self.noise, 0.0, MAX_NOISE)?;
        check_count(
            "bases",
            "the number of basis functions",
            self.bases,
            1,
            MAX_BASES,
        )?;
        check_real(
            "width",
            "the basis width",
            self.width,
            WIDTH_RANGE[0],
            WIDTH_RANGE[1],
        )?;
        check_real(
            "lmax",
            "ln λ",
            self.ln_lambda_max,
            -MAX_LN_LAMBDA,
            MAX_LN_LAMBDA,
        )?;
        check_real(
            "lmin",
            "ln λ",
            self.ln_lambda_min,
            -MAX_LN_LAMBDA,
            MAX_LN_LAMBDA,
        )?;
        if self.ln_lambda_min >= self.ln_lambda_max {
            return Err(FieldError::new(
                "lmin",
                format!(
                    "lmin must be below lmax = {}, got {}",
                    format_number(self.ln_lambda_max),
                    format_number(self.ln_lambda_min)
                ),
            ));
        }
        check_count(
            "lambdas",
            "the number of λ values",
            self.lambdas,
            2,
            MAX_LAMBDAS,
        )?;
        check_count(
            "degree",
            "the highest degree",
            self.max_degree,
            0,
            MAX_DEGREE,
        )?;
        let highest = MAX_DEGREE.min(self.samples - 1);
        if self.family == ModelFamily::Polynomial && self.max_degree > highest {
            return Err(FieldError::new(
                "degree",
                format!(
                    "the highest degree must be a whole number from 0 to {highest} (at most \
                     {MAX_DEGREE}, and below the {} points a degree-D fit needs D + 1 of), got {}",
                    self.samples, self.max_degree
                ),
            ));
        }
        check_count(
            "test",
            "the number of test points",
            self.test_points,
            1,
            MAX_TEST_POINTS,
        )?;
        check_count("shown", "the curves shown", self.shown, 0, MAX_SHOWN)?;
        let p = self.max_parameters();
        let work = self.total_fits() * ((self.samples + p) * p * p + self.test_points * p);
        if work > MAX_WORK {
            return Err(FieldError::new(
                "sets",
                format!(
                    "this run needs about {work} multiply–adds (capacities × L × ((N + P)·P² + \
                     T·P)); at most {MAX_WORK}: use fewer datasets, points, test points or \
                     capacities"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(config: BiasVarianceConfig) -> FieldError {
        config.validate().unwrap_err()
    }

    #[test]
    fn defaults_are_bishops_and_valid() {
        let config = BiasVarianceConfig::default();
        assert!(config.validate().is_ok());
        assert_eq!(config.total_fits(), 2100);
        let poly = BiasVarianceConfig {
            family: ModelFamily::Polynomial,
            ..config
        };
        assert!(poly.validate().is_ok());
        assert_eq!(poly.capacity_count(), 7);
    }

    #[test]
    fn limits_name_the_key_and_say_what_is_allowed() {
        let base = BiasVarianceConfig::default();
        assert_eq!(
            error(BiasVarianceConfig {
                datasets: 1,
                ..base.clone()
            })
            .to_string(),
            "sets: the number of datasets must be a whole number from 2 to 500, got 1"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                noise: f64::INFINITY,
                ..base.clone()
            })
            .field,
            "noise"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                ln_lambda_min: 3.0,
                ..base.clone()
            })
            .to_string(),
            "lmin: lmin must be below lmax = 2, got 3"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                family: ModelFamily::Polynomial,
                samples: 8,
                max_degree: 8,
                ..base.clone()
            })
            .to_string(),
            "degree: the highest degree must be a whole number from 0 to 7 (at most 15, and \
             below the 8 points a degree-D fit needs D + 1 of), got 8"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                shown: 51,
                ..base.clone()
            })
            .to_string(),
            "shown: the curves shown must be a whole number from 0 to 50, got 51"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                width: 0.0,
                ..base.clone()
            })
            .to_string(),
            "width: the basis width must be a number from 0.01 to 1, got 0"
        );
        let e = error(BiasVarianceConfig {
            datasets: 500,
            samples: 500,
            bases: 50,
            lambdas: 41,
            test_points: 5000,
            ..base
        });
        assert_eq!(e.field, "sets");
        assert!(e.message.contains("at most 2000000000"), "{}", e.message);
    }

    #[test]
    fn family_names_round_trip() {
        for name in FAMILY_NAMES {
            assert_eq!(ModelFamily::from_name(name).unwrap().name(), *name);
        }
        assert_eq!(
            ModelFamily::from_name("spline").unwrap_err().to_string(),
            "model: unknown model `spline`; allowed: ridge, poly"
        );
    }
}
