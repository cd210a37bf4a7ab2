//! The loss as colours: a grid of f(x, y) over the view box, mapped through
//! a colour-blind-safe sequential palette, plus contour lines.
//!
//! Extreme values would wash out the picture (Rosenbrock reaches 10⁴ in its
//! corners while the valley is near 0), so colours are scaled between the
//! grid's minimum and its 98th percentile, optionally on a log scale.

use crate::surfaces::{Surface, ViewBox};

/// Dark (low loss) to light (high loss): a blue-to-cream ramp whose lightness
/// rises steadily, so it reads the same with any colour vision and in grey.
const RAMP: [[u8; 3]; 7] = [
    [20, 33, 61],
    [38, 70, 112],
    [52, 111, 140],
    [88, 150, 150],
    [150, 186, 160],
    [212, 219, 182],
    [250, 246, 228],
];

/// Colour of a value t ∈ [0, 1] on the ramp.
pub fn ramp_color(t: f64) -> [u8; 3] {
    let t = if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) };
    let scaled = t * (RAMP.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(RAMP.len() - 2);
    let frac = scaled - i as f64;
    let mut rgb = [0u8; 3];
    for (c, out) in rgb.iter_mut().enumerate() {
        let a = f64::from(RAMP[i][c]);
        let b = f64::from(RAMP[i + 1][c]);
        *out = (a + (b - a) * frac).round() as u8;
    }
    rgb
}

/// How loss values map to [0, 1] for colouring and contour levels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColorScale {
    pub low: f64,
    pub high: f64,
    pub log: bool,
}

impl ColorScale {
    /// Fits the scale to a grid of values (non-finite ones ignored). The
    /// 98th percentile comes from every 7th value: as good for colouring,
    /// and a seventh of the work on a 600×600 grid.
    pub fn fit(values: &[f64], log: bool) -> Self {
        let mut finite: Vec<f64> = values
            .iter()
            .step_by(7)
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        if finite.is_empty() {
            return Self {
                low: 0.0,
                high: 1.0,
                log,
            };
        }
        let low = values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(f64::INFINITY, f64::min);
        let rank = ((finite.len() - 1) as f64 * 0.98) as usize;
        let (_, high, _) = finite.select_nth_unstable_by(rank, f64::total_cmp);
        let high = if *high > low { *high } else { low + 1.0 };
        Self { low, high, log }
    }

    /// Position of `value` on the scale, in [0, 1] (NaN for non-finite).
    pub fn position(&self, value: f64) -> f64 {
        if !value.is_finite() {
            return f64::NAN;
        }
        let span = self.high - self.low;
        let t = ((value - self.low) / span).max(0.0);
        if self.log {
            // ln(1 + t/δ) / ln(1 + 1/δ): δ sets how much of the range the
            // lowest values get; 1e-3 resolves valleys 1000× below the top.
            const DELTA: f64 = 1e-3;
            (libm::log1p(t / DELTA) / libm::log1p(1.0 / DELTA)).min(1.0)
        } else {
            t.min(1.0)
        }
    }

    /// The value at position t ∈ [0, 1] (inverse of [`position`](Self::position)).
    pub fn value_at(&self, t: f64) -> f64 {
        let span = self.high - self.low;
        if self.log {
            const DELTA: f64 = 1e-3;
            self.low + span * DELTA * libm::expm1(t * libm::log1p(1.0 / DELTA))
        } else {
            self.low + span * t
        }
    }
}

/// f(x, y) on a `width × height` grid of pixel centres, row 0 at the top
/// (largest y), as the canvas draws it.
pub fn sample_grid(surface: &dyn Surface, view: &ViewBox, width: usize, height: usize) -> Vec<f64> {
    let mut values = Vec::with_capacity(width * height);
    for row in 0..height {
        let y = view.y_max - (row as f64 + 0.5) / height as f64 * (view.y_max - view.y_min);
        for col in 0..width {
            let x = view.x_min + (col as f64 + 0.5) / width as f64 * (view.x_max - view.x_min);
            values.push(surface.value(x, y));
        }
    }
    values
}

/// Entries in the colour lookup table of [`colorize`]: fine enough that the
/// log scale still resolves values 10⁴ times below the top.
const LOOKUP_SIZE: usize = 16_384;

/// RGBA pixels for a grid of values. Each value's colour comes from a table
/// over the linear position between `low` and `high`, built once per call, so
/// the per-pixel work is a subtraction, a multiplication and a lookup.
pub fn colorize(values: &[f64], scale: &ColorScale) -> Vec<u8> {
    let span = scale.high - scale.low;
    let table: Vec<[u8; 4]> = (0..LOOKUP_SIZE)
        .map(|i| {
            let value = scale.low + span * i as f64 / (LOOKUP_SIZE - 1) as f64;
            let [r, g, b] = ramp_color(scale.position(value));
            [r, g, b, 255]
        })
        .collect();
    let top = (LOOKUP_SIZE - 1) as f64;
    let to_index = top / span;
    let mut rgba = Vec::with_capacity(values.len() * 4);
    for &value in values {
        let index = if value.is_finite() {
            ((value - scale.low) * to_index).clamp(0.0, top) as usize
        } else {
            LOOKUP_SIZE - 1
        };
        rgba.extend_from_slice(&table[index]);
    }
    rgba
}

