//! Every claim that lesson 8 (www/lessons/08-batch-size.md) makes about what
//! its widgets show, checked by running the links written in the lesson
//! file itself. Change a link or a number in the lesson and this fails.

mod common;

use common::{LessonFile, number, numbers, racer_points, round, run, run_shared, steps_to};
use serde_json::Value;
use sgdlab_core::train::Trainer;
use sgdlab_core::train::lab::{Backend, LabConfig};

fn lesson() -> LessonFile {
    LessonFile::open("08-batch-size.md")
}

// ---- the landscape ----

/// (x, y, loss) at every step of each racer of a landscape link.
fn landscape(link: &str, steps: u64) -> Vec<Vec<[f64; 3]>> {
    let export = run("landscape", link, steps);
    export["racers"]
        .as_array()
        .expect("racers")
        .iter()
        .map(racer_points)
        .collect()
}

/// The ravine's curvatures across (x) and along (y): 2·18 and 2·0.18.
const ACROSS: f64 = 36.0;
const ALONG: f64 = 0.36;
const ALPHA: f64 = 0.01;

#[test]
fn five_small_steps_and_one_stale_step_agree_along_the_valley_but_not_across() {
    let link = lesson().widget_link("stale");
    let racers = landscape(&link, 5);
    let (small, big) = (&racers[0], &racers[1]);
    assert_eq!((small[0][0], small[0][1]), (-2.5, 2.0));
    let [x5, y5, _] = small[5];
    let [x1, y1, _] = big[1];
    assert_eq!((round(y5, 5), round(y1, 5)), (1.96426, 1.964));
    assert_eq!(round(x5, 3), -0.268, "still on the starting side");
    assert_eq!(round(x1, 9), 2.0, "the batch step lands on the far wall");
    // The factors of the closed form: (1 − αλ)^5 against 1 − 5αλ.
    assert_eq!(round(y5 / 2.0, 5), round((1.0 - ALPHA * ALONG).powi(5), 5));
    assert_eq!(round(y5 / 2.0, 5), 0.98213);
    assert_eq!(round(y1 / 2.0, 9), 0.982);
    assert_eq!(round(x5 / -2.5, 3), 0.107);
    assert_eq!(round(x1 / -2.5, 9), -0.8);
    assert_eq!(round((1.0 - ALPHA * ACROSS).powi(5), 3), 0.107);
}

#[test]
fn question_1_five_is_the_largest_k_that_still_converges() {
    for k in [5.0, 6.0] {
        let factor = 1.0 - k * ALPHA * ACROSS;
        assert_eq!(factor.abs() < 1.0, k == 5.0, "K = {k}");
    }
    let racers = landscape(&lesson().widget_link("stale"), 300);
    assert_eq!(steps_to(&racers[1], 1e-3), Some(182), "K = 5 zig-zags down");
    let link = lesson().answer_link(1);
    let racers = landscape(&link, 100);
    let (k6, small) = (&racers[1], &racers[0]);
    assert_eq!(round(k6[1][0] / k6[0][0], 9), -1.16);
    assert!(k6[100][2] > 1e6 * k6[0][2], "K = 6 diverges");
    assert!(small[100][2] < small[0][2] / 100.0, "B = 1 glides down");
}

// ---- the training lab ----

/// One racer of the lab's JSON export.
struct Racer {
    label: String,
    batch: u64,
    lr: f64,
    warmup: u64,
    lr_by_epoch: Vec<f64>,
    /// (step, epoch, examples, train loss, train accuracy).
    curves: Vec<(u64, f64, u64, f64, f64)>,
    /// (layer, ‖w‖, ‖∇L‖, ‖w‖/‖∇L‖).
    norms: Vec<(String, f64, f64, f64)>,
}

impl Racer {
    fn loss_at_epoch(&self, epoch: u64) -> f64 {
        self.curves
            .iter()
            .find(|c| c.1 == epoch as f64)
            .unwrap_or_else(|| panic!("{}: no point at epoch {epoch}", self.label))
            .3
    }

    fn loss_at_step(&self, step: u64) -> f64 {
        self.curves
            .iter()
            .find(|c| c.0 == step)
            .unwrap_or_else(|| panic!("{}: no point at step {step}", self.label))
            .3
    }

