//! Calendar dates and RFC 3339 timestamps as filters write them, without a date-time crate.

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn digits(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Parses `YYYY-MM-DD` into days since the Unix epoch, checking that the date exists.
pub fn parse_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = digits(&text[0..4])?;
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    let month_days = [
        31,
        if is_leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    Some(days_from_civil(year, month, day))
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
    fn dates_must_exist() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2022-01-01"), Some(18_993));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        for bad in [
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
