//! Properties every surface must have: analytic derivatives that agree with
//! finite differences, minima that are minima, and a registry that
//! round-trips names and parameters.

use super::*;
use crate::SeededRng;
use crate::optim::sgd::{Sgd, SgdConfig};
use crate::optim::{Optimizer, StepInput};

/// Where `steps` of `torch.optim.SGD` with this learning rate and momentum
/// end on `surface`, from its default start.
pub(super) fn sgd_path_end(
    surface: &dyn Surface,
    lr: f64,
    momentum: f64,
    steps: usize,
) -> [f64; 2] {
    let config = SgdConfig {
        lr,
        momentum,
        ..SgdConfig::default()
    };
    let mut optimizer = Sgd::new(config).unwrap();
    let mut point = surface.default_start();
    for _ in 0..steps {
        let grad = surface.gradient(point[0], point[1]);
        optimizer
            .step(&mut point, &StepInput::gradient(&grad))
            .unwrap();
    }
    point
}

/// Euclidean distance between two points.
pub(super) fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    (dx * dx + dy * dy).sqrt()
}

/// Random points drawn per surface.
const POINTS: usize = 300;

/// Every default surface plus a few random rotated bowls.
fn surfaces_under_test() -> Vec<Box<dyn Surface>> {
    let mut surfaces = all();
    let mut rng = SeededRng::derive(1, "surface-tests-quadratics");
    for _ in 0..5 {
        let params = [
            ("a".to_string(), rng.uniform_in(0.1, 20.0)),
            ("b".to_string(), rng.uniform_in(0.1, 20.0)),
            ("theta".to_string(), rng.uniform_in(-180.0, 180.0)),
        ];
        surfaces.push(by_name("quadratic", &params).unwrap());
    }
    surfaces
}

/// Uniform random points in the surface's view box. Ackley's cone tip at the
/// origin is not differentiable, so points within 0.05 of it are skipped.
fn random_points(surface: &dyn Surface, seed: u64) -> Vec<[f64; 2]> {
    let view = surface.view_box();
    let mut rng = SeededRng::derive(seed, surface.name());
    let mut points = Vec::with_capacity(POINTS);
    while points.len() < POINTS {
        let x = rng.uniform_in(view.x_min, view.x_max);
        let y = rng.uniform_in(view.y_min, view.y_max);
        if surface.name() == "ackley" && x * x + y * y < 0.05 * 0.05 {
            continue;
        }
        points.push([x, y]);
    }
    points
}

/// The derivative of `f` at 0 by the five-point central stencil
/// (−f(2h) + 8f(h) − 8f(−h) + f(−2h)) / 12h, accurate to O(h⁴).
fn five_point_derivative(f: impl Fn(f64) -> f64, h: f64) -> f64 {
    (-f(2.0 * h) + 8.0 * f(h) - 8.0 * f(-h) + f(-2.0 * h)) / (12.0 * h)
}

/// Finite-difference step: its O(h⁴) truncation error and its O(ε/h)
/// rounding error are both far below the tolerance for coordinates of the
/// size the view boxes hold (|x|, |y| ≤ 10).
const STEP: f64 = 2.5e-4;

/// |analytic − numeric| within a relative tolerance of the larger one, plus
/// an absolute floor proportional to `scale` (the size of the quantity the
/// finite difference was taken of, which sets its rounding error).
fn assert_close(analytic: f64, numeric: f64, scale: f64, what: &str) {
    let tolerance = 1e-7 * analytic.abs().max(numeric.abs()) + 1e-9 * scale;
    assert!(
        (analytic - numeric).abs() <= tolerance,
        "{what}: analytic {analytic}, finite difference {numeric}, tolerance {tolerance}"
    );
}

