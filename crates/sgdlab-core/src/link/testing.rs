//! What every table's tests share: random valid links built from the table
//! itself, random junk, the round-trip check, the two properties every
//! table must have (`link_table_properties!`) and the hostile links every
//! table must refuse.

use super::{Field, FieldError, LinkTable, Theme, text};
use proptest::prelude::*;
use proptest::sample::select;

/// Random valid texts for one field (the config supplies choice lists).
fn field_texts<C>(field: &Field<C>, config: &C) -> BoxedStrategy<Vec<String>> {
    let one = |s: BoxedStrategy<String>| s.prop_map(|t| vec![t]).boxed();
    match field {
        Field::Count { min, max, .. } => one((*min..=*max).prop_map(|v| v.to_string()).boxed()),
        Field::Real {
            min, max, max_open, ..
        } => {
            let (min, max, open) = (*min, *max, *max_open);
            let inside = (min..max).prop_map(text::format_number);
            let mut ends = vec![text::format_number(min)];
            if !open {
                ends.push(text::format_number(max));
            }
            if min <= 0.0 && 0.0 < max {
                ends.push("-0".into());
            }
            one(prop_oneof![3 => inside, 1 => select(ends)].boxed())
        }
        Field::Pair { limit, .. } => {
            let limit = *limit;
            one((-limit..=limit, -limit..=limit)
                .prop_map(|(a, b)| text::format_pair([a, b]))
                .boxed())
        }
        Field::Flag { .. } => one(select(vec!["0".to_string(), "1".to_string()]).boxed()),
        Field::Choice { options, .. } => {
            let names: Vec<String> = options(config)
                .iter()
                .map(|o| o.value.to_string())
                .collect();
            one(select(names).boxed())
        }
        Field::Seed { .. } => one(any::<u64>().prop_map(|v| v.to_string()).boxed()),
        Field::Custom { examples: [], .. } => Just(Vec::new()).boxed(),
        Field::Custom { examples, .. } => one(select(examples.to_vec())
            .prop_map(text::percent_encode)
            .boxed()),
        Field::List { max, examples, .. } => {
            let items = select(examples.to_vec()).prop_map(str::to_string);
            proptest::collection::vec(items, 1..=(*max).min(4)).boxed()
        }
    }
}

/// A random valid link of `table`: some of its keys, each with a valid
/// text, in a random order, with random view options.
pub fn valid_links<C: Clone + PartialEq + Default + 'static>(
    table: &'static LinkTable<C>,
) -> BoxedStrategy<String> {
    let config = C::default();
    let mut parts: Vec<BoxedStrategy<Vec<String>>> = table
        .props
        .iter()
        .map(|prop| {
            let key = prop.key;
            proptest::option::of(field_texts(&prop.field, &config))
                .prop_map(move |texts| {
                    texts
                        .unwrap_or_default()
                        .into_iter()
                        .map(|t| format!("{key}={t}"))
                        .collect()
                })
                .boxed()
        })
        .collect();
    let hide_names: Vec<&'static str> = table.hide_names();
    parts.push(
        (
            any::<bool>(),
            proptest::sample::subsequence(hide_names.clone(), 0..=hide_names.len().min(3)),
            select(Theme::NAMES.to_vec()),
        )
            .prop_map(|(autoplay, hide, theme)| {
                let mut out = vec![format!("theme={theme}")];
                if autoplay {
                    out.push("autoplay=1".into());
                }
                if !hide.is_empty() {
                    out.push(format!("hide={}", hide.join(",")));
                }
                out
            })
            .boxed(),
    );
    parts
        .prop_map(|groups| groups.into_iter().flatten().collect::<Vec<_>>())
        .prop_shuffle()
        .prop_map(|parts| parts.join("&"))
        .boxed()
}

/// Junk that looks a little like a link: known keys with random values,
/// random keys, stray separators and escapes.
pub fn junk_links<C>(table: &'static LinkTable<C>) -> BoxedStrategy<String>
where
    C: Clone + PartialEq + Default + 'static,
{
    let keys: Vec<String> = table.keys().into_iter().map(str::to_string).collect();
    let key = prop_oneof![select(keys), "[a-z=&%#]{0,6}"];
    let value = prop_oneof![
        ".{0,24}",
        "[-0-9.,e:;]{0,16}",
        "[a-z_]{0,12}(,[a-z_]{1,8}:[-0-9.e]{0,8}){0,3}",
        "%[0-9A-Fa-f]{0,2}",
    ];
    let part = (key, value).prop_map(|(k, v)| format!("{k}={v}"));
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(part, 0..12).prop_map(|p| p.join("&")),
    ]
    .boxed()
}

