//! What the standard scopes give a client, in a sentence a person can
//! judge on a consent page.

/// A sentence saying what granting `scope` lets the client do, for the
/// scopes OpenID Connect Core (§5.4, §11) defines; `None` for the others,
/// whose meaning only the service knows (Authlete's scope `description`,
/// [`Scope::description`](crate::model::Scope), is the place for it).
pub fn describe_scope(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "openid" => "Sign you in with your account and learn your account identifier.",
        "profile" => {
            "See your profile: name, nickname, picture, website, gender, birthdate, \
             time zone and locale."
        }
        "email" => "See your email address and whether it has been verified.",
        "address" => "See your postal address.",
        "phone" => "See your phone number and whether it has been verified.",
        "offline_access" => "Keep access while you are not using it, until you revoke it.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::describe_scope;

    #[test]
    fn standard_scopes_have_sentences_and_others_none() {
        for scope in [
            "openid",
            "profile",
            "email",
            "address",
            "phone",
            "offline_access",
        ] {
            let sentence = describe_scope(scope).unwrap_or_default();
            assert!(sentence.ends_with('.'), "{scope}: {sentence}");
        }
        assert!(describe_scope("email").is_some_and(|s| s.contains("email")));
        assert_eq!(describe_scope("payments:write"), None);
    }
}