#[test]
fn gradient_matches_finite_differences() {
    for surface in surfaces_under_test() {
        for [x, y] in random_points(surface.as_ref(), 2) {
            let numeric = [
                five_point_derivative(|d| surface.value(x + d, y), STEP),
                five_point_derivative(|d| surface.value(x, y + d), STEP),
            ];
            let scale = 1.0 + surface.value(x, y).abs();
            for (axis, (&analytic, numeric)) in
                surface.gradient(x, y).iter().zip(numeric).enumerate()
            {
                let what = format!("{} ∂f/∂{} at ({x}, {y})", surface.name(), ["x", "y"][axis]);
                assert_close(analytic, numeric, scale, &what);
            }
        }
    }
}

#[test]
fn hessian_matches_finite_differences_of_the_gradient() {
    for surface in surfaces_under_test() {
        for [x, y] in random_points(surface.as_ref(), 3) {
            let [gx, gy] = surface.gradient(x, y);
            let scale = 1.0 + gx.abs() + gy.abs();
            for (row, analytic_row) in surface.hessian(x, y).iter().enumerate() {
                let numeric_row = [
                    five_point_derivative(|d| surface.gradient(x + d, y)[row], STEP),
                    five_point_derivative(|d| surface.gradient(x, y + d)[row], STEP),
                ];
                for (column, (&analytic, numeric)) in
                    analytic_row.iter().zip(numeric_row).enumerate()
                {
                    let what = format!("{} H[{row}][{column}] at ({x}, {y})", surface.name());
                    assert_close(analytic, numeric, scale, &what);
                }
            }
        }
    }
}

#[test]
fn hessian_is_symmetric() {
    for surface in surfaces_under_test() {
        for [x, y] in random_points(surface.as_ref(), 4) {
            let h = surface.hessian(x, y);
            assert_eq!(h[0][1], h[1][0], "{} at ({x}, {y})", surface.name());
        }
    }
}

/// Eigenvalues of a symmetric 2×2 matrix, smaller first.
fn eigenvalues([[p, q], [_, r]]: [[f64; 2]; 2]) -> [f64; 2] {
    let mean = 0.5 * (p + r);
    let spread = (0.25 * (p - r) * (p - r) + q * q).sqrt();
    [mean - spread, mean + spread]
}

#[test]
fn listed_minima_are_minima() {
    for surface in surfaces_under_test() {
        let name = surface.name();
        for [x, y] in surface.minima() {
            let [gx, gy] = surface.gradient(x, y);
            let curvature = eigenvalues(surface.hessian(x, y));
            // The listed coordinates are rounded to f64, so the gradient is
            // zero up to that rounding times the curvature.
            let tolerance = 1e-13 * (1.0 + curvature[1].abs()) * (1.0 + x.abs() + y.abs());
            assert!(
                gx.abs() <= tolerance && gy.abs() <= tolerance,
                "{name}: ∇f({x}, {y}) = ({gx}, {gy})"
            );
            assert!(
                curvature[0] > 0.0,
                "{name}: Hessian at ({x}, {y}) has eigenvalues {curvature:?}"
            );
        }
        if let Some(expected) = surface.minimum_value() {
            let [x, y] = surface.minima()[0];
            let value = surface.value(x, y);
            assert!(
                (value - expected).abs() <= 1e-12 * (1.0 + expected.abs()),
                "{name}: f at the global minimum is {value}, expected {expected}"
            );
        }
    }
}

#[test]
fn global_minimum_is_the_lowest_listed_and_sampled_value() {
    for surface in surfaces_under_test() {
        let Some(lowest) = surface.minimum_value() else {
            continue;
        };
        let name = surface.name();
        for [x, y] in surface
            .minima()
            .into_iter()
            .chain(random_points(surface.as_ref(), 5))
        {
            let value = surface.value(x, y);
            assert!(
                value >= lowest - 1e-12,
                "{name}: f({x}, {y}) = {value} < {lowest}"
            );
        }
    }
}

