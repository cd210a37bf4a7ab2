//! The codec on a small table with one field of every kind.

use super::testing::{assert_round_trip, junk_links, valid_links};
use super::*;
use proptest::prelude::*;

#[derive(Clone, Debug, PartialEq)]
struct Toy {
    n: u64,
    lr: f64,
    start: [f64; 2],
    on: bool,
    kind: &'static str,
    seed: u64,
    name: String,
    items: Vec<String>,
    options: ViewOptions,
}

impl Default for Toy {
    fn default() -> Self {
        Self {
            n: 10,
            lr: 0.1,
            start: [1.0, -1.0],
            on: false,
            kind: "a",
            seed: 0,
            name: "x".into(),
            items: vec!["p".into()],
            options: ViewOptions::default(),
        }
    }
}

const KINDS: &[Opt] = &[
    Opt {
        value: "a",
        label: "A",
    },
    Opt {
        value: "b",
        label: "B",
    },
];

static TOY: LinkTable<Toy> = LinkTable {
    view: "toy",
    props: &[
        Prop {
            key: "n",
            label: "Count",
            help: "How many.",
            group: "main",
            optional: false,
            field: Field::Count {
                min: 1,
                max: 100,
                get: |c| c.n,
                set: |c, v| c.n = v,
            },
        },
        Prop {
            key: "lr",
            label: "Rate",
            help: "How fast.",
            group: "main",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: 1.0,
                max_open: true,
                scale: Scale::Log,
                get: |c| c.lr,
                set: |c, v| c.lr = v,
            },
        },
        Prop {
            key: "start",
            label: "Start",
            help: "Where.",
            group: "main",
            optional: true,
            field: Field::Pair {
                limit: 10.0,
                get: |c| c.start,
                set: |c, v| c.start = v,
            },
        },
        Prop {
            key: "on",
            label: "On",
            help: "Whether.",
            group: "other",
            optional: false,
            field: Field::Flag {
                get: |c| c.on,
                set: |c, v| c.on = v,
            },
        },
        Prop {
            key: "kind",
            label: "Kind",
            help: "Which.",
            group: "other",
            optional: false,
            field: Field::Choice {
                options: |_| KINDS.to_vec(),
                get: |c| c.kind,
                set: |c, v| c.kind = v,
            },
        },
        Prop {
            key: "seed",
            label: "Seed",
            help: "Randomness.",
            group: "other",
            optional: false,
            field: Field::Seed {
                get: |c| c.seed,
                set: |c, v| c.seed = v,
            },
        },
        Prop {
            key: "name",
            label: "Name",
            help: "Letters only.",
            group: "other",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    if !text.is_empty()
                        && text.chars().all(|ch| ch.is_ascii_lowercase() || ch == ' ')
                    {
                        c.name = text.to_string();
                        Ok(())
                    } else {
                        Err("lower-case letters and spaces only".into())
                    }
                },
                write: |c| Some(text::percent_encode(&c.name)),
                control: |c| json!({"kind": "text", "value": c.name}),
                examples: &["abc", "two words"],
            },
        },
        Prop {
            key: "i",
            label: "Items",
            help: "A list.",
            group: "other",
            optional: false,
            field: Field::List {
                max: 3,
                read: |c, texts| {
                    let mut kept = Vec::new();
                    let mut errors = Vec::new();
                    for text in texts {
                        if text.len() == 1 {
                            kept.push(text.clone());
                        } else {
                            errors.push(format!("`{}` is not one letter", shorten(text)));
                        }
                    }
                    if !kept.is_empty() {
                        c.items = kept;
                    }
                    errors
                },
                write: |c| c.items.clone(),
                control: |c| json!({"kind": "list", "items": c.items}),
                examples: &["p", "q", "r"],
            },
        },
    ],
    groups: &[
        Group {
            name: "main",
            label: "Main",
        },
        Group {
            name: "other",
            label: "Other",
        },
    ],
    panels: &[Group {
        name: "chart",
        label: "Chart",
    }],
    minimal: &["n"],
    max_len: 200,
    check: |c, base, errors| {
        if c.n == 13 {
            errors.push(FieldError::new("n", "13 is unlucky"));
            c.n = base.n;
        }
    },
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

