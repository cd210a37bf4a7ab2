//! Every widget of the registry through the whole JS boundary
//! ([`WidgetHandle`]), in a real headless Chromium (wasm-bindgen-test): it
//! mounts on real canvases, draws and steps; a link reproduces its run and
//! its exports; the embed snippets carry their options and are escaped;
//! the pointer moves the start.
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use sgdlab_web::{REGISTRY, WidgetHandle};
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_widget_draws_on_real_canvases_and_steps() {
    assert!(REGISTRY.len() >= 3);
    for entry in REGISTRY {
        let view = entry.name;
        let mut w = Mounted::new(view, "");
        assert_eq!(w.handle.view(), view);
        assert_eq!(
            w.handle.load_errors(),
            "[]",
            "{view}: the defaults are valid"
        );
        assert!(!w.layers.is_empty(), "{view}: no canvas in the layout");
        assert!(
            !w.handle.frame(false, 1) || view == "training",
            "{view}: busy with nothing to do"
        );
        for (name, _) in &w.layers {
            assert!(w.colors(name) > 1, "{view}: layer `{name}` is blank");
        }
        let main = w.main_layer();
        assert!(
            w.colors(&main) > 20,
            "{view}: `{main}` should be a map of colours"
        );

        // Some views draw a result only once a unit of work is complete
        // (a capacity's 100 fits): step until the drawing moves.
        let before: Vec<Vec<u8>> = w.layers.iter().map(|(_, c)| pixels(c)).collect();
        let mut taken = 0;
        let moved = loop {
            w.handle.step(20);
            taken += 20;
            w.handle.frame(false, 1);
            let after: Vec<Vec<u8>> = w.layers.iter().map(|(_, c)| pixels(c)).collect();
            if before != after || taken >= 400 {
                break before != after;
            }
        };
        assert_eq!(w.step_count(), taken, "{view}: step(20) × {}", taken / 20);
        assert!(moved, "{view}: stepping should change the drawing");
        assert!(w.handle.frame_time_ms() >= 0.0);

        // A frame of play advances by the widget's own speed.
        w.handle.frame(true, 1);
        assert!(w.step_count() > taken, "{view}: a played frame should step");
        let status = w.status();
        let runs = status["runs"].as_array().unwrap();
        assert!(!runs.is_empty(), "{view}: status names its runs");
        for run in runs {
            assert!(
                run["label"].as_str().is_some_and(|l| !l.is_empty()),
                "{view}: {run}"
            );
            // Not measured yet (null), or a finite number.
            assert!(
                run["loss"].is_null() || run["loss"].as_f64().is_some_and(f64::is_finite),
                "{view}: {run}"
            );
        }
        assert!(!w.handle.finished(), "{view}");

        w.handle.reset();
        assert_eq!(w.step_count(), 0, "{view}: reset");
    }
}

#[wasm_bindgen_test]
fn an_unknown_view_is_refused() {
    for view in ["", "nonsense", "<img src=x onerror=alert(1)>", "Landscape"] {
        assert!(WidgetHandle::new(view, "").is_err(), "`{view}` mounted");
    }
    let views = json(&sgdlab_web::handle::views());
    let names: Vec<&str> = views
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = REGISTRY.iter().map(|e| e.name).collect();
    assert_eq!(names, expected);
    assert_eq!(
        sgdlab_web::registry::split_view("view=training&d=xor").0,
        "training"
    );
    assert_eq!(
        sgdlab_web::registry::split_view("https://x.org/embed.html#d=xor").0,
        "landscape"
    );
}

/// A status without what depends on the clock: the noise readout and
/// whether a redraw is still due.
fn steady(status: Value) -> Value {
    let mut status = status;
    if let Some(readouts) = status.get_mut("readouts").and_then(Value::as_object_mut) {
        readouts.remove("noise");
    }
    if let Some(backend) = status.get_mut("backend").and_then(Value::as_object_mut) {
        backend.remove("busy");
    }
    status
}

