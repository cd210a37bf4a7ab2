//! The two paths between the trained networks, and the plane through them.
//!
//! ```text
//! line     λ(t) = (1 − t)·w₁ + t·w₂                               t ∈ [0, 1]
//! curve    φ(t) = (1 − t)²·w₁ + 2t(1 − t)·θ + t²·w₂               quadratic Bézier, bend θ
//!          φ(0) = w₁,  φ(1) = w₂,  φ(½) = ¼w₁ + ½θ + ¼w₂
//!          ∂φ(t)/∂θ = 2t(1 − t)·I   ⇒   ∇_θ L(φ(t)) = 2t(1 − t)·∇L(φ(t))
//!
//! plane    u = (w₂ − w₁)/‖w₂ − w₁‖
//!          v = r/‖r‖,   r = (θ − w₁) − ((θ − w₁)·u)·u          (Gram–Schmidt)
//!          coordinates of p: ((p − w₁)·u, (p − w₁)·v);  point at (a, b): w₁ + a·u + b·v
//! ```
//!
//! The Bézier weights (1 − t)², 2t(1 − t), t² sum to 1, so φ(t) is an
//! affine combination of w₁, θ and w₂ and lies in their plane: in plane
//! coordinates the curve is the 2-D Bézier of the three projected points,
//! and the line is the segment from (0, 0) to (‖w₂ − w₁‖, 0).
//!
//! When θ lies on the line (it starts at the midpoint), r = 0 and the three
//! points span only a line; v is then a fixed seeded direction made
//! orthogonal to u, so the plane is still defined and drawn.

use crate::SeededRng;

/// The Bézier weights ((1 − t)², 2t(1 − t), t²) at `t`.
pub fn bezier_weights(t: f64) -> [f64; 3] {
    let s = 1.0 - t;
    [s * s, 2.0 * t * s, t * t]
}

/// Writes φ(t) = (1 − t)²·w₁ + 2t(1 − t)·θ + t²·w₂ into `out`.
pub fn curve_point(w1: &[f32], bend: &[f32], w2: &[f32], t: f64, out: &mut [f32]) {
    let [a, b, c] = bezier_weights(t).map(|v| v as f32);
    for (((o, &p), &q), &r) in out.iter_mut().zip(w1).zip(bend).zip(w2) {
        *o = a * p + b * q + c * r;
    }
}

/// Writes λ(t) = (1 − t)·w₁ + t·w₂ into `out`.
pub fn line_point(w1: &[f32], w2: &[f32], t: f64, out: &mut [f32]) {
    let (a, c) = ((1.0 - t) as f32, t as f32);
    for ((o, &p), &r) in out.iter_mut().zip(w1).zip(w2) {
        *o = a * p + c * r;
    }
}

/// An orthonormal frame of the plane through w₁, w₂ and θ, with w₁ at the
/// origin and w₂ on the first axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    origin: Vec<f64>,
    u: Vec<f64>,
    v: Vec<f64>,
    /// Whether v had to be chosen because θ was on the line.
    fallback: bool,
}

/// θ counts as on the line when its distance from it is below this share
/// of ‖w₂ − w₁‖.
const COLLINEAR: f64 = 1e-6;

impl Plane {
    /// The frame for endpoints `w1`, `w2` and bend `bend`; `seed` picks the
    /// second direction should the three points be collinear.
    pub fn through(w1: &[f32], w2: &[f32], bend: &[f32], seed: u64) -> Self {
        let origin: Vec<f64> = w1.iter().map(|&x| f64::from(x)).collect();
        let offset = |p: &[f32]| -> Vec<f64> {
            p.iter()
                .zip(&origin)
                .map(|(&x, o)| f64::from(x) - o)
                .collect()
        };
        let mut rng = SeededRng::derive(seed, "mode_connectivity/plane");
        let chord = offset(w2);
        let length = norm(&chord);
        let u = if length > 0.0 {
            chord.iter().map(|x| x / length).collect()
        } else {
            unit(random_vector(&mut rng, origin.len()))
        };
        let mut r = offset(bend);
        subtract_projection(&mut r, &u);
        let fallback = norm(&r) <= COLLINEAR * length.max(f64::MIN_POSITIVE);
        if fallback {
            r = random_vector(&mut rng, origin.len());
            subtract_projection(&mut r, &u);
        }
        Self {
            v: unit(r),
            origin,
            u,
            fallback,
        }
    }

    /// The plane coordinates (a, b) of `p`.
    pub fn coordinates(&self, p: &[f32]) -> [f64; 2] {
        let mut a = 0.0;
        let mut b = 0.0;
        for ((&x, o), (u, v)) in p.iter().zip(&self.origin).zip(self.u.iter().zip(&self.v)) {
            let d = f64::from(x) - o;
            a += d * u;
            b += d * v;
        }
        [a, b]
    }

