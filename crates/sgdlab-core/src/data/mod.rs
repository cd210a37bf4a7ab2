//! Seeded synthetic data and the minibatch samplers that feed it to training.
//!
//! - Six 2-D classification sets for the network lab, one generator per file
//!   ([`spirals`], [`moons`], [`circles`], [`xor`], [`blobs`],
//!   [`checkerboard`]), built from a [`DatasetConfig`] and split into train
//!   and test halves.
//! - Regression data for the landscape, conditioning and bias–variance
//!   lessons ([`regression`]), and a whitening transform ([`whitening`]).
//! - [`sampler::MinibatchSampler`]: which examples form each minibatch, epoch
//!   by epoch, including sharding across simulated data-parallel workers.
//!
//! One seed drives everything, through separate named streams of
//! [`SeededRng::derive`]: `"data"` draws the points, `"split"` picks the test
//! examples, and `"shuffle/epoch k"` orders epoch k. Changing how one of them
//! draws never shifts the numbers of another.
//!
//! All classification sets have balanced classes (counts differ by at most
//! one) and, before noise, lie in [−1, 1]², so a small MLP with default
//! settings trains on them. `noise` is always the standard deviation σ of an
//! isotropic Gaussian N(0, σ²I) added to each clean point.
//!
//! ```
//! use sgdlab_core::data::{DatasetConfig, DatasetKind};
//! let config = DatasetConfig { dataset: DatasetKind::Moons, samples: 200, ..DatasetConfig::default() };
//! let split = config.generate_split().unwrap();
//! assert_eq!(split.train.len() + split.test.len(), 200);
//! assert_eq!(split.train.features_f32().len(), 2 * split.train.len());
//! ```

use crate::SeededRng;
use serde::{Deserialize, Serialize};
use std::fmt;

pub mod blobs;
pub mod checkerboard;
pub mod circles;
pub mod moons;
pub mod regression;
pub mod sampler;
pub mod spirals;
pub mod whitening;
pub mod xor;

/// Every classification dataset name, in display order.
pub const DATASET_NAMES: &[&str] = &[
    "spirals",
    "moons",
    "circles",
    "xor",
    "blobs",
    "checkerboard",
];

/// The most examples a generated dataset may have, so a shared link cannot
/// freeze the page.
pub const MAX_SAMPLES: usize = 10_000;
/// The fewest examples a classification dataset may have.
pub const MIN_SAMPLES: usize = 10;
/// The largest noise standard deviation; beyond it every set is a blur.
pub const MAX_NOISE: f64 = 1.0;

/// Why data or a sampler could not be built from what the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum DataError {
    /// No dataset has this name.
    UnknownDataset { name: String },
    /// No sampling order has this name.
    UnknownSamplingOrder { name: String },
    /// A setting is outside the values it may take.
    OutOfRange {
        field: &'static str,
        value: String,
        allowed: String,
    },
    /// The request is well formed but cannot be served, e.g. class-balanced
    /// sampling without labels, or whitening data that lie on a line.
    Invalid(String),
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownDataset { name } => write!(
                f,
                "unknown dataset `{name}`; allowed: {}",
                DATASET_NAMES.join(", ")
            ),
            Self::UnknownSamplingOrder { name } => write!(
                f,
                "unknown sampling order `{name}`; allowed: {}",
                sampler::SAMPLING_ORDER_NAMES.join(", ")
            ),
            Self::OutOfRange {
                field,
                value,
                allowed,
            } => write!(f, "`{field}` = {value} is out of range; allowed: {allowed}"),
            Self::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DataError {}

/// `Ok` when `low ≤ value ≤ high` (so never for NaN), else an
/// [`DataError::OutOfRange`] that quotes `allowed`.
pub(crate) fn check_real(
    field: &'static str,
    value: f64,
    low: f64,
    high: f64,
    allowed: &str,
) -> Result<(), DataError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(DataError::OutOfRange {
            field,
            value: value.to_string(),
            allowed: allowed.to_string(),
        })
    }
}

/// `Ok` when `low ≤ value ≤ high`, else an [`DataError::OutOfRange`].
pub(crate) fn check_count(
    field: &'static str,
    value: usize,
    low: usize,
    high: usize,
) -> Result<(), DataError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(DataError::OutOfRange {
            field,
            value: value.to_string(),
            allowed: format!("an integer from {low} to {high}"),
        })
    }
}

/// 2-D points with class labels.
///
/// Serializable for export; it is built only by the generators here, which
/// keep every label below `classes`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Dataset {
    /// The points (x₁, x₂).
    pub features: Vec<[f64; 2]>,
    /// The class of each point, in `0..classes`.
    pub labels: Vec<usize>,
    /// How many classes there are.
    pub classes: usize,
}

