//! GraphQL subscriptions over WebSocket at `/graphql/ws` (`graphql-transport-ws`, and the legacy `graphql-ws`).
//!
//! The socket keeps the guards of `POST /graphql`, or refuses what it cannot guard:
//! - A message may be as large as a JSON request body (`limits.json_body_bytes`); a larger one closes the
//!   socket with 1009 before it is read.
//! - The first message must be `connection_init` carrying a valid access token, as
//!   `{"authorization": "Bearer <token>"}` (or `{"token": "<token>"}`); anything else closes with 4403, and
//!   nothing within ten seconds with 4408.
//! - The socket closes with 4401 when that token expires, unless the client has sent a fresh access token of
//!   the same user in the payload of a protocol `ping`:
//!   `{"type":"ping","payload":{"authorization":"Bearer <token>"}}`. The `pong` is sent once the token has
//!   been taken into account. An invalid token there, or another user's, closes with 4403. (A second
//!   `connection_init` is a protocol error, 4429, and refreshes nothing.)
//! - Only subscriptions run. A query or a mutation gets one error (`BAD_USER_INPUT`, reason
//!   `SUBSCRIPTIONS_ONLY`) and `complete`, and the socket stays open: over HTTP they pass the body limit, the
//!   per-address concurrency cap, the deadline and the rate limits keyed by client address, which a
//!   long-lived socket would bypass.
//! - The connection carries the principal and the client address (`ClientIp`), as an HTTP request does; a
//!   panic while serving it closes the socket with 1011 rather than dropping it.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Data, Executor};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::{BoxStream, SplitSink, SplitStream};
use futures::{SinkExt, StreamExt, future};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;

use super::connections::ConnectionSlot;
use tokio::time::Instant;
use xyd_domain::UserId;

use super::{HttpState, client_ip};
use crate::auth::Principal;
use crate::auth::rate_limit::ClientIp;
use crate::auth::tokens::TokenService;
use crate::graphql::Gate;
use crate::schema::AppSchema;
use crate::state::AppState;

// Close codes. 44xx are those of the `graphql-transport-ws` protocol.
const CLOSE_NORMAL: u16 = 1000;
const CLOSE_PROTOCOL_ERROR: u16 = 1002;
const CLOSE_TOO_BIG: u16 = 1009;
const CLOSE_INTERNAL: u16 = 1011;
const CLOSE_TOKEN_EXPIRED: u16 = 4401;
const CLOSE_FORBIDDEN: u16 = 4403;
const CLOSE_INIT_TIMEOUT: u16 = 4408;

/// How long a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A close frame's reason holds at most 123 bytes.
const MAX_CLOSE_REASON_BYTES: usize = 123;

/// How to close the socket: a code and a reason.
type Closing = (u16, String);

fn close_with(code: u16, reason: &str) -> Closing {
    (code, reason.to_string())
}

/// Upgrade `GET /graphql/ws`. The handshake must name a GraphQL WebSocket subprotocol.
pub async fn upgrade(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    slot: Option<Extension<ConnectionSlot>>,
    ws: WebSocketUpgrade,
) -> Response {
    let ws = ws.protocols(ALL_WEBSOCKET_PROTOCOLS);
    let protocol =
        ws.selected_protocol().and_then(|p| p.to_str().ok()).and_then(|p| p.parse::<WebSocketProtocols>().ok());
    let Some(protocol) = protocol else {
        return (StatusCode::BAD_REQUEST, "Sec-WebSocket-Protocol 须为 graphql-transport-ws 或 graphql-ws")
            .into_response();
    };
    let ip = ClientIp(client_ip(state.app.config.server.trusted_proxy_hops, &headers, peer));
    let limit = state.app.config.limits.json_body_bytes;
    ws.max_message_size(limit).max_frame_size(limit).on_upgrade(move |socket| async move {
        // The socket occupies its connection's slot of the per-address cap until it closes.
        let _slot = slot;
        serve(socket, state, protocol, ip).await;
    })
}

