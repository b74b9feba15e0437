//! Personal data (个人信息) and how it is shown to those who may not see it.

/// Masks a phone number for display to someone who may not see it. The
/// digits count, not the characters: an 11-digit mobile number keeps its
/// first three and last four (`13812341234` → `138****1234`); other
/// numbers of 8 digits or more keep only their last four; shorter ones
/// their last two. Separators stay where they are.
pub fn mask_phone(phone: &str) -> String {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let (head, tail) = match digits {
        11 => (3, 4),
        n if n >= 8 => (0, 4),
        _ => (0, 2),
    };
    let mut seen = 0;
    phone
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= head || seen > digits.saturating_sub(tail) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Masks a person's name: its first character stays (`张先生` → `张**`).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
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
        assert_eq!(mask_phone("+86 138 1234 1234"), "+** *** **** 1234");
    }

    #[test]
    fn other_numbers_hide_at_least_half_their_digits() {
        assert_eq!(mask_phone("0527-84351234"), "****-****1234");
        assert_eq!(mask_phone("84351234"), "****1234");
        assert_eq!(mask_phone("12345"), "***45");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn names_keep_their_first_character() {
        assert_eq!(mask_name("张先生"), "张**");
        assert_eq!(mask_name("Li"), "L*");
        assert_eq!(mask_name(""), "");
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
