//! The GPU trainer against the CPU path, natively (Mesa's lavapipe in CI:
//! `apt-get install -y mesa-vulkan-drivers`).
//!
//! The CPU reference is built here from `sgdlab_core` alone: the MLP's
//! forward and backward through `autograd::Graph`, the optimizers from
//! `optim::registry`, the data and the seeded shuffles from `data`. Both
//! backends start from the same weights and see the same minibatches; the
//! full-batch training loss after every epoch must agree within 1e-3
//! relative for 20 epochs, and the final accuracy within 2 points.
//!
//! The optimizer cases run on the trainer's default kernel (the tiles this
//! device's limits allow); `every_matmul_kernel_and_tile_matches_the_cpu`
//! repeats some on the naive kernel and on each tile forced, and on a
//! device with WebGPU's default limits (what a browser gets). The kernels
//! alone are checked against an f64 product on odd shapes.

use serde_json::{Value, json};
use sgdlab_core::SeededRng;
use sgdlab_core::autograd::{Graph, Tensor, Var};
use sgdlab_core::data::sampler::{MinibatchSampler, SamplerConfig};
use sgdlab_core::data::{Dataset, DatasetConfig, DatasetKind};
use sgdlab_core::optim::adam::AdamConfig;
use sgdlab_core::optim::{Optimizer, StepInput, registry};
use sgdlab_gpu::matmul::{MatmulShape, matmul};
use sgdlab_gpu::{
    Activation, Examples, GpuContext, GpuError, GpuOptimizer, MatmulKernel, MlpSpec, MlpTrainer,
    Split, TileConfig, TilePlan, TrainerSetup, Transpose,
};

const EPOCHS: u64 = 20;
const LOSS_TOLERANCE: f64 = 1e-3;
const ACCURACY_TOLERANCE: f64 = 0.02;

fn context() -> GpuContext {
    pollster::block_on(GpuContext::request()).unwrap_or_else(|e| {
        panic!(
            "{e}; natively the GPU tests need Vulkan, e.g. `apt-get install mesa-vulkan-drivers`"
        )
    })
}

/// A device on the same adapter with only WebGPU's default limits, as a
/// page gets from `requestDevice()` without asking for more.
fn default_limits_context() -> GpuContext {
    pollster::block_on(async {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions::default())
            .await
            .expect("a Vulkan adapter (mesa-vulkan-drivers)");
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("default limits"),
                required_limits: wgpu::Limits::defaults(),
                ..Default::default()
            })
            .await
            .expect("a device with WebGPU's default limits");
        GpuContext::from_device(device, queue)
    })
}

/// The kernels and tiles every product check runs on: the naive kernel,
/// each tile forced, and the plan this device's limits give (which picks
/// a variant per shape).
fn kernels(context: &GpuContext) -> Vec<MatmulKernel> {
    vec![
        MatmulKernel::Naive,
        MatmulKernel::Tiled(TilePlan::only(TileConfig::FALLBACK)),
        MatmulKernel::Tiled(TilePlan::only(TileConfig::LARGE)),
        MatmulKernel::for_limits(&context.device.limits()).unwrap(),
    ]
}

/// He-style initial weights (N(0, 2/fan_in)) and zero biases, from the
/// seed's `"init"` stream, in the flat layout both backends use.
fn initial_params(spec: &MlpSpec, seed: u64) -> Vec<f32> {
    let mut rng = SeededRng::derive(seed, "init");
    let mut params = vec![0.0_f32; spec.param_count()];
    for layer in spec.layers() {
        let scale = (2.0 / layer.fan_in as f64).sqrt();
        for w in &mut params[layer.weights] {
            *w = (scale * rng.normal()) as f32;
        }
    }
    params
}

/// The MLP on the CPU, through autograd.
struct CpuMlp<'a> {
    spec: &'a MlpSpec,
    features: Vec<f32>,
    labels: &'a [usize],
}