/// Checks that `link` decodes to a state that encodes back to itself:
/// decode(encode(c)) == c with no error, and encoding is stable.
pub fn assert_round_trip<C>(table: &'static LinkTable<C>, link: &str) -> C
where
    C: Clone + PartialEq + Default + std::fmt::Debug + 'static,
{
    let (config, _) = table.decode(link, &C::default());
    let encoded = table.encode(&config);
    let (again, errors) = table.decode(&encoded, &C::default());
    assert!(errors.is_empty(), "{encoded}: {errors:?}");
    assert_eq!(again, config, "{link} → {encoded}");
    assert_eq!(table.encode(&again), encoded);
    config
}

/// The two properties of a link table, as proptest tests in the module
/// that invokes it: any text decodes to a state the table accepts, and a
/// random valid link decodes to a state that encodes back to itself (see
/// [`assert_round_trip`]) and that the table accepts.
/// `link_table_properties!(TABLE, cases = 48)` runs fewer cases (for
/// tables whose states are slow to check).
macro_rules! link_table_properties {
    ($table:expr $(, cases = $cases:expr)?) => {
        proptest::proptest! {
            $(#![proptest_config(proptest::prelude::ProptestConfig::with_cases($cases))])?

            #[test]
            fn any_text_decodes_to_a_valid_state(
                link in $crate::link::testing::junk_links(&$table)
            ) {
                let (config, _) = $table.decode(&link, &Default::default());
                proptest::prop_assert!($table.validate(&config).is_ok(), "{link}: {config:?}");
            }

            #[test]
            fn a_random_valid_state_round_trips(
                link in $crate::link::testing::valid_links(&$table)
            ) {
                let config = $crate::link::testing::assert_round_trip(&$table, &link);
                proptest::prop_assert!($table.validate(&config).is_ok(), "{link}: {config:?}");
            }
        }
    };
}
pub(crate) use link_table_properties;

/// The errors' texts (`key: message`).
pub fn messages(errors: &[FieldError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

/// Checks what every table does with hostile links: a link over the length
/// limit is refused whole and changes nothing; markup in `hide=`, an
/// unknown key and another widget's `view=` are refused with their key
/// named; stray escapes and separators are reported; every message is
/// short and every state the table accepts.
pub fn assert_hostile_links_are_refused<C>(table: &'static LinkTable<C>)
where
    C: Clone + PartialEq + Default + std::fmt::Debug + 'static,
{
    let decode = |link: &str| table.decode(link, &C::default());
    for filler in ["x", "&", "n=3&"] {
        let long = filler.repeat(table.max_len / filler.len() + 1);
        let (config, errors) = decode(&long);
        assert_eq!(
            config,
            C::default(),
            "a long link of `{filler}` changed the state"
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "link");
        assert!(errors[0].message.starts_with("the link is too long ("));
    }
    let (_, errors) = decode("hide=<script>alert(1)</script>");
    assert_eq!(errors[0].field, "hide");
    assert!(
        errors[0]
            .message
            .starts_with("cannot hide `<script>alert(1)</script…`; allowed: "),
        "{errors:?}"
    );
    let (_, errors) = decode("no_such_key=1");
    assert_eq!(errors[0].field, "link");
    assert!(
        errors[0]
            .message
            .starts_with("unknown setting `no_such_key`; allowed: "),
        "{errors:?}"
    );
    let other = if table.view == "landscape" {
        "stochastic"
    } else {
        "landscape"
    };
    let (_, errors) = decode(&format!("view={other}"));
    assert_eq!(
        messages(&errors),
        [format!(
            "view: this is the `{}` widget, not `{other}`",
            table.view
        )]
    );
    for link in [
        "<img src=x onerror=alert(1)>",
        "%zz=1&%00%01=\u{1}",
        "&&&===&&",
        "theme=%E0%A4%A",
        "autoplay=2&theme=neon",
    ] {
        let (config, errors) = decode(link);
        assert!(!errors.is_empty(), "{link} should report an error");
        assert!(table.validate(&config).is_ok(), "{link}: {config:?}");
        for error in &errors {
            assert!(error.message.len() < 400, "{link}: {error}");
        }
    }
}
