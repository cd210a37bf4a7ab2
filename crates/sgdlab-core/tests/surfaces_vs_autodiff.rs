//! The analytic gradients and Hessians of the named surfaces, cross-checked
//! against automatic differentiation of the same formula typed as a custom
//! expression (reverse mode for the gradient, second-order forward mode for
//! the Hessian). Two independent derivations must agree everywhere.

use sgdlab_core::SeededRng;
use sgdlab_core::expr::ExprSurface;
use sgdlab_core::surfaces::{self, Surface};

const FORMULAS: &[(&str, &str)] = &[
    ("rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2"),
    (
        "beale",
        "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
    ),
    ("himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"),
    ("booth", "(x + 2*y - 7)^2 + (2*x + y - 5)^2"),
    ("saddle", "x^2 - y^2"),
    (
        "rastrigin",
        "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
    ),
    (
        "ackley",
        "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
    ),
    (
        "goldstein_price",
        "(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))\
         * (30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
    ),
    (
        "six_hump_camel",
        "(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
    ),
    ("quadratic", "4*x^2 + y^2"),
];

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(scale)
}

#[test]
fn analytic_derivatives_agree_with_autodiff_of_the_formula() {
    let mut rng = SeededRng::new(2024);
    for (name, formula) in FORMULAS {
        let surface = surfaces::by_name(name, &[]).unwrap();
        let typed = ExprSurface::parse(formula).unwrap();
        let view = surface.view_box();
        for _ in 0..300 {
            let x = rng.uniform_in(view.x_min, view.x_max);
            let y = rng.uniform_in(view.y_min, view.y_max);
            if *name == "ackley" && x.hypot(y) < 1e-3 {
                continue; // the cone's tip, where neither is differentiable
            }
            let value = surface.value(x, y);
            assert!(
                close(value, typed.value(x, y), 1e-12),
                "{name} value at ({x}, {y})"
            );
            let (g, h) = (surface.gradient(x, y), surface.hessian(x, y));
            let (tg, th) = (typed.gradient(x, y), typed.hessian(x, y));
            let g_scale = g[0].abs().max(g[1].abs()).max(1e-6);
            let h_scale = h.iter().flatten().fold(1e-6_f64, |m, v| m.max(v.abs()));
            for i in 0..2 {
                assert!(
                    close(g[i], tg[i], g_scale),
                    "{name} ∂{i} at ({x}, {y}): {} vs {}",
                    g[i],
                    tg[i]
                );
                for j in 0..2 {
                    assert!(
                        close(h[i][j], th[i][j], h_scale),
                        "{name} H[{i}][{j}] at ({x}, {y}): {} vs {}",
                        h[i][j],
                        th[i][j]
                    );
                }
            }
        }
    }
}
