//! The bias–variance experiment's settings, with their limits.
//!
//! ```text
//! model=ridge  sets=100  n=25  noise=0.3  seed=0        data: L datasets of N points
//! bases=24  width=0.05  lmax=2  lmin=-3  lambdas=21      ridge on Gaussian bases, ln λ from lmax down to lmin
//! degree=6                                              polynomials of degree 0 … D (model=poly)
//! test=1000  shown=20                                   fresh test points; curves kept for drawing
//! pick=10  speed=25                                     the capacity whose fits are drawn; fits per frame
//! ```
//!
//! The keys, their controls and their limits are one table,
//! [`BIAS_VARIANCE`], read by the one link codec of [`crate::link`]; a
//! [`FieldError`] from [`BiasVarianceConfig::validate`] names the key at
//! fault.
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

use crate::link::{
    Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions, format_number, shorten,
};
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
/// The most fits per animation frame.
pub const MAX_SPEED: u32 = 5000;
/// The most multiply–adds a whole run may cost (about a second natively).
pub const MAX_WORK: usize = 2_000_000_000;

/// The names of the model families, as the link writes them.
pub const FAMILY_NAMES: &[&str] = &["ridge", "poly"];

/// Which models are fitted, and so what "capacity" means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
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
            _ => Err(FieldError::new(
                "model",
                format!(
                    "unknown model `{}`; allowed: {}",
                    shorten(name),
                    FAMILY_NAMES.join(", ")
                ),
            )),
        }
    }
}

impl fmt::Display for ModelFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything the bias–variance experiment and its view need.
#[derive(Clone, Debug, PartialEq)]
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
    /// The capacity whose fits the view draws (`pick`), counted from the
    /// stiffest (0), below the number of capacities. Defaults to `10`
    /// (ln λ = −0.5 on the default axis).
    pub pick: usize,
    /// Fits per animation frame (`speed`), 1 to [`MAX_SPEED`], within the
    /// frame's time budget. Defaults to `25`.
    pub speed: u32,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
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
            pick: 10,
            speed: 25,
            options: ViewOptions::default(),
        }
    }
}

/// A count control.
const fn count(
    min: u64,
    max: u64,
    get: fn(&BiasVarianceConfig) -> u64,
    set: fn(&mut BiasVarianceConfig, u64),
) -> Field<BiasVarianceConfig> {
    Field::Count { min, max, get, set }
}

/// A number control over a closed range.
const fn real(
    min: f64,
    max: f64,
    scale: Scale,
    get: fn(&BiasVarianceConfig) -> f64,
    set: fn(&mut BiasVarianceConfig, f64),
) -> Field<BiasVarianceConfig> {
    Field::Real {
        min,
        max,
        max_open: false,
        scale,
        get,
        set,
    }
}

