use super::*;
use crate::link::ListEdit;

#[test]
fn default_state_round_trips_through_the_hash() {
    let (playground, errors) = Playground::from_hash("");
    assert!(errors.is_empty(), "{errors:?}");
    let hash = playground.hash();
    let (again, errors) = Playground::from_hash(&hash);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(again.config(), playground.config());
    assert_eq!(again.hash(), hash);
}

#[test]
fn a_rich_state_round_trips_losslessly() {
    let config = PlaygroundConfig {
        landscape: Landscape::Named {
            name: "quadratic".into(),
            params: vec![("a".into(), 10.0), ("theta".into(), 0.1 + 0.2)],
        },
        start: Some([-1.234_567_890_123_456_7, 1e-300]),
        racers: vec![
            RacerConfig::new(
                "adam",
                serde_json::json!({"lr": 0.05, "amsgrad": true, "beta2": 0.999_9}),
            ),
            RacerConfig::new("noisy_gd", serde_json::json!({"seed": 7, "lr": 1.0})),
            RacerConfig::new("sgd", serde_json::Value::Null),
        ],
        speed: 17,
        log_color: false,
        seed: u64::MAX,
        taylor: true,
        options: crate::link::ViewOptions {
            autoplay: true,
            hide: vec!["speed".into(), "racers".into()],
            theme: crate::link::Theme::Light,
        },
    };
    let mut normalized = config.clone();
    let playground = Playground::new(config).unwrap();
    for (racer, slot) in playground.racers().iter().zip(normalized.racers.iter_mut()) {
        slot.normalize(racer.path.optimizer.as_ref());
    }
    let (decoded, errors) =
        PlaygroundConfig::decode(&playground.hash(), &PlaygroundConfig::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(decoded, normalized);
}

#[test]
fn custom_formulas_survive_the_hash() {
    let mut playground = Playground::from_hash("").0;
    playground
        .set("f", "sin(x)*cos(y) + (x^2 + y^2)/10 & = % #")
        .unwrap_err();
    playground
        .set("f", "sin(x)*cos(y) + (x^2 + y^2)/10")
        .unwrap();
    let (again, errors) = Playground::from_hash(&format!("#{}", playground.hash()));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(again.config().landscape, playground.config().landscape);
}

#[test]
fn hostile_hashes_are_reported_and_harmless() {
    crate::link::testing::assert_hostile_links_are_refused(&LANDSCAPE);
    let long = "a".repeat(200_000);
    let parens = format!("f={}", "(".repeat(10_000));
    let many = "o=adam&".repeat(1000);
    let hostile = [
        "<script>alert(1)</script>",
        "s=%3Cimg%20src=x%20onerror=alert(1)%3E",
        long.as_str(),
        parens.as_str(),
        "f=%E0%A4%A",
        "o=adam,lr:-1",
        many.as_str(),
        "start=NaN,Infinity",
        "start=1e999,0",
        "start=1e308,-1e308",
        "speed=0&speed=-1&speed=999999999999",
        "seed=-1",
        "p=a:-4",
        "s=quadratic&p=zz:1",
        "o=sgd,nesterov:true",
        "o=sgd,momentum:abc",
        "hide=<b>",
        "%00%01%02=\u{1}",
        "&&&===&&",
    ];
    for hash in hostile {
        let (playground, errors) = Playground::from_hash(hash);
        assert!(!errors.is_empty(), "{hash:.60} should report an error");
        assert!(!playground.racers().is_empty());
        assert!(playground.surface().value(0.5, 0.5).is_finite());
        for error in &errors {
            assert!(
                error.message.len() < 400,
                "message too long: {}",
                error.message
            );
        }
    }
}

#[test]
fn named_settings_round_trip_through_the_hash() {
    let hash = "s=quadratic&o=steepest,norm:linf,line_search:armijo";
    let (playground, errors) = Playground::from_hash(hash);
    assert!(errors.is_empty(), "{errors:?}");
    let racer = &playground.config().racers[0];
    assert_eq!(racer.settings["norm"], "linf");
    let (again, errors) = Playground::from_hash(&playground.config().encode());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(again.config(), playground.config());
    let (_, errors) = Playground::from_hash("o=steepest,norm:l3");
    assert!(errors[0].message.contains("linf"), "{errors:?}");
}

#[test]
fn valid_parts_of_a_partly_bad_hash_still_apply() {
    let (playground, errors) =
        Playground::from_hash("s=booth&start=oops&speed=9&o=adam,lr:0.1&o=nope");
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(playground.surface().name(), "booth");
    assert_eq!(playground.config().speed, 9);
    assert_eq!(playground.racers().len(), 1);
}

#[test]
fn a_bad_formula_keeps_the_previous_surface() {
    let mut playground = Playground::from_hash("s=himmelblau").0;
    let error = playground.set("f", "foo(x)").unwrap_err();
    assert_eq!(error.field, "f");
    assert!(error.message.contains("unknown function `foo`"), "{error}");
    assert_eq!(playground.surface().name(), "himmelblau");
}

#[test]
fn links_written_before_the_codec_was_shared_read_the_same() {
    let (playground, errors) = Playground::from_hash(
        "s=quadratic&p=a:10,b:1,theta:30&start=-1.5,2&o=adam,lr:0.05,amsgrad:true\
         &o=sgd,lr:0.001,momentum:0.9,nesterov:true&speed=7&log=0&seed=3&autoplay=1&hide=speed,losses",
    );
    assert!(errors.is_empty(), "{errors:?}");
    let config = playground.config();
    assert_eq!(
        config.landscape,
        Landscape::Named {
            name: "quadratic".into(),
            params: vec![
                ("a".into(), 10.0),
                ("b".into(), 1.0),
                ("theta".into(), 30.0)
            ],
        }
    );
    assert_eq!(config.start, Some([-1.5, 2.0]));
    assert_eq!(playground.racers().len(), 2);
    assert_eq!(
        playground.racers()[1].label(),
        "sgd (lr 0.001, momentum 0.9, nesterov true)"
    );
    assert_eq!((config.speed, config.log_color, config.seed), (7, false, 3));
    assert!(config.options.autoplay);
    assert_eq!(config.options.hide, ["speed", "losses"]);
    let (custom, errors) = Playground::from_hash("f=sin(x)%2Bcos(y)&start=0.5,0.5");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        custom.config().landscape,
        Landscape::Custom {
            expr: "sin(x)+cos(y)".into()
        }
    );
}