/// One connection: authenticate `connection_init`, then run the protocol until the client leaves, the token
/// lapses, or a message is refused.
async fn serve(socket: WebSocket, state: HttpState, protocol: WebSocketProtocols, ip: ClientIp) {
    let (mut sink, mut source) = socket.split();
    let (init, principal, expires_at_ms) = match handshake(&mut source, &state.app.tokens).await {
        Ok(accepted) => accepted,
        Err(Some(closing)) => return close(&mut sink, closing).await,
        Err(None) => return,
    };
    let expires_at = Arc::new(AtomicI64::new(expires_at_ms));
    let (closes_tx, mut closes) = mpsc::unbounded_channel::<Closing>();
    let inspector = Inspector {
        app: state.app.clone(),
        user: principal.user_id,
        expires_at: expires_at.clone(),
        closes: closes_tx,
    };
    // The protocol sees the `connection_init` read above, then everything else the inspector lets through.
    let input = futures::stream::iter([init]).chain(
        source
            .scan(inspector, |inspector, message| future::ready(inspector.inspect(message)))
            .filter_map(future::ready),
    );
    let mut data = Data::default();
    data.insert(principal);
    data.insert(ip);
    let executor = SubscriptionsOnly { schema: state.schema.clone(), gate: state.gate.clone(), app: state.app.clone() };
    let connection = async_graphql::http::WebSocket::new(executor, input, protocol).connection_data(data);
    let mut connection = std::pin::pin!(AssertUnwindSafe(connection).catch_unwind());
    let mut expiry = std::pin::pin!(tokio::time::sleep_until(deadline(expires_at_ms)));

    let ending = loop {
        tokio::select! {
            // Closing and expiry first, so a busy subscription cannot postpone them.
            biased;
            Some(closing) = closes.recv() => break closing,
            () = &mut expiry => {
                let expires_at_ms = expires_at.load(Ordering::SeqCst);
                if expires_at_ms > now_ms() {
                    expiry.as_mut().reset(deadline(expires_at_ms));
                } else {
                    break close_with(CLOSE_TOKEN_EXPIRED, "访问令牌已过期");
                }
            }
            output = connection.next() => match output {
                Some(Ok(WsMessage::Text(text))) => {
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(Ok(WsMessage::Close(code, reason))) => break (code, reason),
                Some(Err(_panic)) => {
                    tracing::error!("a GraphQL WebSocket connection panicked; closing it");
                    break close_with(CLOSE_INTERNAL, "服务器内部错误");
                }
                // The input ended: the client left, or the inspector refused a message.
                None => break closes.try_recv().unwrap_or_else(|_| close_with(CLOSE_NORMAL, "")),
            },
        }
    };
    close(&mut sink, ending).await;
}

/// Read `connection_init` and authenticate it: the message itself (the protocol still has to see it), the
/// principal and when the token expires (ms since the epoch). `Err(None)` when the client went away.
async fn handshake(
    source: &mut SplitStream<WebSocket>,
    tokens: &TokenService,
) -> Result<(Bytes, Principal, i64), Option<Closing>> {
    let first = match tokio::time::timeout(INIT_TIMEOUT, next_data(source)).await {
        Err(_) => return Err(Some(close_with(CLOSE_INIT_TIMEOUT, "连接初始化超时"))),
        Ok(None) => return Err(None),
        Ok(Some(Err(err))) => return Err(Some(read_failure(&err))),
        Ok(Some(Ok(bytes))) => bytes,
    };
    let forbidden = || Some(close_with(CLOSE_FORBIDDEN, "需要有效的访问令牌"));
    let envelope: Envelope = serde_json::from_slice(&first).map_err(|_| forbidden())?;
    if envelope.kind != "connection_init" {
        return Err(forbidden());
    }
    let token = envelope.payload.as_ref().and_then(token_in).ok_or_else(forbidden)?;
    let (principal, expires_at_ms) = authenticate(tokens, token).ok_or_else(forbidden)?;
    Ok((first, principal, expires_at_ms))
}

/// The next text or binary message; `None` when the client closed.
async fn next_data(source: &mut SplitStream<WebSocket>) -> Option<Result<Bytes, axum::Error>> {
    while let Some(message) = source.next().await {
        match message {
            Ok(Message::Text(text)) => return Some(Ok(Bytes::from(text))),
            Ok(Message::Binary(bytes)) => return Some(Ok(bytes)),
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            Ok(Message::Close(_)) => return None,
            Err(err) => return Some(Err(err)),
        }
    }
    None
}

/// Looks at each client message on its way to the protocol: passes text and binary messages on, takes a
/// fresh token from a `ping`, and ends the input — saying how to close — on a read error or a bad token.
struct Inspector {
    app: AppState,
    user: UserId,
    expires_at: Arc<AtomicI64>,
    closes: mpsc::UnboundedSender<Closing>,
}

impl Inspector {
    /// `None` ends the input; `Some(None)` skips the message.
    fn inspect(&self, message: Result<Message, axum::Error>) -> Option<Option<Bytes>> {
        let bytes = match message {
            Ok(Message::Text(text)) => Bytes::from(text),
            Ok(Message::Binary(bytes)) => bytes,
            Ok(Message::Ping(_) | Message::Pong(_)) => return Some(None),
            Ok(Message::Close(_)) => return None,
            Err(err) => return self.end(read_failure(&err)),
        };
        if let Some(payload) = ping_payload(&bytes)
            && let Some(token) = token_in(&payload)
        {
            match authenticate(&self.app.tokens, token) {
                Some((principal, expires_at_ms)) if principal.user_id == self.user => {
                    let _previous = self.expires_at.fetch_max(expires_at_ms, Ordering::SeqCst);
                }
                _ => return self.end(close_with(CLOSE_FORBIDDEN, "令牌无效或不属于本连接的用户")),
            }
        }
        Some(Some(bytes))
    }

    fn end(&self, closing: Closing) -> Option<Option<Bytes>> {
        let _ = self.closes.send(closing);
        None
    }
}

/// The schema, restricted to subscriptions: queries and mutations belong to HTTP, where the request limits
/// apply.
#[derive(Clone)]
struct SubscriptionsOnly {
    schema: AppSchema,
    gate: Arc<Gate>,
    app: AppState,
}

impl SubscriptionsOnly {
    fn refusal(&self) -> async_graphql::Response {
        let reason = xyd_reasons::Reason::SubscriptionsOnly;
        self.app.metrics.graphql_error(reason.class().as_str());
        async_graphql::Response::from_errors(vec![crate::graphql::refused_request(&reason, &[])])
    }
}

impl Executor for SubscriptionsOnly {
    async fn execute(&self, _request: async_graphql::Request) -> async_graphql::Response {
        self.refusal()
    }

    fn execute_stream(
        &self,
        mut request: async_graphql::Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        if let Err(refused) = self.gate.admit(&mut request) {
            let response = async_graphql::Response::from_errors(vec![refused]);
            count_errors(&self.app, &response);
            return futures::stream::once(future::ready(response)).boxed();
        }
        let name = request.operation_name.clone();
        let allowed = match request.parsed_query() {
            Ok(document) => selected_operation(document, name.as_deref()) == Some(OperationType::Subscription),
            // Unparseable: the schema answers with the syntax error, as over HTTP, and executes nothing.
            Err(_) => true,
        };
        if !allowed {
            return futures::stream::once(future::ready(self.refusal())).boxed();
        }
        let app = self.app.clone();
        // The parsed document stays in the request: the schema does not parse it again.
        Executor::execute_stream(&self.schema, request, session_data)
            .map(|mut response| {
                crate::graphql::classify(&mut response);
                response
            })
            .inspect(move |response| count_errors(&app, response))
            .boxed()
    }
}

/// The type of the operation the schema would run, chosen as async-graphql chooses it; `None` when it
/// would run none.
fn selected_operation(document: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), None) => Some(operation.node.ty),
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|op| op.node.ty)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

