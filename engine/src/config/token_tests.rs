//! The token in the configuration: where it may be typed, where it is sent, and that no
//! message, stored form or preview shows it (R3).

use super::tests::{ORIGIN, errors, one_error};
use super::*;

#[test]
fn token_rules() {
    let raw = RawConfig {
        auth_mode: AuthMode::Subprotocol,
        token: "a b".into(),
        ..Default::default()
    };
    assert_eq!(one_error(raw).field, Field::Token);
    let raw = RawConfig {
        auth_mode: AuthMode::FirstMessage,
        ..Default::default()
    };
    let c = RunConfig::from_raw(&raw, ORIGIN).unwrap();
    assert_eq!(c.notices[0].field, Field::Token);
}

/// The defaults with the token `sekret`, which nothing may show.
fn with_secret() -> RawConfig {
    RawConfig {
        token: "sekret".into(),
        ..Default::default()
    }
}

#[test]
fn messages_never_contain_the_token() {
    let raw = RawConfig {
        endpoint: "ftp://h/ws?token=sekret".into(),
        ..with_secret()
    };
    for e in errors(raw) {
        assert!(!e.message.contains("sekret"), "{}", e.message);
    }
}

#[test]
fn raw_config_persists_without_token() {
    let raw = RawConfig {
        sessions: "7".into(),
        ..with_secret()
    };
    let json = serde_json::to_string(&raw).unwrap();
    assert!(!json.contains("sekret"));
    let back = RawConfig::from_json(&json).unwrap();
    assert_eq!(back.sessions, "7");
    assert_eq!(back.token, "");
    let partial = RawConfig::from_json(r#"{"sessions":"9"}"#).unwrap();
    assert_eq!(partial.endpoint, "/ws");
}

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJxYSJ9.c2lnbmF0dXJl";

#[test]
fn a_token_typed_into_the_endpoint_is_refused_and_never_quoted() {
    for endpoint in [
        "/ws?token=pl41n-s3cret".to_string(),
        "/ws?x=1&access_token=pl41n-s3cret".to_string(),
        "/ws?auth=pl41n-s3cret".to_string(),
        format!("/ws?k={JWT}"),
        format!("ftp://h/{JWT}"),
    ] {
        let e = errors(RawConfig {
            endpoint: endpoint.clone(),
            ..Default::default()
        });
        assert!(e.iter().any(|e| e.field == Field::Endpoint), "{endpoint}");
        for e in e {
            assert!(!e.message.contains("pl41n-s3cret"), "{}", e.message);
            assert!(!e.message.contains("eyJ"), "{}", e.message);
        }
    }
}

#[test]
fn a_token_typed_into_the_endpoint_moves_to_the_token_field() {
    let mut raw = RawConfig {
        endpoint: "wss://api.example/ws?a=1&token=t%2Bk&b=2".into(),
        ..Default::default()
    };
    let notice = raw.move_endpoint_token().unwrap().unwrap();
    assert_eq!(notice.field, Field::Token);
    assert!(!notice.message.contains("t+k"), "{}", notice.message);
    assert_eq!(raw.token, "t+k");
    assert_eq!(raw.endpoint, "wss://api.example/ws?a=1&token={token}&b=2");
    // The URL sent is the one typed.
    let c = RunConfig::from_raw(&raw, ORIGIN).unwrap();
    assert_eq!(
        c.endpoint.fill("", &c.token, 0, c.auth_mode),
        "wss://api.example/ws?a=1&token=t%2Bk&b=2"
    );
    // Nothing to move: nothing changes.
    assert_eq!(raw.move_endpoint_token(), Ok(None));
    // The same token in both places is fine; a different one is refused.
    let mut same = RawConfig {
        endpoint: format!("/ws/{JWT}"),
        token: JWT.into(),
        ..Default::default()
    };
    assert!(same.move_endpoint_token().unwrap().is_some());
    assert_eq!(same.endpoint, "/ws/{token}");
    let mut other = RawConfig {
        endpoint: "/ws?token=tok-a1".into(),
        token: "tok-b2".into(),
        ..Default::default()
    };
    let e = other.move_endpoint_token().unwrap_err();
    assert_eq!(e.field, Field::Endpoint);
    assert!(!e.message.contains("tok-a1") && !e.message.contains("tok-b2"));
    assert_eq!(other.endpoint, "/ws?token=tok-a1");
}

#[test]
fn stored_shared_and_previewed_configs_hold_no_endpoint_token() {
    let raw = RawConfig {
        endpoint: format!("/ws/{{user_id}}?token={JWT}"),
        user_id: "u1".into(),
        token: "field-token".into(),
        ..Default::default()
    };
    let json = serde_json::to_string(&raw.without_secrets()).unwrap();
    assert!(
        !json.contains(JWT) && !json.contains("field-token"),
        "{json}"
    );
    assert!(json.contains("token={token}"), "{json}");
    // Both the endpoint's token and the field's (appended in query mode) are hidden.
    let preview = raw.preview_url(ORIGIN);
    assert_eq!(
        preview,
        "ws://127.0.0.1:8080/ws/u1?token=[redacted]&token=[redacted]"
    );
    let bad = RawConfig {
        endpoint: "ftp://h/ws?token=zz-s3cret".into(),
        ..Default::default()
    };
    assert!(!bad.preview_url(ORIGIN).contains("zz-s3cret"));
}

#[test]
fn a_token_providers_token_counts_before_it_arrives() {
    let raw = RawConfig {
        endpoint: "ws://elsewhere.example:9/ws?token={token}".into(),
        ..Default::default()
    };
    let mut cfg = RunConfig::from_raw(&raw, ORIGIN).unwrap();
    assert_eq!(cfg.token_destination(ORIGIN), None);
    cfg.token_provider = true;
    assert_eq!(
        cfg.token_destination(ORIGIN).as_deref(),
        Some("elsewhere.example:9")
    );
}

#[test]
fn token_destination_names_a_foreign_host_only_when_a_token_goes_there() {
    let dest = |endpoint: &str, token: &str, mode: AuthMode| {
        let raw = RawConfig {
            endpoint: endpoint.into(),
            token: token.into(),
            auth_mode: mode,
            ..Default::default()
        };
        RunConfig::from_raw(&raw, ORIGIN)
            .unwrap()
            .token_destination(ORIGIN)
    };
    let q = AuthMode::Query;
    assert_eq!(
        dest("wss://evil.example/ws", "t", q).as_deref(),
        Some("evil.example")
    );
    assert_eq!(
        dest("ws://localhost:8080/ws", "t", AuthMode::FirstMessage).as_deref(),
        Some("localhost:8080")
    );
    assert_eq!(dest("wss://evil.example/ws", "", q), None);
    assert_eq!(dest("/ws", "t", q), None);
    assert_eq!(dest("ws://127.0.0.1:8080/ws", "t", q), None);
    assert_eq!(dest("wss://evil.example/ws", "t", AuthMode::Cookie), None);
    assert!(dest("wss://evil.example/ws?t={token}", "t", AuthMode::Cookie).is_some());
}

#[test]
fn auth_mode_names_round_trip() {
    for m in AuthMode::ALL {
        assert_eq!(AuthMode::parse(m.as_str()), Some(m));
    }
}
