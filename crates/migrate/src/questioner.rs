//! Questions `makemigrations` asks (Django's `MigrationQuestioner`): was a field or
//! model renamed, and what value do existing rows get for a new NOT NULL column.
//!
//! [`InteractiveQuestioner`] asks on the terminal; [`Answers`] answers from what was
//! given beforehand (command-line flags, tests) and never guesses a rename.

use std::io::{BufRead, Write};

use ormolu_core::meta::FieldType;
use ormolu_core::Value;

use crate::error::{Error, Result};
use crate::operations::Fill;
use crate::state::Field;

/// What `makemigrations` needs decided by a person.
pub trait Questioner {
    /// Was model `app.old` renamed to `new`?
    fn ask_rename_model(&mut self, app: &str, old: &str, new: &str) -> bool;
    /// Was field `model.old` renamed to `new`?
    fn ask_rename_field(&mut self, app: &str, model: &str, old: &str, new: &str, field: &Field) -> bool;
    /// A value for existing rows of a NOT NULL field added without default; an error
    /// stops `makemigrations`.
    fn ask_not_null_addition(&mut self, app: &str, model: &str, field: &Field) -> Result<Fill>;
    /// A value for rows holding NULL when a field becomes NOT NULL; `None` leaves them
    /// (the migration then fails on such rows).
    fn ask_not_null_alteration(&mut self, app: &str, model: &str, field: &Field) -> Result<Option<Fill>>;
}

/// Reads a value typed by a person for a field of type `ty`: numbers, `true`/`false`,
/// text (quotes optional), dates `2024-01-31`, `now` for dates and datetimes.
pub fn parse_value(text: &str, ty: FieldType) -> Result<Fill> {
    let t = text.trim();
    let bad = || Error::Config(format!("`{t}` is not a valid value for a {ty:?} field"));
    if t.eq_ignore_ascii_case("null") || t.eq_ignore_ascii_case("none") {
        return Ok(Fill::Value(Value::Null));
    }
    if t.eq_ignore_ascii_case("now") && matches!(ty, FieldType::Date | FieldType::DateTime | FieldType::Time) {
        return Ok(Fill::Now);
    }
    let unquoted = t
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(t);
    let v = match ty {
        FieldType::Bool => match t.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => return Err(bad()),
        },
        FieldType::SmallInt | FieldType::Int | FieldType::BigInt | FieldType::Auto | FieldType::AutoBig => {
            Value::I64(t.parse().map_err(|_| bad())?)
        }
        FieldType::Float | FieldType::Double => Value::F64(t.parse().map_err(|_| bad())?),
        FieldType::Decimal => Value::Decimal(t.parse().map_err(|_| bad())?),
        FieldType::Char | FieldType::Text => Value::Text(unquoted.to_string()),
        FieldType::Date => Value::Date(unquoted.parse().map_err(|_| bad())?),
        FieldType::DateTime => Value::DateTime(unquoted.replace(' ', "T").parse().map_err(|_| bad())?),
        FieldType::Time => Value::Time(unquoted.parse().map_err(|_| bad())?),
        FieldType::Duration => Value::Duration(chrono::TimeDelta::seconds(t.parse().map_err(|_| bad())?)),
        FieldType::Uuid => Value::Uuid(unquoted.parse().map_err(|_| bad())?),
        FieldType::Json => Value::Json(serde_json::from_str(t).map_err(|_| bad())?),
        FieldType::Bytes => Value::Bytes(unquoted.as_bytes().to_vec()),
        // `[a, b]` or `{a,b}` (PostgreSQL's spelling), each item read as the element type.
        FieldType::Array(e) => {
            let inner = t
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .or_else(|| t.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .ok_or_else(bad)?;
            let mut items = Vec::new();
            for item in inner.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                match parse_value(item, *e).map_err(|_| bad())? {
                    Fill::Value(v) => items.push(v),
                    Fill::Now => return Err(bad()),
                }
            }
            Value::Array(items)
        }
    };
    Ok(Fill::Value(v))
}

/// Answers given beforehand: renames to accept and one-off values by field.
/// Anything not given is "no" (renames) or an error (values).
#[derive(Debug, Clone, Default)]
pub struct Answers {
    /// Accepted model renames: `(app, old, new)`.
    pub model_renames: Vec<(String, String, String)>,
    /// Accepted field renames: `(app, model, old, new)`.
    pub field_renames: Vec<(String, String, String, String)>,
    /// One-off values: `(app, model, field, value as typed)`.
    pub defaults: Vec<(String, String, String, String)>,
    /// Accept every rename the autodetector suggests.
    pub accept_all_renames: bool,
}

impl Answers {
    /// No answers: no renames, no one-off values.
    pub fn none() -> Answers {
        Answers::default()
    }
    /// Accepts the rename of model `app.old` to `new`.
    pub fn rename_model(mut self, app: &str, old: &str, new: &str) -> Self {
        self.model_renames.push((app.into(), old.into(), new.into()));
        self
    }
    /// Accepts the rename of field `app.model.old` to `new`.
    pub fn rename_field(mut self, app: &str, model: &str, old: &str, new: &str) -> Self {
        self.field_renames.push((app.into(), model.into(), old.into(), new.into()));
        self
    }
    /// The one-off value for `app.model.field` (as typed on the command line).
    pub fn default_for(mut self, app: &str, model: &str, field: &str, value: &str) -> Self {
        self.defaults.push((app.into(), model.into(), field.into(), value.into()));
        self
    }