impl Dataset {
    /// An empty dataset with `classes` classes, room reserved for `capacity`.
    pub fn with_capacity(classes: usize, capacity: usize) -> Self {
        Self {
            features: Vec::with_capacity(capacity),
            labels: Vec::with_capacity(capacity),
            classes,
        }
    }

    /// Adds one labelled point.
    pub fn push(&mut self, point: [f64; 2], label: usize) {
        assert!(label < self.classes, "label {label} ≥ {}", self.classes);
        self.features.push(point);
        self.labels.push(label);
    }

    /// The number of examples.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// True when there are no examples.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The features as `f32`, row-major n×2 (`[x₁, x₂, x₁, x₂, …]`), the
    /// layout network training reads.
    pub fn features_f32(&self) -> Vec<f32> {
        self.features
            .iter()
            .flat_map(|p| [p[0] as f32, p[1] as f32])
            .collect()
    }

    /// How many examples each class has.
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes];
        for &label in &self.labels {
            counts[label] += 1;
        }
        counts
    }

    /// The examples at `indices`, in that order (a minibatch, or one half of
    /// a split).
    pub fn subset(&self, indices: &[usize]) -> Dataset {
        let mut out = Dataset::with_capacity(self.classes, indices.len());
        for &i in indices {
            out.push(self.features[i], self.labels[i]);
        }
        out
    }

    /// Adds N(0, noise²) to every coordinate, drawing from `rng`.
    fn add_noise(&mut self, noise: f64, rng: &mut SeededRng) {
        for point in &mut self.features {
            point[0] += noise * rng.normal();
            point[1] += noise * rng.normal();
        }
    }
}

/// A dataset divided into training and held-out test examples.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrainTest {
    pub train: Dataset,
    pub test: Dataset,
}

/// The named classification datasets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum DatasetKind {
    Spirals,
    Moons,
    Circles,
    Xor,
    Blobs,
    Checkerboard,
}

impl DatasetKind {
    /// Every kind, in the order of [`DATASET_NAMES`].
    pub const ALL: [DatasetKind; 6] = [
        Self::Spirals,
        Self::Moons,
        Self::Circles,
        Self::Xor,
        Self::Blobs,
        Self::Checkerboard,
    ];

    /// Looks a dataset up by its registry name.
    pub fn from_name(name: &str) -> Result<Self, DataError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| DataError::UnknownDataset {
                name: name.to_string(),
            })
    }

    /// The registry name, e.g. `"spirals"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Spirals => "spirals",
            Self::Moons => "moons",
            Self::Circles => "circles",
            Self::Xor => "xor",
            Self::Blobs => "blobs",
            Self::Checkerboard => "checkerboard",
        }
    }

    /// How many classes the dataset has.
    pub fn classes(self) -> usize {
        match self {
            Self::Blobs => blobs::CLASSES,
            _ => 2,
        }
    }

    /// One line on what the dataset looks like.
    pub fn description(self) -> &'static str {
        match self {
            Self::Spirals => "two interleaved spiral arms; needs a curved boundary",
            Self::Moons => "two interlocking half circles",
            Self::Circles => "a small circle inside a larger one",
            Self::Xor => "opposite quadrants share a class",
            Self::Blobs => "three Gaussian clusters, one per class",
            Self::Checkerboard => "a 4×4 board of alternating squares",
        }
    }

    /// `samples` clean points with balanced labels, drawn from `rng`.
    fn clean_points(self, samples: usize, rng: &mut SeededRng) -> Dataset {
        match self {
            Self::Spirals => spirals::clean_points(samples, rng),
            Self::Moons => moons::clean_points(samples, rng),
            Self::Circles => circles::clean_points(samples, rng),
            Self::Xor => xor::clean_points(samples, rng),
            Self::Blobs => blobs::clean_points(samples, rng),
            Self::Checkerboard => checkerboard::clean_points(samples, rng),
        }
    }
}

impl TryFrom<String> for DatasetKind {
    type Error = DataError;
    fn try_from(name: String) -> Result<Self, DataError> {
        Self::from_name(&name)
    }
}

impl From<DatasetKind> for String {
    fn from(kind: DatasetKind) -> String {
        kind.name().to_string()
    }
}

impl fmt::Display for DatasetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to generate: the settings the CLI's `train` flags and the page's
/// data controls set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatasetConfig {
    /// Which dataset. Defaults to `spirals`.
    pub dataset: DatasetKind,
    /// Number of examples, train and test together, from [`MIN_SAMPLES`] to
    /// [`MAX_SAMPLES`]. Defaults to `400`.
    pub samples: usize,
    /// Standard deviation of the Gaussian noise added to each point, from 0
    /// to [`MAX_NOISE`]. Defaults to `0.05`.
    pub noise: f64,
    /// Share of the examples held out for testing, in [0, 1). Defaults to
    /// `0.2`.
    pub test_fraction: f64,
    /// The seed of the points and of the split. Defaults to `0`.
    pub seed: u64,
}

