//! One field of a form: text, number, select, checkbox or a multiple choice; its check as it is
//! typed, its value, and how a key edits it.

use crossterm::event::{Event, KeyCode, KeyEvent};
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

/// Applies a key to a field; true when its value changed.
pub(super) fn edit(f: &mut Field, k: KeyEvent) -> bool {
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