    fn default_of(&self, app: &str, model: &str, field: &Field) -> Option<Result<Fill>> {
        self.defaults
            .iter()
            .find(|(a, m, f, _)| a == app && m.eq_ignore_ascii_case(model) && f == &field.name)
            .map(|(_, _, _, v)| parse_value(v, field.ty))
    }
}

impl Questioner for Answers {
    fn ask_rename_model(&mut self, app: &str, old: &str, new: &str) -> bool {
        self.accept_all_renames
            || self
                .model_renames
                .iter()
                .any(|(a, o, n)| a == app && o.eq_ignore_ascii_case(old) && n.eq_ignore_ascii_case(new))
    }
    fn ask_rename_field(&mut self, app: &str, model: &str, old: &str, new: &str, _field: &Field) -> bool {
        self.accept_all_renames
            || self
                .field_renames
                .iter()
                .any(|(a, m, o, n)| a == app && m.eq_ignore_ascii_case(model) && o == old && n == new)
    }
    fn ask_not_null_addition(&mut self, app: &str, model: &str, field: &Field) -> Result<Fill> {
        if field.auto_now || field.auto_now_add {
            return Ok(Fill::Now);
        }
        self.default_of(app, model, field).unwrap_or_else(|| {
            Err(Error::Aborted(format!(
                "It is impossible to add the non-nullable field `{}` to {app}.{model} without a value for existing rows: \
                 give the field a default, make it nullable, or pass --default {app}.{model}.{}=VALUE",
                field.name, field.name
            )))
        })
    }
    fn ask_not_null_alteration(&mut self, app: &str, model: &str, field: &Field) -> Result<Option<Fill>> {
        self.default_of(app, model, field).transpose()
    }
}

/// Asks on the terminal (stdin/stdout), Django's `InteractiveMigrationQuestioner`.
pub struct InteractiveQuestioner<R: BufRead, W: Write> {
    input: R,
    output: W,
}

impl InteractiveQuestioner<std::io::StdinLock<'static>, std::io::Stdout> {
    /// On the process's terminal.
    pub fn terminal() -> Self {
        InteractiveQuestioner { input: std::io::stdin().lock(), output: std::io::stdout() }
    }
}

impl<R: BufRead, W: Write> InteractiveQuestioner<R, W> {
    /// On any reader and writer (tests).
    pub fn new(input: R, output: W) -> Self {
        InteractiveQuestioner { input, output }
    }

    fn line(&mut self, prompt: &str) -> Option<String> {
        let _ = write!(self.output, "{prompt}");
        let _ = self.output.flush();
        let mut s = String::new();
        match self.input.read_line(&mut s) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(s.trim().to_string()),
        }
    }

    fn yes_no(&mut self, question: &str) -> bool {
        loop {
            match self.line(&format!("{question} [y/N] ")) {
                None => return false,
                Some(a) => match a.to_ascii_lowercase().as_str() {
                    "y" | "yes" => return true,
                    "" | "n" | "no" => return false,
                    _ => {
                        let _ = writeln!(self.output, "Please answer yes or no.");
                    }
                },
            }
        }
    }

    fn value(&mut self, field: &Field) -> Result<Fill> {
        let hint = match field.ty {
            FieldType::Date | FieldType::DateTime | FieldType::Time => " (or `now`)",
            _ => "",
        };
        loop {
            let Some(a) = self.line(&format!("Value for `{}` ({:?}){hint} >>> ", field.name, field.ty)) else {
                return Err(Error::Aborted("no value given".into()));
            };
            match parse_value(&a, field.ty) {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let _ = writeln!(self.output, "{e}");
                }
            }
        }
    }
}

impl<R: BufRead, W: Write> Questioner for InteractiveQuestioner<R, W> {
    fn ask_rename_model(&mut self, app: &str, old: &str, new: &str) -> bool {
        self.yes_no(&format!("Was the model {app}.{old} renamed to {new}?"))
    }
    fn ask_rename_field(&mut self, _app: &str, model: &str, old: &str, new: &str, field: &Field) -> bool {
        self.yes_no(&format!("Was {model}.{old} renamed to {model}.{new} (a {:?} field)?", field.ty))
    }
    fn ask_not_null_addition(&mut self, app: &str, model: &str, field: &Field) -> Result<Fill> {
        let _ = writeln!(
            self.output,
            "It is impossible to add a non-nullable field `{}` to {app}.{model} without a value for existing rows.\n\
             Select an option:\n 1) Provide a one-off value now (set on all existing rows)\n 2) Quit and add a default in the model",
            field.name
        );
        match self.line("Select an option: ").as_deref() {
            Some("1") => self.value(field),
            _ => Err(Error::Aborted(
                "stopped: add a default (or `null`) to the field and run makemigrations again".into(),
            )),
        }
    }
    fn ask_not_null_alteration(&mut self, app: &str, model: &str, field: &Field) -> Result<Option<Fill>> {
        let _ = writeln!(
            self.output,
            "The field {app}.{model}.{} becomes non-nullable. Rows holding NULL need a value.\n\
             Select an option:\n 1) Provide a one-off value now (set on rows holding NULL)\n \
             2) Ignore for now (the migration fails if such rows exist)\n 3) Quit",
            field.name
        );
        match self.line("Select an option: ").as_deref() {
            Some("1") => self.value(field).map(Some),
            Some("2") => Ok(None),
            _ => Err(Error::Aborted("stopped".into())),
        }
    }
}
