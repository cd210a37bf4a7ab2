//! One seed, one result, for the experiment views of lessons 10–12: the
//! same runs natively and in wasm must give bit-identical numbers. Each
//! test fingerprints every bit of a result and compares it with the same
//! constant on both targets (`cargo test -p sgdlab-web --test
//! determinism_experiments` checks native; the wasm-bindgen-test run in
//! headless Chromium checks wasm).
//!
//! Two levels: each engine through its public API (the constants of
//! `sgdlab-core`'s `experiments_b_determinism.rs`, which were reproduced in
//! Node), and each widget through the registry, fingerprinting every
//! number of its JSON export, as the page and `sgdlab link` produce it.

use serde_json::Value;
use sgdlab_core::bias_variance::{BiasVariance, BiasVarianceConfig, ModelFamily};
use sgdlab_core::implicit_reg::{ImplicitReg, ImplicitRegConfig, Quantity};
use sgdlab_core::mode_connectivity::{ModeConnectivity, ModeConnectivityConfig};
use sgdlab_web::registry;

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

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

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
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

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
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

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
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

/// Every number of a JSON value, in document order (objects by key).
fn numbers(value: &Value, out: &mut Vec<u64>) {
    match value {
        Value::Number(n) => out.push(n.as_f64().map_or(0, f64::to_bits)),
        Value::Array(items) => items.iter().for_each(|v| numbers(v, out)),
        Value::Object(map) => map.values().for_each(|v| numbers(v, out)),
        _ => {}
    }
}

/// The fingerprint of the JSON export of `link` (with `view=`) run to its
/// end through the registry, as `sgdlab link --format json` runs it.
fn export_fingerprint(link: &str) -> u64 {
    let (mut widget, errors) = registry::open_link(link).unwrap();
    assert!(errors.is_empty(), "{link}: {errors:?}");
    widget.step(widget.default_steps());
    assert!(widget.finished());
    let mut bits = Vec::new();
    numbers(&widget.export_json(), &mut bits);
    assert!(bits.len() > 20, "{link}");
    fingerprint(bits)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_three_widgets_export_bit_identical_figures() {
    let fingerprints = [
        "view=implicit-reg&m=logistic&n=12&b=3&lr=0.3&replicas=150&seed=8",
        "view=bias-variance&model=poly&sets=30&n=20&noise=0.4&degree=5&test=300&seed=5",
        "view=mode-connectivity&data=circles&n=120&epochs=4&bend=60&points=7&hidden=8,8&seed=9",
    ]
    .map(export_fingerprint);
    assert_eq!(fingerprints, WIDGET_EXPORTS);
}

const IMPLICIT_REG: u64 = 6356517393540644084;
const BIAS_VARIANCE: u64 = 11548949092022413191;
const MODE_CONNECTIVITY: u64 = 2209896858131972376;
const WIDGET_EXPORTS: [u64; 3] = [
    10840541271233855580,
    14659736512387919997,
    14744907815887550282,
];
