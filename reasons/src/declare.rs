//! The `reasons!` declaration: one table in, the typed [`Reason`](crate::Reason), its code, class and message,
//! and the [`TABLE`](crate::TABLE) the documentation is written from, out.

/// Declares every reason. Each code names its class and when it happens, then the messages it is sent with:
/// one variant of [`Reason`](crate::Reason) each, with the parameters its message template fills in.
/// A template names every parameter it declares and no other (a test over [`TABLE`](crate::TABLE) checks).
macro_rules! reasons {
    ($(
        $(#[doc = $doc:literal])*
        $code:ident : $class:ident, $when:literal {
            $( $variant:ident $({ $($param:ident : $ty:ty),+ $(,)? })? => $template:literal ),+ $(,)?
        }
    )*) => {
        /// A reason for refusing a request or an import row, with what its message needs. A call site names the
        /// reason and fills its parameters; the code, the class and the wording come from the table.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Reason {
            $($(
                #[doc = concat!("`", stringify!($code), "`: ", $template)]
                $variant $({ $($param: $ty),+ })?,
            )+)*
        }

        impl Reason {
            /// The stable English code (`extensions.reason`, an import row's `code`).
            pub fn code(&self) -> &'static str {
                match self {
                    $($( Self::$variant { .. } => stringify!($code), )+)*
                }
            }

            /// The class it is sent with (`extensions.code`).
            pub fn class(&self) -> $crate::Class {
                match self {
                    $($( Self::$variant { .. } => $crate::Class::$class, )+)*
                }
            }

            /// The message, in Chinese, with its parameters filled in.
            pub fn message(&self) -> String {
                match self {
                    $($( Self::$variant $({ $($param),+ })? => $crate::declare::fill($template, &[$($( (stringify!($param), $param as &dyn std::fmt::Display) ),+)?]), )+)*
                }
            }
        }

        /// Every code with its class, when it happens and its message templates, in the order declared.
        pub const TABLE: &[$crate::Entry] = &[$(
            $crate::Entry {
                code: stringify!($code),
                class: $crate::Class::$class,
                when: $when,
                messages: &[$( $crate::Template { template: $template, params: &[$($( stringify!($param) ),+)?] } ),+],
            },
        )*];
    };
}

pub(crate) use reasons;

/// A template split at its `{name}` parameters: the texts around them (one more than the parameters; the first
/// and the last may be empty) and the parameters' names, in order. An unclosed `{` is text. The one reading of
/// a template: filling it ([`fill`]), matching a message against it, checking its parameters.
pub(crate) fn split(template: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut texts, mut names, mut rest) = (Vec::new(), Vec::new(), template);
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        texts.push(&rest[..open]);
        names.push(&rest[open + 1..close]);
        rest = &rest[close + 1..];
    }
    texts.push(rest);
    (texts, names)
}

/// `template` with each `{name}` replaced by the value of that parameter (an unknown name stays as written).
pub(crate) fn fill(template: &str, params: &[(&str, &dyn std::fmt::Display)]) -> String {
    let (texts, names) = split(template);
    let mut out = String::with_capacity(template.len() + 16);
    out.push_str(texts[0]);
    for (name, text) in names.iter().zip(&texts[1..]) {
        match params.iter().find(|(n, _)| n == name) {
            Some((_, value)) => out.push_str(&value.to_string()),
            None => out.push_str(&format!("{{{name}}}")),
        }
        out.push_str(text);
    }
    out
}
