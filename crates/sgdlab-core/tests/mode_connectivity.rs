//! The mode-connectivity engine: the curve removes the line's barrier, the
//! bend's gradient against finite differences, fixed endpoints, the plane,
//! and determinism.

use sgdlab_core::SeededRng;
use sgdlab_core::mode_connectivity::{
    ModeConnectivity, ModeConnectivityConfig, Phase, bend_loss_and_gradient, curve_point,
};
use sgdlab_core::train::{Activation, MlpSpec, Workspace};

fn run(config: &ModeConnectivityConfig) -> ModeConnectivity {
    let mut run = ModeConnectivity::new(config).unwrap();
    run.step(run.total_steps());
    assert!(
        run.finished() && run.stopped().is_none(),
        "{:?}",
        run.stopped()
    );
    run
}

#[test]
fn the_curve_removes_the_barrier_the_line_shows() {
    for seed in 0..4 {
        let config = ModeConnectivityConfig {
            seed,
            ..ModeConnectivityConfig::default()
        };
        let report = run(&config).report();
        let ends = report.endpoints[0]
            .train_loss
            .max(report.endpoints[1].train_loss);
        let (line, curve) = (report.line.unwrap(), report.curve.unwrap());
        // Both networks fit the data; the line between them does not.
        assert!(ends < 0.05, "seed {seed}: endpoints at {ends}");
        assert!(
            line.max_train_loss > 0.2 && line.max_train_loss > 10.0 * ends,
            "seed {seed}: the line peaks at {} (endpoints {ends})",
            line.max_train_loss
        );
        assert!(
            (0.2..=0.8).contains(&line.t_at_max),
            "seed {seed}: at t = {}",
            line.t_at_max
        );
        // The curve keeps less than a tenth of the line's rise.
        let kept = (curve.max_train_loss - ends) / (line.max_train_loss - ends);
        assert!(
            kept < 0.1 && curve.max_train_loss < ends + 0.03,
            "seed {seed}: curve {} vs line {} and endpoints {ends}",
            curve.max_train_loss,
            line.max_train_loss
        );
        assert!(curve.barrier < 0.1 * line.barrier, "seed {seed}");
        assert!(
            curve.min_train_acc > 0.95,
            "seed {seed}: {}",
            curve.min_train_acc
        );
    }
}

/// Mean cross-entropy of `params` on the batch loaded in `workspace`.
fn batch_loss(workspace: &mut Workspace, params: &[f32], labels: &[usize]) -> f64 {
    workspace.forward(params);
    workspace.loss_and_correct(labels).0 / labels.len() as f64
}

#[test]
fn the_bend_gradient_matches_finite_differences() {
    // A smooth (tanh) network, so central differences are accurate; the
    // loss is summed in f64, so a step of 1e-2 along a unit direction keeps
    // the rounding of the f32 logits (about 1e-7 in the loss, 1e-5 in the
    // difference quotient at worst, 1e-6 seen) below the slopes, which are
    // 1e-3 to 2e-2 along random unit directions of these 92 parameters.
    let spec = MlpSpec {
        inputs: 2,
        hidden: vec![8, 6],
        classes: 2,
        activation: Activation::Tanh,
    };
    let w1 = spec.init_parameters(1);
    let w2 = spec.init_parameters(2);
    let bend = spec.init_parameters(3);
    let mut rng = SeededRng::new(9);
    let features: Vec<f32> = (0..2 * 16).map(|_| rng.normal() as f32).collect();
    let labels: Vec<usize> = (0..16).map(|i| i % 2).collect();
    let mut workspace = Workspace::new(&spec, 16);
    workspace.set_inputs(&features);
    let p = spec.parameter_count();
    let (mut point, mut grad) = (vec![0.0; p], vec![0.0; p]);
    for t in [0.1, 0.37, 0.5, 0.9] {
        let loss = bend_loss_and_gradient(
            &mut workspace,
            &labels,
            [&w1, &w2],
            &bend,
            t,
            &mut point,
            &mut grad,
        );
        assert!((f64::from(loss) - batch_loss(&mut workspace, &point, &labels)).abs() < 1e-6);
        for _ in 0..3 {
            let direction: Vec<f64> = (0..p).map(|_| rng.normal()).collect();
            let norm = direction.iter().map(|d| d * d).sum::<f64>().sqrt();
            let h = 1e-2;
            let mut loss_at = |sign: f64| {
                let moved: Vec<f32> = bend
                    .iter()
                    .zip(&direction)
                    .map(|(&b, d)| (f64::from(b) + sign * h * d / norm) as f32)
                    .collect();
                let mut phi = vec![0.0; p];
                curve_point(&w1, &moved, &w2, t, &mut phi);
                batch_loss(&mut workspace, &phi, &labels)
            };
            let numeric = (loss_at(1.0) - loss_at(-1.0)) / (2.0 * h);
            let analytic: f64 = grad
                .iter()
                .zip(&direction)
                .map(|(&g, d)| f64::from(g) * d / norm)
                .sum();
            assert!(
                (numeric - analytic).abs() < 5e-6 + 0.01 * analytic.abs(),
                "t = {t}: analytic {analytic} vs numeric {numeric}"
            );
        }
    }
    // At the ends the bend has no influence.
    for t in [0.0, 1.0] {
        bend_loss_and_gradient(
            &mut workspace,
            &labels,
            [&w1, &w2],
            &bend,
            t,
            &mut point,
            &mut grad,
        );
        assert!(grad.iter().all(|&g| g == 0.0), "t = {t}");
    }
}