    fn end(&self) -> (u64, f64, u64, f64, f64) {
        *self.curves.last().unwrap()
    }

    fn norm(&self, layer: &str) -> (f64, f64, f64) {
        let (_, w, g, ratio) = self
            .norms
            .iter()
            .find(|n| n.0 == layer)
            .unwrap_or_else(|| panic!("no layer {layer}"));
        (*w, *g, *ratio)
    }
}

fn racers(export: &Value) -> Vec<Racer> {
    export["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|run| Racer {
            label: run["label"].as_str().unwrap().to_string(),
            batch: run["batch"].as_u64().unwrap(),
            lr: number(&run["lr"]),
            warmup: run["warmup"].as_u64().unwrap(),
            lr_by_epoch: numbers(&run["lr_by_epoch"]),
            curves: run["curves"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["step"].as_u64().unwrap(),
                        number(&c["epoch"]),
                        c["examples"].as_u64().unwrap(),
                        number(&c["train_loss"]),
                        number(&c["train_acc"]),
                    )
                })
                .collect(),
            norms: run["norms"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    (
                        n["name"].as_str().unwrap().to_string(),
                        number(&n["weight_norm"]),
                        number(&n["grad_norm"]),
                        number(&n["trust_ratio"]),
                    )
                })
                .collect(),
        })
        .collect()
}

/// Steps enough for every racer of the lesson's links: 8 epochs of the
/// baseline's 64 batches.
const FULL: u64 = 512;

/// The export of a training link run to its end, computed once per link.
fn trained(link: &str) -> Value {
    run_shared("training", link, FULL, link)
}

fn trained_racers(link: &str) -> Vec<Racer> {
    racers(&trained(link))
}

/// A third of the points right: one class for all.
fn one_class(accuracy: f64) -> bool {
    (accuracy - 1.0 / 3.0).abs() < 0.01
}

#[test]
fn every_training_link_of_the_lesson_trains_on_the_cpu_as_the_prose_says() {
    let lesson = lesson();
    let links = lesson
        .widgets()
        .iter()
        .filter(|w| w.view == "training")
        .map(|w| w.link.clone())
        .chain(
            lesson
                .tries()
                .iter()
                .filter(|t| t.widget != "stale")
                .map(|t| t.link.clone()),
        );
    let mut count = 0;
    for link in links {
        let (lab, errors) = LabConfig::decode(&link, &LabConfig::default());
        assert!(errors.is_empty(), "{link}: {errors:?}");
        assert_eq!(lab.backend, Backend::Cpu, "{link}");
        count += 1;
    }
    assert_eq!(count, 7);
}

#[test]
fn the_scaling_widget_scales_each_rate_from_batch_8() {
    let racers = racers(&run("training", &lesson().widget_link("scaling"), 0));
    let settings: Vec<(u64, f64, u64)> = racers.iter().map(|r| (r.batch, r.lr, r.warmup)).collect();
    assert_eq!(
        settings,
        [(8, 0.2, 0), (32, 0.8, 0), (128, 3.2, 0), (128, 3.2, 3)]
    );
    assert_eq!(
        racers[2].label,
        "sgd (lr 0.2·128/8 = 3.2, B 128, no warm-up)"
    );
    assert_eq!(
        racers[3].label,
        "sgd (lr 0.2·128/8 = 3.2, B 128, warm-up 3)"
    );
    for racer in &racers {
        assert_eq!(round(racer.curves[0].3, 2), 0.96, "one start for all");
    }
}

#[test]
fn at_k_4_the_curves_lie_on_top_of_each_other() {
    let racers = trained_racers(&lesson().widget_link("scaling"));
    let (base, k4) = (&racers[0], &racers[1]);
    assert_eq!(
        (
            round(k4.loss_at_epoch(1), 4),
            round(base.loss_at_epoch(1), 4)
        ),
        (0.0141, 0.0162)
    );
    assert_eq!(
        (round(k4.end().3, 4), round(base.end().3, 4)),
        (0.0044, 0.0048)
    );
    for epoch in 1..=8 {
        let (a, b) = (base.loss_at_epoch(epoch), k4.loss_at_epoch(epoch));
        assert!((a - b).abs() / a < 0.13, "epoch {epoch}: {a} vs {b}");
    }
}

