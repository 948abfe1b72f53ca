//! Decay functions with Elasticsearch's `gauss`, `exp` and `linear` semantics.
//!
//! A decay maps a distance from an origin (metres from the query point, or seconds from a
//! time) to a factor in `[0, 1]`: 1 within `offset` of the origin, exactly `decay` at
//! `offset + scale`, and falling monotonically beyond. With `x = max(0, distance − offset)`:
//!
//! | kind | value |
//! | --- | --- |
//! | `gauss` | `exp(−x² / (2σ²))` with `σ² = −scale² / (2 ln decay)` |
//! | `exp` | `exp(λ x)` with `λ = ln(decay) / scale` |
//! | `linear` | `max(0, (s − x) / s)` with `s = scale / (1 − decay)` |
//!
//! ```
//! use hubdex::Decay;
//!
//! let decay = Decay::gauss(2_000.0, 500.0, 0.5)?;
//! assert_eq!(decay.value(300.0), 1.0);
//! assert!((decay.value(2_500.0) - 0.5).abs() < 1e-12);
//! # Ok::<(), hubdex::QueryError>(())
//! ```

use crate::error::QueryError;

/// The shape of a decay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecayKind {
    /// Gaussian: flat near the origin, then falling fast.
    Gauss,
    /// Exponential: falling fastest near the origin.
    Exp,
    /// Linear: reaching zero at `offset + scale / (1 − decay)`.
    Linear,
}

impl DecayKind {
    /// The kind with this name: `gauss`, `exp` or `linear`.
    pub fn from_name(name: &str) -> Option<DecayKind> {
        match name {
            "gauss" => Some(DecayKind::Gauss),
            "exp" => Some(DecayKind::Exp),
            "linear" => Some(DecayKind::Linear),
            _ => None,
        }
    }

    /// The kind's name.
    pub fn name(self) -> &'static str {
        match self {
            DecayKind::Gauss => "gauss",
            DecayKind::Exp => "exp",
            DecayKind::Linear => "linear",
        }
    }
}

/// A decay function: a kind with its scale, offset and decay (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decay {
    kind: DecayKind,
    scale: f64,
    offset: f64,
    decay: f64,
}

impl Decay {
    /// A valid decay for builders whose own parameters are refused later.
    pub(crate) const FALLBACK: Decay = Decay {
        kind: DecayKind::Gauss,
        scale: 1.0,
        offset: 0.0,
        decay: 0.5,
    };

    /// A decay of `kind`.
    ///
    /// # Errors
    ///
    /// [`QueryError::InvalidParameter`] unless `scale` is finite and positive, `offset` finite
    /// and non-negative, and `decay` strictly between 0 and 1.
    pub fn new(kind: DecayKind, scale: f64, offset: f64, decay: f64) -> Result<Decay, QueryError> {
        let invalid = |parameter, value: f64, expected| QueryError::InvalidParameter {
            parameter,
            value: value.to_string(),
            expected,
        };
        if !(scale.is_finite() && scale > 0.0) {
            return Err(invalid("scale", scale, "a finite number above 0"));
        }
        if !(offset.is_finite() && offset >= 0.0) {
            return Err(invalid("offset", offset, "a finite number, 0 or more"));
        }
        if !(decay > 0.0 && decay < 1.0) {
            return Err(invalid("decay", decay, "a number strictly between 0 and 1"));
        }
        Ok(Decay {
            kind,
            scale,
            offset,
            decay,
        })
    }

    /// A Gaussian decay.
    ///
    /// # Errors
    ///
    /// As [`Decay::new`].
    pub fn gauss(scale: f64, offset: f64, decay: f64) -> Result<Decay, QueryError> {
        Decay::new(DecayKind::Gauss, scale, offset, decay)
    }

    /// An exponential decay.
    ///
    /// # Errors
    ///
    /// As [`Decay::new`].
    pub fn exp(scale: f64, offset: f64, decay: f64) -> Result<Decay, QueryError> {
        Decay::new(DecayKind::Exp, scale, offset, decay)
    }

    /// A linear decay.
    ///
    /// # Errors
    ///
    /// As [`Decay::new`].
    pub fn linear(scale: f64, offset: f64, decay: f64) -> Result<Decay, QueryError> {
        Decay::new(DecayKind::Linear, scale, offset, decay)
    }

    /// Its kind.
    pub fn kind(&self) -> DecayKind {
        self.kind
    }

    /// Its scale.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Its offset.
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// Its decay: the value at `offset + scale`.
    pub fn decay(&self) -> f64 {
        self.decay
    }