impl CpuMlp<'_> {
    /// Records the forward pass on `rows`; returns the logits, the loss and
    /// the parameter variables in flat order (W₁, b₁, W₂, …).
    fn forward(
        &self,
        graph: &mut Graph<f32>,
        params: &[f32],
        rows: &[usize],
    ) -> (Var, Var, Vec<Var>) {
        let inputs = self.spec.inputs;
        let x: Vec<f32> = rows
            .iter()
            .flat_map(|&i| self.features[i * inputs..(i + 1) * inputs].iter().copied())
            .collect();
        let labels: Vec<usize> = rows.iter().map(|&i| self.labels[i]).collect();
        let mut h = graph.input(Tensor::from_vec(rows.len(), inputs, x).unwrap());
        let layers = self.spec.layers();
        let mut vars = Vec::new();
        for (l, layer) in layers.iter().enumerate() {
            let w = Tensor::from_vec(
                layer.fan_in,
                layer.fan_out,
                params[layer.weights.clone()].to_vec(),
            );
            let w = graph.param(w.unwrap());
            let b = graph.param(Tensor::row_vector(params[layer.bias.clone()].to_vec()));
            vars.extend([w, b]);
            h = graph.matmul(h, w);
            h = graph.add_row(h, b);
            if l + 1 < layers.len() {
                h = match self.spec.activation {
                    Activation::Relu => graph.relu(h),
                    Activation::Tanh => graph.tanh(h),
                    Activation::Sigmoid => graph.sigmoid(h),
                };
            }
        }
        let loss = graph.softmax_cross_entropy(h, &labels);
        (h, loss, vars)
    }

    /// The minibatch loss and its gradient as one flat vector.
    fn loss_and_gradient(&self, params: &[f32], rows: &[usize]) -> (f32, Vec<f32>) {
        let mut graph = Graph::new();
        let (_, loss, vars) = self.forward(&mut graph, params, rows);
        let grads = graph.backward(loss);
        let flat = vars
            .iter()
            .flat_map(|&v| grads.get(v).unwrap().data().to_vec())
            .collect();
        (graph.value(loss).item(), flat)
    }

    /// Mean loss and accuracy over every example.
    fn evaluate(&self, params: &[f32]) -> (f64, f64) {
        let rows: Vec<usize> = (0..self.labels.len()).collect();
        let mut graph = Graph::new();
        let (logits, loss, _) = self.forward(&mut graph, params, &rows);
        let logits = graph.value(logits);
        let correct = rows
            .iter()
            .filter(|&&i| {
                let row = logits.row(i);
                let predicted =
                    (1..row.len()).fold(0, |best, c| if row[c] > row[best] { c } else { best });
                predicted == self.labels[i]
            })
            .count();
        (
            f64::from(graph.value(loss).item()),
            correct as f64 / rows.len() as f64,
        )
    }
}

/// The CPU side of a parity run: one optimizer step on the flat parameters.
type CpuStep = Box<dyn FnMut(&mut [f32], &[f32])>;

/// One training run on both backends.
struct Case {
    label: String,
    dataset: DatasetKind,
    activation: Activation,
    hidden: Vec<usize>,
    cpu_step: CpuStep,
    gpu_optimizer: GpuOptimizer,
    kernel: MatmulKernel,
}

impl Case {
    /// `optimizer` from sgdlab-core's registry on the CPU, and the GPU
    /// kernel for its resolved config, on a 2-16-12-c network.
    fn core(
        dataset: DatasetKind,
        activation: Activation,
        optimizer: &str,
        config: &Value,
        kernel: MatmulKernel,
    ) -> Self {
        let mut cpu: Box<dyn Optimizer<f32>> = registry::build(optimizer, config.clone()).unwrap();
        let gpu_optimizer = GpuOptimizer::from_config(optimizer, cpu.config()).unwrap();
        Self {
            label: format!("{dataset} / {activation:?} / {optimizer} {config} / {kernel:?}"),
            dataset,
            activation,
            hidden: vec![16, 12],
            cpu_step: Box::new(move |params, grad| {
                cpu.step(params, &StepInput::gradient(grad)).unwrap();
            }),
            gpu_optimizer,
            kernel,
        }
    }
}

fn data(dataset: DatasetKind) -> Dataset {
    DatasetConfig {
        dataset,
        samples: 400,
        noise: 0.1,
        seed: 7,
        ..DatasetConfig::default()
    }
    .generate_split()
    .unwrap()
    .train
}

