//! Styles, with a colourless variant for `NO_COLOR` (selection then shows by reverse video, and
//! states by symbols and weight, never by colour alone).

use ratatui::style::{Color, Modifier, Style};

/// The styles of every screen element.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
}

impl Theme {
    pub fn new(color: bool, ascii: bool) -> Theme {
        Theme { color, ascii }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn active_tab(&self) -> Style {
        self.fg(Color::Cyan)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn warning(&self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn suspended(&self) -> Style {
        self.dim()
    }
    pub fn gauge(&self, ratio: f64) -> Style {
        if ratio > 1.0 {
            self.error()
        } else if ratio >= 0.9 {
            self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::Green)
        }
    }

    /// Tree and state symbols, in Unicode or ASCII.
    pub fn sym(&self, s: Sym) -> &'static str {
        match (s, self.ascii) {
            (Sym::Expanded, false) => "▾",
            (Sym::Expanded, true) => "v",
            (Sym::Collapsed, false) => "▸",
            (Sym::Collapsed, true) => ">",
            (Sym::Leaf, false) => "◦",
            (Sym::Leaf, true) => "-",
            (Sym::Suspended, false) => "⏸",
            (Sym::Suspended, true) => "||",
            (Sym::Online, false) => "●",
            (Sym::Online, true) => "*",
            (Sym::Offline, false) => "○",
            (Sym::Offline, true) => "o",
            (Sym::Warning, false) => "⚠",
            (Sym::Warning, true) => "!",
            (Sym::Full, false) => "█",
            (Sym::Full, true) => "#",
            (Sym::Empty, false) => "░",
            (Sym::Empty, true) => ".",
            (Sym::Ellipsis, false) => "…",
            (Sym::Ellipsis, true) => "...",
        }
    }
}

/// The ASCII character drawn for `c` on a terminal that shows only ASCII (`--ascii`): box lines as
/// `+-|`, arrows and pointers as `<>^v`, marks and dots as their nearest ASCII look-alike. Every
/// character of a frame passes through here in ASCII mode, so no feature can draw past it.
pub fn ascii_char(c: char) -> char {
    match c {
        c if c.is_ascii() => c,
        '─' | '━' | '═' | '╌' | '┄' | '–' | '—' | '−' => '-',
        '│' | '┃' | '║' | '╎' | '┆' | '▌' | '▐' | '⏸' => '|',
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╯' | '╰' | '╔' | '╗'
        | '╚' | '╝' | '╠' | '╣' | '╦' | '╩' | '╬' => '+',
        '…' | '·' | '•' | '░' | '◦' => '.',
        '›' | '»' | '→' | '▸' | '▶' => '>',
        '‹' | '«' | '←' | '◂' | '◀' => '<',
        '↑' | '▴' | '▲' => '^',
        '↓' | '▾' | '▼' => 'v',
        '●' | '█' | '■' => '#',
        '○' | '□' => 'o',
        '⚠' => '!',
        '✓' | '✔' => '+',
        '×' | '✗' | '✘' => 'x',
        '∞' => '~',
        '≥' => '>',
        '≤' => '<',
        '≈' => '~',
        _ => '?',
    }
}

/// The symbols the console draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sym {
    Expanded,
    Collapsed,
    Leaf,
    Suspended,
    Online,
    Offline,
    Warning,
    Full,
    Empty,
    /// Ends a cut cell.
    Ellipsis,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_symbol_has_an_ascii_form() {
        let ascii = Theme::new(false, true);
        for s in [
            Sym::Expanded,
            Sym::Collapsed,
            Sym::Leaf,
            Sym::Suspended,
            Sym::Online,
            Sym::Offline,
            Sym::Warning,
            Sym::Full,
            Sym::Empty,
            Sym::Ellipsis,
        ] {
            assert!(ascii.sym(s).is_ascii(), "{s:?}");
        }
        for c in "┌─┐│└┘…·›‹∞×▾▸◦●⚠█░✓←→↑↓".chars() {
            assert!(ascii_char(c).is_ascii(), "{c}");
        }
    }
}
