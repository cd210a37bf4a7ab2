//! Where the lab trains: WebGPU when the link allows it and the browser
//! gives a device, the CPU (wasm) otherwise, and back to the CPU, saying
//! why, when the device is lost or fails.
//!
//! ```text
//! backend=cpu        → CPU, no request
//! backend=auto|gpu   → request an adapter and a device (at most REQUEST_TIMEOUT_MS);
//!                      none → CPU with a notice; a device → every optimizer
//!                      with a GPU kernel trains on it, the rest on the CPU
//! device lost        → CPU at once, runs restarted, notice
//! a GPU error        → wait up to FAILURE_GRACE_MS for the browser's
//!                      device-lost report (it says why), then CPU
//! ```
//!
//! The request never blocks a frame: it runs as a future and the lab picks
//! its answer up on a later frame ([`GpuBackend::poll_request`]). Outside a
//! browser (tests, the CLI's `sgdlab link`) there is no request and the lab
//! trains on the CPU.

use super::gpu::{GpuDevice, Trouble};
use sgdlab_core::train::lab::Backend;
use std::cell::RefCell;
use std::rc::Rc;

/// How long a GPU error waits for the browser's device-lost report.
pub(crate) const FAILURE_GRACE_MS: f64 = 2000.0;

/// The answer to a device request, once it came.
type Answer = Rc<RefCell<Option<Result<GpuDevice, String>>>>;

/// The GPU side of the lab.
#[derive(Default)]
pub(crate) struct GpuBackend {
    /// The device, while the lab may use it.
    pub device: Option<GpuDevice>,
    /// A request in flight.
    request: Option<Answer>,
    /// Whether a request was made for the current device (one per page
    /// load, unless the user asks for the GPU again).
    requested: bool,
    /// Why the lab is on the CPU although the GPU was asked for.
    pub fallback_notice: String,
    /// Which optimizers stay on the CPU for lack of a GPU kernel.
    pub racer_notice: String,
    /// A GPU error and when it came.
    failure: Option<(String, f64)>,
}

/// What to do about a device that reported trouble or a failure.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Verdict {
    /// Keep going.
    Keep,
    /// Wait a little longer for the browser to say why.
    Wait,
    /// Drop the device and restart on the CPU with this notice.
    FallBack(String),
}

/// The notice for a request that gave no device.
pub(crate) fn request_notice(error: &str) -> String {
    let error: String = error.chars().take(200).collect();
    format!("WebGPU is not available here ({error}): training on the CPU.")
}

/// The notice when the lab leaves a device it was using.
pub(crate) fn fallback_notice(what: &str, detail: &str) -> String {
    let detail: String = detail.chars().take(200).collect();
    if detail.is_empty() {
        format!("{what}: switched to the CPU; the runs restarted.")
    } else {
        format!("{what}: switched to the CPU; the runs restarted ({detail}).")
    }
}

/// Decides what a device's trouble or an earlier failure means now.
pub(crate) fn verdict(
    trouble: Option<Trouble>,
    failure: Option<&(String, f64)>,
    now: f64,
) -> Verdict {
    if let Some((what, detail)) = trouble {
        return Verdict::FallBack(fallback_notice(&what, &detail));
    }
    match failure {
        Some((detail, since)) if now - since >= FAILURE_GRACE_MS => {
            Verdict::FallBack(fallback_notice("the GPU failed", detail))
        }
        Some(_) => Verdict::Wait,
        None => Verdict::Keep,
    }
}

/// The notice for the optimizers left on the CPU: those without a GPU
/// kernel, and those whose GPU set-up failed.
pub(crate) fn racer_notice(
    unsupported: &[String],
    failures: &[String],
    kernels: &[&str],
) -> String {
    let mut notice = Vec::new();
    if !unsupported.is_empty() {
        notice.push(format!(
            "{} {} on the CPU: the GPU has kernels for {} only.",
            unsupported.join(", "),
            if unsupported.len() == 1 {
                "trains"
            } else {
                "train"
            },
            kernels.join(", ")
        ));
    }
    if !failures.is_empty() {
        notice.push(format!(
            "Could not train on the GPU ({}): on the CPU instead.",
            failures.join("; ")
        ));
    }
    notice.join(" ")
}

