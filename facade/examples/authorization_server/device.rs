//! The device verification page (RFC 8628 §3.3): where a user types the
//! code their TV shows, signs in, and allows or denies the TV.
//!
//! `GET /device` shows the form (`?user_code=` presets the code, as the
//! `verification_uri_complete` a device may show as a QR code does).
//! `POST /device` checks the password, then the code; a valid code gets a
//! consent page whose form names what it shows by an identifier kept in
//! [`PendingForms`], so the post decides that code, for that user, once.
//! `POST /device/decide` reports the decision to Authlete.
//!
//! User codes are short (eight letters from twenty, about 35 bits), so
//! wrong codes are throttled like wrong passwords, per signed-in account
//! and per address: sign-in comes first, so nobody guesses codes
//! anonymously.

use std::net::IpAddr;

use authlete::Client;
use authlete::browser::{LoginThrottle, PendingForms, escape_html, page};
use authlete::endpoint::device::{DeviceDecision, DeviceVerification, UserCodeStatus};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{
    DecisionForm, DemoUsers, credential_fields, decision_form, display_name, error_line,
    scope_line, scope_list, sorry,
};

/// The verification page's state: the calls to Authlete, the consent forms
/// shown, and the count of wrong codes.
#[derive(Debug)]
pub(crate) struct DevicePages {
    verification: DeviceVerification,
    forms: PendingForms<Shown>,
    wrong_codes: LoginThrottle,
}

/// What a consent page showed: the code, and who was signed in.
struct Shown {
    user_code: String,
    subject: String,
}

/// `GET /device`'s query.
#[derive(Deserialize)]
pub(crate) struct CodeQuery {
    user_code: Option<String>,
}

/// The code form's fields.
#[derive(Deserialize)]
pub(crate) struct CodeForm {
    user_code: String,
    username: String,
    password: String,
}

impl DevicePages {
    pub(crate) fn new(client: &Client) -> Self {
        DevicePages {
            verification: DeviceVerification::new(client.clone()),
            forms: PendingForms::default(),
            wrong_codes: LoginThrottle::default().counting("user code"),
        }
    }

    /// `GET /device`: the form, with the code from the query if any.
    pub(crate) fn show(&self, query: CodeQuery) -> Response {
        code_page(query.user_code.as_deref().unwrap_or_default(), "", None)
    }

    /// `POST /device`: the password, then the code; a valid code gets the
    /// consent page.
    pub(crate) async fn sign_in(
        &self,
        users: &DemoUsers,
        address: Option<IpAddr>,
        form: CodeForm,
    ) -> Response {
        let again = |error: &str| code_page(&form.user_code, &form.username, Some(error));
        let user = match users.log_in(&form.username, &form.password, address) {
            Ok(Some(user)) => user,
            Ok(None) => return again("Wrong username or password."),
            Err(throttled) => return throttled.page().into_response(),
        };
        if let Err(throttled) = self.wrong_codes.check(user.subject, address) {
            return throttled.page().into_response();
        }
        let user_code = normalise(&form.user_code);
        let pending = match self.verification.look_up(&user_code).await {
            Ok(UserCodeStatus::Valid(pending)) => pending,
            Ok(UserCodeStatus::Unknown) => {
                self.wrong_codes.failed(user.subject, address);
                return again("No device is waiting for that code. Check it and try again.");
            }
            Ok(UserCodeStatus::Expired) => return expired(),
            Ok(_) | Err(_) => return sorry(),
        };
        self.wrong_codes.succeeded(user.subject, address);
        let scopes: Vec<_> = pending
            .scopes()
            .iter()
            .map(|name| scope_line(name, None))
            .collect();
        let client = pending.client_name().unwrap_or("A device").to_owned();
        let shown = Shown {
            user_code: user_code.clone(),
            subject: user.subject.to_owned(),
        };
        let Some(id) = self.forms.park(shown) else {
            return sorry();
        };
        let body = format!(
            "<p>You are signed in as {who}.</p>\
             <p><strong>{client}</strong> on the device showing <code>{code}</code> would like to:</p>\
             {scopes}<p>Allow it only if your device shows this code.</p>{form}",
            who = escape_html(&display_name(user.subject)),
            client = escape_html(&client),
            code = escape_html(&user_code),
            scopes = scope_list(&scopes),
            form = decision_form("/device/decide", "form", &id),
        );
        page(StatusCode::OK, "Allow the device?", &body).into_response()
    }

    /// `POST /device/decide`: the decision on the code the page showed.
    pub(crate) async fn decide(&self, form: DecisionForm) -> Response {
        let Some(shown) = self.forms.take(&form.form) else {
            return super::no_request_in_progress();
        };
        let approved = form.approved();
        tracing::info!(subject = %shown.subject, approved, "device decision");
        let decision = if approved {
            DeviceDecision::Authorized {
                subject: shown.subject,
            }
        } else {
            DeviceDecision::Denied {
                subject: shown.subject,
            }
        };
        match self.verification.decide(&shown.user_code, decision).await {
            Ok(UserCodeStatus::Decided) => {
                let body = if approved {
                    "<p>The device is allowed. Go back to it: it continues on its own.</p>"
                } else {
                    "<p>The device was denied. It gets no access.</p>"
                };
                page(StatusCode::OK, "Done", body).into_response()
            }
            Ok(UserCodeStatus::Expired) => expired(),
            Ok(UserCodeStatus::Unknown) => super::no_request_in_progress(),
            Ok(_) | Err(_) => sorry(),
        }
    }
}

/// The code form, the code and username preset, with an error after a
/// failed attempt.
fn code_page(user_code: &str, username: &str, error: Option<&str>) -> Response {
    let body = format!(
        "<p>Enter the code your device shows, and sign in.</p>{error}\
         <form method=\"post\" action=\"/device\">\
         <p><label>Code <input name=\"user_code\" value=\"{code}\" autocomplete=\"off\"></label></p>\
         {credentials}\
         <p><button type=\"submit\">Continue</button></p>\
         </form>",
        error = error_line(error),
        code = escape_html(user_code),
        credentials = credential_fields(username),
    );
    page(StatusCode::OK, "Connect a device", &body).into_response()
}

/// The code was valid once: the device must ask for a new one.
fn expired() -> Response {
    let body = "<p>That code has expired. Start again on your device to get a new one.</p>";
    page(StatusCode::BAD_REQUEST, "Code expired", body).into_response()
}

/// The code as Authlete issued it: RFC 8628 §6.1 wants typing to forgive
/// case, spaces and dashes.
fn normalise(user_code: &str) -> String {
    user_code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}