fn count_errors(app: &AppState, response: &async_graphql::Response) {
    for error in &response.errors {
        app.metrics.graphql_error(super::graphql::error_code(error));
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    payload: Option<Value>,
}

/// The payload of a `ping`; `None` for any other message. Only the type is read from other messages (their
/// payload may be a large request, parsed once by the protocol).
fn ping_payload(bytes: &[u8]) -> Option<Value> {
    #[derive(Deserialize)]
    struct Kind {
        #[serde(rename = "type", default)]
        kind: String,
    }
    let kind = serde_json::from_slice::<Kind>(bytes).ok()?.kind;
    if kind != "ping" {
        return None;
    }
    serde_json::from_slice::<Envelope>(bytes).ok()?.payload
}

/// The access token in a `connection_init` or `ping` payload.
fn token_in(payload: &Value) -> Option<&str> {
    let authorization = payload.get("authorization").or_else(|| payload.get("Authorization")).and_then(Value::as_str);
    let token = match authorization {
        Some(value) => super::strip_bearer(value).unwrap_or(value),
        None => payload.get("token")?.as_str()?,
    };
    Some(token.trim())
}

/// The principal of a valid access token and its expiry, in ms since the epoch.
fn authenticate(tokens: &TokenService, token: &str) -> Option<(Principal, i64)> {
    let (principal, exp) = tokens.verify_until(token).ok()?;
    Some((principal, exp.checked_mul(1000)?))
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// When a token expiring at `expires_at_ms` lapses, on the runtime's clock.
fn deadline(expires_at_ms: i64) -> Instant {
    let left = u64::try_from(expires_at_ms.saturating_sub(now_ms())).unwrap_or(0);
    Instant::now() + Duration::from_millis(left)
}

/// How to close after a failed read. axum's error exposes only its text; tungstenite reports a frame or
/// message over the configured size as "Message too long".
fn read_failure(err: &axum::Error) -> Closing {
    if err.to_string().contains("too long") {
        close_with(CLOSE_TOO_BIG, "消息过大")
    } else {
        close_with(CLOSE_PROTOCOL_ERROR, "消息无法读取")
    }
}

async fn close(sink: &mut SplitSink<WebSocket, Message>, (code, mut reason): Closing) {
    if reason.len() > MAX_CLOSE_REASON_BYTES {
        let mut end = MAX_CLOSE_REASON_BYTES;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
    tracing::debug!(code, reason = %reason, "closing a GraphQL WebSocket");
    // The client may be gone already; there is no one left to tell.
    let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
}
