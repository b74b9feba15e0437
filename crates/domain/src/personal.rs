//! Personal data (个人信息) and how it is shown to those who may not see it.

/// Masks a phone number for display to someone who may not see it: the
/// first three and last four digits stay, the rest become `*`
/// (`13812341234` → `138****1234`). Short numbers are masked whole but for
/// their last two digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    if n >= 8 {
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i < 3 || i >= n - 4 { *c } else { '*' })
            .collect()
    } else {
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i + 2 >= n { *c } else { '*' })
            .collect()
    }
}

/// Whether a phone number is plausible: 5 to 20 characters of digits,
/// optionally a leading `+`, with `-` or spaces between groups.
pub fn is_valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || c == '-' || c == ' ' || (c == '+' && i == 0));
    allowed && (5..=20).contains(&digits) && phone.len() <= 24
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_keep_prefix_and_last_four() {
        assert_eq!(mask_phone("13812341234"), "138****1234");
        assert_eq!(mask_phone("0527-84351234"), "052******1234");
    }

    #[test]
    fn short_numbers_keep_only_last_two() {
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn phone_validity() {
        assert!(is_valid_phone("13812341234"));
        assert!(is_valid_phone("+86 138 1234 1234"));
        assert!(is_valid_phone("0527-84351234"));
        assert!(!is_valid_phone("1234"));
        assert!(!is_valid_phone("138abc41234"));
        assert!(!is_valid_phone("13+812341234"));
    }
}
