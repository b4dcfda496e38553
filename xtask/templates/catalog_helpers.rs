// The end of `generated/src/catalog.rs`, the same for every spec.
// `xtask/src/catalog.rs` splices in this file's tokens and prettyplease
// lays the catalog out: edit it as Rust, then regenerate. Comments like
// this one do not reach the catalog; doc comments do.

fn reencode<T: DeserializeOwned + Serialize>(json: &str) -> Result<String, serde_json::Error> {
    serde_json::to_string(&serde_json::from_str::<T>(json)?)
}

fn param<T: DeserializeOwned>(name: &str, value: &str) -> Result<T, String> {
    serde_json::from_value(Value::String(value.to_owned()))
        .or_else(|_| serde_json::from_str(value))
        .map_err(|e| format!("parameter `{name}`: {e}"))
}

fn json_body<T: DeserializeOwned>(body: Value) -> Result<T, String> {
    serde_json::from_value(body).map_err(|e| format!("body: {e}"))
}

fn unknown_param(operation_id: &str, name: &str) -> String {
    format!("operation `{operation_id}` has no parameter `{name}`")
}

fn reply<T: Serialize, E: Serialize + std::fmt::Debug>(
    result: Result<ResponseValue<T>, Error<E>>,
) -> Result<Reply, String> {
    let (status, body) = match result {
        Ok(value) => (
            value.status().as_u16(),
            serde_json::to_value(value.into_inner()),
        ),
        Err(Error::ErrorResponse(value)) => (
            value.status().as_u16(),
            serde_json::to_value(value.into_inner()),
        ),
        Err(other) => return Err(other.to_string()),
    };
    let body = body.map_err(|e| e.to_string())?;
    Ok(Reply {
        status,
        body: (!body.is_null()).then_some(body),
    })
}