/// A contour line segment in grid coordinates (column, row; fractional).
pub type Segment = [[f64; 2]; 2];

/// Contour segments of a grid at each level, by marching squares. The
/// crossing on each cell edge is placed by linear interpolation.
pub fn contour_segments(
    values: &[f64],
    width: usize,
    height: usize,
    levels: &[f64],
) -> Vec<Segment> {
    let mut segments = Vec::new();
    if width < 2 || height < 2 {
        return segments;
    }
    for &level in levels {
        for row in 0..height - 1 {
            for col in 0..width - 1 {
                // Corners clockwise from top-left.
                let corners = [
                    (col as f64, row as f64, values[row * width + col]),
                    ((col + 1) as f64, row as f64, values[row * width + col + 1]),
                    (
                        (col + 1) as f64,
                        (row + 1) as f64,
                        values[(row + 1) * width + col + 1],
                    ),
                    (
                        col as f64,
                        (row + 1) as f64,
                        values[(row + 1) * width + col],
                    ),
                ];
                if corners.iter().any(|c| !c.2.is_finite()) {
                    continue;
                }
                let mut crossings = Vec::with_capacity(4);
                for edge in 0..4 {
                    let (x0, y0, v0) = corners[edge];
                    let (x1, y1, v1) = corners[(edge + 1) % 4];
                    if (v0 < level) != (v1 < level) {
                        let t = (level - v0) / (v1 - v0);
                        crossings.push([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]);
                    }
                }
                // Two crossings: one segment; four (a saddle cell): two.
                for pair in crossings.chunks_exact(2) {
                    segments.push([pair[0], pair[1]]);
                }
            }
        }
    }
    segments
}

/// Contour levels evenly spaced on the colour scale.
pub fn contour_levels(scale: &ColorScale, count: usize) -> Vec<f64> {
    (1..=count)
        .map(|i| scale.value_at(i as f64 / (count + 1) as f64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_is_monotone_in_lightness() {
        let lightness = |c: [u8; 3]| {
            0.299 * f64::from(c[0]) + 0.587 * f64::from(c[1]) + 0.114 * f64::from(c[2])
        };
        let mut last = -1.0;
        for i in 0..=100 {
            let l = lightness(ramp_color(f64::from(i) / 100.0));
            assert!(l > last, "lightness must rise: {l} after {last}");
            last = l;
        }
    }

    #[test]
    fn scale_positions_invert() {
        for log in [false, true] {
            let scale = ColorScale {
                low: -2.0,
                high: 50.0,
                log,
            };
            for t in [0.0, 0.1, 0.5, 0.9, 1.0] {
                let v = scale.value_at(t);
                assert!((scale.position(v) - t).abs() < 1e-12, "log={log} t={t}");
            }
        }
    }

    #[test]
    fn lookup_colours_match_the_direct_mapping() {
        for log in [false, true] {
            let scale = ColorScale {
                low: 1.0,
                high: 101.0,
                log,
            };
            let values: Vec<f64> = (0..1000)
                .map(|i| 1.0 + 0.1 * f64::from(i))
                .chain([f64::NAN, -5.0, 1e9])
                .collect();
            let rgba = colorize(&values, &scale);
            for (value, pixel) in values.iter().zip(rgba.chunks_exact(4)) {
                // ramp_color clamps to [0, 1] and shows NaN as the top colour.
                let exact = ramp_color(scale.position(*value));
                for c in 0..3 {
                    let diff = (i32::from(pixel[c]) - i32::from(exact[c])).abs();
                    assert!(diff <= 2, "log={log} value={value}: {pixel:?} vs {exact:?}");
                }
            }
        }
    }

    #[test]
    fn contours_of_a_cone_are_circles() {
        let n = 41;
        let mut values = Vec::new();
        for row in 0..n {
            for col in 0..n {
                let (x, y) = (col as f64 - 20.0, row as f64 - 20.0);
                values.push((x * x + y * y).sqrt());
            }
        }
        let segments = contour_segments(&values, n, n, &[10.0]);
        assert!(segments.len() > 40);
        for [a, b] in segments {
            for p in [a, b] {
                let r = ((p[0] - 20.0).powi(2) + (p[1] - 20.0).powi(2)).sqrt();
                assert!((r - 10.0).abs() < 0.1, "radius {r}");
            }
        }
    }
}
