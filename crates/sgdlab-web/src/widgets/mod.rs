//! One module per view. Each implements [`crate::widget::Widget`] over its
//! engine from `sgdlab-core` and exports its registry entry, `ENTRY`.

pub mod bias_variance;
pub mod data_parallel;
pub mod generalisation;
pub mod implicit_reg;
pub mod landscape;
pub mod mode_connectivity;
pub mod online_convex;
pub mod stochastic;
pub mod training;

use sgdlab_core::link::{FieldError, LinkTable};

/// The [`Widget`](crate::widget::Widget) methods of a widget whose settings
/// are its field `config`, read and written through link table `$table`:
/// `link`, `schema`, `options` and `embed_link`; with `open`, also `load`,
/// which replaces the widget by `Self::open(link)`. Used inside the
/// widget's `impl Widget` block.
macro_rules! settings_methods {
    ($table:expr) => {
        fn link(&self) -> String {
            $table.encode(&self.config)
        }

        fn schema(&self) -> ::serde_json::Value {
            $table.schema(&self.config)
        }

        fn options(&self) -> &::sgdlab_core::link::ViewOptions {
            &self.config.options
        }

        fn embed_link(
            &self,
            autoplay: bool,
            hide: &str,
        ) -> Result<String, ::sgdlab_core::link::FieldError> {
            $table.embed_link(&self.config, autoplay, hide)
        }
    };
    ($table:expr, open) => {
        settings_methods!($table);

        fn load(&mut self, link: &str) -> Vec<::sgdlab_core::link::FieldError> {
            let (next, errors) = Self::open(link);
            *self = next;
            errors
        }
    };
}
pub(crate) use settings_methods;

/// Sets one control of `config` through `table` (on error nothing
/// changes) and says whether a setting of the run changed, by `same_run`:
/// then the widget restarts its run.
pub(crate) fn set_restarts<C: Clone + PartialEq + Default>(
    table: &LinkTable<C>,
    config: &mut C,
    key: &str,
    value: &str,
    same_run: fn(&C, &C) -> bool,
) -> Result<bool, FieldError> {
    let before = config.clone();
    table.set(config, key, value)?;
    Ok(!same_run(config, &before))
}

/// When a curve drawn against log-time takes a point: every step up to
/// step 100, then each time the step count has grown by 1 % (about 230
/// points a decade), so a run of millions of steps keeps a thousand or so
/// and its first steps are all there.
pub(crate) struct LogSchedule {
    next: u64,
}

impl LogSchedule {
    pub(crate) fn new() -> Self {
        Self { next: 1 }
    }

    /// The step at which the next point is due.
    pub(crate) fn due(&self) -> u64 {
        self.next
    }

    /// A point was taken at step `t`: the next is due after it.
    pub(crate) fn taken(&mut self, t: u64) {
        let grown = if t < 100 {
            t + 1
        } else {
            (t as f64 * 1.01).ceil() as u64
        };
        self.next = grown.max(t + 1);
    }
}

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
    use super::{LogSchedule, readable};

    #[test]
    fn log_points_are_every_step_then_one_percent_apart() {
        let mut schedule = LogSchedule::new();
        let mut taken = Vec::new();
        while schedule.due() <= 10_000_000 {
            let t = schedule.due();
            taken.push(t);
            schedule.taken(t);
        }
        assert_eq!(taken[..100], (1..=100).collect::<Vec<u64>>()[..]);
        assert!(taken.windows(2).all(|w| w[1] > w[0]));
        // 100 steps, then ln(10⁵)/ln(1.01) ≈ 1157 more.
        assert!((1200..1300).contains(&taken.len()), "{}", taken.len());
    }

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
