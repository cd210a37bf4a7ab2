//! Bad input through the JS boundary, in a real headless Chromium
//! (wasm-bindgen-test): hostile links and bad control values give
//! messages, never panics, and keep the state; list edits of the runs.
#![cfg(target_arch = "wasm32")]

use sgdlab_web::REGISTRY;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Links that try everything: markup, broken escapes, huge and deep text,
/// numbers out of range, another view's name.
fn hostile_links(view: &str) -> Vec<String> {
    let mut links: Vec<String> = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "%E0%A4%A",
        "%ZZ=1&seed=%E0",
        "seed=-1&speed=NaN",
        "theme=<b>&hide=<i>",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    links.push(format!("junk={}", "A".repeat(100_000)));
    links.push("x=1&".repeat(25_000));
    links.push(format!("view={}", other_view(view)));
    let own: &[&str] = match view {
        "landscape" => &[
            "f=((((((((((",
            "o=adam,lr:-1",
            "start=NaN,Infinity",
            "s=%3Cimg%20src=x%3E",
            "o=nonsense&o=adam,nope:1",
        ],
        "stochastic" => &[
            "m=%3Cimg%20src=x%3E&b=-3",
            "start=NaN,Infinity&lr=1e308",
            "n=2&b=2&order=class_balanced",
            "b=99999&k=-1",
        ],
        "training" => &[
            "d=%3Cimg%20src=x%3E&h=-1",
            "o=newton&o=adam,lr:NaN&o=sgd,lr:1e400",
            "n=10000&h=1024,1024",
            "h=1024,1024&n=10000&b=10000",
            "sched=step:step_size=1e99",
            "o=a&o=b&o=c&o=d&o=e",
        ],
        _ => &[],
    };
    links.extend(own.iter().map(|s| s.to_string()));
    if view == "landscape" {
        links.push(format!("f={}", "(".repeat(10_000)));
    } else if view == "training" {
        links.push(format!("h={}", "9,".repeat(3000)));
    } else {
        links.push(format!("n={}", "9".repeat(10_000)));
    }
    links
}

#[wasm_bindgen_test]
fn hostile_links_give_messages_not_panics() {
    for entry in REGISTRY {
        let view = entry.name;
        for link in hostile_links(view) {
            let shown: String = link.chars().take(40).collect();
            let mut w = Mounted::small(view, &link);
            let errors = w.errors();
            assert!(!errors.is_empty(), "{view} `{shown}`: nothing reported");
            for error in &errors {
                let message = error["message"].as_str().unwrap();
                assert!(
                    !error["field"].as_str().unwrap().is_empty(),
                    "{view} `{shown}`"
                );
                assert!(!message.is_empty(), "{view} `{shown}`");
                assert!(
                    message.len() < 600,
                    "{view} `{shown}`: a {} byte message",
                    message.len()
                );
            }
            w.handle.step(5);
            w.handle.frame(false, 1);
            assert!(
                w.colors(&w.main_layer()) > 10,
                "{view} `{shown}`: blank after"
            );
            let status = w.status();
            assert!(status["step"].is_u64(), "{view} `{shown}`");
            assert!(
                !w.handle.export_csv().contains("NaN"),
                "{view} `{shown}`: NaN exported"
            );
            // What the widget kept is a valid link of its own.
            let kept = w.handle.link();
            assert!(
                kept.len() < 10_000,
                "{view} `{shown}`: kept {} bytes",
                kept.len()
            );
            let again = Mounted::small(view, &kept);
            assert_eq!(
                again.handle.load_errors(),
                "[]",
                "{view} `{shown}`: kept `{kept}`"
            );
        }
    }
}

/// Control edits each view must refuse: (key, value).
/// Values every control of the widget's panel must refuse, read from its
/// schema (so a new widget is covered without a list here), plus the edits
/// of the racing optimizers where a widget has them.
fn bad_edits(w: &Mounted) -> Vec<(String, String)> {
    let mut edits: Vec<(String, String)> = vec![
        ("zzz".into(), "1".into()),
        ("view".into(), other_view(&w.handle.view()).into()),
        ("hide".into(), "nonsense".into()),
        ("theme".into(), "purple".into()),
    ];
    let schema = json(&w.handle.schema());
    for control in schema["controls"].as_array().unwrap() {
        let key = control["key"].as_str().unwrap().to_string();
        let mut bad = |value: &str| edits.push((key.clone(), value.to_string()));
        match control["kind"].as_str().unwrap() {
            "count" => {
                bad("abc");
                bad("-1");
                bad("1.5");
                let max = control["max"].as_u64().unwrap();
                if max < u64::MAX {
                    bad(&(max + 1).to_string());
                }
            }
            "real" => {
                bad("abc");
                bad("NaN");
                bad("1e309");
                bad("0.1&b=3");
            }
            "seed" => bad("-3"),
            "flag" => bad("maybe"),
            "choice" => bad("<img src=x>"),
            "pair" => {
                bad("1e309,0");
                bad("abc");
            }
            "racers" => {
                for (edit, value) in [
                    ("+", "nonsense"),
                    ("-", "99"),
                    ("*", "99"),
                    (".0", "newton2"),
                    (".0.lr", "-1"),
                    (".0.nonsense", "1"),
                    (".9.lr", "0.1"),
                ] {
                    edits.push((format!("{key}{edit}"), value.to_string()));
                }
            }
            _ => {}
        }
    }
    edits
}