/// Trains the same network on both backends and compares them epoch by epoch.
fn check_parity(context: &GpuContext, case: Case) {
    let Case {
        label,
        dataset,
        activation,
        hidden,
        mut cpu_step,
        gpu_optimizer,
        kernel,
    } = case;
    let train = data(dataset);
    let spec = MlpSpec {
        inputs: 2,
        hidden,
        classes: dataset.classes(),
        activation,
    };
    // 30 does not divide the 320 training examples: the last batch is short.
    let sampler_config = SamplerConfig {
        batch_size: 30,
        ..SamplerConfig::default()
    };
    let sampler = MinibatchSampler::new(sampler_config, train.len(), 11).unwrap();
    let mut params = initial_params(&spec, 3);
    let cpu = CpuMlp {
        spec: &spec,
        features: train.features_f32(),
        labels: &train.labels,
    };
    let mut gpu = MlpTrainer::with_kernel(
        context,
        TrainerSetup {
            spec: spec.clone(),
            initial_params: &params,
            train: Examples {
                features: &cpu.features,
                labels: &train.labels,
            },
            test: None,
            optimizer: gpu_optimizer,
            max_batch: 30,
        },
        kernel,
    )
    .unwrap();
    assert_eq!(gpu.matmul_kernel(), &kernel);

    let (mut cpu_accuracy, mut gpu_accuracy) = (0.0, 0.0);
    for epoch in 0..=EPOCHS {
        if epoch > 0 {
            let mut batch_loss_sum = 0.0;
            for batch in sampler.epoch_batches(epoch - 1) {
                let (loss, grad) = cpu.loss_and_gradient(&params, &batch);
                batch_loss_sum += f64::from(loss) * batch.len() as f64;
                cpu_step(&mut params, &grad);
            }
            gpu.train_epoch(&sampler, epoch - 1).unwrap();
            // The running training loss accumulated on the GPU over the epoch.
            let running = gpu.read_training_metrics().wait(context).unwrap();
            let cpu_running = batch_loss_sum / train.len() as f64;
            assert_eq!(running.examples as usize, train.len(), "{label}");
            let gap = (running.loss - cpu_running).abs() / cpu_running;
            assert!(
                gap <= LOSS_TOLERANCE,
                "{label}: epoch {epoch} running loss GPU {} vs CPU {cpu_running} ({gap:.2e} relative)",
                running.loss
            );
        }
        let (cpu_loss, accuracy) = cpu.evaluate(&params);
        let metrics = gpu.evaluate(Split::Train).unwrap().wait(context).unwrap();
        let gap = (metrics.loss - cpu_loss).abs() / cpu_loss;
        assert!(
            gap <= LOSS_TOLERANCE,
            "{label}: epoch {epoch} loss GPU {} vs CPU {cpu_loss} ({gap:.2e} relative)",
            metrics.loss
        );
        (cpu_accuracy, gpu_accuracy) = (accuracy, metrics.accuracy);
    }
    assert!(
        (cpu_accuracy - gpu_accuracy).abs() <= ACCURACY_TOLERANCE,
        "{label}: final accuracy GPU {gpu_accuracy} vs CPU {cpu_accuracy}"
    );
    assert_eq!(
        gpu.steps_taken(),
        EPOCHS * sampler.batches_per_epoch() as u64
    );
    // Training did something: the loss fell from where it started.
    let final_loss = cpu.evaluate(&params).0;
    let initial_loss = cpu.evaluate(&initial_params(&spec, 3)).0;
    assert!(
        final_loss < initial_loss,
        "{label}: {initial_loss} → {final_loss}"
    );
}

/// Every config on moons (relu) and blobs (tanh), on the default kernel.
fn run_cases(optimizer: &'static str, configs: &[Value]) {
    let context = context();
    let kernel = MatmulKernel::for_limits(&context.device.limits()).unwrap();
    let datasets = [
        (DatasetKind::Moons, Activation::Relu),
        (DatasetKind::Blobs, Activation::Tanh),
    ];
    for config in configs {
        for (dataset, activation) in datasets {
            check_parity(
                &context,
                Case::core(dataset, activation, optimizer, config, kernel),
            );
        }
    }
}