impl Default for DatasetConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Spirals,
            samples: 400,
            noise: 0.05,
            test_fraction: 0.2,
            seed: 0,
        }
    }
}

impl DatasetConfig {
    /// Checks every setting against its allowed range.
    pub fn validate(&self) -> Result<(), DataError> {
        check_count("samples", self.samples, MIN_SAMPLES, MAX_SAMPLES)?;
        check_real(
            "noise",
            self.noise,
            0.0,
            MAX_NOISE,
            &format!("a number from 0 to {MAX_NOISE}"),
        )?;
        if !(0.0..1.0).contains(&self.test_fraction) {
            return Err(DataError::OutOfRange {
                field: "test_fraction",
                value: self.test_fraction.to_string(),
                allowed: "a number from 0 up to but not including 1".into(),
            });
        }
        Ok(())
    }

    /// All `samples` examples, before the split, with labels interleaved
    /// (point i has class i mod classes).
    pub fn generate(&self) -> Result<Dataset, DataError> {
        self.validate()?;
        let mut rng = SeededRng::derive(self.seed, "data");
        let mut data = self.dataset.clean_points(self.samples, &mut rng);
        data.add_noise(self.noise, &mut rng);
        Ok(data)
    }

    /// The examples split into train and test.
    ///
    /// The split is stratified: of the c-th class's nᶜ examples,
    /// ⌊test_fraction·nᶜ⌋ go to the test set, chosen by the seed's `"split"`
    /// stream; so both halves stay balanced and the training set keeps at
    /// least one example of every class. Each half keeps the generation
    /// order.
    pub fn generate_split(&self) -> Result<TrainTest, DataError> {
        let data = self.generate()?;
        let mut test_quota: Vec<usize> = data
            .class_counts()
            .iter()
            .map(|&count| (self.test_fraction * count as f64).floor() as usize)
            .collect();
        let mut order: Vec<usize> = (0..data.len()).collect();
        SeededRng::derive(self.seed, "split").shuffle(&mut order);
        let mut in_test = vec![false; data.len()];
        for i in order {
            let quota = &mut test_quota[data.labels[i]];
            if *quota > 0 {
                *quota -= 1;
                in_test[i] = true;
            }
        }
        let (test, train): (Vec<usize>, Vec<usize>) = (0..data.len()).partition(|&i| in_test[i]);
        Ok(TrainTest {
            train: data.subset(&train),
            test: data.subset(&test),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dataset: DatasetKind, seed: u64) -> DatasetConfig {
        DatasetConfig {
            dataset,
            seed,
            ..DatasetConfig::default()
        }
    }

    #[test]
    fn names_match_the_registry() {
        let names: Vec<&str> = DatasetKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, DATASET_NAMES);
        for &name in DATASET_NAMES {
            assert_eq!(DatasetKind::from_name(name).unwrap().name(), name);
        }
    }

    #[test]
    fn same_seed_gives_identical_data_and_split() {
        for kind in DatasetKind::ALL {
            let a = config(kind, 11).generate_split().unwrap();
            let b = config(kind, 11).generate_split().unwrap();
            assert_eq!(a, b, "{kind}");
        }
    }

    #[test]
    fn different_seeds_give_different_data_and_splits() {
        for kind in DatasetKind::ALL {
            let a = config(kind, 1).generate_split().unwrap();
            let b = config(kind, 2).generate_split().unwrap();
            assert_ne!(a.train.features, b.train.features, "{kind}");
            assert_ne!(a.test.features, b.test.features, "{kind}");
        }
    }

    #[test]
    fn classes_are_balanced() {
        for kind in DatasetKind::ALL {
            for samples in [10, 401, 1000] {
                let data = DatasetConfig {
                    dataset: kind,
                    samples,
                    ..DatasetConfig::default()
                }
                .generate()
                .unwrap();
                assert_eq!(data.len(), samples);
                assert_eq!(data.classes, kind.classes());
                let counts = data.class_counts();
                let (min, max) = (counts.iter().min(), counts.iter().max());
                assert!(max.unwrap() - min.unwrap() <= 1, "{kind}: {counts:?}");
            }
        }
    }

    #[test]
    fn clean_points_lie_in_the_unit_square() {
        for kind in DatasetKind::ALL {
            let mut rng = SeededRng::new(5);
            let data = kind.clean_points(2000, &mut rng);
            for p in &data.features {
                assert!(p[0].abs() <= 1.0 && p[1].abs() <= 1.0, "{kind}: {p:?}");
            }
        }
    }

    #[test]
    fn noise_has_the_requested_spread() {
        // Noisy minus clean, from the same data stream, is the noise itself.
        let noisy = DatasetConfig {
            dataset: DatasetKind::Circles,
            samples: 4000,
            noise: 0.3,
            ..DatasetConfig::default()
        }
        .generate()
        .unwrap();
        let mut rng = SeededRng::derive(0, "data");
        let clean = DatasetKind::Circles.clean_points(4000, &mut rng);
        let deviations: Vec<f64> = noisy
            .features
            .iter()
            .zip(&clean.features)
            .flat_map(|(a, b)| [a[0] - b[0], a[1] - b[1]])
            .collect();
        let variance = deviations.iter().map(|d| d * d).sum::<f64>() / deviations.len() as f64;
        assert!(
            (variance.sqrt() - 0.3).abs() < 0.01,
            "std {}",
            variance.sqrt()
        );
    }

    #[test]
    fn split_is_stratified_and_complete() {
        let config = DatasetConfig {
            dataset: DatasetKind::Blobs,
            samples: 301,
            test_fraction: 0.25,
            ..DatasetConfig::default()
        };
        let all = config.generate().unwrap();
        let split = config.generate_split().unwrap();
        assert_eq!(split.test.class_counts(), vec![25, 25, 25]);
        assert_eq!(split.train.class_counts(), vec![76, 75, 75]);
        // Every example lands in exactly one half.
        let mut seen: Vec<[u64; 2]> = split
            .train
            .features
            .iter()
            .chain(&split.test.features)
            .map(|p| [p[0].to_bits(), p[1].to_bits()])
            .collect();
        let mut expected: Vec<[u64; 2]> = all
            .features
            .iter()
            .map(|p| [p[0].to_bits(), p[1].to_bits()])
            .collect();
        seen.sort_unstable();
        expected.sort_unstable();
        assert_eq!(seen, expected);
    }

    #[test]
    fn zero_test_fraction_keeps_everything_for_training() {
        let split = DatasetConfig {
            test_fraction: 0.0,
            ..DatasetConfig::default()
        }
        .generate_split()
        .unwrap();
        assert_eq!(split.train.len(), 400);
        assert!(split.test.is_empty());
    }

    #[test]
    fn features_f32_is_row_major() {
        let data = DatasetConfig::default().generate().unwrap();
        let flat = data.features_f32();
        assert_eq!(flat.len(), 2 * data.len());
        for (i, p) in data.features.iter().enumerate() {
            assert_eq!(flat[2 * i], p[0] as f32);
            assert_eq!(flat[2 * i + 1], p[1] as f32);
        }
    }

    #[test]
    fn bad_configs_say_what_is_allowed() {
        let bad = |edit: fn(&mut DatasetConfig)| {
            let mut config = DatasetConfig::default();
            edit(&mut config);
            config.generate().unwrap_err().to_string()
        };
        assert_eq!(
            bad(|c| c.samples = 20_000),
            "`samples` = 20000 is out of range; allowed: an integer from 10 to 10000"
        );
        assert_eq!(
            bad(|c| c.noise = -0.1),
            "`noise` = -0.1 is out of range; allowed: a number from 0 to 1"
        );
        assert!(bad(|c| c.noise = f64::NAN).starts_with("`noise` = NaN"));
        assert_eq!(
            bad(|c| c.test_fraction = 1.0),
            "`test_fraction` = 1 is out of range; allowed: a number from 0 up to but not including 1"
        );
        assert_eq!(
            DatasetKind::from_name("spiral").unwrap_err().to_string(),
            "unknown dataset `spiral`; allowed: spirals, moons, circles, xor, blobs, checkerboard"
        );
    }

    #[test]
    fn config_round_trips_through_json_and_rejects_unknowns() {
        let config = DatasetConfig {
            dataset: DatasetKind::Checkerboard,
            samples: 123,
            noise: 0.2,
            test_fraction: 0.5,
            seed: 9,
        };
        let json = serde_json::to_string(&config).unwrap();
        assert!(json.contains("\"dataset\":\"checkerboard\""));
        assert_eq!(
            serde_json::from_str::<DatasetConfig>(&json).unwrap(),
            config
        );

        let partial: DatasetConfig = serde_json::from_str(r#"{"dataset":"xor"}"#).unwrap();
        assert_eq!(partial.samples, 400);

        let err = serde_json::from_str::<DatasetConfig>(r#"{"dataset":"swirl"}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown dataset `swirl`; allowed: spirals")
        );
        let err = serde_json::from_str::<DatasetConfig>(r#"{"sample":5}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `sample`"), "{err}");
    }
}
