//! A form: labelled fields in tab order, validated as you type, with selects and checkboxes, the
//! server's `invalid_field` errors placed at their field and other errors in the footer. A failed
//! submit never clears what was typed.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// Checks a field's text as it is typed; `Err` is shown beside the field.
pub type Check = fn(&str) -> Result<(), String>;

/// What a field holds.
#[derive(Debug, Clone)]
pub enum Kind {
    Text {
        input: Input,
        check: Option<Check>,
        secret: bool,
    },
    /// A whole number, optionally bounded.
    Number {
        input: Input,
        min: i64,
        max: i64,
    },
    /// One of several options: (value, label).
    Select {
        options: Vec<(String, String)>,
        selected: usize,
    },
    Checkbox {
        checked: bool,
    },
    /// Any of several options: (value, label, may be chosen).
    Multi {
        options: Vec<(String, String, bool)>,
        chosen: Vec<bool>,
        cursor: usize,
    },
}

/// One field.
#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub label: String,
    pub kind: Kind,
    pub required: bool,
    /// A note beside the field (the free capacity, a policy).
    pub hint: Option<String>,
    /// The server's word on this field after a refused submit.
    pub server_error: Option<String>,
}

impl Field {
    pub fn text(key: &'static str, label: &str, value: &str) -> Field {
        Field::new(
            key,
            label,
            Kind::Text {
                input: Input::new(value.to_string()),
                check: None,
                secret: false,
            },
        )
    }

    pub fn number(key: &'static str, label: &str, value: i64, min: i64, max: i64) -> Field {
        Field::new(
            key,
            label,
            Kind::Number {
                input: Input::new(value.to_string()),
                min,
                max,
            },
        )
    }

    pub fn select(
        key: &'static str,
        label: &str,
        options: Vec<(String, String)>,
        selected: usize,
    ) -> Field {
        Field::new(key, label, Kind::Select { options, selected })
    }

    pub fn checkbox(key: &'static str, label: &str, checked: bool) -> Field {
        Field::new(key, label, Kind::Checkbox { checked })
    }

    pub fn multi(
        key: &'static str,
        label: &str,
        options: Vec<(String, String, bool)>,
        chosen: &[String],
    ) -> Field {
        let picked = options.iter().map(|(v, _, _)| chosen.contains(v)).collect();
        Field::new(
            key,
            label,
            Kind::Multi {
                options,
                chosen: picked,
                cursor: 0,
            },
        )
    }