#[test]
fn sgd_plain_momentum_and_nesterov_match_the_cpu() {
    run_cases(
        "sgd",
        &[
            json!({"lr": 0.1}),
            json!({"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 1e-3}),
            json!({"lr": 0.05, "momentum": 0.9, "nesterov": true}),
        ],
    );
}

#[test]
fn adam_adamw_and_amsgrad_match_the_cpu() {
    run_cases(
        "adam",
        &[
            json!({"lr": 0.01}),
            json!({"lr": 0.01, "amsgrad": true, "weight_decay": 1e-3}),
        ],
    );
    run_cases("adamw", &[json!({"lr": 0.01, "weight_decay": 0.05})]);
}

#[test]
fn rmsprop_matches_the_cpu() {
    run_cases(
        "rmsprop",
        &[
            json!({"lr": 0.003}),
            json!({"lr": 0.002, "centered": true, "momentum": 0.5, "weight_decay": 1e-3}),
        ],
    );
}

#[test]
fn adagrad_matches_the_cpu() {
    run_cases(
        "adagrad",
        &[json!({"lr": 0.05, "lr_decay": 0.01, "initial_accumulator_value": 0.1})],
    );
}

#[test]
fn sigmoid_on_spirals_matches_the_cpu() {
    let context = context();
    let kernel = MatmulKernel::for_limits(&context.device.limits()).unwrap();
    check_parity(
        &context,
        Case::core(
            DatasetKind::Spirals,
            Activation::Sigmoid,
            "adam",
            &json!({"lr": 0.02}),
            kernel,
        ),
    );
}

#[test]
fn every_matmul_kernel_and_tile_matches_the_cpu() {
    let context = context();
    let cases = [
        (
            DatasetKind::Moons,
            Activation::Relu,
            "adam",
            json!({"lr": 0.01}),
        ),
        (
            DatasetKind::Spirals,
            Activation::Tanh,
            "sgd",
            json!({"lr": 0.05, "momentum": 0.9}),
        ),
    ];
    for kernel in kernels(&context) {
        for (dataset, activation, optimizer, config) in &cases {
            // Layers wider than the fallback tile, and not multiples of it.
            let mut case = Case::core(*dataset, *activation, optimizer, config, kernel);
            case.hidden = vec![70, 33];
            check_parity(&context, case);
        }
    }
    // What a browser gets: WebGPU's default limits, so no large tile.
    let browser = default_limits_context();
    let default = MatmulKernel::for_limits(&browser.device.limits()).unwrap();
    let MatmulKernel::Tiled(plan) = default else {
        panic!("the default kernel is the tiled one, got {default:?}");
    };
    assert_eq!(plan.large, None);
    let fallback = MatmulKernel::Tiled(TilePlan::only(TileConfig::FALLBACK));
    let (dataset, activation, optimizer, config) = &cases[0];
    for kernel in [default, fallback] {
        let mut case = Case::core(*dataset, *activation, optimizer, config, kernel);
        case.hidden = vec![70, 33];
        check_parity(&browser, case);
    }
}

/// Adam without bias correction on the CPU, θ ← θ − η·m/(√v + ε), written
/// out here (sgdlab-core may not have the switch) with the kernel's f32
/// operations: m ← m + (1 − β₁)(g − m), v ← β₂v + (1 − β₂)g², the
/// constants formed in f64 and rounded once, as the GPU gets them.
fn uncorrected_adam(config: &AdamConfig) -> CpuStep {
    let neg_lr = -config.lr as f32;
    let one_minus_beta1 = (1.0 - config.beta1) as f32;
    let one_minus_beta2 = (1.0 - config.beta2) as f32;
    let beta2 = config.beta2 as f32;
    let eps = config.eps as f32;
    let (mut m, mut v) = (Vec::new(), Vec::new());
    Box::new(move |params, grad| {
        m.resize(params.len(), 0.0_f32);
        v.resize(params.len(), 0.0_f32);
        for i in 0..params.len() {
            let g = grad[i];
            m[i] = one_minus_beta1.mul_add(g - m[i], m[i]);
            v[i] = (one_minus_beta2 * g).mul_add(g, v[i] * beta2);
            params[i] += neg_lr * m[i] / (v[i].sqrt() + eps);
        }
    })
}

#[test]
fn adam_without_bias_correction_matches_the_uncorrected_update() {
    let context = context();
    let kernel = MatmulKernel::for_limits(&context.device.limits()).unwrap();
    let config = AdamConfig {
        lr: 0.003,
        ..AdamConfig::default()
    };
    for (dataset, activation) in [
        (DatasetKind::Moons, Activation::Relu),
        (DatasetKind::Blobs, Activation::Tanh),
    ] {
        check_parity(
            &context,
            Case {
                label: format!("{dataset} / {activation:?} / adam, no bias correction"),
                dataset,
                activation,
                hidden: vec![16, 12],
                cpu_step: uncorrected_adam(&config),
                gpu_optimizer: GpuOptimizer::Adam {
                    config: config.clone(),
                    bias_correction: false,
                },
                kernel,
            },
        );
    }
    // Through the JSON config, once sgdlab-core's Adam has the key: then the
    // CPU's own uncorrected Adam is the reference.
    let json = json!({"lr": 0.003, "bias_correction": false});
    if registry::build::<f32>("adam", json.clone()).is_ok() {
        check_parity(
            &context,
            Case::core(DatasetKind::Moons, Activation::Relu, "adam", &json, kernel),
        );
    }
}

/// C = op(A)·op(B) in f64 on the CPU, for row-major A and B as stored.
fn cpu_matmul(a: &[f32], b: &[f32], shape: MatmulShape) -> (Vec<f64>, Vec<f64>) {
    let MatmulShape {
        rows,
        inner,
        cols,
        transpose,
    } = shape;
    let a_at = |r: usize, k: usize| match transpose {
        Transpose::A => a[k * rows + r],
        _ => a[r * inner + k],
    };
    let b_at = |k: usize, c: usize| match transpose {
        Transpose::B => b[c * inner + k],
        _ => b[k * cols + c],
    };
    let mut product = vec![0.0; rows * cols];
    let mut magnitude = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            for k in 0..inner {
                let term = f64::from(a_at(r, k)) * f64::from(b_at(k, c));
                product[r * cols + c] += term;
                magnitude[r * cols + c] += term.abs();
            }
        }
    }
    (product, magnitude)
}