#[test]
fn controls_are_checked_like_links_and_display_settings_do_not_restart() {
    let mut playground = Playground::from_hash("s=booth&o=adam,lr:0.1").0;
    playground.step(5);
    playground.set("speed", "9").unwrap();
    playground.set("log", "0").unwrap();
    assert_eq!(playground.step_count(), 5);
    assert_eq!(playground.set("speed", "99").unwrap_err().field, "speed");
    playground.set("p", "a:1").unwrap_err();
    playground.set("s", "quadratic").unwrap();
    assert_eq!(playground.step_count(), 0);
    playground.set("p", "a:9").unwrap();
    playground.set("p", "theta:45").unwrap();
    assert_eq!(playground.hash().split('&').nth(1), Some("p=a:9,theta:45"));
    assert_eq!(playground.set("p", "a:-1").unwrap_err().field, "p");
    assert_eq!(playground.config().speed, 9);
}

#[test]
fn changing_a_hyperparameter_mid_run_keeps_the_path_and_state() {
    let mut playground = Playground::from_hash("s=booth&o=sgd,lr:0.01,momentum:0.9").0;
    playground.step(10);
    let before = playground.racers()[0]
        .path
        .optimizer
        .velocity()
        .unwrap()
        .to_vec();
    playground
        .edit_racers(ListEdit::Setting(0, "lr", "0.02"))
        .unwrap();
    assert_eq!(playground.step_count(), 10);
    assert_eq!(
        playground.racers()[0].path.optimizer.velocity().unwrap(),
        &before[..]
    );
    assert!(playground.hash().contains("lr:0.02"));
    assert!(
        playground
            .edit_racers(ListEdit::Setting(0, "lr", "-1"))
            .is_err()
    );
    assert_eq!(playground.racers()[0].path.optimizer.lr(), 0.02);
}