    fn new(key: &'static str, label: &str, kind: Kind) -> Field {
        Field {
            key,
            label: label.to_string(),
            kind,
            required: false,
            hint: None,
            server_error: None,
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn check(mut self, f: Check) -> Field {
        if let Kind::Text { check, .. } = &mut self.kind {
            *check = Some(f);
        }
        self
    }

    pub fn hint(mut self, h: impl Into<String>) -> Field {
        self.hint = Some(h.into());
        self
    }

    /// The problem with the field as typed, if any (inline validation).
    pub fn problem(&self) -> Option<String> {
        match &self.kind {
            Kind::Text { input, check, .. } => {
                let v = input.value();
                if self.required && v.trim().is_empty() {
                    Some("required".into())
                } else if v.trim().is_empty() {
                    None
                } else {
                    check.and_then(|c| c(v).err())
                }
            }
            Kind::Number { input, min, max } => match input.value().trim().parse::<i64>() {
                Ok(n) if n < *min || n > *max => Some(format!("between {min} and {max}")),
                Ok(_) => None,
                Err(_) if input.value().trim().is_empty() && !self.required => None,
                Err(_) => Some("a whole number".into()),
            },
            Kind::Multi { chosen, .. } if self.required && !chosen.iter().any(|c| *c) => {
                Some("choose at least one".into())
            }
            _ => None,
        }
    }

    pub fn text_value(&self) -> String {
        match &self.kind {
            Kind::Text { input, .. } | Kind::Number { input, .. } => {
                input.value().trim().to_string()
            }
            Kind::Select { options, selected } => options
                .get(*selected)
                .map(|o| o.0.clone())
                .unwrap_or_default(),
            Kind::Checkbox { checked } => checked.to_string(),
            Kind::Multi { .. } => String::new(),
        }
    }

    pub fn number_value(&self) -> Option<i64> {
        match &self.kind {
            Kind::Number { input, .. } => input.value().trim().parse().ok(),
            _ => None,
        }
    }

    pub fn checked(&self) -> bool {
        matches!(self.kind, Kind::Checkbox { checked: true })
    }

    pub fn chosen(&self) -> Vec<String> {
        match &self.kind {
            Kind::Multi {
                options, chosen, ..
            } => options
                .iter()
                .zip(chosen)
                .filter(|(_, c)| **c)
                .map(|(o, _)| o.0.clone())
                .collect(),
            _ => vec![],
        }
    }
}

/// Where a form stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Editing,
    Saving,
    /// Esc with unsaved input: asks before throwing it away.
    ConfirmDiscard,
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing for the caller to do.
    Handled,
    Submit,
    Cancel,
    /// Ctrl-R after a version conflict: reload the object and re-apply the typed changes.
    Reload,
}

/// A form.
#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub phase: Phase,
    /// A refusal that is not about one field.
    pub footer_error: Option<String>,
    /// The last submit was refused because the object changed meanwhile.
    pub conflict: bool,
    /// Something was typed since the form opened.
    pub edited: bool,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        Form {
            title: title.into(),
            fields,
            focus: 0,
            phase: Phase::Editing,
            footer_error: None,
            conflict: false,
            edited: false,
        }
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn field_mut(&mut self, key: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.key == key)
    }

    pub fn value(&self, key: &str) -> String {
        self.field(key).map(Field::text_value).unwrap_or_default()
    }

    pub fn number(&self, key: &str) -> Option<i64> {
        self.field(key).and_then(Field::number_value)
    }

    /// True when every field passes its inline checks.
    pub fn valid(&self) -> bool {
        self.fields.iter().all(|f| f.problem().is_none())
    }

    /// Shows a server refusal: at its field when it names one the form has, else in the footer.
    pub fn refused(&mut self, field: Option<&str>, message: String, conflict: bool) {
        self.phase = Phase::Editing;
        self.conflict = conflict;
        match field.and_then(|k| self.fields.iter().position(|f| f.key == k)) {
            Some(i) => {
                self.fields[i].server_error = Some(message);
                self.focus = i;
                self.footer_error = None;
            }
            None => self.footer_error = Some(message),
        }
    }

    /// Handles a key.
    pub fn on_key(&mut self, k: KeyEvent) -> Outcome {
        if self.phase == Phase::Saving {
            return Outcome::Handled;
        }
        if self.phase == Phase::ConfirmDiscard {
            return match k.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => Outcome::Cancel,
                _ => {
                    self.phase = Phase::Editing;
                    Outcome::Handled
                }
            };
        }
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Esc => {
                if self.edited {
                    self.phase = Phase::ConfirmDiscard;
                    Outcome::Handled
                } else {
                    Outcome::Cancel
                }
            }
            KeyCode::Char('r') if ctrl && self.conflict => Outcome::Reload,
            KeyCode::Char('s') if ctrl => self.try_submit(),
            KeyCode::Enter => self.try_submit(),
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % self.fields.len().max(1);
                Outcome::Handled
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields.len().max(1) - 1) % self.fields.len().max(1);
                Outcome::Handled
            }
            _ => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    if edit(f, k) {
                        f.server_error = None;
                        self.edited = true;
                        self.footer_error = None;
                    }
                }
                Outcome::Handled
            }
        }
    }

    fn try_submit(&mut self) -> Outcome {
        if let Some(i) = self.fields.iter().position(|f| f.problem().is_some()) {
            self.focus = i;
            self.footer_error = Some("fix the marked field first".into());
            return Outcome::Handled;
        }
        self.phase = Phase::Saving;
        self.footer_error = None;
        Outcome::Submit
    }
}