#[test]
fn every_matmul_kernel_matches_an_f64_product_on_shapes_that_are_not_multiples_of_the_tile() {
    let context = context();
    let mut rng = SeededRng::derive(5, "matmul");
    let shapes = [
        (1, 1, 1),
        (3, 5, 7),
        (17, 33, 65),
        (129, 1, 257),
        (2, 100, 15),
        (31, 47, 3),
        (33, 17, 1),
        (64, 16, 48),
        (128, 32, 128),
        (130, 70, 131),
    ];
    // Big enough that the device's own plan picks the fallback tile (45 of
    // them) and the large tile (17×9) rather than the naive kernel; run on
    // that plan only, since they take a while on a software adapter.
    let plan_shapes = [(520, 5, 260), (2049, 3, 1025)];
    let plan = MatmulKernel::for_limits(&context.device.limits()).unwrap();
    for kernel in kernels(&context) {
        let extra = if kernel == plan {
            &plan_shapes[..]
        } else {
            &[]
        };
        for &(rows, inner, cols) in shapes.iter().chain(extra) {
            for transpose in [Transpose::None, Transpose::A, Transpose::B] {
                let shape = MatmulShape {
                    rows,
                    inner,
                    cols,
                    transpose,
                };
                let a: Vec<f32> = (0..rows * inner).map(|_| rng.normal() as f32).collect();
                let b: Vec<f32> = (0..inner * cols).map(|_| rng.normal() as f32).collect();
                let gpu = matmul(&context, &kernel, &a, &b, shape)
                    .unwrap()
                    .wait(&context)
                    .unwrap();
                let (cpu, magnitude) = cpu_matmul(&a, &b, shape);
                assert_eq!(gpu.len(), rows * cols);
                for (i, ((&g, &c), &m)) in gpu.iter().zip(&cpu).zip(&magnitude).enumerate() {
                    // f32 accumulation: error bounded by a few ulps of Σ|aᵢbᵢ|.
                    assert!(
                        (f64::from(g) - c).abs() <= 1e-6 * m * inner as f64 + 1e-30,
                        "{kernel:?} {shape:?} C[{}, {}]: GPU {g} vs CPU {c}",
                        i / cols,
                        i % cols
                    );
                }
            }
        }
    }
}

