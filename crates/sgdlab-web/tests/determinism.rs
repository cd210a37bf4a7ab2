//! One seed, one result: the same computations natively and in wasm must give
//! bit-identical numbers. Each test fingerprints every bit of a result and
//! compares it with the same constant on both targets (the constants were
//! produced by a native run; `cargo test -p sgdlab-web --test determinism`
//! checks native, the wasm-bindgen-test run in Chromium checks wasm).

use sgdlab_core::SeededRng;
use sgdlab_core::autograd::{Graph, Tensor};
use sgdlab_core::data::DatasetConfig;
use sgdlab_core::data::sampler::{MinibatchSampler, SamplerConfig};
use sgdlab_core::optim::StepInput;
use sgdlab_core::optim::registry::build;
use sgdlab_core::playground::Playground;

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
fn landscape_paths_are_bit_identical() {
    let (mut playground, errors) = Playground::from_hash(
        "s=rastrigin&start=2.2,-1.7&o=adam,lr:0.05&o=sgd,lr:0.002,momentum:0.9,nesterov:true\
         &o=noisy_gd,lr:0.001,noise_std:3&o=nadam,lr:0.02&o=rmsprop,lr:0.01,centered:true&seed=11",
    );
    assert!(errors.is_empty(), "{errors:?}");
    playground.step(500);
    let bits = playground
        .racers()
        .iter()
        .flat_map(|r| r.path.points.iter())
        .flat_map(|p| [p.x.to_bits(), p.y.to_bits(), p.loss.to_bits()]);
    assert_eq!(fingerprint(bits), LANDSCAPE);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn data_shuffles_and_training_are_bit_identical() {
    let config = DatasetConfig {
        seed: 5,
        ..DatasetConfig::default()
    };
    let data = config.generate().unwrap();
    let sampler = MinibatchSampler::new(SamplerConfig::default(), data.len(), 5).unwrap();
    let batches = sampler.epoch_batches(0);

    // A 2-16-2 tanh MLP trained with Adam for one epoch in f32.
    let mut rng = SeededRng::derive(5, "init");
    let mut init = |rows: usize, cols: usize| {
        let scale = (1.0 / rows as f64).sqrt();
        Tensor::from_fn(rows, cols, |_, _| (rng.normal() * scale) as f32)
    };
    let mut params = vec![
        init(2, 16),
        Tensor::zeros(1, 16),
        init(16, 2),
        Tensor::zeros(1, 2),
    ];
    let mut optimizer = build::<f32>("adam", serde_json::json!({"lr": 0.01})).unwrap();
    let features = data.features_f32();
    let mut losses = Vec::new();
    for batch in &batches {
        let x: Vec<f32> = batch
            .iter()
            .flat_map(|&i| [features[2 * i], features[2 * i + 1]])
            .collect();
        let labels: Vec<usize> = batch.iter().map(|&i| data.labels[i]).collect();
        let mut graph = Graph::new();
        let input = graph.input(Tensor::from_vec(batch.len(), 2, x).unwrap());
        let vars: Vec<_> = params.iter().map(|p| graph.param(p.clone())).collect();
        let hidden = graph.matmul(input, vars[0]);
        let hidden = graph.add_row(hidden, vars[1]);
        let hidden = graph.tanh(hidden);
        let logits = graph.matmul(hidden, vars[2]);
        let logits = graph.add_row(logits, vars[3]);
        let loss = graph.softmax_cross_entropy(logits, &labels);
        losses.push(graph.value(loss).item());
        let grads = graph.backward(loss);
        let mut flat: Vec<f32> = params.iter().flat_map(|p| p.data().to_vec()).collect();
        let grad: Vec<f32> = vars
            .iter()
            .flat_map(|v| grads.get(*v).unwrap().data().to_vec())
            .collect();
        optimizer
            .step(&mut flat, &StepInput::gradient(&grad))
            .unwrap();
        let mut offset = 0;
        for p in &mut params {
            let n = p.len();
            p.data_mut().copy_from_slice(&flat[offset..offset + n]);
            offset += n;
        }
    }
    assert!(losses.last().unwrap() < losses.first().unwrap());
    let bits = data
        .features
        .iter()
        .flat_map(|f| [f[0].to_bits(), f[1].to_bits()])
        .chain(batches.iter().flatten().map(|&i| i as u64))
        .chain(losses.iter().map(|l| u64::from(l.to_bits())))
        .chain(params.iter().flat_map(|p| {
            p.data()
                .iter()
                .map(|v| u64::from(v.to_bits()))
                .collect::<Vec<_>>()
        }));
    assert_eq!(fingerprint(bits), TRAINING);
}

const LANDSCAPE: u64 = 6918737901668061649;
const TRAINING: u64 = 10822838281106439093;

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_training_lab_engine_is_bit_identical() {
    use sgdlab_core::train::{OptimizerChoice, TrainConfig, Trainer};
    let config = TrainConfig {
        hidden: vec![16, 16],
        epochs: 3,
        seed: 9,
        optimizer: OptimizerChoice::new("adam", serde_json::json!({"lr": 0.01})),
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(&config).unwrap();
    let mut bits = Vec::new();
    for _ in 0..3 {
        let loss = trainer.run_epoch().unwrap();
        let metrics = trainer.evaluate();
        bits.extend([
            loss.to_bits(),
            metrics.train_loss.to_bits(),
            metrics.train_acc.to_bits(),
        ]);
    }
    bits.extend(trainer.params().iter().map(|p| u64::from(p.to_bits())));
    assert_eq!(fingerprint(bits), TRAINER);
}

const TRAINER: u64 = 4992725595141979359;

/// Every widget of the registry, run from a link as `sgdlab link` and the
/// page run it: the text of its CSV and JSON exports (every number in
/// round-trip precision, so equal text means equal bits; the JSON adds the
/// stochastic view's gradient-noise panel).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_widget_exports_the_same_text() {
    use sgdlab_web::registry::open_link;
    use sgdlab_web::widget::json_text;
    let runs = [
        (
            "s=rastrigin&start=2.2,-1.7&o=adam,lr:0.05&o=nadam,lr:0.02&seed=11",
            300,
        ),
        (
            "view=stochastic&m=logistic&n=150&b=7&order=replacement&lr=0.8&mom=0.5&seed=9",
            200,
        ),
        (
            "view=training&d=moons&n=200&h=8,8&b=20&epochs=5&o=adam,lr:0.02&o=sgd,lr:0.2,momentum:0.9&seed=3&backend=cpu",
            50,
        ),
    ];
    let fingerprints: Vec<u64> = runs
        .iter()
        .map(|(link, steps)| {
            let (mut widget, errors) = open_link(link).unwrap();
            assert!(errors.is_empty(), "{link}: {errors:?}");
            widget.step(*steps);
            let text = widget.export_csv() + &json_text(&widget.export_json());
            fingerprint(text.bytes().map(u64::from))
        })
        .collect();
    assert_eq!(fingerprints, WIDGETS);
}

const WIDGETS: [u64; 3] = [
    15468315696625891080,
    11340319720368352166,
    1173304581935069160,
];