#[test]
fn at_k_16_without_warm_up_the_network_blows_up_and_never_recovers() {
    let racers = trained_racers(&lesson().widget_link("scaling"));
    let cold = &racers[2];
    assert_eq!(round(cold.loss_at_epoch(0), 2), 0.96);
    assert_eq!(round(cold.loss_at_epoch(1), 0), 81.0);
    let (_, epoch, _, loss, accuracy) = cold.end();
    assert_eq!((epoch, round(loss, 3)), (8.0, 1.099));
    assert_eq!(round(3f64.ln(), 3), 1.099);
    assert!(one_class(accuracy), "{accuracy}");
}

#[test]
fn warm_up_rescues_the_large_batch() {
    let racers = trained_racers(&lesson().widget_link("scaling"));
    let (base, warm) = (&racers[0], &racers[3]);
    let (_, _, _, loss, accuracy) = warm.end();
    assert_eq!(round(loss, 4), 0.0067);
    assert_eq!(accuracy, base.end().4);
    // The ramp starts at the reference rate, B₀/B = 1/16 of 3.2, and the
    // cosine then takes over.
    assert_eq!(warm.lr_by_epoch[0], 0.2);
    assert!(warm.lr_by_epoch.windows(2).take(3).all(|w| w[0] < w[1]));
    assert!(warm.lr_by_epoch.windows(2).skip(3).all(|w| w[0] > w[1]));
    assert_eq!(racers[2].lr_by_epoch[0], 3.2);
}

#[test]
fn the_schedule_plot_shows_the_rates_each_optimizer_was_given() {
    let link = lesson().widget_link("scaling");
    let before = racers(&run("training", &link, 0));
    let after = trained_racers(&link);
    let (lab, errors) = LabConfig::decode(&link, &LabConfig::default());
    assert!(errors.is_empty(), "{errors:?}");
    for (index, (planned, trained)) in before.iter().zip(&after).enumerate() {
        assert_eq!(
            planned.lr_by_epoch, trained.lr_by_epoch,
            "{}",
            planned.label
        );
        assert_eq!(planned.lr_by_epoch.len(), 8);
        // Every step of every epoch ran at the plotted rate.
        let mut trainer = Trainer::new(&lab.run_config(index)).unwrap();
        while !trainer.finished() {
            let epoch = trainer.epoch() as usize;
            assert_eq!(trainer.optimizer().lr(), planned.lr_by_epoch[epoch]);
            trainer.step().unwrap();
        }
    }
}

#[test]
fn question_2_the_warm_racers_first_epoch_is_the_unscaled_run() {
    let scaled = trained_racers(&lesson().widget_link("scaling"));
    let link = lesson().answer_link(2);
    assert!(!link.contains("scale="));
    let unscaled = trained_racers(&link);
    assert_eq!(
        unscaled.iter().map(|r| (r.batch, r.lr)).collect::<Vec<_>>(),
        [(8, 0.2), (32, 0.2), (128, 0.2)]
    );
    let first = unscaled[2].loss_at_epoch(1);
    assert_eq!(
        first,
        scaled[3].loss_at_epoch(1),
        "the same run, bit for bit"
    );
    assert_eq!(round(first, 3), 0.306);
    assert_eq!(
        unscaled
            .iter()
            .map(|r| round(r.end().3, 4))
            .collect::<Vec<_>>(),
        [0.0048, 0.0148, 0.0653]
    );
}

#[test]
fn against_steps_the_large_batches_finish_in_32_updates() {
    let link = lesson().try_link("Draw the curves against steps");
    let export = trained(&link);
    assert_eq!(export["x"], "steps");
    let racers = racers(&export);
    assert_eq!(
        racers.iter().map(|r| r.end().0).collect::<Vec<_>>(),
        [512, 128, 32, 32]
    );
    assert_eq!(round(racers[0].loss_at_step(32), 3), 0.036);
    assert_eq!(racers[0].curves.iter().find(|c| c.0 == 32).unwrap().1, 0.5);
    assert_eq!(round(racers[3].end().3, 4), 0.0067);
}

