//! The HTTP client this adapter gives meilisearch-sdk. The SDK's own reqwest client streams every request body
//! through a reader whose buffer it zero-fills to 8 MiB on each request (its comment says 8 KiB); measured with
//! `perf` on the products benchmark, that memset was a third of the API's CPU. This client sends the body it
//! serialized, as it is. Everything else is the SDK's: headers, query strings, response parsing — except that
//! an answer other than the expected one is returned as the SDK's error without the SDK's warning (see
//! [`unexpected`]).

use async_trait::async_trait;
use futures::AsyncReadExt;
use meilisearch_sdk::errors::{Error, MeilisearchCommunicationError, MeilisearchError};
use meilisearch_sdk::request::{HttpClient, Method, parse_response};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A Meilisearch client over [`EngineHttp`].
pub type Client = meilisearch_sdk::client::Client<EngineHttp>;

/// A client of the server at `url`, authenticating with `api_key` when given.
pub fn client(url: &str, api_key: Option<&str>) -> Result<Client, Error> {
    Ok(Client::new_with_client(url, api_key, EngineHttp::new(api_key)?))
}

#[derive(Clone, Debug)]
pub struct EngineHttp {
    client: reqwest::Client,
}

impl EngineHttp {
    fn new(api_key: Option<&str>) -> Result<Self, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(USER_AGENT, HeaderValue::from_static(concat!("xinyidai/", env!("CARGO_PKG_VERSION"))));
        if let Some(key) = api_key {
            let value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|e| Error::Other(Box::new(e)))?;
            headers.insert(AUTHORIZATION, value);
        }
        Ok(Self { client: reqwest::Client::builder().default_headers(headers).build()? })
    }

    async fn send<Query: Serialize, Output: DeserializeOwned>(
        &self,
        url: &str,
        (verb, query, body): (reqwest::Method, Query, Option<Vec<u8>>),
        content_type: &str,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        let url = format!("{url}{}", yaup::to_string(&query)?);
        let mut request = self.client.request(verb, &url);
        if let Some(body) = body {
            request = request.header(CONTENT_TYPE, content_type).body(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = response.text().await?;
        if status != expected_status_code {
            return Err(unexpected(status, expected_status_code, &body, url));
        }
        let body = if body.is_empty() { "null".to_string() } else { body };
        parse_response(status, expected_status_code, &body, url)
    }
}

/// The error for an answer other than the one the SDK expected, as the SDK's `parse_response` builds it, but
/// without its `WARN Expected response code 200, got 404`: that warning comes before the caller has decided
/// whether the answer is a failure, and asking whether an index or a key exists is answered 404 when it does
/// not — on every first start. The caller gets the error and logs it, with its context, when it is one.
fn unexpected(status: u16, expected: u16, body: &str, url: String) -> Error {
    tracing::debug!(status, expected, url = %url, "Meilisearch answered another status than expected");
    match serde_json::from_str::<MeilisearchError>(body) {
        Ok(error) => Error::Meilisearch(error),
        Err(_) if status >= 400 => {
            Error::MeilisearchCommunication(MeilisearchCommunicationError { status_code: status, message: None, url })
        }
        Err(error) => Error::ParseError(error),
    }
}

/// A request's verb, query and body.
fn parts<Q, B>(method: Method<Q, B>) -> (reqwest::Method, Q, Option<B>) {
    match method {
        Method::Get { query } => (reqwest::Method::GET, query, None),
        Method::Delete { query } => (reqwest::Method::DELETE, query, None),
        Method::Post { query, body } => (reqwest::Method::POST, query, Some(body)),
        Method::Put { query, body } => (reqwest::Method::PUT, query, Some(body)),
        Method::Patch { query, body } => (reqwest::Method::PATCH, query, Some(body)),
    }
}

#[async_trait]
impl HttpClient for EngineHttp {
    async fn request<Query, Body, Output>(
        &self,
        url: &str,
        method: Method<Query, Body>,
        expected_status_code: u16,
    ) -> Result<Output, Error>
    where
        Query: Serialize + Send + Sync,
        Body: Serialize + Send + Sync,
        Output: DeserializeOwned + 'static + Send,
    {
        let (verb, query, body) = parts(method);
        let body = body.map(|body| serde_json::to_vec(&body)).transpose()?;
        self.send(url, (verb, query, body), "application/json", expected_status_code).await
    }

    async fn stream_request<
        Query: Serialize + Send + Sync,
        Body: futures::AsyncRead + Send + Sync + 'static,
        Output: DeserializeOwned + 'static,
    >(
        &self,
        url: &str,
        method: Method<Query, Body>,
        content_type: &str,
        expected_status_code: u16,
    ) -> Result<Output, Error> {
        let (verb, query, body) = parts(method);
        let body = match body {
            Some(reader) => {
                let mut bytes = Vec::new();
                Box::pin(reader).read_to_end(&mut bytes).await.map_err(|e| Error::Other(Box::new(e)))?;
                Some(bytes)
            }
            None => None,
        };
        self.send(url, (verb, query, body), content_type, expected_status_code).await
    }

    fn is_tokio(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use meilisearch_sdk::errors::ErrorCode;

    use super::*;

    #[test]
    fn another_answer_is_the_error_the_sdk_would_return() {
        let missing = r#"{"message":"Index `xyd_products` not found.","code":"index_not_found","type":"invalid_request",
            "link":"https://docs.meilisearch.com/errors#index_not_found"}"#;
        let error = unexpected(404, 200, missing, "http://m/indexes/xyd_products".into());
        assert!(matches!(error, Error::Meilisearch(e) if e.error_code == ErrorCode::IndexNotFound));
        let gateway = unexpected(502, 200, "<html>bad gateway</html>", "http://m/health".into());
        assert!(matches!(gateway, Error::MeilisearchCommunication(e) if e.status_code == 502));
        assert!(matches!(unexpected(204, 200, "", "http://m/x".into()), Error::ParseError(_)));
    }
}