    /// The factor for `distance` from the origin (its absolute value is used): in `[0, 1]`,
    /// never increasing with the distance. NaN gives 0.
    pub fn value(&self, distance: f64) -> f64 {
        if distance.is_nan() {
            return 0.0;
        }
        let x = (distance.abs() - self.offset).max(0.0);
        let value = match self.kind {
            DecayKind::Gauss => {
                let two_sigma_squared = -self.scale * self.scale / self.decay.ln();
                (-x * x / two_sigma_squared).exp()
            }
            DecayKind::Exp => (self.decay.ln() / self.scale * x).exp(),
            DecayKind::Linear => {
                let s = self.scale / (1.0 - self.decay);
                ((s - x) / s).max(0.0)
            }
        };
        value.clamp(0.0, 1.0)
    }

    pub(crate) fn hash_into(&self, hasher: &mut impl std::hash::Hasher) {
        hasher.write_u8(self.kind as u8);
        for value in [self.scale, self.offset, self.decay] {
            hasher.write_u64(value.to_bits());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn values_match_hand_computed_ones() {
        // gauss, scale 1000, offset 0, decay 0.5: σ² = 1000² / (2 ln 2).
        let gauss = Decay::gauss(1_000.0, 0.0, 0.5).unwrap();
        assert!(close(gauss.value(1_000.0), 0.5));
        // At 2000: exp(−4 ln 2) = 1/16.
        assert!(close(gauss.value(2_000.0), 0.0625));
        assert!(close(gauss.value(500.0), 0.5f64.powf(0.25)));
        // exp, scale 10, decay 0.5: halves every 10.
        let exp = Decay::exp(10.0, 5.0, 0.5).unwrap();
        assert_eq!(exp.value(5.0), 1.0);
        assert!(close(exp.value(15.0), 0.5));
        assert!(close(exp.value(35.0), 0.125));
        // linear, scale 100, decay 0.5: s = 200, zero at offset + 200.
        let linear = Decay::linear(100.0, 50.0, 0.5).unwrap();
        assert!(close(linear.value(150.0), 0.5));
        assert!(close(linear.value(100.0), 0.75));
        assert_eq!(linear.value(250.0), 0.0);
        assert_eq!(linear.value(1e9), 0.0);
        // The sign of a distance does not matter (time before or after an origin).
        assert_eq!(exp.value(-15.0), exp.value(15.0));
    }

    #[test]
    fn bad_parameters_are_refused() {
        for (scale, offset, decay) in [
            (0.0, 0.0, 0.5),
            (-1.0, 0.0, 0.5),
            (f64::NAN, 0.0, 0.5),
            (f64::INFINITY, 0.0, 0.5),
            (1.0, -1.0, 0.5),
            (1.0, f64::NAN, 0.5),
            (1.0, 0.0, 0.0),
            (1.0, 0.0, 1.0),
            (1.0, 0.0, f64::NAN),
        ] {
            for kind in [DecayKind::Gauss, DecayKind::Exp, DecayKind::Linear] {
                assert!(Decay::new(kind, scale, offset, decay).is_err());
            }
        }
        assert_eq!(Decay::exp(1.0, 0.0, 0.5).unwrap().value(f64::NAN), 0.0);
    }

    fn decays() -> impl Strategy<Value = Decay> {
        (
            prop_oneof![
                Just(DecayKind::Gauss),
                Just(DecayKind::Exp),
                Just(DecayKind::Linear)
            ],
            1e-3..1e7f64,
            0.0..1e6f64,
            1e-6..0.999_999f64,
        )
            .prop_map(|(kind, scale, offset, decay)| {
                Decay::new(kind, scale, offset, decay).unwrap()
            })
    }

    proptest! {
        #[test]
        fn values_lie_in_0_1_and_never_rise(decay in decays(), a in 0.0..1e8f64, b in 0.0..1e8f64) {
            let (near, far) = if a <= b { (a, b) } else { (b, a) };
            let (v_near, v_far) = (decay.value(near), decay.value(far));
            prop_assert!((0.0..=1.0).contains(&v_near));
            prop_assert!((0.0..=1.0).contains(&v_far));
            prop_assert!(v_far <= v_near);
        }

        #[test]
        fn one_within_the_offset_and_decay_at_offset_plus_scale(decay in decays(), t in 0.0..1.0f64) {
            prop_assert_eq!(decay.value(decay.offset() * t), 1.0);
            let at = decay.value(decay.offset() + decay.scale());
            prop_assert!((at - decay.decay()).abs() < 1e-9, "{} vs {}", at, decay.decay());
        }
    }
}
