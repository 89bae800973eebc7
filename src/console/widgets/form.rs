//! A form: labelled fields in tab order, validated as you type, with selects and checkboxes, the
//! server's `invalid_field` errors placed at their field and other errors in the footer. A failed
//! submit never clears what was typed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form_field::edit;
pub use super::form_field::{Check, Field, Kind};

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