/// The badge: which backend runs how many of the runs.
pub(crate) fn badge(on_gpu: usize, runs: usize, adapter: Option<&str>, software: bool) -> String {
    let name = adapter.filter(|n| !n.is_empty()).unwrap_or("WebGPU");
    let name = if software {
        format!("{name} (software)")
    } else {
        name.to_string()
    };
    if on_gpu == 0 {
        "CPU (wasm)".to_string()
    } else if on_gpu == runs {
        format!("GPU: {name}")
    } else {
        format!("GPU: {name} + CPU (wasm)")
    }
}

impl GpuBackend {
    /// Starts a device request when the link asks for the GPU and none is
    /// there or on its way. Only in a browser.
    pub fn want(&mut self, choice: Backend) {
        if choice == Backend::Cpu {
            self.device = None;
            self.request = None;
            // Asking for the GPU after this is asking again.
            self.requested = false;
            self.fallback_notice.clear();
            return;
        }
        if self.device.is_some() || self.request.is_some() || self.requested {
            return;
        }
        self.requested = true;
        #[cfg(target_arch = "wasm32")]
        {
            let answer: Answer = Rc::new(RefCell::new(None));
            request::start(Rc::clone(&answer));
            self.request = Some(answer);
        }
    }

    /// Whether a request is on its way.
    pub fn requesting(&self) -> bool {
        self.request.is_some()
    }

    /// Takes the answer to the request, if it came: `Some(true)` when a
    /// device is now there (the runs should move onto it).
    pub fn poll_request(&mut self) -> Option<bool> {
        let answer = self.request.as_ref()?.borrow_mut().take()?;
        self.request = None;
        match answer {
            Ok(device) => {
                self.device = Some(device);
                self.fallback_notice.clear();
                Some(true)
            }
            Err(error) => {
                self.fallback_notice = request_notice(&error);
                Some(false)
            }
        }
    }

    /// Notes a failure of GPU work; the lab falls back once the browser says
    /// why, or after the grace period.
    pub fn failed(&mut self, error: String, now: f64) {
        self.failure.get_or_insert((error, now));
    }

    pub fn failing(&self) -> bool {
        self.failure.is_some()
    }

    /// What the device's state means now; on [`Verdict::FallBack`] the
    /// device is dropped and the notice kept.
    pub fn check(&mut self, now: f64) -> Verdict {
        let trouble = self.device.as_ref().and_then(GpuDevice::trouble);
        let verdict = verdict(trouble, self.failure.as_ref(), now);
        if let Verdict::FallBack(notice) = &verdict {
            self.device = None;
            self.failure = None;
            self.fallback_notice = notice.clone();
        }
        verdict
    }

    /// The runs were rebuilt: earlier failures belong to old runs.
    pub fn forget_failure(&mut self) {
        self.failure = None;
    }

    /// Everything the page should tell about the backend.
    pub fn notice(&self) -> String {
        [self.fallback_notice.as_str(), self.racer_notice.as_str()]
            .iter()
            .filter(|n| !n.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The adapter's name and whether it is a software one.
    pub fn adapter(&self) -> (Option<String>, bool) {
        match &self.device {
            Some(device) => (
                device.context.adapter.as_ref().map(|a| a.name.clone()),
                device.context.is_software(),
            ),
            None => (None, false),
        }
    }
}

/// The request itself, in the browser: `navigator.gpu`, an adapter and a
/// device, within `REQUEST_TIMEOUT_MS`.
#[cfg(target_arch = "wasm32")]
mod request {
    use super::{Answer, GpuDevice};
    use sgdlab_gpu::GpuContext;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::{JsFuture, future_to_promise, spawn_local};

    /// How long the adapter and device requests may take before the CPU is
    /// used.
    const REQUEST_TIMEOUT_MS: i32 = 10_000;

    /// Whether the browser has WebGPU at all (wgpu is never asked when not).
    fn has_webgpu() -> bool {
        web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("gpu")).ok())
            .is_some_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
    }