#[wasm_bindgen_test]
fn a_link_reproduces_the_run() {
    for entry in REGISTRY {
        let view = entry.name;
        let steps: u32 = 45;
        let mut a = Mounted::new(view, small_link(view));
        a.handle.step(steps);
        a.handle.frame(false, 1);
        // The same link, run partly by played frames and partly by steps.
        let mut b = Mounted::new(view, &a.handle.link());
        assert_eq!(b.handle.load_errors(), "[]", "{view}");
        b.handle.frame(true, 1);
        b.handle.frame(true, 1);
        let played = b.step_count();
        assert!(
            played > 0 && played < u64::from(steps),
            "{view}: {played} steps played"
        );
        b.handle.step(steps - played as u32);
        b.handle.frame(false, 1);
        assert_eq!(steady(b.status()), steady(a.status()), "{view}: status");
        assert_eq!(b.handle.export_csv(), a.handle.export_csv(), "{view}: CSV");
        assert_eq!(
            b.handle.export_json(),
            a.handle.export_json(),
            "{view}: JSON"
        );
        assert_eq!(b.handle.link(), a.handle.link(), "{view}: link");
        // Redrawn at most every 100–250 ms while playing: the training
        // boundaries, the gradient-noise panel, mode connectivity's charts.
        let timed = [
            "boundary", "run1", "run2", "cloud", "variance", "angles", "path", "progress",
        ];
        for (name, canvas) in &a.layers {
            if !timed.contains(&name.as_str()) {
                let same = pixels(canvas) == pixels(b.layer(name));
                assert!(same, "{view}: `{name}` pixels differ");
            }
        }
        let exported = json(&a.handle.export_json());
        assert_eq!(exported["view"], view);
        assert_eq!(exported["link"], a.handle.link().as_str());
        assert!(a.handle.export_json().ends_with('\n'));
    }
}

#[wasm_bindgen_test]
fn exports_hold_every_recorded_point() {
    let mut w = Mounted::new("landscape", small_link("landscape"));
    w.handle.step(3);
    let csv = w.handle.export_csv();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "racer,optimizer,step,x,y,loss");
    assert_eq!(rows.len(), 1 + 2 * 4, "steps 0..=3 of two racers");
    let exported = json(&w.handle.export_json());
    assert_eq!(exported["racers"][0]["points"].as_array().unwrap().len(), 4);

    let mut s = Mounted::new("stochastic", small_link("stochastic"));
    s.handle.step(2);
    let csv = s.handle.export_csv();
    assert_eq!(csv.lines().next(), Some("path,step,x,y,loss"));
    assert_eq!(csv.lines().count(), 1 + 3 * 3, "steps 0..=2 of three paths");

    let mut t = Mounted::new("training", small_link("training"));
    t.handle.step(10);
    let csv = t.handle.export_csv();
    assert_eq!(
        csv.lines().next(),
        Some("optimizer,step,epoch,examples,train_loss,test_loss,train_acc,test_acc")
    );
    // 160 training examples in batches of 20: a point every 4 steps.
    let steps: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("1:"))
        .map(|l| l.split(',').nth(1).unwrap())
        .collect();
    assert_eq!(steps, ["0", "4", "8"]);
}