/// The bias–variance view's link: keys, controls and limits.
pub static BIAS_VARIANCE: LinkTable<BiasVarianceConfig> = LinkTable {
    view: "bias-variance",
    props: &[
        Prop {
            key: "model",
            label: "Model family",
            help: "Ridge regression on Gaussian bumps with λ swept, or polynomials of growing degree.",
            group: "model",
            optional: false,
            field: Field::Choice {
                options: |_| {
                    vec![
                        Opt {
                            value: "ridge",
                            label: "λ swept",
                        },
                        Opt {
                            value: "poly",
                            label: "degree 0 to D",
                        },
                    ]
                },
                get: |c| c.family.name(),
                set: |c, name| c.family = ModelFamily::from_name(name).unwrap_or_default(),
            },
        },
        Prop {
            key: "sets",
            label: "Datasets L",
            help: "How many independent training sets are drawn and fitted.",
            group: "data",
            optional: false,
            field: count(
                2,
                MAX_DATASETS as u64,
                |c| c.datasets as u64,
                |c, v| c.datasets = v as usize,
            ),
        },
        Prop {
            key: "n",
            label: "Points per dataset N",
            help: "Points in each training set, x uniform on [0, 1).",
            group: "data",
            optional: false,
            field: count(
                2,
                MAX_SAMPLES as u64,
                |c| c.samples as u64,
                |c, v| c.samples = v as usize,
            ),
        },
        Prop {
            key: "noise",
            label: "Noise σ",
            help: "Standard deviation of the Gaussian noise on the targets sin(2πx); σ² is the floor of the test error.",
            group: "data",
            optional: false,
            field: real(
                0.0,
                MAX_NOISE,
                Scale::Linear,
                |c| c.noise,
                |c, v| c.noise = v,
            ),
        },
        Prop {
            key: "seed",
            label: "Seed",
            help: "One seed draws every dataset and the test set.",
            group: "data",
            optional: false,
            field: Field::Seed {
                get: |c| c.seed,
                set: |c, v| c.seed = v,
            },
        },
        Prop {
            key: "bases",
            label: "Gaussian bases",
            help: "Gaussian bumps with evenly spaced centres, plus a constant (ridge family).",
            group: "ridge",
            optional: false,
            field: count(
                1,
                MAX_BASES as u64,
                |c| c.bases as u64,
                |c, v| c.bases = v as usize,
            ),
        },
        Prop {
            key: "width",
            label: "Basis width s",
            help: "The width of each Gaussian bump (ridge family).",
            group: "ridge",
            optional: false,
            field: real(
                WIDTH_RANGE[0],
                WIDTH_RANGE[1],
                Scale::Log,
                |c| c.width,
                |c, v| c.width = v,
            ),
        },
        Prop {
            key: "lmax",
            label: "Largest ln λ",
            help: "The stiffest ridge model: the strongest penalty on the weights.",
            group: "ridge",
            optional: false,
            field: real(
                -MAX_LN_LAMBDA,
                MAX_LN_LAMBDA,
                Scale::Linear,
                |c| c.ln_lambda_max,
                |c, v| c.ln_lambda_max = v,
            ),
        },
        Prop {
            key: "lmin",
            label: "Smallest ln λ",
            help: "The most flexible ridge model (below the largest ln λ).",
            group: "ridge",
            optional: false,
            field: real(
                -MAX_LN_LAMBDA,
                MAX_LN_LAMBDA,
                Scale::Linear,
                |c| c.ln_lambda_min,
                |c, v| c.ln_lambda_min = v,
            ),
        },
        Prop {
            key: "lambdas",
            label: "Values of λ",
            help: "How many penalties, evenly spaced in ln λ, from the largest down.",
            group: "ridge",
            optional: false,
            field: count(
                2,
                MAX_LAMBDAS as u64,
                |c| c.lambdas as u64,
                |c, v| c.lambdas = v as usize,
            ),
        },
        Prop {
            key: "degree",
            label: "Highest degree D",
            help: "Polynomials of degree 0 to D are fitted (poly family; D below N).",
            group: "poly",
            optional: false,
            field: count(
                0,
                MAX_DEGREE as u64,
                |c| c.max_degree as u64,
                |c, v| c.max_degree = v as usize,
            ),
        },
        Prop {
            key: "test",
            label: "Test points T",
            help: "Fresh points where the test error and its parts are measured.",
            group: "measure",
            optional: false,
            field: count(
                1,
                MAX_TEST_POINTS as u64,
                |c| c.test_points as u64,
                |c, v| c.test_points = v as usize,
            ),
        },
        Prop {
            key: "shown",
            label: "Fits drawn",
            help: "How many datasets' fitted curves the fits plot draws.",
            group: "measure",
            optional: false,
            field: count(
                0,
                MAX_SHOWN as u64,
                |c| c.shown as u64,
                |c, v| c.shown = v as usize,
            ),
        },
        Prop {
            key: "pick",
            label: "Capacity shown",
            help: "Whose fits the fits plot draws, counted from the stiffest model (0); click the decomposition chart to pick one.",
            group: "pick",
            optional: false,
            field: count(
                0,
                (MAX_LAMBDAS - 1) as u64,
                |c| c.pick as u64,
                |c, v| c.pick = v as usize,
            ),
        },
        Prop {
            key: "speed",
            label: "Fits per frame",
            help: "How many dataset fits each animation frame does.",
            group: "speed",
            optional: false,
            field: count(
                1,
                MAX_SPEED as u64,
                |c| u64::from(c.speed),
                |c, v| c.speed = v as u32,
            ),
        },
    ],
    groups: &[
        Group {
            name: "model",
            label: "Model",
        },
        Group {
            name: "data",
            label: "Data",
        },
        Group {
            name: "ridge",
            label: "Ridge",
        },
        Group {
            name: "poly",
            label: "Polynomials",
        },
        Group {
            name: "measure",
            label: "Measuring",
        },
        Group {
            name: "pick",
            label: "Capacity shown",
        },
        Group {
            name: "speed",
            label: "Speed",
        },
    ],
    panels: &[
        Group {
            name: "fits",
            label: "The fits of the capacity shown",
        },
        Group {
            name: "legend",
            label: "Legend",
        },
        Group {
            name: "export",
            label: "Export",
        },
    ],
    minimal: &["model", "pick"],
    max_len: 2048,
    check: reconcile,
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

/// Settings that depend on each other: ln λ's range, the polynomial degree
/// against N, the capacity shown against the number of capacities, and
/// the work cap. A broken rule is reported and the previous value kept
/// (the degree, if that does not fit either, drops to N − 1). Only the
/// capacity shown, which changes no result, follows the others down
/// silently when the link left it as it was. A run past the work cap is
/// reported and the previous state kept whole.
fn reconcile(
    config: &mut BiasVarianceConfig,
    base: &BiasVarianceConfig,
    errors: &mut Vec<FieldError>,
) {
    if config.ln_lambda_min >= config.ln_lambda_max {
        let key = if config.ln_lambda_min != base.ln_lambda_min {
            "lmin"
        } else {
            "lmax"
        };
        errors.push(FieldError::new(
            key,
            format!(
                "lmin must be below lmax; got lmin = {} and lmax = {}",
                format_number(config.ln_lambda_min),
                format_number(config.ln_lambda_max)
            ),
        ));
        if key == "lmin" {
            config.ln_lambda_min = base.ln_lambda_min;
        }
        if config.ln_lambda_min >= config.ln_lambda_max {
            config.ln_lambda_max = base.ln_lambda_max;
            config.ln_lambda_min = base.ln_lambda_min;
        }
    }
    let highest = MAX_DEGREE.min(config.samples - 1);
    if config.family == ModelFamily::Polynomial && config.max_degree > highest {
        errors.push(FieldError::new(
            "degree",
            format!(
                "the highest degree must be a whole number from 0 to {highest} (at most \
                 {MAX_DEGREE}, and below the {} points a degree-D fit needs D + 1 of), got {}",
                config.samples, config.max_degree
            ),
        ));
        config.max_degree = base.max_degree.min(highest);
    }
    let last = config.capacity_count() - 1;
    if config.pick > last {
        if config.pick != base.pick {
            errors.push(FieldError::new(
                "pick",
                format!(
                    "the capacity shown must be a whole number from 0 to {last} (there are {} \
                     capacities), got {}",
                    last + 1,
                    config.pick
                ),
            ));
        }
        config.pick = base.pick.min(last);
    }
    if let Err(error) = config.check_work() {
        errors.push(error);
        let options = config.options.clone();
        *config = base.clone();
        config.options = options;
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

    /// Checks every setting against [`BIAS_VARIANCE`]; the error names the
    /// link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        BIAS_VARIANCE.validate(self)
    }

    /// The cap on the run's work (for settings each within its own range).
    fn check_work(&self) -> Result<(), FieldError> {
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

    /// Whether `other` runs the same experiment (it differs at most in the
    /// capacity shown, the speed and the view options).
    pub fn same_run(&self, other: &Self) -> bool {
        let display = |c: &Self| Self {
            pick: 0,
            speed: 1,
            options: ViewOptions::default(),
            ..c.clone()
        };
        display(self) == display(other)
    }

    /// The config as a link (without the leading `#`).
    pub fn encode(&self) -> String {
        BIAS_VARIANCE.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(link: &str, base: &Self) -> (Self, Vec<FieldError>) {
        BIAS_VARIANCE.decode(link, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{assert_hostile_links_are_refused, link_table_properties};

    fn error(config: BiasVarianceConfig) -> FieldError {
        config.validate().unwrap_err()
    }

    fn decode(link: &str) -> (BiasVarianceConfig, Vec<FieldError>) {
        BiasVarianceConfig::decode(link, &BiasVarianceConfig::default())
    }

    #[test]
    fn defaults_are_bishops_valid_and_readable() {
        let config = BiasVarianceConfig::default();
        assert!(config.validate().is_ok());
        assert_eq!(config.total_fits(), 2100);
        assert_eq!(
            config.encode(),
            "model=ridge&sets=100&n=25&noise=0.3&seed=0&bases=24&width=0.05&lmax=2&lmin=-3\
             &lambdas=21&degree=6&test=1000&shown=20&pick=10&speed=25"
        );
        let (poly, errors) = decode("model=poly");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(poly.capacity_count(), 7);
        assert_eq!(poly.pick, 6, "the capacity shown follows the axis down");
    }

    #[test]
    fn a_link_round_trips_every_bit() {
        let config = BiasVarianceConfig {
            family: ModelFamily::Polynomial,
            datasets: 7,
            samples: 11,
            noise: 0.1 + 0.2,
            seed: u64::MAX,
            bases: 3,
            width: 1.0 / 3.0,
            ln_lambda_max: 1e-9,
            ln_lambda_min: -0.0,
            lambdas: 41,
            max_degree: 10,
            test_points: 5000,
            shown: 0,
            pick: 4,
            speed: 5000,
            options: ViewOptions {
                autoplay: true,
                hide: vec!["ridge".into(), "fits".into()],
                theme: crate::link::Theme::Light,
            },
        };
        let (back, errors) = decode(&format!("view=bias-variance&{}", config.encode()));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back, config);
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
            "sets: must be a whole number from 2 to 500, got `1`"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                noise: f64::INFINITY,
                ..base.clone()
            })
            .to_string(),
            "noise: `inf` is not a finite number"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                ln_lambda_min: 3.0,
                ..base.clone()
            })
            .to_string(),
            "lmin: lmin must be below lmax; got lmin = 3 and lmax = 2"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                ln_lambda_max: -3.0,
                ..base.clone()
            })
            .field,
            "lmax"
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
                family: ModelFamily::Polynomial,
                samples: 5,
                ..base.clone()
            })
            .field,
            "degree",
            "the default degree 6 does not fit 5 points"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                shown: 51,
                ..base.clone()
            })
            .to_string(),
            "shown: must be a whole number from 0 to 50, got `51`"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                width: 0.0,
                ..base.clone()
            })
            .to_string(),
            "width: must be a number from 0.01 to 1, got 0"
        );
        assert_eq!(
            error(BiasVarianceConfig {
                lambdas: 5,
                pick: 7,
                ..base.clone()
            })
            .to_string(),
            "pick: the capacity shown must be a whole number from 0 to 4 (there are 5 \
             capacities), got 7"
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
    fn rules_between_settings_keep_the_previous_values() {
        let (config, errors) = decode("lmin=5&lmax=4");
        assert_eq!((config.ln_lambda_max, config.ln_lambda_min), (4.0, -3.0));
        assert_eq!(errors[0].field, "lmin");
        let (config, errors) = decode("lmin=1&lmax=6");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((config.ln_lambda_max, config.ln_lambda_min), (6.0, 1.0));
        let (config, errors) = decode("model=poly&n=4");
        assert_eq!((config.samples, config.max_degree), (4, 3));
        assert_eq!(errors[0].field, "degree");
        let (config, errors) = decode("sets=500&n=500&bases=50&lambdas=41&test=5000&seed=3");
        assert_eq!(errors[0].field, "sets");
        assert_eq!(config, BiasVarianceConfig::default());
    }

    #[test]
    fn display_settings_do_not_change_the_run() {
        let base = BiasVarianceConfig::default();
        let (shown, errors) = BiasVarianceConfig::decode("pick=3&speed=900&theme=dark", &base);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(shown.same_run(&base));
        assert!(!decode("noise=0.5").0.same_run(&base));
    }

    #[test]
    fn hostile_links_are_reported_not_panicked_on() {
        assert_hostile_links_are_refused(&BIAS_VARIANCE);
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
        assert_eq!(
            decode("model=spline").1[0].to_string(),
            "model: unknown choice `spline`; allowed: ridge, poly"
        );
    }

    link_table_properties!(BIAS_VARIANCE);
}