    /// Writes the parameters w₁ + a·u + b·v into `out`.
    pub fn point(&self, [a, b]: [f64; 2], out: &mut [f32]) {
        for ((o, origin), (u, v)) in out
            .iter_mut()
            .zip(&self.origin)
            .zip(self.u.iter().zip(&self.v))
        {
            *o = (origin + a * u + b * v) as f32;
        }
    }

    /// Whether θ lay on the line, so that the second direction is a seeded
    /// random one.
    pub fn is_fallback(&self) -> bool {
        self.fallback
    }
}

fn norm(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum::<f64>().sqrt()
}

fn unit(x: Vec<f64>) -> Vec<f64> {
    let n = norm(&x);
    x.into_iter().map(|v| v / n).collect()
}

/// r ← r − (r·u)·u for a unit u.
fn subtract_projection(r: &mut [f64], u: &[f64]) {
    let along: f64 = r.iter().zip(u).map(|(a, b)| a * b).sum();
    for (x, u) in r.iter_mut().zip(u) {
        *x -= along * u;
    }
}

fn random_vector(rng: &mut SeededRng, len: usize) -> Vec<f64> {
    (0..len).map(|_| rng.normal()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_curve_runs_from_one_endpoint_to_the_other() {
        let w1 = [1.0_f32, -2.0, 0.5];
        let w2 = [3.0_f32, 0.25, -1.0];
        let bend = [0.0_f32, 7.0, 2.0];
        let mut out = [0.0_f32; 3];
        curve_point(&w1, &bend, &w2, 0.0, &mut out);
        assert_eq!(out, w1);
        curve_point(&w1, &bend, &w2, 1.0, &mut out);
        assert_eq!(out, w2);
        line_point(&w1, &w2, 0.0, &mut out);
        assert_eq!(out, w1);
        line_point(&w1, &w2, 1.0, &mut out);
        assert_eq!(out, w2);
        curve_point(&w1, &bend, &w2, 0.5, &mut out);
        assert_eq!(out, [1.0, 3.0625, 0.875]);
        // With the bend at the midpoint the curve is the line.
        let middle = [2.0_f32, -0.875, -0.25];
        let mut straight = [0.0_f32; 3];
        for t in [0.1, 0.3, 0.5, 0.9] {
            curve_point(&w1, &middle, &w2, t, &mut out);
            line_point(&w1, &w2, t, &mut straight);
            for k in 0..3 {
                assert!((out[k] - straight[k]).abs() < 1e-6, "t={t}");
            }
        }
    }

    #[test]
    fn the_plane_is_orthonormal_and_holds_the_three_points() {
        let w1 = [0.5_f32, 1.0, -1.0, 2.0];
        let w2 = [2.5_f32, 1.0, 0.0, 2.0];
        let bend = [1.0_f32, 3.0, 1.0, -1.0];
        let plane = Plane::through(&w1, &w2, &bend, 0);
        assert!(!plane.is_fallback());
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        assert!((dot(&plane.u, &plane.u) - 1.0).abs() < 1e-12);
        assert!((dot(&plane.v, &plane.v) - 1.0).abs() < 1e-12);
        assert!(dot(&plane.u, &plane.v).abs() < 1e-12);
        assert_eq!(plane.coordinates(&w1), [0.0, 0.0]);
        let [a, b] = plane.coordinates(&w2);
        assert!((a - 5.0_f64.sqrt()).abs() < 1e-6 && b.abs() < 1e-6);
        // Every point of the curve maps back onto itself.
        let mut on_curve = [0.0_f32; 4];
        let mut back = [0.0_f32; 4];
        for t in [0.0, 0.25, 0.6, 1.0] {
            curve_point(&w1, &bend, &w2, t, &mut on_curve);
            plane.point(plane.coordinates(&on_curve), &mut back);
            for k in 0..4 {
                assert!(
                    (on_curve[k] - back[k]).abs() < 1e-5,
                    "t={t}: {on_curve:?} vs {back:?}"
                );
            }
        }
    }

    #[test]
    fn a_bend_on_the_line_gets_a_seeded_second_direction() {
        let w1 = [0.0_f32, 0.0, 0.0];
        let w2 = [2.0_f32, 0.0, 0.0];
        let middle = [1.0_f32, 0.0, 0.0];
        let plane = Plane::through(&w1, &w2, &middle, 3);
        assert!(plane.is_fallback());
        assert!(plane.v.iter().all(|x| x.is_finite()));
        assert!(plane.v[0].abs() < 1e-12);
        assert_eq!(plane, Plane::through(&w1, &w2, &middle, 3));
        assert_ne!(plane.v, Plane::through(&w1, &w2, &middle, 4).v);
        // Even two equal endpoints give a frame.
        let degenerate = Plane::through(&w1, &w1, &w1, 0);
        assert!(
            degenerate
                .u
                .iter()
                .chain(&degenerate.v)
                .all(|x| x.is_finite())
        );
    }
}