fn decode(link: &str) -> (Toy, Vec<FieldError>) {
    TOY.decode(link, &Toy::default())
}

fn messages(errors: &[FieldError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

#[test]
fn the_default_link_is_readable_and_leaves_optional_defaults_out() {
    assert_eq!(
        TOY.encode(&Toy::default()),
        "n=10&lr=0.1&on=0&kind=a&seed=0&name=x&i=p"
    );
    let (toy, errors) = decode("start=2,3&i=q&i=r&theme=dark&autoplay=1&hide=chart,main");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        TOY.encode(&toy),
        "n=10&lr=0.1&start=2,3&on=0&kind=a&seed=0&name=x&i=q&i=r&autoplay=1&hide=chart,main&theme=dark"
    );
}

#[test]
fn parts_apply_in_table_order_and_the_last_of_a_key_wins() {
    let (toy, errors) = decode("#lr=0.5&n=3&n=4&view=toy&name=b%20c");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!((toy.n, toy.lr, toy.name.as_str()), (4, 0.5, "b c"));
}

#[test]
fn each_bad_part_is_reported_and_keeps_the_base_value() {
    let (toy, errors) = decode(
        "n=0&lr=1&start=11,0&on=yes&kind=c&seed=-1&name=X&i=pq&zoom=2&view=other&hide=legend&theme=pink&autoplay=2&n=%G1",
    );
    assert_eq!(toy, Toy::default());
    assert_eq!(
        messages(&errors),
        [
            "link: unknown setting `zoom`; allowed: n, lr, start, on, kind, seed, name, i, autoplay, hide, theme, view",
            "n: bad percent escape at character 1",
            "view: this is the `toy` widget, not `other`",
            "n: must be a whole number from 1 to 100, got `0`",
            "lr: must be a number from 0 up to but not including 1, got 1",
            "start: both numbers must be from -10 to 10, got 11,0",
            "on: write 1 or 0, not `yes`",
            "kind: unknown choice `c`; allowed: a, b",
            "seed: the seed must be a whole number from 0 to 18446744073709551615, got `-1`",
            "name: lower-case letters and spaces only",
            "i: `pq` is not one letter",
            "autoplay: write 1 or 0, not `2`",
            "theme: unknown theme `pink`; allowed: auto, light, dark",
            "hide: cannot hide `legend`; allowed: controls, main, other, chart",
        ]
    );
}

#[test]
fn a_list_keeps_its_usable_items_and_is_capped() {
    let (toy, errors) = decode("i=q&i=zz&i=r&i=s&i=t");
    assert_eq!(toy.items, ["q", "r"]);
    assert_eq!(
        messages(&errors),
        [
            "i: at most 3 may be given; the 2 after that were left out",
            "i: `zz` is not one letter"
        ]
    );
}

#[test]
fn too_long_a_link_changes_nothing() {
    let (toy, errors) = decode(&format!("n=5&name={}", "a".repeat(300)));
    assert_eq!(toy, Toy::default());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "link");
}

#[test]
fn the_cross_check_reverts_to_the_base() {
    let base = Toy {
        n: 7,
        ..Toy::default()
    };
    let (toy, errors) = TOY.decode("n=13", &base);
    assert_eq!(toy.n, 7);
    assert_eq!(messages(&errors), ["n: 13 is unlucky"]);
}

#[test]
fn a_control_edit_is_checked_like_a_link_part() {
    let mut toy = Toy::default();
    TOY.set(&mut toy, "lr", "0.25").unwrap();
    assert_eq!(toy.lr, 0.25);
    TOY.set(&mut toy, "name", "a b&c=d").unwrap_err();
    TOY.set(&mut toy, "name", "a b").unwrap();
    assert_eq!(toy.name, "a b");
    let error = TOY.set(&mut toy, "n", "13").unwrap_err();
    assert_eq!(error.to_string(), "n: 13 is unlucky");
    assert_eq!(toy.n, 10);
    let error = TOY.set(&mut toy, "nope", "1").unwrap_err();
    assert_eq!(error.field, "link");
}

