//! The training lab's racers on the GPU against the CPU when each racer has
//! its own batch size (natively on Mesa's lavapipe; see `parity.rs`).
//!
//! The runs are the lab's own: [`LabConfig::run_config`] gives each racer's
//! settings (its batch, its rate scaled with the batch, its warm-up), the
//! CPU side is [`Trainer`], and the GPU side is built from that trainer the
//! way the page's GPU runs are (`sgdlab-web`'s `widgets/training/gpu.rs`):
//! the same data, initial weights, resolved optimizer settings, sampler of
//! the run's batch size and schedule stepped once per epoch. The training
//! loss after every epoch must agree within 1e-3 relative, and the final
//! accuracy within 2 points.

use sgdlab_core::data::sampler::MinibatchSampler;
use sgdlab_core::schedule::Schedule;
use sgdlab_core::train::Trainer;
use sgdlab_core::train::lab::LabConfig;
use sgdlab_gpu::{
    Activation, Examples, GpuContext, GpuOptimizer, MlpSpec, MlpTrainer, Split, TrainerSetup,
};

const LOSS_TOLERANCE: f64 = 1e-3;
const ACCURACY_TOLERANCE: f64 = 0.02;

fn context() -> GpuContext {
    pollster::block_on(GpuContext::request()).unwrap_or_else(|e| {
        panic!(
            "{e}; natively the GPU tests need Vulkan, e.g. `apt-get install mesa-vulkan-drivers`"
        )
    })
}

/// One racer's run on the GPU, mirroring the page's GPU run.
struct GpuTwin {
    trainer: MlpTrainer,
    sampler: MinibatchSampler,
    schedule: Schedule,
    rates: Vec<f64>,
}

impl GpuTwin {
    fn new(context: &GpuContext, cpu: &Trainer) -> Self {
        let config = cpu.config();
        let optimizer =
            GpuOptimizer::from_config(&config.optimizer.name, cpu.optimizer().config()).unwrap();
        let spec = cpu.spec();
        let features = cpu.train_set().features_f32();
        let mut trainer = MlpTrainer::new(
            context,
            TrainerSetup {
                spec: MlpSpec {
                    inputs: spec.inputs,
                    hidden: spec.hidden.clone(),
                    classes: spec.classes,
                    activation: Activation::from_name(spec.activation.name()).unwrap(),
                },
                initial_params: cpu.params(),
                train: Examples {
                    features: &features,
                    labels: &cpu.train_set().labels,
                },
                test: None,
                max_batch: config.batch_size,
                optimizer,
            },
        )
        .unwrap();
        let sampler = MinibatchSampler::with_labels(
            config.sampler_config(),
            &cpu.train_set().labels,
            config.seed,
        )
        .unwrap();
        // A copy of the CPU run's schedule, as the page's GPU run takes:
        // the CPU optimizer's rate already carries epoch 0's factor.
        let schedule = cpu.schedule().clone();
        trainer.set_lr(schedule.lr()).unwrap();
        Self {
            rates: vec![trainer.optimizer().lr()],
            trainer,
            sampler,
            schedule,
        }
    }

    fn run_epoch(&mut self, epoch: u64) {
        self.trainer
            .train_batches(&self.sampler.epoch_batches(epoch))
            .unwrap();
        self.schedule.step().unwrap();
        self.trainer.set_lr(self.schedule.lr()).unwrap();
        self.rates.push(self.trainer.optimizer().lr());
    }
}

/// Trains every racer of `link` for its epochs on both backends and compares
/// them epoch by epoch.
fn check_racers(link: &str, batches: &[usize]) {
    let (lab, errors) = LabConfig::decode(link, &LabConfig::default());
    assert!(errors.is_empty(), "{link}: {errors:?}");
    let context = context();
    for (index, &batch) in batches.iter().enumerate() {
        let config = lab.run_config(index);
        assert_eq!(config.batch_size, batch, "racer {index}'s own batch");
        let mut cpu = Trainer::new(&config).unwrap();
        let mut gpu = GpuTwin::new(&context, &cpu);
        let label = lab.racer_label(index);
        let (mut cpu_accuracy, mut gpu_accuracy) = (0.0, 0.0);
        for epoch in 0..=config.epochs as u64 {
            if epoch > 0 {
                cpu.run_epoch().unwrap();
                gpu.run_epoch(epoch - 1);
            }
            let cpu_metrics = cpu.evaluate();
            let gpu_metrics = gpu
                .trainer
                .evaluate(Split::Train)
                .unwrap()
                .wait(&context)
                .unwrap();
            let gap = (gpu_metrics.loss - cpu_metrics.train_loss).abs() / cpu_metrics.train_loss;
            assert!(
                gap <= LOSS_TOLERANCE,
                "{label}: epoch {epoch} loss GPU {} vs CPU {} ({gap:.2e} relative)",
                gpu_metrics.loss,
                cpu_metrics.train_loss
            );
            (cpu_accuracy, gpu_accuracy) = (cpu_metrics.train_acc, gpu_metrics.accuracy);
        }
        assert!(
            (cpu_accuracy - gpu_accuracy).abs() <= ACCURACY_TOLERANCE,
            "{label}: final accuracy GPU {gpu_accuracy} vs CPU {cpu_accuracy}"
        );
        let steps = config.epochs as u64 * cpu.batches_per_epoch() as u64;
        assert_eq!(gpu.trainer.steps_taken(), steps, "{label}");
        assert_eq!(cpu.steps(), steps, "{label}");
        // Both optimizers were given the same rate every epoch.
        assert_eq!(gpu.rates[..config.epochs], cpu.lr_by_epoch()[..], "{label}");
        assert!(cpu_accuracy > 0.8, "{label}: it learned ({cpu_accuracy})");
    }
}

#[test]
fn racers_with_different_batches_match_the_cpu_epoch_by_epoch() {
    // 320 training examples: batches of 12 leave a short last batch of 8;
    // 64 divides the set. The rates are scaled with the batch (B₀ = 16),
    // and the large-batch racer warms up from the reference rate.
    check_racers(
        "d=moons&n=400&noise=0.1&seed=3&h=16,12&act=relu&b=12&epochs=20&scale=16\
         &o=sgd,lr:0.05,momentum:0.9&o=sgd,lr:0.05,momentum:0.9,batch:64,warm:4",
        &[12, 64],
    );
}

#[test]
fn adam_racers_with_different_batches_match_the_cpu() {
    check_racers(
        "d=blobs&n=400&seed=5&h=16&act=tanh&b=8&epochs=20\
         &sched=step:step_size=8,gamma=0.5\
         &o=adam,lr:0.005&o=adam,lr:0.02,batch:100",
        &[8, 100],
    );
}
