//! One seed, one result, on every platform: each test fingerprints every
//! bit of a small run of one engine and compares it with a constant.
//!
//! The constants were produced by a native (x86-64) run and reproduced, bit
//! for bit, by the same functions compiled to wasm32-unknown-unknown and
//! run in Node 20 (V8). The functions use only the crate's public API, so
//! the browser suite (`crates/sgdlab-web/tests/determinism.rs`) can run
//! them as they are under wasm-bindgen-test.

use sgdlab_core::bias_variance::{BiasVariance, BiasVarianceConfig, ModelFamily};
use sgdlab_core::implicit_reg::{ImplicitReg, ImplicitRegConfig, Quantity};
use sgdlab_core::mode_connectivity::{ModeConnectivity, ModeConnectivityConfig};

/// FNV-1a over the bit patterns of a sequence of numbers.
fn fingerprint(values: impl IntoIterator<Item = u64>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for byte in v.to_le_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[test]
fn implicit_regularisation_is_bit_identical() {
    let config = ImplicitRegConfig {
        replicas: 200,
        ..ImplicitRegConfig::default()
    };
    let mut run = ImplicitReg::new(&config).unwrap();
    run.step(run.total_steps());
    let mut bits: Vec<u64> = Vec::new();
    for path in [
        run.mean_path(),
        run.plain_flow_path(),
        run.modified_flow_path(),
        run.replica_positions(),
    ] {
        bits.extend(path.iter().flat_map(|p| [p[0].to_bits(), p[1].to_bits()]));
    }
    let grid = run
        .modified_loss()
        .grid(Quantity::Modified, &run.view_box(), 7, 5);
    bits.extend(grid.iter().map(|v| v.to_bits()));
    assert_eq!(fingerprint(bits), IMPLICIT_REG);
}

#[test]
fn bias_variance_is_bit_identical() {
    let mut bits: Vec<u64> = Vec::new();
    for family in [ModelFamily::Ridge, ModelFamily::Polynomial] {
        let config = BiasVarianceConfig {
            family,
            datasets: 20,
            lambdas: 5,
            ..BiasVarianceConfig::default()
        };
        let mut run = BiasVariance::new(&config).unwrap();
        run.step(run.total_steps());
        for r in run.results() {
            bits.extend([r.bias2, r.variance, r.noise, r.test_error].map(f64::to_bits));
        }
        for c in 0..run.results().len() {
            bits.extend(run.mean_curve(c).unwrap().iter().map(|v| v.to_bits()));
            bits.extend(run.fitted_curve(c, 3).unwrap().iter().map(|v| v.to_bits()));
        }
    }
    assert_eq!(fingerprint(bits), BIAS_VARIANCE);
}

#[test]
fn mode_connectivity_is_bit_identical() {
    let config = ModeConnectivityConfig {
        epochs: 5,
        bend_steps: 100,
        points: 5,
        ..ModeConnectivityConfig::default()
    };
    let mut run = ModeConnectivity::new(&config).unwrap();
    run.step(run.total_steps());
    let mut bits: Vec<u64> = Vec::new();
    for k in 0..2 {
        bits.extend(run.endpoint(k).iter().map(|v| u64::from(v.to_bits())));
    }
    bits.extend(run.bend().iter().map(|v| u64::from(v.to_bits())));
    for p in run.line().iter().chain(run.curve()) {
        bits.extend(
            [
                p.train_loss,
                p.train_acc,
                p.test_loss.unwrap(),
                p.test_acc.unwrap(),
            ]
            .map(f64::to_bits),
        );
    }
    let plane = run.plane();
    let view = run.plane_points(&plane).view_box();
    bits.extend(
        run.plane_loss_grid(&plane, &view, 4, 3)
            .iter()
            .map(|v| v.to_bits()),
    );
    assert_eq!(fingerprint(bits), MODE_CONNECTIVITY);
}

const IMPLICIT_REG: u64 = 6356517393540644084;
const BIAS_VARIANCE: u64 = 11548949092022413191;
const MODE_CONNECTIVITY: u64 = 2209896858131972376;