    /// A promise that resolves after `ms` milliseconds.
    fn timer(ms: i32) -> js_sys::Promise {
        js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        })
    }

    pub(super) fn start(answer: Answer) {
        spawn_local(async move {
            if !has_webgpu() {
                *answer.borrow_mut() = Some(Err("this browser has no navigator.gpu".into()));
                return;
            }
            let result: Rc<RefCell<Option<Result<GpuDevice, String>>>> =
                Rc::new(RefCell::new(None));
            let slot = Rc::clone(&result);
            let request = future_to_promise(async move {
                let device = GpuContext::request()
                    .await
                    .map(GpuDevice::watch)
                    .map_err(|e| e.to_string());
                *slot.borrow_mut() = Some(device);
                Ok(JsValue::UNDEFINED)
            });
            let race =
                js_sys::Promise::race(&js_sys::Array::of2(&request, &timer(REQUEST_TIMEOUT_MS)));
            let _ = JsFuture::from(race).await;
            let outcome = result.borrow_mut().take().unwrap_or_else(|| {
                Err(format!(
                    "no adapter or device within {} s",
                    REQUEST_TIMEOUT_MS / 1000
                ))
            });
            *answer.borrow_mut() = Some(outcome);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_that_reports_trouble_is_left_at_once() {
        let trouble = Some((
            "the GPU device was lost".to_string(),
            "Destroyed".to_string(),
        ));
        assert_eq!(
            verdict(trouble, None, 0.0),
            Verdict::FallBack(
                "the GPU device was lost: switched to the CPU; the runs restarted (Destroyed)."
                    .into()
            )
        );
    }

    #[test]
    fn a_failure_waits_for_the_browser_then_falls_back() {
        let failure = ("validation error".to_string(), 1000.0);
        assert_eq!(verdict(None, Some(&failure), 1500.0), Verdict::Wait);
        assert_eq!(
            verdict(None, Some(&failure), 1000.0 + FAILURE_GRACE_MS),
            Verdict::FallBack(
                "the GPU failed: switched to the CPU; the runs restarted (validation error)."
                    .into()
            )
        );
        assert_eq!(verdict(None, None, 5000.0), Verdict::Keep);
    }

    #[test]
    fn notices_say_what_runs_where() {
        assert_eq!(
            racer_notice(&["lars".into()], &[], &["sgd", "adam"]),
            "lars trains on the CPU: the GPU has kernels for sgd, adam only."
        );
        assert_eq!(
            racer_notice(
                &["lars".into(), "nadam".into()],
                &["adam: out of memory".into()],
                &["sgd"]
            ),
            "lars, nadam train on the CPU: the GPU has kernels for sgd only. \
             Could not train on the GPU (adam: out of memory): on the CPU instead."
        );
        assert_eq!(racer_notice(&[], &[], &["sgd"]), "");
        assert_eq!(badge(0, 2, Some("SwiftShader"), true), "CPU (wasm)");
        assert_eq!(
            badge(2, 2, Some("SwiftShader"), true),
            "GPU: SwiftShader (software)"
        );
        assert_eq!(badge(1, 2, None, false), "GPU: WebGPU + CPU (wasm)");
        assert!(request_notice(&"x".repeat(1000)).len() < 300);
    }

    #[test]
    fn outside_a_browser_nothing_is_requested() {
        let mut backend = GpuBackend::default();
        backend.want(Backend::Auto);
        assert!(!backend.requesting());
        assert_eq!(backend.poll_request(), None);
        assert!(backend.device.is_none());
        assert!(backend.requested, "one request per page load");
        backend.want(Backend::Cpu);
        assert!(
            !backend.requested,
            "the CPU, then the GPU again, asks again"
        );
        assert_eq!(backend.notice(), "");
        backend.failed("boom".into(), 0.0);
        assert!(backend.failing());
        assert_eq!(backend.check(1.0), Verdict::Wait);
        assert!(matches!(
            backend.check(FAILURE_GRACE_MS),
            Verdict::FallBack(_)
        ));
        assert!(!backend.failing());
        assert!(backend.notice().starts_with("the GPU failed"));
    }
}
