//! How a signal arrived and how far it can be trusted and shared: channel, source grade (A–D),
//! information grade (1–4) and the handling marking (TLP 2.0).

use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$(Self::$variant),+];

            /// The stable code used in the database, the API and message keys.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                let code = code.trim();
                Self::ALL.iter().copied().find(|v| v.code().eq_ignore_ascii_case(code))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

pub(crate) use coded_enum;

coded_enum!(
    /// How a signal reached the municipality.
    Channel {
        Telephone => "telefoon",
        Letter => "brief",
        Email => "email",
        /// Meld Misdaad Anoniem: the reporter is unknown by design.
        AnonymousCrimeLine => "mma",
        /// An own professional (a supervisor, a counter clerk, an enforcement officer).
        OwnProfessional => "eigen-professional",
        Partner => "partner",
    }
);

coded_enum!(
    /// Reliability of the source (the admiralty code's letter).
    SourceGrade {
        /// Reliable: no doubt about authenticity, trustworthiness or competence.
        A => "A",
        /// Usually reliable.
        B => "B",
        /// Not usually reliable.
        C => "C",
        /// Reliability cannot be judged.
        D => "D",
    }
);

coded_enum!(
    /// Reliability of the information itself (the admiralty code's digit).
    InfoGrade {
        /// Known to be true without reservation.
        One => "1",
        /// Known personally to the source, not to the officer.
        Two => "2",
        /// Not known personally to the source, corroborated elsewhere.
        Three => "3",
        /// Cannot be judged.
        Four => "4",
    }
);

coded_enum!(
    /// Traffic Light Protocol 2.0: with whom a signal may be shared.
    Tlp {
        /// TLP:CLEAR: no limit.
        Clear => "clear",
        /// TLP:GREEN: the community, not public.
        Green => "green",
        /// TLP:AMBER: the own organisation and those who need it to act on it.
        Amber => "amber",
        /// TLP:AMBER+STRICT: the own organisation only.
        AmberStrict => "amber-strict",
        /// TLP:RED: the named recipients only.
        Red => "red",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(*c));
        }
        assert_eq!(SourceGrade::from_code("b"), Some(SourceGrade::B));
        assert_eq!(InfoGrade::from_code("3"), Some(InfoGrade::Three));
        assert_eq!(Tlp::from_code("AMBER-STRICT"), Some(Tlp::AmberStrict));
        assert_eq!(SourceGrade::from_code("E"), None);
        assert_eq!(
            serde_json::to_string(&Tlp::AmberStrict).unwrap(),
            "\"amber-strict\""
        );
    }
}
