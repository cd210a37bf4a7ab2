//! sgdlab-web: every view of sgdlab as a widget that mounts on any element
//! of any page, and the canvas drawing.
//!
//! - [`widget`]: the one [`Widget`](widget::Widget) trait every view
//!   implements, and the plots it draws on;
//! - [`registry`]: the one list of widgets ([`REGISTRY`]): name, title, a
//!   one-line summary and how to open it from a link. The CLI (`sgdlab
//!   list views`, `sgdlab link`), the site's navigation and the
//!   `<sgdlab-widget>` element all read it;
//! - [`handle`]: the whole JS boundary, one [`WidgetHandle`] per mounted
//!   widget (mount, drive, draw, free), modelled on eframe's `WebHandle`;
//! - [`widgets`]: one module per view;
//! - `render`: drawing with plotters and `ImageData`.
//!
//! Every method that takes text from a page validates it and answers with a
//! message instead of throwing, so nothing a user types or pastes can panic
//! across the wasm boundary. A panic hook still reports any bug on the page.
#![forbid(unsafe_code)]

pub mod handle;
pub mod registry;
mod render;
pub mod widget;
pub mod widgets;

pub use handle::WidgetHandle;
pub use registry::{REGISTRY, WidgetEntry};
pub use widgets::training::bench_train_steps;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// `console.error(text)` in a page; standard error elsewhere (the CLI and
/// native tests run the same widgets).
fn console_error(text: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&JsValue::from_str(text));
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{text}");
}

/// Milliseconds since the page started (high resolution). Outside a page
/// time does not matter to a widget (nothing is drawn or budgeted), so it
/// is always 0 there.
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0);
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}
