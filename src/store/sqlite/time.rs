//! Timestamps as stored: microseconds since the Unix epoch.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn now_micros() -> i64 {
    to_micros(SystemTime::now())
}

pub fn to_micros(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_micros()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_micros()).unwrap_or(i64::MAX),
    }
}

pub fn from_micros(micros: i64) -> SystemTime {
    let magnitude = Duration::from_micros(micros.unsigned_abs());
    if micros >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros_round_trip() {
        for micros in [0, 1, -1, 1_640_995_200_000_000, -86_400_000_000] {
            assert_eq!(to_micros(from_micros(micros)), micros);
        }
    }
}