#[test]
fn against_examples_every_racer_sees_4096() {
    let link = lesson().try_link("Against examples seen");
    let export = trained(&link);
    assert_eq!(export["x"], "examples");
    for racer in racers(&export) {
        assert_eq!(racer.end().2, 4096, "{}", racer.label);
        for (step, epoch, examples, _, _) in &racer.curves {
            assert_eq!(*examples as f64, epoch * 512.0, "{}", racer.label);
            assert_eq!(*examples, step * racer.batch, "{}", racer.label);
        }
    }
}

#[test]
fn question_3_with_seed_1_the_cold_racer_limps_through() {
    let racers = trained_racers(&lesson().answer_link(3));
    let cold = &racers[2];
    assert_eq!(round(cold.loss_at_epoch(1), 0), 23.0);
    let (cold_end, warm_end) = (cold.end().3, racers[3].end().3);
    assert_eq!((round(cold_end, 3), round(warm_end, 4)), (0.074, 0.0094));
    assert_eq!(round(cold_end / warm_end, 0), 8.0);
    assert_eq!(
        (round(racers[0].end().3, 4), round(racers[1].end().3, 4)),
        (0.0077, 0.0076)
    );
}

#[test]
fn after_one_step_the_trust_ratios_span_more_than_a_hundred() {
    let link = lesson().widget_link("lars");
    let racers = racers(&run("training", &link, 1));
    let base = &racers[0];
    assert_eq!(base.label, "sgd (lr 0.2, B 8)");
    let ratio = |layer| base.norm(layer).2;
    assert_eq!(
        (
            round(ratio("b3"), 3),
            round(ratio("W1"), 1),
            round(ratio("W3"), 2)
        ),
        (0.354, 39.6, 1.47)
    );
    let ratios: Vec<f64> = base.norms.iter().map(|n| n.3).collect();
    let (low, high) = ratios
        .iter()
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &r| {
            (lo.min(r), hi.max(r))
        });
    assert_eq!((low, high), (ratio("b3"), ratio("W1")));
    assert!(high / low > 100.0);
}

#[test]
fn lars_first_step_moves_every_layer_by_two_percent() {
    let (lab, errors) = LabConfig::decode(&lesson().widget_link("lars"), &LabConfig::default());
    assert!(errors.is_empty(), "{errors:?}");
    let config = lab.run_config(2);
    assert_eq!(
        (config.optimizer.name.as_str(), config.batch_size),
        ("lars", 128)
    );
    let mut trainer = Trainer::new(&config).unwrap();
    let before = trainer.params().to_vec();
    trainer.step().unwrap();
    let norm = |v: &[f32]| v.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>().sqrt();
    for range in trainer.spec().layers() {
        let moved: Vec<f32> = range
            .clone()
            .map(|i| trainer.params()[i] - before[i])
            .collect();
        let share = norm(&moved) / norm(&before[range]);
        assert!((share - 0.02).abs() < 1e-5, "{share}");
    }
}

#[test]
fn lars_needs_no_warm_up_where_sgd_blows_up() {
    let racers = trained_racers(&lesson().widget_link("lars"));
    let (sgd, lars) = (&racers[1], &racers[2]);
    assert_eq!(
        (sgd.batch, sgd.lr, lars.batch, lars.lr),
        (128, 3.2, 128, 0.02)
    );
    assert!(sgd.loss_at_epoch(1) > 50.0);
    assert!(one_class(sgd.end().4));
    assert_eq!(round(lars.loss_at_epoch(1), 2), 0.16);
    assert!(lars.end().3 < 1e-4);
    assert_eq!(lars.end().4, 1.0);
}

#[test]
fn question_4_the_exploded_racer_has_no_gradient_but_at_its_output_bias() {
    let link = lesson().answer_link(4);
    let racers = trained_racers(&link);
    let dead = &racers[0];
    assert_eq!(dead.label, "sgd (lr 3.2, B 128)");
    for (layer, _, grad, ratio) in &dead.norms {
        if layer == "b3" {
            assert!(*grad > 0.0);
        } else {
            assert_eq!((*grad, *ratio), (0.0, 1.0), "{layer}");
        }
    }
}
