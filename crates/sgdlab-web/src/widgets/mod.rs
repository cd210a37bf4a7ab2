//! One module per view. Each implements [`crate::widget::Widget`] over its
//! engine from `sgdlab-core` and exports its registry entry, `ENTRY`.

pub mod bias_variance;
pub mod implicit_reg;
pub mod landscape;
pub mod mode_connectivity;
pub mod stochastic;
pub mod training;

/// A number for a readout: five significant digits, exponent form when
/// very large or small, `—` when not finite.
pub(crate) fn readable(value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    let magnitude = value.abs();
    if magnitude == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e5).contains(&magnitude) {
        return format!("{value:.3e}");
    }
    let digits = (4 - magnitude.log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn readouts_are_short() {
        assert_eq!(readable(0.0), "0");
        assert_eq!(readable(1.0), "1");
        assert_eq!(readable(2.345678), "2.3457");
        assert_eq!(readable(-12345.678), "-12346");
        assert_eq!(readable(0.0123456), "0.012346");
        assert_eq!(readable(1e-7), "1.000e-7");
        assert_eq!(readable(f64::NAN), "—");
    }
}
