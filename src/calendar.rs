//! The one calendar: proleptic Gregorian civil dates as day numbers (days
//! since 1970-01-01, after Howard Hinnant's `days_from_civil` algorithms:
//! small, pure and exact) and RFC 3339 timestamps. Article dates, filter
//! values and the extractor's resolved dates all go through it, so they agree
//! on what a date is: `YYYY-MM-DD` in ASCII digits, years 0001 to 9999, a day
//! that exists.
//!
//! **Invariant:** every `YYYY-MM-DD` the program accepts, anywhere, is
//! accepted by [`parse_date`], and [`civil_from_days`] inverts
//! [`days_from_civil`] exactly.

/// The years a civil date may have.
pub const YEARS: std::ops::RangeInclusive<i64> = 1..=9999;

/// Days from 1970-01-01 to `year-month-day`; the caller ensures the date is
/// valid (see [`is_valid`]).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `(year, month, day)` of a day number.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `year-month-day` is a civil date the program accepts.
pub fn is_valid(year: i64, month: u32, day: u32) -> bool {
    YEARS.contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// A date as `YYYY-MM-DD` (years outside [`YEARS`] as they come).
pub fn iso(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses `YYYY-MM-DD` into its day number, only when it is a civil date.
pub fn parse_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = digits(&text[0..4])?;
    let month = u32::try_from(digits(&text[5..7])?).ok()?;
    let day = u32::try_from(digits(&text[8..10])?).ok()?;
    is_valid(year, month, day).then(|| days_from_civil(year, month, day))
}

const MICROS_PER_SECOND: i64 = 1_000_000;

/// Parses an RFC 3339 timestamp (`2022-01-01T12:00:00Z`, `…T12:00:00.5+02:00`)
/// or a bare date (its midnight UTC) into microseconds since the Unix epoch.
pub fn parse_timestamp_micros(text: &str) -> Option<i64> {
    if text.len() == 10 {
        return parse_date(text).map(|days| days * 86_400 * MICROS_PER_SECOND);
    }
    if text.len() < 20 || !text.is_char_boundary(10) || !text.is_char_boundary(19) {
        return None;
    }
    let days = parse_date(&text[..10])?;
    let bytes = text.as_bytes();
    if !matches!(bytes[10], b'T' | b't') || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let hour = digits(&text[11..13])?;
    let minute = digits(&text[14..16])?;
    let second = digits(&text[17..19])?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = &text[19..];
    let mut micros = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let n_digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n_digits == 0 || n_digits > 9 {
            return None;
        }
        let padded = format!("{:0<6}", &fraction[..n_digits.min(6)]);
        micros = digits(&padded)?;
        rest = &fraction[n_digits..];
    }
    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && rest.is_char_boundary(1) => {
            let sign = match &rest[..1] {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            if rest.as_bytes()[3] != b':' {
                return None;
            }
            let hours = digits(&rest[1..3])?;
            let minutes = digits(&rest[4..6])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    seconds.checked_mul(MICROS_PER_SECOND)?.checked_add(micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        for days in [-719_162, -1, 0, 1, 18_993, 19_782, 2_932_896] {
            let (year, month, day) = civil_from_days(days);
            assert!(is_valid(year, month, day), "{days}");
            assert_eq!(days_from_civil(year, month, day), days);
            assert_eq!(parse_date(&iso(days)), Some(days));
        }
        // Every day of four centuries, leap rules included.
        let first = days_from_civil(1900, 1, 1);
        let mut expected = (1900, 1, 1);
        for days in first..first + 146_097 {
            assert_eq!(civil_from_days(days), expected);
            let (year, month, day) = expected;
            expected = if day < days_in_month(year, month) {
                (year, month, day + 1)
            } else if month < 12 {
                (year, month + 1, 1)
            } else {
                (year + 1, 1, 1)
            };
        }
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2022-01-01"), Some(18_993));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("0001-01-01"), Some(-719_162));
        assert_eq!(parse_date("9999-12-31"), Some(2_932_896));
        for bad in [
            "0000-01-01",
            "1900-02-29",
            "２０２２-01-01",
            "2023-02-29",
            "2022-13-01",
            "2022-00-10",
            "2022-1-01",
            "22-01-01x",
            "2022/01/01",
            "+022-01-01",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_follow_rfc_3339() {
        assert_eq!(parse_timestamp_micros("2022-01-01"), Some(1_640_995_200_000_000));
        assert_eq!(
            parse_timestamp_micros("2022-01-01T00:00:00Z"),
            Some(1_640_995_200_000_000)
        );
        assert_eq!(
            parse_timestamp_micros("2022-01-01T02:00:00.25+02:00"),
            Some(1_640_995_200_250_000)
        );
        assert_eq!(parse_timestamp_micros("1969-12-31T23:59:59Z"), Some(-1_000_000));
        for bad in [
            "2022-01-01T25:00:00Z",
            "2022-01-01T00:00:00",
            "2022-01-01 00:00:00Z",
            "2022-01-01T00:00:00.Z",
            "2022-01-01T00:00:00+0200",
            "2022-01-01Té0:00:00Z",
        ] {
            assert_eq!(parse_timestamp_micros(bad), None, "{bad}");
        }
    }
}