#[test]
fn racers_are_capped_and_never_empty() {
    let mut playground = Playground::from_hash("o=sgd").0;
    assert!(playground.edit_racers(ListEdit::Remove(0)).is_err());
    for _ in 1..MAX_RACERS {
        playground.edit_racers(ListEdit::Add("adam")).unwrap();
    }
    assert!(playground.edit_racers(ListEdit::Add("adam")).is_err());
    assert!(playground.edit_racers(ListEdit::Duplicate(0)).is_err());
    playground.edit_racers(ListEdit::Remove(3)).unwrap();
    let error = playground.edit_racers(ListEdit::Add("nope")).unwrap_err();
    assert!(
        error.message.contains("unknown optimizer `nope`"),
        "{error}"
    );
    playground
        .edit_racers(ListEdit::Replace(0, "rmsprop"))
        .unwrap();
    assert_eq!(playground.racers()[0].config.optimizer, "rmsprop");
    assert_eq!(playground.racers().len(), MAX_RACERS - 1);
}

#[test]
fn divergence_is_reported_not_plotted() {
    let mut playground = Playground::from_hash("s=rosenbrock&o=sgd,lr:1").0;
    playground.step(200);
    let racer = &playground.racers()[0];
    assert!(
        Playground::stop_message(racer)
            .unwrap()
            .contains("diverged at step")
    );
    assert!(racer.path.points.iter().all(|p| p.loss.is_finite()));
    assert!(playground.finished());
}

#[test]
fn curvature_of_a_quadratic_gives_its_stability_bound() {
    let playground = Playground::from_hash("s=quadratic&p=a:4,b:1,theta:30").0;
    let c = curvature(playground.surface(), 0.3, -0.2);
    assert!((c.eigenvalues[0] - 2.0).abs() < 1e-12 && (c.eigenvalues[1] - 8.0).abs() < 1e-12);
    assert!((c.condition.unwrap() - 4.0).abs() < 1e-12);
    assert!((c.lr_bound.unwrap() - 0.25).abs() < 1e-12);
}

mod properties {
    use super::*;
    use crate::link::testing::{junk_links, link_table_properties, valid_links};
    use proptest::prelude::*;

    link_table_properties!(LANDSCAPE, cases = 64);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_text_gives_a_working_playground(link in junk_links(&LANDSCAPE)) {
            let (playground, _) = Playground::from_hash(&link);
            prop_assert!(!playground.racers().is_empty());
            prop_assert!(LANDSCAPE.validate(playground.config()).is_ok());
        }

        #[test]
        fn a_random_valid_state_builds_a_playground(link in valid_links(&LANDSCAPE)) {
            let (config, _) = LANDSCAPE.decode(&link, &Default::default());
            prop_assert!(Playground::new(config).is_ok());
        }
    }
}

#[test]
fn the_taylor_overlay_is_a_flag_at_the_first_racers_point_in_its_norm() {
    let (mut playground, errors) = Playground::from_hash(
        "s=quadratic&p=a:1,b:10&start=4,1&o=sgd,lr:0.02&o=steepest,norm:linf,lr:0.01&taylor=1",
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert!(playground.config().taylor);
    assert!(playground.hash().ends_with("&taylor=1"));
    assert_eq!(playground.taylor_norm(), Norm::Linf);
    assert_eq!(playground.taylor_point(), [4.0, 1.0]);
    playground.step(3);
    let first = playground.racers()[0].path.current();
    let model = playground.taylor_model();
    assert_eq!(model.at, [first.x, first.y]);
    assert_eq!(
        model.gradient,
        playground.surface().gradient(first.x, first.y)
    );
    // Turning it off is a display change: the paths keep their steps.
    playground.set("taylor", "0").unwrap();
    assert_eq!(playground.step_count(), 3);
    assert!(!playground.hash().contains("taylor"));
    let (plain, _) = Playground::from_hash("s=saddle&o=adam");
    assert_eq!(plain.taylor_norm(), Norm::L2);
    assert!(!plain.config().taylor);
}