/// An edit each widget accepts that changes its link: the first count
/// control moved to another value in its range.
fn good_edit(w: &Mounted) -> (String, String) {
    let schema = json(&w.handle.schema());
    let control = schema["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "count" && c["key"] != "speed")
        .or_else(|| {
            schema["controls"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["kind"] == "count")
        })
        .expect("every widget has a count control");
    let (min, max) = (
        control["min"].as_u64().unwrap(),
        control["max"].as_u64().unwrap(),
    );
    let now: u64 = control["value"].as_str().unwrap().parse().unwrap();
    let next = if now > min {
        now - 1
    } else {
        (now + 1).min(max)
    };
    (
        control["key"].as_str().unwrap().to_string(),
        next.to_string(),
    )
}

#[wasm_bindgen_test]
fn set_refuses_bad_values_and_keeps_the_state() {
    for entry in REGISTRY {
        let view = entry.name;
        let mut w = Mounted::new(view, small_link(view));
        w.handle.step(7);
        let link = w.handle.link();
        let status = w.handle.status();
        for (key, value) in bad_edits(&w) {
            let answer = w.handle.set(&key, &value);
            assert!(!answer.is_empty(), "{view}: {key}={value} accepted");
            let error = json(&answer);
            assert!(
                error["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{view}: {answer}"
            );
            assert!(error["field"].is_string(), "{view}: {answer}");
            assert_eq!(
                w.handle.link(),
                link,
                "{view}: {key}={value} changed the link"
            );
            assert_eq!(
                w.handle.status(),
                status,
                "{view}: {key}={value} changed the run"
            );
        }
        // A good edit goes through and shows in the link.
        let (key, value) = good_edit(&w);
        assert_eq!(w.handle.set(&key, &value), "", "{view}: {key}={value}");
        assert!(
            w.handle.link().contains(&format!("{key}={value}")),
            "{view}: {}",
            w.handle.link()
        );
    }
}

#[wasm_bindgen_test]
fn list_edits_add_copy_and_remove_runs() {
    for view in ["landscape", "training"] {
        let mut w = Mounted::new(view, small_link(view));
        let runs = |w: &Mounted| w.status()["runs"].as_array().unwrap().len();
        assert_eq!(runs(&w), 2, "{view}");
        assert_eq!(w.handle.set("o+", "rmsprop"), "", "{view}");
        // A copy goes right after its original.
        assert_eq!(w.handle.set("o*", "0"), "", "{view}");
        assert_eq!(runs(&w), 4, "{view}");
        let status = w.status();
        let optimizer = |i: usize| status["runs"][i]["optimizer"].clone();
        assert_eq!(optimizer(1), optimizer(0), "{view}: {status}");
        assert_eq!(optimizer(3), "rmsprop", "{view}: {status}");
        assert_eq!(w.handle.set("o.3.lr", "0.003"), "", "{view}");
        assert!(
            w.handle.link().contains("o=rmsprop,lr:0.003"),
            "{view}: {}",
            w.handle.link()
        );
        assert_eq!(w.handle.set("o-", "3"), "", "{view}");
        assert_eq!(runs(&w), 3, "{view}");
        assert_eq!(w.handle.set("o.1", "adamw"), "", "{view}");
        assert_eq!(w.status()["runs"][1]["optimizer"], "adamw", "{view}");
    }
    // The lab holds at most four runs.
    let mut lab = Mounted::new("training", small_link("training"));
    assert_eq!(lab.handle.set("o+", "rmsprop"), "");
    assert_eq!(lab.handle.set("o+", "lars"), "");
    assert!(!lab.handle.set("o+", "adagrad").is_empty(), "a fifth run");
    // Four runs get four boundary thumbnails.
    lab.attach();
    lab.handle.step(3);
    lab.handle.frame(false, 1);
    for name in ["run1", "run2", "run3", "run4"] {
        assert!(lab.colors(name) > 5, "thumbnail `{name}` is blank");
    }
}