#[test]
fn training_the_bend_leaves_the_endpoints_where_they_are() {
    let config = ModeConnectivityConfig {
        epochs: 20,
        bend_steps: 300,
        points: 11,
        ..ModeConnectivityConfig::default()
    };
    let mut run = ModeConnectivity::new(&config).unwrap();
    let mut phases = vec![run.phase()];
    let mut trained = None;
    let mut last_progress = 0.0;
    while !run.finished() {
        run.step(13);
        assert!(run.progress() >= last_progress && run.progress() <= 1.0);
        last_progress = run.progress();
        if phases.last() != Some(&run.phase()) {
            phases.push(run.phase());
        }
        if trained.is_none() && run.phase() != Phase::Endpoints {
            trained = Some([run.endpoint(0).to_vec(), run.endpoint(1).to_vec()]);
        }
    }
    assert_eq!(
        phases,
        [
            Phase::Endpoints,
            Phase::Line,
            Phase::Bend,
            Phase::Curve,
            Phase::Done
        ]
    );
    assert_eq!(run.progress(), 1.0);
    let [w1, w2] = trained.unwrap();
    assert_eq!(run.endpoint(0), &w1[..]);
    assert_eq!(run.endpoint(1), &w2[..]);
    assert_ne!(w1, w2, "different seeds give different networks");
    // The curve meets the line at both ends, to the bit.
    let (line, curve) = (run.line(), run.curve());
    assert_eq!(line[0], curve[0]);
    assert_eq!(line[line.len() - 1], curve[curve.len() - 1]);
    assert_eq!(run.bend_losses().len(), 300);
    assert_eq!(run.endpoint_losses(0).len(), 20 * 10);
    let report = run.report();
    assert_eq!(report.endpoints[0].train_loss, line[0].train_loss);
    assert_eq!(report.endpoints[1].test_loss, line[10].test_loss);
}

#[test]
fn the_bend_starts_on_the_midpoint_of_the_line() {
    let config = ModeConnectivityConfig {
        epochs: 3,
        ..ModeConnectivityConfig::default()
    };
    let mut run = ModeConnectivity::new(&config).unwrap();
    while run.phase() == Phase::Endpoints {
        run.step(1);
    }
    run.step(1);
    let midpoint: Vec<f32> = run
        .endpoint(0)
        .iter()
        .zip(run.endpoint(1))
        .map(|(&a, &b)| 0.5 * a + 0.5 * b)
        .collect();
    assert_eq!(run.bend(), &midpoint[..]);
    // Collinear points still give a plane (a seeded second direction).
    let plane = run.plane();
    assert!(plane.is_fallback());
    let points = run.plane_points(&plane);
    assert!(points.bend[1].abs() < 1e-4 * points.w2[0], "{points:?}");
}

#[test]
fn the_plane_holds_both_networks_and_the_curve() {
    let config = ModeConnectivityConfig {
        epochs: 30,
        bend_steps: 400,
        points: 5,
        ..ModeConnectivityConfig::default()
    };
    let mut run = run(&config);
    let plane = run.plane();
    assert!(!plane.is_fallback());
    let points = run.plane_points(&plane);
    assert_eq!(points.w1, [0.0, 0.0]);
    assert!(points.w2[0] > 0.0 && points.w2[1].abs() < 1e-4 * points.w2[0]);
    assert!(points.bend[1].abs() > 1e-3 * points.w2[0]);
    assert_eq!(points.curve(0.0), points.w1);
    let view = points.view_box();
    for t in [0.0, 0.3, 0.5, 1.0] {
        let [a, b] = points.curve(t);
        assert!(view.x_min < a && a < view.x_max && view.y_min < b && b < view.y_max);
    }
    // A 3×3 grid centred on w₁ reads w₁'s own training loss in its middle.
    let step = 0.01;
    let around = sgdlab_core::surfaces::ViewBox {
        x_min: -1.5 * step,
        x_max: 1.5 * step,
        y_min: -1.5 * step,
        y_max: 1.5 * step,
    };
    let grid = run.plane_loss_grid(&plane, &around, 3, 3);
    assert_eq!(grid.len(), 9);
    let w1_loss = run.line()[0].train_loss;
    assert!(
        (grid[4] - w1_loss).abs() < 1e-9 * (1.0 + w1_loss),
        "{} vs {w1_loss}",
        grid[4]
    );
    // Row by row gives the same numbers.
    let mut rows = Vec::new();
    run.plane_loss_rows(&plane, &around, 3, 3, 0..2, &mut rows);
    run.plane_loss_rows(&plane, &around, 3, 3, 2..3, &mut rows);
    assert_eq!(rows, grid);
    // Along the plane's midline the barrier is visible: the midpoint of the
    // line is worse than both ends.
    let line_view = sgdlab_core::surfaces::ViewBox {
        x_min: -0.01 * points.w2[0],
        x_max: 1.01 * points.w2[0],
        y_min: -0.01,
        y_max: 0.01,
    };
    let strip = run.plane_loss_grid(&plane, &line_view, 3, 1);
    assert!(strip[1] > strip[0] && strip[1] > strip[2], "{strip:?}");
}