#[test]
fn the_schema_describes_every_control() {
    let schema = TOY.schema(&Toy::default());
    let controls = schema["controls"].as_array().unwrap();
    assert_eq!(controls.len(), TOY.props.len());
    assert_eq!(controls[0]["kind"], "count");
    assert_eq!(controls[0]["max"], 100);
    assert_eq!(controls[0]["minimal"], true);
    assert_eq!(controls[1]["kind"], "real");
    assert_eq!(controls[1]["log"], true);
    assert_eq!(controls[1]["value"], "0.1");
    assert_eq!(controls[4]["options"][1]["label"], "B");
    assert_eq!(controls[6]["kind"], "text");
    assert_eq!(controls[6]["label"], "Name");
    assert_eq!(
        schema["hide_names"],
        json!(["controls", "main", "other", "chart"])
    );
    for control in controls {
        let group = control["group"].as_str().unwrap();
        assert!(TOY.groups.iter().any(|g| g.name == group));
    }
}

#[test]
fn list_edits_parse_and_apply() {
    assert_eq!(
        ListEdit::parse("o", "o+", "adam"),
        Some(Ok(ListEdit::Add("adam")))
    );
    assert_eq!(
        ListEdit::parse("o", "o-", "1"),
        Some(Ok(ListEdit::Remove(1)))
    );
    assert_eq!(
        ListEdit::parse("o", "o*", "0"),
        Some(Ok(ListEdit::Duplicate(0)))
    );
    assert_eq!(
        ListEdit::parse("o", "o.2", "sgd"),
        Some(Ok(ListEdit::Replace(2, "sgd")))
    );
    assert_eq!(
        ListEdit::parse("o", "o.0.lr", "0.1"),
        Some(Ok(ListEdit::Setting(0, "lr", "0.1")))
    );
    assert_eq!(ListEdit::parse("o", "lr", "0.1"), None);
    assert_eq!(ListEdit::parse("o", "order", "shuffle"), None);
    assert!(matches!(ListEdit::parse("o", "o-", "x"), Some(Err(_))));

    let new = |kind: &str| match kind {
        "a" | "b" => Ok((kind.to_string(), 0)),
        _ => Err(format!("no kind {kind}")),
    };
    let setting = |item: &mut (String, i32), key: &str, value: &str| {
        if key != "n" {
            return Err("only n".to_string());
        }
        item.1 = value.parse().map_err(|_| "a number".to_string())?;
        Ok(())
    };
    let mut items = vec![("a".to_string(), 0)];
    ListEdit::Add("b")
        .apply(&mut items, 3, new, setting)
        .unwrap();
    ListEdit::Setting(1, "n", "7")
        .apply(&mut items, 3, new, setting)
        .unwrap();
    ListEdit::Duplicate(1)
        .apply(&mut items, 3, new, setting)
        .unwrap();
    assert_eq!(items[2], ("b".to_string(), 7));
    assert!(
        ListEdit::Add("a")
            .apply(&mut items, 3, new, setting)
            .is_err()
    );
    assert!(
        ListEdit::Replace(0, "z")
            .apply(&mut items, 3, new, setting)
            .is_err()
    );
    ListEdit::Replace(0, "b")
        .apply(&mut items, 3, new, setting)
        .unwrap();
    assert!(
        ListEdit::Remove(5)
            .apply(&mut items, 3, new, setting)
            .is_err()
    );
    ListEdit::Remove(0)
        .apply(&mut items, 3, new, setting)
        .unwrap();
    ListEdit::Remove(0)
        .apply(&mut items, 3, new, setting)
        .unwrap();
    let error = ListEdit::Remove(0)
        .apply(&mut items, 3, new, setting)
        .unwrap_err();
    assert_eq!(error, "at least one must run");
    assert_eq!(items.len(), 1);
}

proptest! {
    #[test]
    fn any_text_decodes_without_panicking(link in junk_links(&TOY)) {
        let (toy, _) = decode(&link);
        prop_assert!((1..=100).contains(&toy.n));
        prop_assert!(toy.n != 13);
    }

    #[test]
    fn a_random_valid_state_round_trips(link in valid_links(&TOY)) {
        let (_, errors) = decode(&link);
        prop_assert!(errors.iter().all(|e| e.message == "13 is unlucky"), "{link}: {errors:?}");
        assert_round_trip(&TOY, &link);
    }
}