#[test]
fn a_tile_the_device_cannot_hold_is_refused_with_its_limits() {
    let browser = default_limits_context();
    let large = MatmulKernel::Tiled(TilePlan::only(TileConfig::LARGE));
    let shape = MatmulShape {
        rows: 2,
        inner: 2,
        cols: 2,
        transpose: Transpose::None,
    };
    let message = matmul(&browser, &large, &[1.0; 4], &[1.0; 4], shape)
        .err()
        .unwrap()
        .to_string();
    assert_eq!(
        message,
        "the GPU device is too small for the trainer: a 128×128 tile needs 16896 bytes of \
         workgroup memory; the device allows 16384"
    );
}

#[test]
fn the_readback_can_be_collected_without_blocking() {
    let context = context();
    let train = data(DatasetKind::Moons);
    let spec = MlpSpec {
        inputs: 2,
        hidden: vec![8],
        classes: 2,
        activation: Activation::Relu,
    };
    let params = initial_params(&spec, 1);
    let features = train.features_f32();
    let mut trainer = MlpTrainer::new(
        &context,
        TrainerSetup {
            spec: spec.clone(),
            initial_params: &params,
            train: Examples {
                features: &features,
                labels: &train.labels,
            },
            test: None,
            optimizer: GpuOptimizer::from_config("sgd", json!({"lr": 0.1})).unwrap(),
            max_batch: 16,
        },
    )
    .unwrap();
    for k in 0..5 {
        let batch: Vec<usize> = (k * 16..(k + 1) * 16).collect();
        trainer.step(&batch).unwrap();
    }
    let mut pending = trainer.read_training_metrics();
    let metrics = loop {
        if let Some(result) = pending.try_take(&context) {
            break result.unwrap();
        }
        std::thread::yield_now();
    };
    assert_eq!(metrics.examples, 80);
    assert!(metrics.loss.is_finite() && metrics.loss > 0.0);
    // Reading reset the accumulator.
    let empty = trainer.read_training_metrics().wait(&context).unwrap();
    assert_eq!(empty.examples, 0);
    // Five steps moved the parameters, and read_params sees it.
    let now = trainer.read_params().wait(&context).unwrap();
    assert_eq!(now.len(), params.len());
    assert!(now.iter().zip(&params).any(|(a, b)| a != b));
}

#[test]
fn bad_input_is_a_typed_error_that_says_what_is_allowed() {
    let context = context();
    let spec = MlpSpec {
        inputs: 2,
        hidden: vec![4],
        classes: 2,
        activation: Activation::Tanh,
    };
    let params = initial_params(&spec, 1);
    let features = [0.0_f32, 1.0, 1.0, 0.0, 0.5, 0.5];
    let setup = |labels: &'static [usize], params: &[f32], max_batch| {
        MlpTrainer::new(
            &context,
            TrainerSetup {
                spec: spec.clone(),
                initial_params: params,
                train: Examples {
                    features: &features,
                    labels,
                },
                test: None,
                optimizer: GpuOptimizer::from_config("adam", json!({})).unwrap(),
                max_batch,
            },
        )
    };
    let message = |result: Result<MlpTrainer, GpuError>| result.err().unwrap().to_string();
    assert_eq!(
        message(setup(&[0, 1, 2], &params, 2)),
        "label 2 in the training set is not a class; allowed: 0 to 1"
    );
    assert_eq!(
        message(setup(&[0, 1, 1], &params[1..], 2)),
        format!(
            "the network has {} parameters, got {} initial values",
            params.len(),
            params.len() - 1
        )
    );
    assert!(message(setup(&[0, 1, 1], &params, 4)).contains("allowed: 1 to 3"));

    let mut trainer = setup(&[0, 1, 1], &params, 2).unwrap();
    let err = trainer.step(&[0, 3]).unwrap_err().to_string();
    assert_eq!(
        err,
        "example 3 does not exist; the training set has 3 examples"
    );
    let err = trainer
        .train_batches(&[vec![0, 1], vec![0, 1, 2]])
        .unwrap_err();
    assert!(err.to_string().contains("allowed: 1 to 2"), "{err}");
    assert_eq!(
        trainer.steps_taken(),
        0,
        "a bad batch must not start the epoch"
    );
    assert_eq!(
        trainer.evaluate(Split::Test).err(),
        Some(GpuError::NoTestSet)
    );
}
