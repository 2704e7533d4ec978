//! The form toolkit on its own: the validator's bookkeeping and each parser's good input,
//! bad input and message.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq)]
enum F {
    A,
    B,
}

#[test]
fn the_validator_keeps_values_and_errors_in_order() {
    let mut v = Validator::new();
    assert_eq!(v.take(F::A, Ok::<_, String>(3)), Some(3));
    assert_eq!(v.take::<u32>(F::B, Err("b is bad".into())), None);
    v.check(F::A, Ok(()));
    v.check(F::A, Err("a is bad".into()));
    v.notice(F::B, "b looks odd");
    assert_eq!(v.take_notices(), [FormError::new(F::B, "b looks odd")]);
    let errors = v.finish(Some(1)).unwrap_err();
    assert_eq!(
        errors,
        [
            FormError::new(F::B, "b is bad"),
            FormError::new(F::A, "a is bad")
        ]
    );
}

#[test]
fn the_validator_hands_back_the_value_and_its_notices_apart() {
    let mut v = Validator::new();
    v.notice(F::A, "a looks odd");
    assert_eq!(v.take_notices(), [FormError::new(F::A, "a looks odd")]);
    assert!(v.take_notices().is_empty());
    assert_eq!(v.finish(Some("built")), Ok("built"));
    // No value and no error (a caller's slip) is still no value.
    assert_eq!(Validator::<F>::new().finish::<u8>(None), Err(Vec::new()));
}

#[test]
fn a_field_behind_a_switch_that_is_off_is_not_judged() {
    let mut v = Validator::new();
    assert_eq!(v.take_if(false, F::A, Err("bad".into()), 7), Some(7));
    assert_eq!(v.take_if(false, F::A, Ok(5), 7), Some(5));
    assert_eq!(v.take_if(true, F::B, Ok(5), 7), Some(5));
    assert_eq!(v.take_if(true, F::B, Err("b is bad".into()), 7), None);
    assert_eq!(
        v.finish(Some(())).unwrap_err(),
        [FormError::new(F::B, "b is bad")]
    );
    let mut v = Validator::new();
    v.fail(F::A, "x");
    v.errors_mut()[0].message.push('y');
    assert_eq!(v.finish(Some(())).unwrap_err()[0].message, "xy");
}

#[test]
fn quoted_shortens_long_input() {
    assert_eq!(quoted("abc"), "\"abc\"");
    let long = "x".repeat(41);
    assert_eq!(quoted(&long), format!("\"{}…\"", "x".repeat(40)));
    assert_eq!(quoted(&"é".repeat(40)), format!("\"{}\"", "é".repeat(40)));
}

#[test]
fn number_takes_finite_values_in_range() {
    assert_eq!(number(" 2.5 ", "Rate", "times", 1.0, 10.0), Ok(2.5));
    assert_eq!(number("10", "Rate", "times", 1.0, 10.0), Ok(10.0));
    for bad in ["0.5", "11", "NaN", "inf", "x", ""] {
        assert!(number(bad, "Rate", "times", 1.0, 10.0).is_err(), "{bad}");
    }
    assert_eq!(
        number("0.5", "Rate factor", "times", 1.0, 10.0),
        Err("Rate factor must be a number of times from 1 to 10; got \"0.5\"".into())
    );
}

#[test]
fn secs_are_returned_in_milliseconds() {
    assert_eq!(secs("2.5", "Hold", 0.0, 60.0), Ok(2500.0));
    assert_eq!(
        secs("-1", "Duration", 1.0, 86_400.0),
        Err("Duration must be a number of seconds from 1 to 86400; got \"-1\"".into())
    );
}

#[test]
fn count_takes_whole_numbers_in_range() {
    assert_eq!(count(" 7 ", "Cycles", 1, 1000), Ok(7));
    for bad in ["0", "1001", "-1", "1.5", "x"] {
        assert!(count(bad, "Cycles", 1, 1000).is_err(), "{bad}");
    }
    assert_eq!(
        count("0", "Queue capacity", 1, 100),
        Err("Queue capacity must be a whole number from 1 to 100; got \"0\"".into())
    );
}

#[test]
fn sessions_name_the_ceiling_and_the_scenarios_floor() {
    assert_eq!(sessions(" 200 ", "Sessions", 1), Ok(200));
    assert_eq!(
        sessions("201", "Sessions", 1),
        Err("At most 200 sessions: Chromium allows about 255 sockets per profile, shared with every tab; got 201".into())
    );
    assert_eq!(
        sessions("abc", "Session count", 1),
        Err("Session count must be a whole number from 1 to 200; got \"abc\"".into())
    );
    assert_eq!(
        sessions("1", "Sessions", 2),
        Err("Sessions must be a whole number from 2 to 200 (this scenario needs at least 2); got \"1\"".into())
    );
}

#[test]
fn the_send_interval_allows_zero_for_one_in_flight() {
    assert_eq!(send_interval("0"), Ok(0.0));
    assert_eq!(send_interval(" 10 "), Ok(10.0));
    assert_eq!(
        send_interval("5"),
        Err("Send interval must be a number of milliseconds from 10 to 60000, or 0 for one message in flight (the next goes when its reply is in); got \"5\"".into())
    );
}

#[test]
fn a_schedule_is_seconds_separated_by_commas() {
    assert_eq!(schedule("0.5, 3"), Ok(vec![500.0, 3000.0]));
    for bad in ["", "1,", "1,0", "1,x", "3601"] {
        assert!(schedule(bad).is_err(), "{bad}");
    }
    assert_eq!(
        schedule(" 1,x "),
        Err("Reconnect schedule must be seconds separated by commas, each above 0 and at most 3600, e.g. 1,2,4,8,16; got \"1,x\"".into())
    );
}

#[test]
fn close_codes_are_from_1000_to_4999() {
    assert_eq!(close_codes(" ", "Codes"), Ok(Vec::new()));
    assert_eq!(close_codes("1008, 4001", "Codes"), Ok(vec![1008, 4001]));
    assert!(close_codes("999", "Codes").is_err());
    assert_eq!(
        close_codes("1008,abc", "No-retry codes"),
        Err("No-retry codes must be close codes from 1000 to 4999 separated by commas; \"abc\" is not one".into())
    );
}

#[test]
fn json_pointers_follow_rfc_6901() {
    for ok in ["/id", "/meta/0/id", "", "/a~0b~1c"] {
        assert_eq!(json_pointer(ok, "P"), Ok(ok.to_owned()), "{ok}");
    }
    assert_eq!(json_pointer(" /id ", "P"), Ok("/id".into()));
    assert_eq!(
        json_pointer("id", "Correlation pointer"),
        Err("Correlation pointer must be a JSON pointer like /id or /meta/request_id (it starts with /); got \"id\"".into())
    );
    assert_eq!(
        json_pointer("/a~2", "P"),
        Err("P must be a JSON pointer like /id or /meta/request_id (~ must be written ~0, / must be written ~1); got \"/a~2\"".into())
    );
    assert!(json_pointer("/a~", "P").is_err());
}

#[test]
fn required_text_is_trimmed_and_not_empty() {
    assert_eq!(required(" pong ", "Enter one"), Ok("pong".into()));
    assert_eq!(required("  ", "Enter one"), Err("Enter one".into()));
}