#[test]
fn starts_and_minima_lie_inside_the_view_box() {
    for surface in surfaces_under_test() {
        let view = surface.view_box();
        let name = surface.name();
        assert!(view.x_min < view.x_max && view.y_min < view.y_max, "{name}");
        let inside = |[x, y]: [f64; 2]| {
            (view.x_min..=view.x_max).contains(&x) && (view.y_min..=view.y_max).contains(&y)
        };
        let start = surface.default_start();
        assert!(inside(start), "{name}: start {start:?}");
        let [gx, gy] = surface.gradient(start[0], start[1]);
        assert!(
            gx != 0.0 || gy != 0.0,
            "{name}: the default start is stationary"
        );
        for minimum in surface.minima() {
            assert!(inside(minimum), "{name}: minimum {minimum:?}");
        }
    }
}

#[test]
fn values_and_derivatives_are_finite_in_the_view_box() {
    for surface in all() {
        let view = surface.view_box();
        let corners = [
            [view.x_min, view.y_min],
            [view.x_min, view.y_max],
            [view.x_max, view.y_min],
            [view.x_max, view.y_max],
            [0.0, 0.0],
        ];
        for [x, y] in corners
            .into_iter()
            .chain(random_points(surface.as_ref(), 6))
        {
            let h = surface.hessian(x, y);
            let numbers = [
                surface.value(x, y),
                surface.gradient(x, y)[0],
                surface.gradient(x, y)[1],
                h[0][0],
                h[0][1],
                h[1][1],
            ];
            assert!(
                numbers.iter().all(|v| v.is_finite()),
                "{} at ({x}, {y}): {numbers:?}",
                surface.name()
            );
        }
    }
}

#[test]
fn texts_are_present_and_one_line() {
    for surface in all() {
        let name = surface.name();
        assert!(!surface.formula().is_empty(), "{name}");
        let description = surface.description();
        assert!(
            !description.is_empty() && !description.contains('\n'),
            "{name}"
        );
    }
}

#[test]
fn registry_lists_every_name_in_order() {
    let names: Vec<String> = all().iter().map(|s| s.name().to_string()).collect();
    assert_eq!(names, NAMES);
}

#[test]
fn registry_round_trips_parameters() {
    for surface in surfaces_under_test() {
        let pairs: Vec<(String, f64)> = surface
            .parameters()
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect();
        let rebuilt = by_name(surface.name(), &pairs).unwrap();
        assert_eq!(rebuilt.name(), surface.name());
        assert_eq!(rebuilt.parameters(), surface.parameters());
        assert_eq!(rebuilt.value(0.3, -0.7), surface.value(0.3, -0.7));
    }
}

#[test]
fn registry_rejects_unknown_names() {
    let err = by_name("rosenbrok", &[]).err().unwrap();
    assert_eq!(
        err,
        SurfaceError::UnknownSurface {
            name: "rosenbrok".into()
        }
    );
    let message = err.to_string();
    assert!(
        message.starts_with("unknown surface `rosenbrok`; allowed: quadratic, rosenbrock,"),
        "{message}"
    );
    assert!(message.ends_with("two_wells, plateau"), "{message}");
}

#[test]
fn registry_rejects_parameters_a_surface_lacks() {
    let err = by_name("quadratic", &[("c".into(), 1.0)]).err().unwrap();
    assert_eq!(
        err.to_string(),
        "surface `quadratic` has no parameter `c`; allowed: a, b, theta"
    );
    let err = by_name("rosenbrock", &[("a".into(), 1.0)]).err().unwrap();
    assert_eq!(
        err.to_string(),
        "surface `rosenbrock` has no parameters (got `a`)"
    );
}

#[test]
fn registry_rejects_invalid_values() {
    let err = by_name("quadratic", &[("a".into(), -2.0)]).err().unwrap();
    assert_eq!(
        err,
        SurfaceError::InvalidParameter {
            key: "a".into(),
            message: "must be a finite number greater than 0, got -2".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "surface parameter `a`: must be a finite number greater than 0, got -2"
    );
}