#[test]
fn a_seed_gives_the_same_run_and_another_seed_another() {
    let config = ModeConnectivityConfig {
        epochs: 10,
        bend_steps: 100,
        points: 5,
        ..ModeConnectivityConfig::default()
    };
    let a = run(&config);
    let b = run(&config);
    assert_eq!(a.report(), b.report());
    assert_eq!(a.csv(), b.csv());
    assert_eq!(a.bend(), b.bend());
    let other = run(&ModeConnectivityConfig {
        seed: 7,
        ..config.clone()
    });
    assert_ne!(a.csv(), other.csv());
    let mut pieces = ModeConnectivity::new(&config).unwrap();
    while !pieces.finished() {
        pieces.step(5);
    }
    assert_eq!(pieces.csv(), a.csv());
    assert_eq!(pieces.bend(), a.bend());
}

#[test]
fn reports_and_csv_have_the_documented_shapes() {
    let config = ModeConnectivityConfig {
        epochs: 2,
        bend_steps: 10,
        points: 3,
        ..ModeConnectivityConfig::default()
    };
    let mut run = ModeConnectivity::new(&config).unwrap();
    assert_eq!(run.total_steps(), 2 * 2 * 10 + 3 + 10 + 3);
    let early = run.report();
    assert!(early.endpoints.is_empty() && early.line.is_none() && early.curve.is_none());
    assert_eq!(early.phase, Phase::Endpoints);
    run.step(42);
    assert_eq!(run.phase(), Phase::Line);
    assert_eq!(run.line().len(), 2);
    let csv = run.csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "t,line_train_loss,line_test_loss,line_train_acc,line_test_acc,curve_train_loss,\
         curve_test_loss,curve_train_acc,curve_test_acc"
    );
    assert_eq!(lines.len(), 4);
    assert!(lines[3].starts_with("1,,,,,"), "{}", lines[3]);
    assert!(lines[2].ends_with(",,,,"), "{}", lines[2]);
    run.step(100);
    let json = serde_json::to_value(run.report()).unwrap();
    assert_eq!(json["phase"], "done");
    assert_eq!(json["endpoints"].as_array().unwrap().len(), 2);
    assert!(json["endpoints"][0]["train_loss"].is_number());
    assert!(json["line"]["max_train_loss"].is_number());
    assert!(json["curve"]["max_train_loss"].is_number());
    assert_eq!(run.ts(), [0.0, 0.5, 1.0]);
    // Without a test set the test figures are absent, not NaN.
    let no_test = ModeConnectivityConfig {
        test_fraction: 0.0,
        ..config
    };
    let mut run = ModeConnectivity::new(&no_test).unwrap();
    run.step(run.total_steps());
    let report = run.report();
    assert_eq!(report.endpoints[0].test_loss, None);
    assert_eq!(report.line.unwrap().max_test_loss, None);
    assert!(!run.csv().contains("NaN"));
}

#[test]
fn edge_configs_run_without_panicking() {
    use sgdlab_core::data::DatasetKind;
    for config in [
        ModeConnectivityConfig {
            samples: 10,
            test_fraction: 0.9,
            batch_size: 1,
            hidden: vec![1],
            epochs: 1,
            bend_steps: 1,
            points: 3,
            ..ModeConnectivityConfig::default()
        },
        ModeConnectivityConfig {
            dataset: DatasetKind::Blobs,
            activation: Activation::Sigmoid,
            hidden: vec![3, 2, 5],
            lr: 1.0,
            bend_lr: 1.0,
            noise: 1.0,
            epochs: 3,
            bend_steps: 50,
            points: 4,
            ..ModeConnectivityConfig::default()
        },
        ModeConnectivityConfig {
            dataset: DatasetKind::Spirals,
            samples: 1000,
            batch_size: 256,
            hidden: vec![64, 64, 64],
            epochs: 1,
            bend_steps: 2,
            points: 3,
            ..ModeConnectivityConfig::default()
        },
    ] {
        assert!(config.validate().is_ok(), "{config:?}");
        let mut run = ModeConnectivity::new(&config).unwrap();
        run.step(run.total_steps());
        assert!(run.finished());
        let json = serde_json::to_string(&run.report()).unwrap();
        assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
        let plane = run.plane();
        let view = run.plane_points(&plane).view_box();
        let grid = run.plane_loss_grid(&plane, &view, 2, 2);
        assert!(grid.iter().all(|v| v.is_finite()), "{grid:?}");
    }
}