/// Applies a key to a field; true when its value changed.
fn edit(f: &mut Field, k: KeyEvent) -> bool {
    match &mut f.kind {
        Kind::Text { input, .. } => input.handle_event(&Event::Key(k)).is_some_and(|c| c.value),
        Kind::Number { input, .. } => match k.code {
            KeyCode::Char(c) if !c.is_ascii_digit() && c != '-' => false,
            _ => input.handle_event(&Event::Key(k)).is_some_and(|c| c.value),
        },
        Kind::Select { options, selected } => match k.code {
            KeyCode::Left | KeyCode::Char('h') => {
                *selected = (*selected + options.len().max(1) - 1) % options.len().max(1);
                true
            }
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Char(' ') => {
                *selected = (*selected + 1) % options.len().max(1);
                true
            }
            _ => false,
        },
        Kind::Checkbox { checked } => match k.code {
            KeyCode::Char(' ') => {
                *checked = !*checked;
                true
            }
            _ => false,
        },
        Kind::Multi {
            options,
            chosen,
            cursor,
        } => match k.code {
            KeyCode::Left | KeyCode::Char('h') => {
                *cursor = cursor.saturating_sub(1);
                false
            }
            KeyCode::Right | KeyCode::Char('l') => {
                *cursor = (*cursor + 1).min(options.len().saturating_sub(1));
                false
            }
            KeyCode::Char(' ') => match options.get(*cursor) {
                Some((_, _, true)) => {
                    chosen[*cursor] = !chosen[*cursor];
                    true
                }
                _ => false,
            },
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn type_text(form: &mut Form, s: &str) {
        for c in s.chars() {
            form.on_key(key(KeyCode::Char(c)));
        }
    }

    fn form() -> Form {
        Form::new(
            "t",
            vec![
                Field::text("name", "name", "").required(),
                Field::number("ext", "extensions", 0, 0, 500),
                Field::multi(
                    "groups",
                    "groups",
                    vec![
                        ("a".into(), "A".into(), true),
                        ("b".into(), "B".into(), false),
                    ],
                    &[],
                )
                .required(),
            ],
        )
    }

    #[test]
    fn validation_runs_as_you_type_and_blocks_submit() {
        let mut f = form();
        assert_eq!(f.fields[0].problem().as_deref(), Some("required"));
        assert_eq!(
            f.on_key(key(KeyCode::Enter)),
            Outcome::Handled,
            "invalid forms do not submit"
        );
        assert!(f.footer_error.is_some());
        type_text(&mut f, "Harbor");
        assert_eq!(f.fields[0].problem(), None);
        f.on_key(key(KeyCode::Tab));
        f.on_key(key(KeyCode::Backspace));
        type_text(&mut f, "x9999");
        assert_eq!(f.value("ext"), "9999", "numbers take digits only");
        assert_eq!(f.fields[1].problem().as_deref(), Some("between 0 and 500"));
    }

    #[test]
    fn disabled_options_cannot_be_chosen_and_refusals_land_at_their_field() {
        let mut f = form();
        f.focus = 2;
        f.on_key(key(KeyCode::Right));
        f.on_key(key(KeyCode::Char(' ')));
        assert!(
            f.field("groups").unwrap().chosen().is_empty(),
            "B is visible but not for this user"
        );
        f.on_key(key(KeyCode::Left));
        f.on_key(key(KeyCode::Char(' ')));
        assert_eq!(f.field("groups").unwrap().chosen(), ["a"]);
        f.refused(Some("name"), "name `X` is already taken".into(), false);
        assert_eq!(f.focus, 0);
        assert!(f.fields[0].server_error.is_some());
        f.refused(Some("no_such_field"), "server says no".into(), false);
        assert_eq!(f.footer_error.as_deref(), Some("server says no"));
    }

    #[test]
    fn esc_with_unsaved_input_asks_first() {
        let mut f = form();
        assert_eq!(
            f.on_key(key(KeyCode::Esc)),
            Outcome::Cancel,
            "nothing typed: just close"
        );
        type_text(&mut f, "x");
        assert_eq!(f.on_key(key(KeyCode::Esc)), Outcome::Handled);
        assert_eq!(f.phase, Phase::ConfirmDiscard);
        assert_eq!(f.on_key(key(KeyCode::Char('n'))), Outcome::Handled);
        assert_eq!(f.value("name"), "x", "kept");
        f.on_key(key(KeyCode::Esc));
        assert_eq!(f.on_key(key(KeyCode::Char('y'))), Outcome::Cancel);
    }
}
