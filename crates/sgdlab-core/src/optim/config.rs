//! Hyperparameters as JSON: one representation for the CLI, the page and the
//! URL hash. Config structs derive serde with `deny_unknown_fields`, so a
//! misspelt key is an error that lists the keys that exist.

use super::{OptimError, Optimizer};
use crate::Real;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A config struct as a JSON object.
pub(crate) fn to_json<C: Serialize>(config: &C) -> Value {
    serde_json::to_value(config).unwrap_or(Value::Null)
}

/// `current` with the keys of `patch` replaced. Keys not in `patch` keep
/// their current values; unknown keys and wrong types are errors.
pub(crate) fn merge<C: Serialize + DeserializeOwned>(
    optimizer: &'static str,
    current: &C,
    patch: Value,
) -> Result<C, OptimError> {
    let Value::Object(mut base) = to_json(current) else {
        return Err(OptimError::Invalid(format!(
            "{optimizer}: config is not an object"
        )));
    };
    let Value::Object(patch) = patch else {
        return Err(OptimError::Invalid(format!(
            "{optimizer}: hyperparameters must be a JSON object of key: value"
        )));
    };
    let allowed: Vec<String> = base.keys().cloned().collect();
    for (key, value) in patch {
        let Some(slot) = base.get_mut(&key) else {
            return Err(OptimError::UnknownKey {
                optimizer,
                key,
                allowed,
            });
        };
        let expected = type_name(slot);
        let fits = match slot {
            Value::Bool(_) => value.is_boolean(),
            Value::Number(n) if n.is_u64() => value.as_u64().is_some(),
            Value::Number(_) => value.as_f64().is_some(),
            Value::String(_) => value.is_string(),
            _ => true,
        };
        if !fits {
            return Err(OptimError::BadValue {
                key,
                value: value.to_string(),
                expected,
            });
        }
        *slot = value;
    }
    serde_json::from_value(Value::Object(base))
        .map_err(|e| OptimError::Invalid(format!("{optimizer}: {e}")))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Bool(_) => "true or false",
        Value::Number(n) if n.is_u64() => "a non-negative integer",
        Value::Number(_) => "a finite number",
        Value::String(_) => "a name",
        _ => "a value",
    }
}

/// Parses `raw` as the type the optimizer's `key` currently holds and sets it.
/// This is what `--set key=value` on the CLI and a form field on the page call.
pub fn set_hyperparameter<T: Real>(
    optimizer: &mut dyn Optimizer<T>,
    key: &str,
    raw: &str,
) -> Result<(), OptimError> {
    let config = optimizer.config();
    let allowed = || {
        config
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let Some(current) = config.get(key) else {
        return Err(OptimError::UnknownKey {
            optimizer: optimizer.name(),
            key: key.to_string(),
            allowed: allowed(),
        });
    };
    let raw = raw.trim();
    let bad = |expected| OptimError::BadValue {
        key: key.to_string(),
        value: raw.to_string(),
        expected,
    };
    let value = match current {
        Value::Bool(_) => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        Value::Number(n) if n.is_u64() => Value::from(
            raw.parse::<u64>()
                .map_err(|_| bad("a non-negative integer"))?,
        ),
        // A name (steepest descent's `norm`); the config says which exist.
        Value::String(_) => Value::String(raw.to_string()),
        _ => {
            let v: f64 = raw.parse().map_err(|_| bad("a finite number"))?;
            if !v.is_finite() {
                return Err(bad("a finite number"));
            }
            Value::from(v)
        }
    };
    let mut patch = Map::new();
    patch.insert(key.to_string(), value);
    optimizer.set_config(Value::Object(patch))
}

/// Rejects a `patch` whose text-valued keys hold a name outside their
/// `choices`, with a message that names the key and what is allowed
/// (serde's own message would not name the key).
pub(crate) fn check_choices(
    patch: &Value,
    choices: impl Fn(&str) -> Option<&'static [&'static str]>,
) -> Result<(), OptimError> {
    let Value::Object(patch) = patch else {
        return Ok(());
    };
    for (key, value) in patch {
        if let (Some(allowed), Some(name)) = (choices(key), value.as_str())
            && !allowed.contains(&name)
        {
            let shown: String = name.chars().take(40).collect();
            return Err(OptimError::Invalid(format!(
                "`{key}` must be one of {}, got `{shown}`",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

/// Checks `0 ≤ value` with PyTorch's message "Invalid {what}: {value}".
pub(crate) fn non_negative(what: &str, value: f64) -> Result<(), OptimError> {
    if value >= 0.0 {
        Ok(())
    } else {
        Err(OptimError::Invalid(format!(
            "Invalid {what}: {}",
            torch_float(value)
        )))
    }
}

/// Formats a float the way Python's `str(float)` does for the values users
/// type (`-1.0`, `0.5`, `1e-08`), so error messages read like PyTorch's.
pub(crate) fn torch_float(value: f64) -> String {
    if value.is_nan() {
        return "nan".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let plain = format!("{value}");
    let abs = value.abs();
    if abs != 0.0 && !(1e-4..1e16).contains(&abs) {
        // Python switches to exponent form: 1e-08, 1e+16.
        let exp = format!("{value:e}");
        if let Some((mantissa, power)) = exp.split_once('e') {
            let power: i32 = power.parse().unwrap_or(0);
            let sign = if power < 0 { '-' } else { '+' };
            return format!("{mantissa}e{sign}{:02}", power.abs());
        }
    }
    if plain.contains('.') {
        plain
    } else {
        format!("{plain}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python() {
        assert_eq!(torch_float(-1.0), "-1.0");
        assert_eq!(torch_float(0.5), "0.5");
        assert_eq!(torch_float(1e-8), "1e-08");
        assert_eq!(torch_float(-0.001), "-0.001");
        assert_eq!(torch_float(1.5), "1.5");
    }
}