#[wasm_bindgen_test]
fn embed_snippets_carry_the_options_and_escape_the_site() {
    for entry in REGISTRY {
        let view = entry.name;
        let w = Mounted::new(view, small_link(view));
        let site = "https://example.org/\"><script>alert(1)</script>/";
        let answer = json(&w.handle.embed(site, true, "legend", "full"));
        let link = answer["link"].as_str().unwrap();
        assert!(
            link.contains("autoplay=1") && link.contains("hide=legend"),
            "{view}: {link}"
        );
        for snippet in [&answer["iframe"], &answer["element"]] {
            let snippet = snippet.as_str().unwrap();
            assert!(!snippet.contains("<script>alert"), "{view}: {snippet}");
            assert!(snippet.contains("&lt;script&gt;"), "{view}: {snippet}");
        }
        assert!(
            answer["iframe"]
                .as_str()
                .unwrap()
                .contains(&format!("embed.html#view={view}&amp;"))
        );
        assert!(
            answer["element"]
                .as_str()
                .unwrap()
                .contains(&format!("<sgdlab-widget view=\"{view}\""))
        );
        assert!(
            answer["element"]
                .as_str()
                .unwrap()
                .contains("controls=\"full\"")
        );
        // The embedded link mounts cleanly and asks to play.
        let embedded = Mounted::new(view, link);
        assert_eq!(embedded.handle.load_errors(), "[]", "{view}: {link}");
        assert!(embedded.handle.autoplay(), "{view}");
        let layout = json(&embedded.handle.layout());
        assert_eq!(
            layout["legend"], false,
            "{view}: hide=legend hides the legend"
        );
        // Unknown names to hide are refused; odd controls fall back to minimal.
        let refused = json(&w.handle.embed(site, false, "nonsense", "full"));
        assert!(refused["error"]["message"].is_string(), "{view}: {refused}");
        let minimal = json(&w.handle.embed("", false, "", "\"><b>"));
        assert!(
            minimal["element"]
                .as_str()
                .unwrap()
                .contains("controls=\"minimal\"")
        );
    }
}

#[wasm_bindgen_test]
fn themes_come_from_the_link_and_the_attribute() {
    for entry in REGISTRY {
        let view = entry.name;
        let mut w = Mounted::new(view, "theme=dark");
        assert_eq!(w.handle.theme(), "dark", "{view}");
        assert_eq!(w.handle.set("theme", "light"), "", "{view}");
        assert_eq!(w.handle.theme(), "light", "{view}");
        assert!(w.handle.link().contains("theme=light"), "{view}");
        w.handle.frame(false, 1);
        assert!(w.colors(&w.main_layer()) > 10, "{view}: drawing");
    }
}

#[wasm_bindgen_test]
fn the_pointer_moves_the_start_and_reads_the_surface() {
    let mut w = Mounted::new("landscape", "s=saddle&o=sgd,lr:0.1");
    let size = 240.0;
    let hover = json(
        &w.handle
            .pointer("landscape", "hover", 120.0, 120.0, size, size),
    );
    assert_eq!(hover["changed"], false);
    let readout = w.status()["readouts"]["readout"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        readout.contains("f =") && readout.contains("∇f"),
        "{readout}"
    );
    let link = w.handle.link();
    let down = json(
        &w.handle
            .pointer("landscape", "down", 60.0, 180.0, size, size),
    );
    assert_eq!(down["changed"], true);
    assert_ne!(w.handle.link(), link);
    assert!(w.handle.link().contains("start="));
    let outside = json(
        &w.handle
            .pointer("landscape", "down", -50.0, 9999.0, size, size),
    );
    assert!(outside["error"]["message"].is_string(), "{outside}");
    let odd = json(&w.handle.pointer("landscape", "<b>", 1.0, 1.0, size, size));
    assert!(odd["error"].is_string(), "{odd}");
    let nan = json(
        &w.handle
            .pointer("landscape", "down", f64::NAN, 1.0, size, size),
    );
    assert!(
        nan.get("error").is_some() || nan["changed"] == false,
        "{nan}"
    );
    w.handle.pointer("landscape", "leave", 0.0, 0.0, size, size);
    assert!(
        w.status()["readouts"]["readout"]
            .as_str()
            .unwrap()
            .starts_with("Point at")
    );

    let mut s = Mounted::new("stochastic", small_link("stochastic"));
    let down = json(&s.handle.pointer("map", "down", 100.0, 100.0, size, size));
    assert_eq!(down["changed"], true, "{down}");
    assert!(s.handle.link().contains("start="));

    let mut t = Mounted::new("training", small_link("training"));
    assert_eq!(t.status()["selected"], 0);
    t.handle.pointer("run2", "down", 5.0, 5.0, 160.0, 160.0);
    assert_eq!(t.status()["selected"], 1);
}
